#!/usr/bin/env bash
# The request path end to end (issue 23): the same server binary with its
# connections on the shards' threads (--io-threads 0, the default) and on an
# I/O thread of their own (--io-threads 1, the old path: every command
# crosses threads twice), in one run, for each durability mode:
#   one-cmd 16x16   hold-release, one command per request, 16 connections x 16 in flight
#   one-cmd 64x4    the same, 64 connections x 4 in flight
#   lone 1x1x1      one connection, one request in flight, one command (a round trip)
#   closed 2x16x16  2 connections x 16 in flight x 16 commands (the peak)
#   open at 50 %    the same shape, open loop (--rate) at half of that peak:
#                   latency from the intended send time
# and, when redis-benchmark is installed, Redis' PING round trip (1 client,
# no pipelining) on the same box in the same run, the reference for `lone`.
#
#   bench/request_path.sh                 # binaries from build/release, 5 s per run
#   DURATION=3 MODES="none async" IO="0 1" bench/request_path.sh
#
# Bounded: each run lasts DURATION seconds, each server start waits at most
# 10 s, every server is stopped on exit. Loopback only. Prints a table.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build/release}
DURATION=${DURATION:-5}
MODES=${MODES:-none async sync}
IO=${IO:-0 1}
WORK=$(mktemp -d /tmp/tessera-request-path.XXXXXX)
source bench/server_run.sh
require_binaries "$SERVER" "$LOAD"
REDIS_PID=
cleanup() {
  stop_server
  if [[ -n $REDIS_PID ]]; then kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_server MODE IO_THREADS: sets PORT.
start_server() { launch_server --durability "$1" --io-threads "$2" --shards 2; }

run_load() {  # run_load CONNECTIONS PIPELINE BATCH [ARGS...]
  local c=$1 p=$2 b=$3
  shift 3
  "$LOAD" --port "$PORT" --token "$TOKEN" --duration-s "$DURATION" --connections "$c" --pipeline "$p" \
    --batch "$b" --mix hold-release --no-progress --json "$@"
}

ROWS=()
row() {  # row MODE IO SHAPE JSON
  local j=$4
  ROWS+=("$(printf '| %-5s | %2s | %-16s | %10s | %8s | %8s | %8s |' "$1" "$2" "$3" "$(field "$j" commands_per_s)" \
    "$(field "$j" latency_us_p50)" "$(field "$j" latency_us_p99)" "$(field "$j" latency_us_p999)")")
}

echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for mode in $MODES; do
  for io in $IO; do
    start_server "$mode" "$io"
    echo "== durability $mode, io_threads $io" >&2
    row "$mode" "$io" "one-cmd 16x16" "$(run_load 16 16 1)"
    row "$mode" "$io" "one-cmd 64x4" "$(run_load 64 4 1)"
    row "$mode" "$io" "lone 1x1x1" "$(run_load 1 1 1)"
    j=$(run_load 2 16 16)
    row "$mode" "$io" "closed 2x16x16" "$j"
    half=$(awk -v p="$(field "$j" commands_per_s)" 'BEGIN { printf "%d", p / 2 }')
    row "$mode" "$io" "open $half/s" "$(run_load 2 16 16 --rate "$half")"
    stop_server
  done
done

PING=""
if command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null && command -v redis-cli >/dev/null; then
  redis-server --port 16399 --bind 127.0.0.1 --save "" --appendonly no >/dev/null 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 50); do redis-cli -p 16399 ping >/dev/null 2>&1 && break; sleep 0.1; done
  # "latency summary (msec): avg min p50 p95 p99 max" then the values.
  PING=$(redis-benchmark -p 16399 -c 1 -P 1 -n 50000 -t ping_mbulk 2>/dev/null | awk '/latency summary/ { getline; getline; print $3 * 1000; exit }')
fi

echo
echo "2 shards, ${DURATION} s per run, hold-release; load average before: $LOAD_BEFORE; latency per request in µs"
echo "| mode  | io | shape            | commands/s | p50 µs   | p99 µs   | p99.9 µs |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
if [[ -n $PING ]]; then echo "redis-benchmark -c 1 -P 1 PING: p50 $PING µs"; fi
