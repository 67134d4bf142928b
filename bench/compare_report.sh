#!/usr/bin/env bash
# Tables and chart of bench/compare.sh from its CSV:
#   bench/compare_report.sh build/compare/compare.csv build/compare/compare.png
# One markdown table per workload (every row, then Tessera/peer ratios of
# throughput and peer/Tessera of p99), the open-loop table (onsale-open:
# the rate asked, p50 / p99), and a PNG of throughput per system (log
# scale; closed-loop rows only) when gnuplot is installed. Tables of rows a
# CSV does not have (one written before they existed) are left out.
set -euo pipefail
CSV=$1
PNG=${2:-}

for workload in onsale rush expiry one-cmd-16x16 one-cmd-64x4; do
  case $workload in
    onsale) what="on-sale mix: holds/s (answered: Ok or SoldOut), latency per request";;
    rush) what="rush: holds/s until sold out (or time up), latency per request";;
    expiry) what="mass release of expired options: options released/s; latency: Tessera = deadline -> all stock back (one sample), peers = per sweep call of 1,000";;
    one-cmd-*)
      shape=${workload#one-cmd-}
      grep -q "^[^,]*,$workload," "$CSV" || continue
      what="one command per request, hold-release, ${shape/x/ connections x } in flight: holds/s, latency per request (Redis: per pipeline round; PostgreSQL: ${shape%x*} connections, one call each)";;
  esac
  echo
  echo "### $workload — $what"
  echo
  echo "| durability | system | throughput/s | p50 µs | p99 µs | p99.9 µs | sold | oversold | check | Tessera/peer throughput | peer/Tessera p99 |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  awk -F, -v w="$workload" '
    NR > 1 && $2 == w {
      # the setting field is quoted and has no commas; fields stay aligned
      key = $1; sys = $3
      thr[key, sys] = $5; p99[key, sys] = $7
      line[++n] = $0
    }
    END {
      for (i = 1; i <= n; ++i) {
        split(line[i], f, ",")
        key = f[1]; sys = f[3]
        rt = "—"; rp = "—"
        if (sys != "tessera" && thr[key, sys] > 0 && thr[key, "tessera"] > 0)
          rt = sprintf("%.1fx", thr[key, "tessera"] / thr[key, sys])
        if (sys != "tessera" && p99[key, sys] > 0 && p99[key, "tessera"] > 0)
          rp = sprintf("%.1fx", p99[key, sys] / p99[key, "tessera"])
        printf "| %s | %s | %\047.0f | %s | %s | %s | %s | %s | %s | %s | %s |\n",
               key, sys, f[5], f[6], f[7], f[8], f[9], f[10], (f[11] == "true" ? "PASS" : "FAIL"), rt, rp
      }
    }' "$CSV"
done

if grep -q "^[^,]*,onsale-open," "$CSV"; then
  echo
  echo "### onsale-open — the on-sale mix, open loop at half of each system's own closed-loop onsale commands/s; latency from the intended send time"
  echo
  echo "| durability | system | rate (commands/s) | holds/s | p50 µs | p99 µs | check | peer/Tessera p99 |"
  echo "|---|---|---|---|---|---|---|---|"
  awk -F, '
    NR > 1 && $2 == "onsale-open" {
      key = $1; sys = $3
      p99[key, sys] = $7
      line[++n] = $0
    }
    END {
      for (i = 1; i <= n; ++i) {
        split(line[i], f, ",")
        key = f[1]; sys = f[3]
        rp = "—"
        if (sys != "tessera" && p99[key, sys] > 0 && p99[key, "tessera"] > 0)
          rp = sprintf("%.1fx", p99[key, sys] / p99[key, "tessera"])
        printf "| %s | %s | %\047.0f | %\047.0f | %s | %s | %s | %s |\n",
               key, sys, f[12], f[5], f[6], f[7], (f[11] == "true" ? "PASS" : "FAIL"), rp
      }
    }' "$CSV"
fi

if [[ -n $PNG ]] && command -v gnuplot >/dev/null; then
  DAT=$(mktemp)
  # Not onsale-open: its throughput is the rate it was asked for.
  awk -F, 'NR > 1 && $2 != "onsale-open" { k = $2 " " $1; if (!(k in seen)) { seen[k] = 1; order[++n] = k } v[k, $3] = $5 }
           END { for (i = 1; i <= n; ++i) { k = order[i]; printf "\"%s\" %s %s %s\n", k,
                 v[k, "tessera"] + 0.1, v[k, "redis-lua"] + 0.1, v[k, "postgresql"] + 0.1 } }' "$CSV" >"$DAT"
  gnuplot <<GP
set terminal pngcairo size 1100,600 noenhanced
set output "$PNG"
set title "Tessera vs Redis (Lua) vs PostgreSQL (row locks) — same machine, same run"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel "throughput per second (log scale)"
set yrange [1:*]
set xtics rotate by -20
set key top right
set grid ytics
plot "$DAT" using 2:xtic(1) title "tessera", "" using 3 title "redis-lua", "" using 4 title "postgresql"
GP
  rm -f "$DAT"
  echo
  echo "chart: $PNG"
fi
