#!/usr/bin/env bash
# Instructions per request and per hop of each kind of stage, counted by callgrind in-process
# (`lauren-rs/benches/chain.rs`, through the app's tower::Service, no sockets): each route is
# served twice, LOW and HIGH times, and the difference of the two totals is divided by the
# extra requests, so startup and warm-up cancel out. Deterministic to a few instructions.
#
#   bash bench/chain_instructions.sh
#   ROUTES="/none /one" bash bench/chain_instructions.sh
set -euo pipefail
cd "$(dirname "$0")/.."

read -r -a ROUTES <<< "${ROUTES:-/none /one /three /one-rendered /three-rendered /headers /pre /pre3 /lifecycle /lifecycle-rendered /guard /guard3 /middleware /middleware3 /scoped /shared}"
LOW=${LOW:-2000}
HIGH=${HIGH:-12000}

command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind; }

exe=$(cargo bench -p lauren --bench chain --no-run --message-format=json 2>/dev/null \
  | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
[ -x "$exe" ] || { echo "could not build the chain bench" >&2; exit 1; }

total() {
  local out
  out=$(mktemp)
  CHAIN_ROUTE=$1 CHAIN_ITERATIONS=$2 valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$exe" >/dev/null 2>&1
  awk '/^summary:/ {print $2; exit}' "$out"
  rm -f "$out"
}

hops() {
  case $1 in
    /none|/scoped) echo 0 ;;
    /three|/three-rendered|/pre3|/guard3|/middleware3) echo 3 ;;
    *) echo 1 ;;
  esac
}

# "per hop" spreads the route's whole extra cost over its stages, the first stage's fixed cost
# (entering the staged path, a box) included; "each further" is what the second and third of a
# kind add: (three - one) / 2, for the kinds measured with both.
echo "| route | stages | instructions / request | per hop | each further |"
echo "|---|---|---|---|---|"
base=""
declare -A PER
for route in "${ROUTES[@]}"; do
  low=$(total "$route" "$LOW")
  high=$(total "$route" "$HIGH")
  per=$(( (high - low) / (HIGH - LOW) ))
  PER[$route]=$per
  [ "$route" = /none ] && base=$per
  n=$(hops "$route")
  if [ "$n" = 0 ] || [ -z "$base" ]; then hop="-"; else hop=$(( (per - base) / n )); fi
  one=${route%3}
  [ "$route" = /three ] && one=/one
  [ "$route" = /three-rendered ] && one=/one-rendered
  further="-"
  if [ "$n" = 3 ] && [ -n "${PER[$one]:-}" ]; then further=$(( (per - PER[$one]) / 2 )); fi
  printf '| `%s` | %s | %s | %s | %s |\n' "$route" "$n" "$per" "$hop" "$further"
done
