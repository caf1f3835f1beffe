#!/usr/bin/env bash
# Benchmark of the Node binding's cached-token hot path against the koffi
# floor (ooauthcc_version() as a JS string). Not part of test.sh.
# Usage: ./bench.sh [iterations per round] [rounds]
set -euo pipefail
cd "$(dirname "$0")"
REPO="$(cd ../.. && pwd)"
export OOAUTHCC_LIB_DIR="${OOAUTHCC_LIB_DIR:-$REPO/target/release}"
if [[ ! -f "$OOAUTHCC_LIB_DIR/libooauthcc.so" || ! -f "$OOAUTHCC_LIB_DIR/libooauthcc_testing.so" ]]; then
  (cd "$REPO" && cargo build --release -p ooauthcc-ffi -p ooauthcc-testing-ffi)
fi
[[ -d node_modules/koffi ]] || npm ci --ignore-scripts --no-audit --no-fund
exec node bench.js "$@"
