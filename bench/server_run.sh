# Sourced by the end-to-end bench scripts (load.sh, request_path.sh): the
# release binaries and one tessera-server at a time on loopback.
# Needs BUILD and WORK (a temporary directory) set; sets SERVER, LOAD, TOKEN;
# launch_server sets SERVER_PID and PORT, stop_server stops it.

SERVER=$BUILD/server/tessera-server
LOAD=$BUILD/tools/tessera-load
TOKEN=bench-admin
SERVER_PID=

# require_binaries PATH...: exits 2 naming the first one missing.
require_binaries() {
  local b
  for b in "$@"; do
    [[ -x $b ]] || { echo "missing $b: scripts/build release --target tessera-server tessera-load" >&2; exit 2; }
  done
}

stop_server() {
  if [[ -n $SERVER_PID ]]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  fi
}

# launch_server ARGS...: a fresh data directory, ephemeral ports, the admin
# token; waits at most 10 s for "listening" (exit 3 with the server's
# stderr otherwise).
launch_server() {
  rm -rf "$WORK/data" && mkdir -p "$WORK/data"
  "$SERVER" --data-dir "$WORK/data" --token "$TOKEN:admin" --port 0 --admin-port 0 "$@" \
    >"$WORK/server.out" 2>"$WORK/server.err" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    PORT=$(sed -n 's/.*listening on [^:]*:\([0-9]*\).*/\1/p' "$WORK/server.out")
    [[ -n $PORT ]] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "tessera-server $* did not start:" >&2
  cat "$WORK/server.err" >&2
  exit 3
}

# field JSON NAME: a number from tessera-load's one-line JSON report.
field() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" <<<"$1"; }
