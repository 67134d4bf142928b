#!/usr/bin/env bash
# End-to-end load benchmark: tessera-server + tessera-load on loopback.
#
# For each durability mode (none, async, sync) it starts a fresh server in a
# temporary data directory, runs the closed-loop hold-release mix, stops the
# server; then, on a fresh `none` server, runs the open loop at 50 % of the
# peak measured for `none` (p99 at half load). Prints a table at the end.
#
#   bench/load.sh                      # binaries from build/release
#   BUILD=build/tools bench/load.sh    # another build directory
#   DURATION=5 CONNECTIONS=2 PIPELINE=16 BATCH=1024 SHARDS=2 bench/load.sh
#   TLS=1 bench/load.sh                # TLS on the protocol port (a throwaway
#                                      # self-signed certificate; needs openssl)
#
# Everything is bounded: each run lasts DURATION seconds (tessera-load caps
# it at 600), each server start waits at most 10 s, and every server is
# stopped on exit. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build/release}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-2}
PIPELINE=${PIPELINE:-16}
BATCH=${BATCH:-1024}
SHARDS=${SHARDS:-2}
TLS=${TLS:-0}
WORK=$(mktemp -d /tmp/tessera-load-bench.XXXXXX)
source bench/server_run.sh
require_binaries "$SERVER" "$LOAD"
trap 'stop_server; rm -rf "$WORK"' EXIT

SERVER_TLS=() LOAD_TLS=()
if [[ $TLS == 1 ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$WORK/server.key" -out "$WORK/server.crt" 2>/dev/null
  SERVER_TLS=(--tls-cert-file "$WORK/server.crt" --tls-key-file "$WORK/server.key")
  LOAD_TLS=(--ca "$WORK/server.crt")
fi

# start_server MODE: sets PORT.
start_server() { launch_server --durability "$1" --shards "$SHARDS" "${SERVER_TLS[@]}"; }

# run_load ARGS...: runs tessera-load, echoes its JSON report.
run_load() {
  "$LOAD" --port "$PORT" --token "$TOKEN" --duration-s "$DURATION" --connections "$CONNECTIONS" \
    --pipeline "$PIPELINE" --batch "$BATCH" --no-progress --json "${LOAD_TLS[@]}" "$@"
}

ROWS=()
row() {  # row LABEL JSON
  local j=$2
  ROWS+=("$(printf '| %-34s | %12s | %9s | %9s | %9s | %9s |' "$1" "$(field "$j" commands_per_s)" \
    "$(field "$j" latency_us_p50)" "$(field "$j" latency_us_p99)" "$(field "$j" latency_us_p999)" \
    "$(field "$j" latency_us_max)")")
}

declare -A PEAK
for mode in none async sync; do
  start_server "$mode"
  echo "== durability $mode: hold-release, closed loop ($CONNECTIONS conn x $PIPELINE in flight x $BATCH cmds)" >&2
  j=$(run_load --mix hold-release)
  echo "$j" >&2
  PEAK[$mode]=$(field "$j" commands_per_s)
  row "hold-release closed loop, $mode" "$j"
  stop_server
done

HALF=$(awk -v p="${PEAK[none]}" 'BEGIN { printf "%d", p / 2 }')
start_server none
echo "== durability none: hold-release, open loop at 50 % of peak ($HALF cmd/s)" >&2
j=$(run_load --mix hold-release --rate "$HALF")
echo "$j" >&2
row "hold-release open loop $HALF/s, none" "$j"
stop_server

echo
echo "connections $CONNECTIONS, pipeline $PIPELINE, batch $BATCH, shards $SHARDS, ${DURATION} s per run, TLS $TLS; latency per request in µs"
echo "| run                                | commands/s   | p50 µs    | p99 µs    | p99.9 µs  | max µs    |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
