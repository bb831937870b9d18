#!/usr/bin/env bash
# install-deps.sh -- install every Debian package everynode needs to build and test.
#
# Idempotent: packages already installed are left alone and, when nothing is
# missing, apt is not touched at all.  The package lists are refreshed first
# when they are empty or older than a day, and once more if an install fails
# (a stale list names versions the mirror no longer has).
#
# One TLS stack: GnuTLS.  libcurl4-gnutls-dev (libcurl built with GnuTLS, the
# library libmicrohttpd uses too) replaces libcurl4-openssl-dev if that is
# installed; libgnutls28-dev and nettle-dev are for certificates, digests and
# base64.
#
# kubectl is not a Debian package; scripts/test.sh checks for it separately.
# Runs as root, or through sudo when that is available.
set -euo pipefail

PACKAGES=(
    build-essential pkg-config
    libmicrohttpd-dev libjansson-dev libyaml-dev libsqlite3-dev
    libcurl4-gnutls-dev libgnutls28-dev nettle-dev libarchive-dev libcmocka-dev libjemalloc-dev
    zlib1g-dev libbz2-dev liblzma-dev libzstd-dev libacl1-dev
    python3 python3-pytest
    cppcheck iproute2 gnuplot-nox
    runc busybox-static docker-registry
)

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=()
for p in "${PACKAGES[@]}"; do
    is_installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#PACKAGES[@]} packages already installed"
    exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive

lists_stale() {
    # No Packages index at all, or none refreshed within the last day.
    local fresh
    fresh=$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mtime -1 2>/dev/null | head -n 1)
    [ -z "$fresh" ]
}

if lists_stale; then
    echo "install-deps: refreshing package lists"
    "${SUDO[@]}" apt-get update -q
fi

echo "install-deps: installing ${missing[*]}"
if ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; then
    echo "install-deps: install failed; refreshing package lists and retrying once"
    "${SUDO[@]}" apt-get update -q
    "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

still=()
for p in "${PACKAGES[@]}"; do
    is_installed "$p" || still+=("$p")
done
if [ ${#still[@]} -ne 0 ]; then
    echo "install-deps: still missing after install: ${still[*]}" >&2
    exit 1
fi
echo "install-deps: done"
