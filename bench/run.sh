#!/usr/bin/env bash
# Cross-framework benchmark: every server pinned to core 0 with one tokio worker, wrk pinned to
# core 1, servers interleaved A B C .. then .. C B A so drift and slot effects hit them alike. Prints a markdown table
# of req/s and p99 with each server's ratio to hyper_raw and to its peer (hyper_matchit for
# lauren_plain and axum_plain, hyper_full for lauren_full and axum_layers), measured in the same run.
#
#   bash bench/run.sh            # ~7 minutes on a 2-core machine, plus a first build (~2.5)
#   ROUNDS=4 bash bench/run.sh   # ~9.5 minutes: what docs/performance.md records (medians of 4)
#   ROUNDS=1 DURATION=3 bash bench/run.sh   # quicker, noisier
#   SERVERS="lauren_plain hyper_raw axum_layers" ENDPOINTS=/plaintext bash bench/run.sh
#   KEEP=1 bash bench/run.sh     # keep every wrk output (the directory is printed)
# hyper_raw must be in SERVERS: the first ratio is taken against it; a peer column is filled
# when the peer was measured too.
set -euo pipefail
cd "$(dirname "$0")"

# Two rounds (one each way) keep a cold run, build included, under 10 minutes.
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-5}
read -r -a SERVERS <<< "${SERVERS:-hyper_raw hyper_matchit hyper_full axum_plain axum_layers lauren_plain lauren_full}"
read -r -a ENDPOINTS <<< "${ENDPOINTS:-/plaintext /json /users/42 /echo}"
PORT=18080
OUT=$(mktemp -d)

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
command -v taskset >/dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }

cargo build --release --quiet

source ./common.sh

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

for round in $(seq 1 "$ROUNDS"); do
  mapfile -t order < <(round_order "$round" "${SERVERS[@]}")
  for server in "${order[@]}"; do
    start_pinned "$server" "$PORT"
    echo "$server idle_rss_kib $(rss_kib $pid)" >> "$OUT/rss"
    for endpoint in "${ENDPOINTS[@]}"; do
      script=()
      [ "$endpoint" = /echo ] && script=(-s echo.lua)
      taskset -c 1 wrk -t1 -c64 -d1s "${script[@]}" "http://127.0.0.1:$PORT$endpoint" >/dev/null
      taskset -c 1 wrk -t1 -c64 -d"${DURATION}s" --latency "${script[@]}" "http://127.0.0.1:$PORT$endpoint" \
        > "$OUT/$server.$(echo "$endpoint" | tr / _).$round.txt"
    done
    echo "$server loaded_rss_kib $(rss_kib $pid)" >> "$OUT/rss"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  done
done

python3 summarize.py "$OUT" "${SERVERS[*]}" "${ENDPOINTS[*]}"
echo
echo "Release binary sizes, stripped (the bench profile keeps line tables for profilers):"
echo "| server | bytes |"
echo "|---|---|"
for server in "${SERVERS[@]}"; do
  strip -o "$OUT/stripped" "target/release/$server"
  printf '| %s | %s |\n' "$server" "$(stat -c %s "$OUT/stripped")"
done
if [ "${KEEP:-0}" = 1 ]; then echo "wrk outputs kept in $OUT"; else rm -rf "$OUT"; fi
