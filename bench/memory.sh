#!/usr/bin/env bash
# Memory per order, end to end: one tessera-server and one tessera-load run
# on loopback; every INTERVAL seconds the server's resident set (VmRSS from
# /proc) and its live orders and commands (/metrics) are sampled.
#
#   MIX=hold-confirm bench/memory.sh                 # bytes per live order as confirmed orders pile up
#   MIX=hold-release DURATION=240 bench/memory.sh    # RSS while millions of orders come and go
#   BUILD=build/tools DURABILITY=none SHARDS=2 CONNECTIONS=2 PIPELINE=16 BATCH=1024 INTERVAL=10 bench/memory.sh
#
# Columns: seconds, commands applied (all shards), orders created (holds:
# half the commands of both mixes), live orders, RSS in MB, RSS per live
# order, and (RSS - RSS of the idle server) per live order. The idle RSS
# includes the order slots reserved at start (--orders-reserved-per-shard,
# RESERVED, default 1 Mi per shard as the server's default). Bounded: the
# load runs DURATION seconds (at most 600), the server is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build/release}
MIX=${MIX:-hold-confirm}
DURATION=${DURATION:-60}
INTERVAL=${INTERVAL:-5}
DURABILITY=${DURABILITY:-async}
SHARDS=${SHARDS:-2}
RESERVED=${RESERVED:-1048576}
CONNECTIONS=${CONNECTIONS:-2}
PIPELINE=${PIPELINE:-16}
BATCH=${BATCH:-1024}
SERVER=$BUILD/server/tessera-server
LOAD=$BUILD/tools/tessera-load
TOKEN=bench-admin
for b in "$SERVER" "$LOAD"; do
  [[ -x $b ]] || { echo "missing $b: build it (ninja -C $BUILD tessera-server tessera-load)" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/tessera-memory-bench.XXXXXX)
SERVER_PID= LOAD_PID=
cleanup() {
  [[ -n $LOAD_PID ]] && kill "$LOAD_PID" 2>/dev/null || true
  if [[ -n $SERVER_PID ]]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/data"
"$SERVER" --durability "$DURABILITY" --data-dir "$WORK/data" --shards "$SHARDS" --token "$TOKEN:admin" \
  --orders-reserved-per-shard "$RESERVED" --port 0 --admin-port 0 >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
PORT= ADMIN=
for _ in $(seq 100); do
  PORT=$(sed -n 's/.*listening on [^:]*:\([0-9]*\).*/\1/p' "$WORK/server.out")
  ADMIN=$(sed -n 's/.*(admin [a-z]* \([0-9]*\)).*/\1/p' "$WORK/server.out")
  [[ -n $PORT && -n $ADMIN ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if [[ -z $PORT || -z $ADMIN ]]; then
  echo "tessera-server did not start:" >&2
  cat "$WORK/server.out" "$WORK/server.err" >&2
  exit 3
fi

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$SERVER_PID/status"; }
# metric NAME: the sum over shards of a /metrics series.
metric() { awk -v n="$1" '$1 ~ "^"n"[{ ]" { s += $2 } END { printf "%d", s }' <<<"$METRICS"; }

sleep 1
IDLE_KB=$(rss_kb)
"$LOAD" --port "$PORT" --token "$TOKEN" --mix "$MIX" --duration-s "$DURATION" --connections "$CONNECTIONS" \
  --pipeline "$PIPELINE" --batch "$BATCH" --no-progress --json >"$WORK/load.json" 2>"$WORK/load.err" &
LOAD_PID=$!

echo "mix $MIX, durability $DURABILITY, $SHARDS shards, $RESERVED order slots reserved per shard," \
  "idle server RSS $((IDLE_KB / 1024)) MB"
echo "| s | commands | orders created | live orders | RSS MB | RSS B / live order | (RSS - idle) B / live order |"
echo "|---|---|---|---|---|---|---|"
START=$SECONDS
while kill -0 "$LOAD_PID" 2>/dev/null; do
  sleep "$INTERVAL"
  METRICS=$(curl -sf "http://127.0.0.1:$ADMIN/metrics" || true)
  [[ -n $METRICS ]] || continue
  commands=$(metric tessera_shard_commands_total)
  live=$(metric tessera_live_orders)
  kb=$(rss_kb)
  awk -v t=$((SECONDS - START)) -v c="$commands" -v l="$live" -v kb="$kb" -v idle="$IDLE_KB" 'BEGIN {
    per = l > 0 ? sprintf("%.0f", kb * 1024 / l) : "-";
    extra = l > 0 ? sprintf("%.0f", (kb - idle) * 1024 / l) : "-";
    printf "| %d | %d | %d | %d | %.0f | %s | %s |\n", t, c, c / 2, l, kb / 1024, per, extra }'
done
wait "$LOAD_PID" || { echo "tessera-load failed:" >&2; cat "$WORK/load.err" >&2; exit 1; }
LOAD_PID=
echo "tessera-load: $(cat "$WORK/load.json")"
