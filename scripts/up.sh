#!/usr/bin/env bash
# up.sh -- install dependencies, build, and run a local everynode in the foreground.
#
# Starts `bin/everynode server` on 127.0.0.1 and `bin/everynode sim` with
# EVERYNODE_NODES (default 3) simulated nodes named node-0, node-1, ... (until
# `everynode up` runs real nodes), waits until it answers /readyz, and prints
# the line that points kubectl at it:
#     export KUBECONFIG=<data dir>/kubeconfig.yaml
# Ctrl-C (or SIGTERM) stops the server cleanly; its data stays in the data dir
# for the next start.
#
# Environment: EVERYNODE_DATA_DIR (default /var/lib/everynode as root,
# ~/.local/share/everynode otherwise), EVERYNODE_PORT (default 6443),
# EVERYNODE_BIND (default 127.0.0.1), EVERYNODE_NODES (default 3; 0 for none),
# SKIP_DEPS=1 to skip the apt step.
set -euo pipefail

cd "$(dirname "$0")/.."

if [ "${SKIP_DEPS:-0}" != "1" ]; then
    scripts/install-deps.sh
fi
make -j"${JOBS:-2}"

if [ "$(id -u)" -eq 0 ]; then
    default_dir=/var/lib/everynode
else
    default_dir="${XDG_DATA_HOME:-$HOME/.local/share}/everynode"
fi
DATA_DIR=${EVERYNODE_DATA_DIR:-$default_dir}
PORT=${EVERYNODE_PORT:-6443}
BIND=${EVERYNODE_BIND:-127.0.0.1}
mkdir -p "$DATA_DIR"

bin/everynode server --data-dir "$DATA_DIR" --bind-address "$BIND" --port "$PORT" &
server_pid=$!
# Forward Ctrl-C / SIGTERM to the server and wait for its clean exit.
trap 'kill -TERM "$server_pid" 2>/dev/null || true' INT TERM

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

cat <<EOF

everynode is up on $BIND:$PORT (data in $DATA_DIR).
Point kubectl at it with:

export KUBECONFIG=$DATA_DIR/kubeconfig.yaml

then try:  kubectl apply -f examples/node.yaml && kubectl apply -f examples/nginx-ds.yaml
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
