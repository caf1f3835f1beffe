#!/usr/bin/env bash
# The Node.js binding's tests, from any directory, on a fresh clone:
# installs Node.js and npm when missing (Debian packages), builds
# libooauthcc and libooauthcc_testing when missing, installs the locked npm
# dependencies (npm ci), type-checks the declarations, runs the example and
# the node:test suite against the bundled server, and prints a summary.
#
#   OOAUTHCC_LIB_DIR   directory of libooauthcc.so and libooauthcc_testing.so
#                      (default: <repo>/target/release)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
REPO="$(cd ../.. && pwd)"
export OOAUTHCC_LIB_DIR="${OOAUTHCC_LIB_DIR:-$REPO/target/release}"
started=$SECONDS
step() { printf '\n== %s\n' "$*"; }

step "toolchain"
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if ! command -v node >/dev/null || ! command -v npm >/dev/null || [[ "$(node_major)" -lt 18 ]]; then
  echo "installing Node.js and npm (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [[ "$(node_major)" -lt 18 ]]; then
  echo "FAIL: Node.js 18 or later is needed, found $(node --version 2>/dev/null || echo none)" >&2
  exit 1
fi
echo "node $(node --version), npm $(npm --version)"

step "libraries in $OOAUTHCC_LIB_DIR"
have_libs() { [[ -f "$OOAUTHCC_LIB_DIR/libooauthcc.so" && -f "$OOAUTHCC_LIB_DIR/libooauthcc_testing.so" ]]; }
if ! have_libs; then
  echo "building them: cargo build --release -p ooauthcc-ffi -p ooauthcc-testing-ffi"
  (cd "$REPO" && cargo build --release -p ooauthcc-ffi -p ooauthcc-testing-ffi)
fi
if ! have_libs; then
  echo "FAIL: libooauthcc.so or libooauthcc_testing.so is not in $OOAUTHCC_LIB_DIR" >&2
  exit 1
fi
ls "$OOAUTHCC_LIB_DIR"/libooauthcc.so "$OOAUTHCC_LIB_DIR"/libooauthcc_testing.so

step "npm ci"
# koffi's native code comes in its platform package (@koromix/koffi-linux-x64,
# …); its install script only checks that it loads, so scripts are skipped.
npm ci --ignore-scripts --no-audit --no-fund

step "type-check index.d.ts and testing.d.ts (tsc -p test)"
npx --no-install tsc -p test

step "example"
node examples/example.js

step "node --test"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
node --test test/*.test.js 2>&1 | tee "$log" | grep -E '^(not )?ok |^# ' | grep -v '^# Subtest'
status=${PIPESTATUS[0]}
set -e
pass=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$log" | tail -1)
fail=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$log" | tail -1)
if [[ $status -ne 0 || -z "$pass" || "${fail:-1}" -ne 0 || "$pass" -eq 0 ]]; then
  echo
  grep -v -E '^\s*(duration_ms|\.\.\.|---)' "$log" | grep -A25 '^not ok' || true
  echo
  echo "node-binding: ${pass:-0} passed, ${fail:-1} failed"
  echo "FAIL (node --test exit $status, $((SECONDS - started)) s)"
  exit 1
fi
echo
echo "node-binding: $pass passed, $fail failed"
echo "PASS ($((SECONDS - started)) s)"
