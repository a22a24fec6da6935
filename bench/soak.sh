#!/usr/bin/env bash
# Soak: lauren_full under 60 s of wrk at 256 connections on mixed endpoints (good requests,
# 404 / 405 / 415 / 422 ones) while slow and broken clients (trickled heads, stalled bodies,
# abrupt closes) keep coming. Reports status counts, unexpected statuses, socket errors, how the
# slow clients ended, and the server's RSS idle, a quarter into the run (every connection open)
# and at the end: flat between the last two means no growth per request.
#
#   bash bench/soak.sh
#   DURATION=20 CONNECTIONS=64 bash bench/soak.sh
set -euo pipefail
cd "$(dirname "$0")"

DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-256}
PORT=18190

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release --quiet --bin lauren_full
source ./common.sh

rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

LAUREN_HEADER_TIMEOUT_NOTE="the server runs with the default timeouts: head 30 s, body 30 s"
taskset -c 0 ./target/release/lauren_full "127.0.0.1:$PORT" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
wait_ready "$PORT"

rss_idle=$(rss "$pid")
python3 slow_clients.py 127.0.0.1 "$PORT" > slow_clients.out &
slow=$!
taskset -c 1 wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s -s soak.lua \
  "http://127.0.0.1:$PORT" > soak.out &
load=$!
# Steady state: every connection open and every kind of slow client in play.
sleep $(( DURATION / 4 ))
rss_start=$(rss "$pid")
wait "$load"
rss_end=$(rss "$pid")
kill -TERM "$slow" 2>/dev/null || true
wait "$slow" 2>/dev/null || true
cat soak.out

cat slow_clients.out
echo "server alive after the run: $(kill -0 $pid 2>/dev/null && echo yes || echo no)"
echo "RSS idle: ${rss_idle} KiB; under load at $(( DURATION / 4 )) s: ${rss_start} KiB, at the end: ${rss_end} KiB ($(( (rss_end - rss_start) * 100 / rss_start ))% over the run)"
echo "($LAUREN_HEADER_TIMEOUT_NOTE)"
rm -f soak.out slow_clients.out
