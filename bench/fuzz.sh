#!/usr/bin/env bash
# The property tests of tests/properties as a bounded fuzz run on stable Rust: many more random
# cases per property, in release mode. Any failure prints its minimal input and fails the run.
#
#   bash bench/fuzz.sh                 # 20 000 cases per property
#   CASES=200000 bash bench/fuzz.sh    # longer
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=${CASES:-20000}
started=$(date +%s)
PROPTEST_CASES=$CASES cargo test --release -p lauren-tests --test properties 2>&1 | tail -15
echo "cases per property: $CASES, wall time: $(( $(date +%s) - started )) s (build included)"
