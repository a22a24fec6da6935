#!/usr/bin/env bash
# User-space instructions per request, counted by callgrind: deterministic where wall-clock req/s
# on a shared VM is not. Each server runs under valgrind; after a warm-up the counters are zeroed,
# wrk drives one endpoint, the counters are dumped and divided by the requests wrk completed.
#
#   bash bench/instructions.sh      # every server, then each one's ratio to its peer
#   SERVERS="lauren_plain lauren_full" ENDPOINTS="/plaintext /users/42" bash bench/instructions.sh
#   FEATURES=lauren/openapi bash bench/instructions.sh   # lauren built with a feature
set -euo pipefail
cd "$(dirname "$0")"

read -r -a SERVERS <<< "${SERVERS:-hyper_raw hyper_matchit hyper_full axum_plain axum_layers lauren_plain lauren_full}"
read -r -a ENDPOINTS <<< "${ENDPOINTS:-/plaintext}"
DURATION=${DURATION:-6}
PORT=18090
OUT=$(mktemp -d)

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind; }

cargo build --release --quiet ${FEATURES:+--features "$FEATURES"}

source ./common.sh

# Each server's peer: hand-written hyper doing the same work.
declare -A PEER=([lauren_plain]=hyper_matchit [axum_plain]=hyper_matchit [lauren_full]=hyper_full
  [axum_layers]=hyper_full [hyper_matchit]=hyper_raw)
declare -A COUNT

echo "| server | endpoint | requests | instructions / request |"
echo "|---|---|---|---|"
for server in "${SERVERS[@]}"; do
  for endpoint in "${ENDPOINTS[@]}"; do
    script=()
    [ "$endpoint" = /echo ] && script=(-s echo.lua)
    valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.%p" \
      "./target/release/$server" "127.0.0.1:$PORT" >/dev/null 2>&1 &
    pid=$!
    wait_ready "$PORT"
    wrk -t1 -c8 -d1s "${script[@]}" "http://127.0.0.1:$PORT$endpoint" >/dev/null
    callgrind_control -z "$pid" >/dev/null 2>&1
    requests=$(wrk -t1 -c8 -d"${DURATION}s" "${script[@]}" "http://127.0.0.1:$PORT$endpoint" \
      | awk '/requests in/ {print $1}')
    callgrind_control -d "$pid" >/dev/null 2>&1
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    # The dump taken on request is the file with a part number (cg.PID.1).
    total=$(awk '/^summary:/ {print $2; exit}' "$OUT/cg.$pid.1")
    COUNT[$server$endpoint]=$(( total / requests ))
    printf '| %s | %s | %s | %s |\n' "$server" "$endpoint" "$requests" "${COUNT[$server$endpoint]}"
    rm -f "$OUT"/cg."$pid"*
  done
done
rm -rf "$OUT"

echo
echo "| server | endpoint | ratio to its peer |"
echo "|---|---|---|"
for server in "${SERVERS[@]}"; do
  peer=${PEER[$server]:-}
  for endpoint in "${ENDPOINTS[@]}"; do
    [ -n "$peer" ] && [ -n "${COUNT[$peer$endpoint]:-}" ] || continue
    ratio=$(awk -v a="${COUNT[$server$endpoint]}" -v b="${COUNT[$peer$endpoint]}" 'BEGIN {printf "%.2f", a / b}')
    printf '| %s | %s | %s (%s) |\n' "$server" "$endpoint" "$ratio" "$peer"
  done
done
