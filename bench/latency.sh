#!/usr/bin/env bash
# Tail latency at a fixed offered load below saturation, where it is not throughput in disguise
# (run.sh's wrk keeps 64 requests in flight against a saturated core: its p99 follows req/s by
# Little's law). oha sends at a fixed rate and corrects for coordinated omission: a request's
# latency counts from when it was due, not from when a stalled client got round to sending it.
#
#   bash bench/latency.sh
#   RATES="20000 60000" SERVERS="hyper_raw lauren_full" ENDPOINT=/json bash bench/latency.sh
set -euo pipefail
cd "$(dirname "$0")"

read -r -a RATES <<< "${RATES:-20000 60000}"
read -r -a SERVERS <<< "${SERVERS:-hyper_raw hyper_full axum_layers lauren_full}"
ENDPOINT=${ENDPOINT:-/users/42}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-4}
PORT=18085
OUT=$(mktemp -d)

command -v oha >/dev/null || cargo install oha --locked --quiet

cargo build --release --quiet

source ./common.sh

for round in $(seq 1 "$ROUNDS"); do
  mapfile -t order < <(round_order "$round" "${SERVERS[@]}")
  for server in "${order[@]}"; do
    start_pinned "$server" "$PORT"
    for rate in "${RATES[@]}"; do
      taskset -c 1 oha -z 1s -c 64 -q "$rate" --no-tui --output-format quiet \
        "http://127.0.0.1:$PORT$ENDPOINT"
      taskset -c 1 oha -z "${DURATION}s" -c 64 -q "$rate" --latency-correction --no-tui \
        --output-format json "http://127.0.0.1:$PORT$ENDPOINT" > "$OUT/$server.$rate.$round.json"
    done
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  done
done

python3 - "$OUT" "${SERVERS[*]}" "${RATES[*]}" <<'EOF'
import json
import sys
from pathlib import Path
from statistics import median

out, servers, rates = Path(sys.argv[1]), sys.argv[2].split(), sys.argv[3].split()
# Each server's peer: hand-written hyper doing the same work.
PEERS = {"lauren_plain": "hyper_matchit", "lauren_full": "hyper_full", "axum_plain": "hyper_matchit",
         "axum_layers": "hyper_full"}
print("| rate (req/s) | server | p50 (ms) | p99 (ms) | p99.9 (ms) | p99 vs hyper_raw | p99 vs its peer | errors |")
print("|---|---|---|---|---|---|---|---|")
for rate in rates:
    rows = {}
    for server in servers:
        runs = [json.loads(p.read_text()) for p in out.glob(f"{server}.{rate}.*.json")]
        pct = lambda key: median(r["latencyPercentiles"][key] * 1000 for r in runs)
        # Requests still in flight when the run's time is up are cut by oha itself.
        errors = sum(
            n for r in runs for kind, n in r["errorDistribution"].items()
            if kind != "aborted due to deadline"
        )
        rows[server] = (pct("p50"), pct("p99"), pct("p99.9"), errors)
    base = rows["hyper_raw"][1]
    for server, (p50, p99, p999, errors) in rows.items():
        peer = PEERS.get(server)
        vs_peer = f"{p99 / rows[peer][1]:.2f} ({peer})" if peer in rows else ""
        print(f"| {rate} | {server} | {p50:.3f} | {p99:.3f} | {p999:.3f} | {p99 / base:.2f} | {vs_peer} | {errors} |")
EOF
rm -rf "$OUT"
