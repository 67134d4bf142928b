#!/usr/bin/env bash
# Cluster mode's replicated log against the single-node log (issue 25's
# throughput target): the same tessera-server binary, `tessera-load --mix
# rush --connections 8`, alternated in one run:
#   single   --durability sync (RocksDB, fsync per group commit)
#   cluster  --nats on a three-node JetStream cluster on this machine
#            (3 copies; the local log without fsync)
# ROUNDS rounds (3), each on a fresh data directory and fresh streams; prints
# every run, then the medians and their ratio. Three nats-server processes,
# the server and the load generator share the machine's cores: a real
# three-machine deployment adds one network round trip per group commit and
# takes the replicas off this machine's CPU.
#
#   bench/cluster_log.sh                       # binaries from build/release, 5 s per run
#   BUILD=build/test DURATION=3 bench/cluster_log.sh
#
# Bounded: each run lasts DURATION seconds, each start waits at most 10 s
# (the streams are made at the first start of each round), every process is
# stopped on exit. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build/release}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
NATS_SERVER=${NATS_SERVER:-/usr/sbin/nats-server}
WORK=$(mktemp -d /tmp/tessera-cluster-log.XXXXXX)
source bench/server_run.sh
require_binaries "$SERVER" "$LOAD" "$NATS_SERVER"
NATS_PIDS=()
cleanup() {
  stop_server
  for pid in "${NATS_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Three nats-server on loopback ports from a random base (client, route, monitor per node).
base=$((20000 + RANDOM % 20000))
urls=""
for i in 0 1 2; do
  routes=""
  for j in 0 1 2; do [[ $j == "$i" ]] || routes+="${routes:+, }nats-route://127.0.0.1:$((base + 10 + j))"; done
  cat >"$WORK/n$i.conf" <<EOF
server_name: n$i
listen: 127.0.0.1:$((base + i))
http: 127.0.0.1:$((base + 20 + i))
max_payload: 8MB
jetstream { store_dir: "$WORK/n$i" }
cluster { name: bench, listen: 127.0.0.1:$((base + 10 + i)), routes: [ $routes ] }
EOF
  "$NATS_SERVER" -c "$WORK/n$i.conf" -l "$WORK/n$i.log" &
  NATS_PIDS+=($!)
  urls+="${urls:+,}nats://127.0.0.1:$((base + i))"
done
for i in 0 1 2; do  # healthy: JetStream's meta group elected
  for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$((base + 20 + i))/healthz" >/dev/null && break
    sleep 0.1
  done
done

run_load() {
  "$LOAD" --port "$PORT" --token "$TOKEN" --duration-s "$DURATION" --connections 8 --mix rush --no-progress --json
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average before the runs: $LOAD_BEFORE" >&2
single=()
cluster=()
for round in $(seq "$ROUNDS"); do
  launch_server --durability sync --shards 2 --demo
  j=$(run_load)
  single+=("$(field "$j" commands_per_s)")
  echo "round $round single:  $j" >&2
  stop_server
  launch_server --shards 2 --demo --nats "$urls" --cluster-prefix "BENCH$round"
  j=$(run_load)
  cluster+=("$(field "$j" commands_per_s)")
  echo "round $round cluster: $j" >&2
  stop_server
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
ms=$(median "${single[@]}")
mc=$(median "${cluster[@]}")
echo "load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| log | commands/s per round | median |"
echo "|---|---|---|"
echo "| single node, sync | ${single[*]} | $ms |"
echo "| cluster, 3 JetStream copies | ${cluster[*]} | $mc |"
awk -v s="$ms" -v c="$mc" 'BEGIN { printf "single / cluster: %.2f\n", s / c }'
