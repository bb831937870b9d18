#!/usr/bin/env bash
# up.sh -- install dependencies, build, and run a local everynode cluster in the
# foreground.
#
# As root (with runc, ip and the overlay filesystem, which install-deps.sh and
# the kernel provide), it builds the binary and the demo images (`make all
# images`) and runs `bin/everynode up`: a server and EVERYNODE_NODES (default 3)
# real nodes node-1 ... node-N, each in its own network namespace with its own
# address on a bridge (10.77.0.11, .12, ...), running pods as runc containers.
#
# Otherwise (not root, or runc / ip / overlay missing) it says why and falls
# back to what needs no privileges: `everynode server` on 127.0.0.1 and
# `everynode sim` with EVERYNODE_NODES simulated nodes (node-0, node-1, ...), which
# run the DaemonSet controller for real but no containers (no `kubectl logs`).
#
# Either way it prints the line that points kubectl at the cluster:
#     export KUBECONFIG=<data dir>/kubeconfig.yaml
# and Ctrl-C (or SIGTERM) stops everything; `everynode up` also removes the
# containers, mounts, cgroups, namespaces and bridge it made.  Data stays in
# the data dir for the next start.
#
# Environment: EVERYNODE_DATA_DIR (default /var/lib/everynode as root,
# ~/.local/share/everynode otherwise), EVERYNODE_PORT (default 6443),
# EVERYNODE_NODES (default 3), EVERYNODE_SUBNET (default 10.77.0.0/24, `up`
# only), EVERYNODE_BIND (default 127.0.0.1, simulated cluster only),
# EVERYNODE_SIMULATED=1 to use the simulated cluster even as root,
# SKIP_DEPS=1 to skip the apt step.
set -euo pipefail

cd "$(dirname "$0")/.."

if [ "${SKIP_DEPS:-0}" != "1" ]; then
    scripts/install-deps.sh
fi

if [ "$(id -u)" -eq 0 ]; then
    default_dir=/var/lib/everynode
else
    default_dir="${XDG_DATA_HOME:-$HOME/.local/share}/everynode"
fi
DATA_DIR=${EVERYNODE_DATA_DIR:-$default_dir}
PORT=${EVERYNODE_PORT:-6443}
NODES=${EVERYNODE_NODES:-3}
SUBNET=${EVERYNODE_SUBNET:-10.77.0.0/24}
BIND=${EVERYNODE_BIND:-127.0.0.1}

# Can this machine run real nodes?  Say what is missing when not.
why_not=()
[ "$(id -u)" -eq 0 ] || why_not+=("not root")
command -v runc >/dev/null 2>&1 || why_not+=("no runc")
command -v ip >/dev/null 2>&1 || why_not+=("no ip (iproute2)")
grep -qw overlay /proc/filesystems 2>/dev/null || modprobe overlay 2>/dev/null ||
    why_not+=("no overlay filesystem")
[ "${EVERYNODE_SIMULATED:-0}" != "1" ] || why_not+=("EVERYNODE_SIMULATED=1")

if [ ${#why_not[@]} -eq 0 ]; then
    make -j"${JOBS:-2}" all images
    mkdir -p "$DATA_DIR"
    # `up` prints the export line once every node is Ready, and handles
    # Ctrl-C / SIGTERM itself (exec: the signal goes straight to it).
    exec bin/everynode up --data-dir "$DATA_DIR" --nodes "$NODES" --port "$PORT" \
        --subnet "$SUBNET"
fi

echo "up.sh: no real nodes ($(IFS=,; echo "${why_not[*]}" | sed 's/,/, /g'); they need" \
    "root, runc, ip and overlay): starting a simulated cluster instead." >&2
make -j"${JOBS:-2}"
mkdir -p "$DATA_DIR"

bin/everynode server --data-dir "$DATA_DIR" --bind-address "$BIND" --port "$PORT" &
server_pid=$!
sim_pid=
stop() {
    [ -z "$sim_pid" ] || kill -TERM "$sim_pid" 2>/dev/null || true
    kill -TERM "$server_pid" 2>/dev/null || true
}
# Forward Ctrl-C / SIGTERM to the server (and sim) and wait for their clean exit.
trap stop INT TERM

ready=0
for _ in $(seq 1 150); do  # 15 s
    if ! kill -0 "$server_pid" 2>/dev/null; then
        break
    fi
    # /readyz over whatever scheme the server wrote into its kubeconfig (https with
    # its own CA, which is not worth verifying for a liveness probe on loopback).
    if /usr/bin/python3 - "$BIND" "$PORT" "$DATA_DIR/kubeconfig.yaml" <<'PY' 2>/dev/null
import re, ssl, sys, urllib.request
host = "127.0.0.1" if sys.argv[1] in ("0.0.0.0", "::") else sys.argv[1]
with open(sys.argv[3]) as f:
    m = re.search(r"server:\s*(https?)://", f.read())
scheme = m.group(1) if m else "http"
ctx = ssl._create_unverified_context() if scheme == "https" else None
with urllib.request.urlopen(f"{scheme}://{host}:{sys.argv[2]}/readyz", timeout=1, context=ctx) as r:
    sys.exit(0 if r.read().strip() == b"ok" else 1)
PY
    then
        ready=1
        break
    fi
    sleep 0.1
done

if [ $ready -ne 1 ]; then
    echo "up.sh: everynode server did not become ready (see its log above)" >&2
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" || true
    exit 1
fi

if [ "$NODES" -gt 0 ]; then
    bin/everynode sim --kubeconfig "$DATA_DIR/kubeconfig.yaml" --nodes "$NODES" \
        --name-prefix node- &
    sim_pid=$!
fi

cat <<EOF

everynode is up on $BIND:$PORT (data in $DATA_DIR) with $NODES simulated node(s).
Point kubectl at it with:

export KUBECONFIG=$DATA_DIR/kubeconfig.yaml

then try:  kubectl get nodes && kubectl apply -f examples/nginx-ds.yaml
Ctrl-C stops the server.
EOF

# `wait` returns early (status > 128) when a trapped signal arrives while the
# server is still shutting down: keep waiting until it has really exited.
while :; do
    rc=0
    wait "$server_pid" || rc=$?
    if [ "$rc" -gt 128 ] && kill -0 "$server_pid" 2>/dev/null; then
        continue
    fi
    break
done
if [ -n "$sim_pid" ]; then
    kill -TERM "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
fi
exit "$rc"
