#!/usr/bin/env bash
# Build time of a generated 50-controller / 200-route app, lauren-rs vs axum, dev profile:
# clean build of everything, clean build of the app crate alone (dependencies already built),
# and an incremental rebuild after touching one controller.
#   bash bench/build_time.sh                      # defaults of both (axum: HTTP/1 only)
#   AXUM_FEATURES=http2 bash bench/build_time.sh  # axum with the HTTP/2 lauren always serves
#   LAUREN_FEATURES=openapi APPS=lauren_app bash bench/build_time.sh  # the OpenAPI feature's cost
set -euo pipefail
cd "$(dirname "$0")"
WORK=$(mktemp -d)
python3 gen_app.py "$WORK"

# Seconds of one `cargo build` (dev profile); fails the script if the build fails.
timed_build() {
  /usr/bin/time -f %e -o "$WORK/seconds" cargo build --quiet >/dev/null
  cat "$WORK/seconds"
}

measure() {
  local app=$1
  cd "$WORK/$app"
  cargo fetch --quiet
  local full app_only incremental
  full=$(timed_build)
  cargo clean --quiet -p "$app"
  app_only=$(timed_build)
  touch src/controllers/c17.rs
  incremental=$(timed_build)
  local label=$app
  [ "$app" = lauren_app ] && [ -n "${LAUREN_FEATURES:-}" ] && label="$app (features: $LAUREN_FEATURES)"
  echo "| $label | $full | $app_only | $incremental |"
  cd - >/dev/null
}

echo "| app (50 controllers, 200 routes) | clean build, all deps (s) | app crate only (s) | touch one controller (s) |"
echo "|---|---|---|---|"
for app in ${APPS:-lauren_app axum_app}; do
  measure "$app"
done
rm -rf "$WORK"
