#!/usr/bin/env bash
# Side-by-side comparison: Tessera vs Redis (Lua scripts) vs PostgreSQL (row
# locks, SKIP LOCKED), same machine, same run, same venue, same workloads.
#
#   bench/compare.sh            # ~8 min: 10 s per run
#   bench/compare.sh --quick    # ~2-3 min: 3 s per run, smaller rush and expiry
#   BUILD=build/release OUT=build/compare DURATION=10 bench/compare.sh
#
# Installs redis-server, postgresql and gnuplot-nox from Debian if missing,
# starts each server on 127.0.0.1 in a temporary directory (settings printed),
# and for each durability pair
#   nofsync: tessera --durability async | redis appendonly no            | pg fsync=off synchronous_commit=off
#   fsync:   tessera --durability sync  | redis appendfsync always (AOF) | pg fsync=on  synchronous_commit=on
# runs three workloads against all three systems:
#   onsale  holds of 1..4 units on 5 GA categories x 10,000 + a 20,000-seat
#           area, then 5 % confirmed, 75 % released, 20 % left to expire (TTL 2 s)
#   rush    many clients race for one quota of RUSH_CAPACITY units (hot row)
#           until sold out (or DURATION), every hold confirmed
#   expiry  EXPIRY_OPTIONS 1-unit options expire at one instant: time to release all
# then two more kinds of rows, again for all three systems:
#   onsale-open  the onsale run again, open loop (--rate) at half of that
#           system's own closed-loop onsale commands/s just measured (same
#           client shape); latency from the intended send time
#   one-cmd-16x16, one-cmd-64x4  one command per request: hold-release
#           (hold 1 unit, release it in a later request), 16 connections x
#           16 in flight and 64 x 4 (see the *_ONE_* shapes below)
# Each run ends with a recount from the system's own state (oversold must be 0).
# Prints one table per workload, writes $OUT/compare.csv and $OUT/compare.png.
# Bounded: every run is capped by DURATION (+ its check); every server this
# script started is stopped and its directory removed on exit. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
[[ ${1:-} == --quick ]] && QUICK=1
BUILD=${BUILD:-build/release}
OUT=${OUT:-build/compare}
if ((QUICK)); then
  DURATION=${DURATION:-3}; RUSH_CAPACITY=${RUSH_CAPACITY:-200000}; EXPIRY_OPTIONS=${EXPIRY_OPTIONS:-20000}
else
  DURATION=${DURATION:-10}; RUSH_CAPACITY=${RUSH_CAPACITY:-1000000}; EXPIRY_OPTIONS=${EXPIRY_OPTIONS:-50000}
fi
SERVER=$BUILD/server/tessera-server
LOAD=$BUILD/tools/tessera-load
PEER=$BUILD/bench/tessera-peer-load
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

# Client shapes (documented in bench/README.md): Tessera requests of a few
# dozen commands, Redis pipelines of the same size, a PostgreSQL pool.
T_ONSALE=(--connections 4 --pipeline 4 --batch 32)
T_RUSH=(--connections 16 --pipeline 2 --batch 16)
R_ONSALE=(--connections 4 --pipeline 32)
R_RUSH=(--connections 16 --pipeline 16)
P_POOL=(--connections 8)
# One command per request, hold-release. Tessera: requests of one command,
# 16 connections x 16 in flight and 64 x 4. Redis: the same connection and
# pipeline counts, each op its own EVALSHA (one script call, one request, as
# always in Redis); what differs: tessera-peer-load pipelines in lockstep
# rounds (the next 16 leave when all 16 are answered, where tessera-load
# refills each slot as its reply comes) and times a round (to its last
# reply), not each request. PostgreSQL: tessera-peer-load has no pipelining
# (one call per round trip, one in flight per connection), so 16 and 64
# connections, 16 and 64 calls in flight (Tessera, Redis: 256); 64 = the
# max_connections below (a superuser may use every slot; no sweeper runs in
# hold-release).
T_ONE_16=(--connections 16 --pipeline 16 --batch 1)
T_ONE_64=(--connections 64 --pipeline 4 --batch 1)
R_ONE_16=(--connections 16 --pipeline 16)
R_ONE_64=(--connections 64 --pipeline 4)
P_ONE_16=(--connections 16)
P_ONE_64=(--connections 64)

install_missing() {
  local missing=()
  for p in redis-server postgresql gnuplot-nox; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "compare: installing ${missing[*]}" >&2
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo=sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
}

install_missing
for b in "$SERVER" "$LOAD" "$PEER"; do
  [[ -x $b ]] || { echo "missing $b: scripts/build release --target tessera-server tessera-load tessera-peer-load" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/tessera-compare.XXXXXX)
chmod 755 "$WORK"
TESSERA_PID= REDIS_PID= PG_UP=0
# PostgreSQL refuses to run as root: its cluster belongs to the postgres user.
PG_USER=$(id -un)
AS_PG=()
if [[ $(id -u) -eq 0 ]]; then PG_USER=postgres; AS_PG=(runuser -u postgres --); fi

stop_tessera() { [[ -n $TESSERA_PID ]] && { kill -TERM "$TESSERA_PID" 2>/dev/null || true; wait "$TESSERA_PID" 2>/dev/null || true; }; TESSERA_PID=; }
stop_redis() { [[ -n $REDIS_PID ]] && { kill -TERM "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; }; REDIS_PID=; }
stop_pg() { ((PG_UP)) && "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true; PG_UP=0; }
cleanup() { stop_tessera; stop_redis; stop_pg; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 30000))
    ss -ltn "sport = :$p" | grep -q LISTEN || { echo "$p"; return; }
  done
  echo "no free port" >&2; exit 3
}

# start_tessera MODE
start_tessera() {
  rm -rf "$WORK/tessera" && mkdir -p "$WORK/tessera"
  "$SERVER" --durability "$1" --data-dir "$WORK/tessera" --shards 2 --token bench-admin:admin \
    --port 0 --admin-port 0 >"$WORK/tessera.out" 2>"$WORK/tessera.err" &
  TESSERA_PID=$!
  for _ in $(seq 100); do
    T_PORT=$(sed -n 's/.*listening on [^:]*:\([0-9]*\).*/\1/p' "$WORK/tessera.out")
    [[ -n $T_PORT ]] && return 0
    sleep 0.1
  done
  cat "$WORK/tessera.err" >&2; exit 3
}

# start_redis ARGS...
start_redis() {
  rm -rf "$WORK/redis" && mkdir -p "$WORK/redis"
  R_PORT=$(free_port)
  redis-server --bind 127.0.0.1 --port "$R_PORT" --dir "$WORK/redis" --save '' --protected-mode yes \
    --daemonize no --logfile "$WORK/redis/log" "$@" &
  REDIS_PID=$!
  for _ in $(seq 100); do
    redis-cli -p "$R_PORT" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  cat "$WORK/redis/log" >&2; exit 3
}

# start_pg SETTINGS...
start_pg() {
  rm -rf "$WORK/pg"
  mkdir -p "$WORK/pg" && chown "$PG_USER" "$WORK/pg"
  "${AS_PG[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -U "$PG_USER" -A trust >/dev/null
  P_PORT=$(free_port)
  { echo "listen_addresses = '127.0.0.1'"; echo "port = $P_PORT"; echo "unix_socket_directories = '$WORK/pg'"
    echo "max_connections = 64"; echo "shared_buffers = 1GB"
    for s in "$@"; do echo "$s"; done; } >>"$WORK/pg/postgresql.conf"
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/log" -w -t 30 start >/dev/null
  PG_UP=1
}

field() { sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p" <<<"$1" | head -1; }

mkdir -p "$OUT"
CSV=$OUT/compare.csv
echo "durability,workload,system,setting,throughput_per_s,p50_us,p99_us,p999_us,sold_units,oversold_units,check,rate_per_s" >"$CSV"
SETTINGS=()

# record DURABILITY WORKLOAD SYSTEM SETTING JSON
record() {
  local j=$5 check
  check=$(field "$j" check_pass)
  [[ $check == true ]] || echo "!! $3 $2 ($1): $(field "$j" check)" >&2
  echo "$1,$2,$3,\"$4\",$(field "$j" throughput_per_s),$(field "$j" latency_us_p50),$(field "$j" latency_us_p99),$(field "$j" latency_us_p999),$(field "$j" sold_units),$(field "$j" oversold_units),$check,$(field "$j" rate)" >>"$CSV"
}

# run_or_fail CMD...: the JSON line, or a failure object (the table shows it).
run_json() {
  local out
  if out=$("$@" 2>"$WORK/client.err"); then echo "$out"; return; fi
  [[ -n $out ]] && { echo "$out"; return; }
  echo "{\"check_pass\":false,\"check\":\"client failed: $(tr '\n"' ' ' <"$WORK/client.err" | head -c 300)\"}"
}

tessera_run() {  # MIX ARGS...
  local mix=$1; shift
  run_json "$LOAD" --port "$T_PORT" --token bench-admin --mix "$mix" --duration-s "$DURATION" --no-progress --json "$@"
}
peer_run() {  # SYSTEM PORT MIX ARGS...
  local system=$1 port=$2 mix=$3; shift 3
  run_json "$PEER" --system "$system" --port "$port" --user "$PG_USER" --mix "$mix" --duration-s "$DURATION" \
    --capacity "$RUSH_CAPACITY" --options "$EXPIRY_OPTIONS" --json "$@"
}

# tessera_one_cmd ARGS...: tessera_run hold-release. tessera-load checks no
# stock in that mix, so the row's check is: no request failed and every reply
# was Ok (the peers recount their stock, as in every row).
tessera_one_cmd() {
  local j codes
  j=$(tessera_run hold-release "$@")
  if [[ -z $(field "$j" check_pass) ]]; then
    codes=$(sed -n 's/.*"codes":{\([^}]*\)}.*/\1/p' <<<"$j")
    if [[ $(field "$j" failed_requests) == 0 && $codes =~ ^\"Ok\":[0-9]+$ ]]; then
      j="${j%\}},\"check_pass\":true,\"check\":\"every reply Ok\"}"
    else
      j="${j%\}},\"check_pass\":false,\"check\":\"failed requests $(field "$j" failed_requests); replies ${codes//\"/}\"}"
    fi
  fi
  echo "$j"
}

# half_peak JSON: half the commands/s of a closed-loop run (every command:
# holds and their follow-ups, the unit of --rate in both clients); nothing
# if the run gave no figure.
half_peak() {
  local c
  c=$(field "$1" commands_per_s)
  if [[ $c =~ ^[0-9]+$ ]] && ((c >= 2)); then echo $((c / 2)); fi
}

# open_row DURABILITY SYSTEM SETTING CLOSED_JSON RUN...: the onsale-open row,
# RUN (tessera_run / peer_run and its arguments) with --rate at half the
# closed-loop run's commands/s.
open_row() {
  local durability=$1 system=$2 setting=$3 rate
  rate=$(half_peak "$4")
  shift 4
  if [[ -z $rate ]]; then
    record "$durability" onsale-open "$system" "$setting" '{"check_pass":false,"check":"no closed-loop peak to halve"}'
    return
  fi
  record "$durability" onsale-open "$system" "$setting" "$("$@" --rate "$rate")"
}

for durability in nofsync fsync; do
  if [[ $durability == nofsync ]]; then
    t_mode=async; t_set="--durability async (RocksDB log; no fsync)"
    r_args=(--appendonly no); r_set="appendonly no; save ''"
    p_args=(fsync=off synchronous_commit=off full_page_writes=off)
  else
    t_mode=sync; t_set="--durability sync (fsync per group commit)"
    r_args=(--appendonly yes --appendfsync always); r_set="appendonly yes; appendfsync always"
    p_args=(fsync=on synchronous_commit=on full_page_writes=on)
  fi
  p_set="${p_args[*]}"
  start_tessera "$t_mode"; start_redis "${r_args[@]}"; start_pg "${p_args[@]}"
  echo "== $durability: tessera $t_set; redis $r_set; postgresql $p_set; shared_buffers=1GB; pool of 8" >&2
  SETTINGS+=("$durability: Tessera $t_set, 2 shards | Redis $(redis-server --version | awk '{print $3}') $r_set | PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') $p_set")

  echo "-- onsale" >&2
  t_onsale=$(tessera_run onsale "${T_ONSALE[@]}")
  record "$durability" onsale tessera "$t_set" "$t_onsale"
  r_onsale=$(peer_run redis "$R_PORT" onsale "${R_ONSALE[@]}")
  record "$durability" onsale redis-lua "$r_set" "$r_onsale"
  p_onsale=$(peer_run postgres "$P_PORT" onsale "${P_POOL[@]}")
  record "$durability" onsale postgresql "$p_set" "$p_onsale"
  echo "-- rush ($RUSH_CAPACITY units)" >&2
  record "$durability" rush tessera "$t_set" "$(tessera_run rush --capacity "$RUSH_CAPACITY" "${T_RUSH[@]}")"
  record "$durability" rush redis-lua "$r_set" "$(peer_run redis "$R_PORT" rush "${R_RUSH[@]}")"
  record "$durability" rush postgresql "$p_set" "$(peer_run postgres "$P_PORT" rush "${P_POOL[@]}")"
  echo "-- expiry ($EXPIRY_OPTIONS options)" >&2
  record "$durability" expiry tessera "$t_set" "$(tessera_run expiry --options "$EXPIRY_OPTIONS")"
  record "$durability" expiry redis-lua "$r_set" "$(peer_run redis "$R_PORT" expiry "${R_ONSALE[@]}")"
  record "$durability" expiry postgresql "$p_set" "$(peer_run postgres "$P_PORT" expiry "${P_POOL[@]}")"
  # After every earlier row, so those run exactly as before.
  echo "-- onsale, open loop at half of each system's closed-loop onsale commands/s" >&2
  open_row "$durability" tessera "$t_set" "$t_onsale" tessera_run onsale "${T_ONSALE[@]}"
  open_row "$durability" redis-lua "$r_set" "$r_onsale" peer_run redis "$R_PORT" onsale "${R_ONSALE[@]}"
  open_row "$durability" postgresql "$p_set" "$p_onsale" peer_run postgres "$P_PORT" onsale "${P_POOL[@]}"
  echo "-- one command per request (hold-release), 16 x 16 and 64 x 4" >&2
  record "$durability" one-cmd-16x16 tessera "$t_set" "$(tessera_one_cmd "${T_ONE_16[@]}")"
  record "$durability" one-cmd-16x16 redis-lua "$r_set" "$(peer_run redis "$R_PORT" hold-release "${R_ONE_16[@]}")"
  record "$durability" one-cmd-16x16 postgresql "$p_set" "$(peer_run postgres "$P_PORT" hold-release "${P_ONE_16[@]}")"
  record "$durability" one-cmd-64x4 tessera "$t_set" "$(tessera_one_cmd "${T_ONE_64[@]}")"
  record "$durability" one-cmd-64x4 redis-lua "$r_set" "$(peer_run redis "$R_PORT" hold-release "${R_ONE_64[@]}")"
  record "$durability" one-cmd-64x4 postgresql "$p_set" "$(peer_run postgres "$P_PORT" hold-release "${P_ONE_64[@]}")"
  stop_tessera; stop_redis; stop_pg
done

bench/compare_report.sh "$CSV" "$OUT/compare.png"
echo
echo "Settings:"
printf '  %s\n' "${SETTINGS[@]}"
echo "Durations: ${DURATION} s per onsale / rush run; rush quota $RUSH_CAPACITY units; expiry $EXPIRY_OPTIONS options."
echo "Open loop: onsale at half of each system's own closed-loop onsale commands/s; one command per request: hold-release, ${DURATION} s per run."
echo "CSV: $CSV   chart: $OUT/compare.png"
