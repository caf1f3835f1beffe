#!/usr/bin/env bash
# Benchmark: the cached client.token through the Ruby wrapper beside the ffi
# floor (ooauthcc_version() as a Ruby String), same run. Not part of test.sh.
# Usage: bench.sh [iterations]   (library directory: $OOAUTHCC_LIB_DIR)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
REPO="$(cd ../.. && pwd)"
export OOAUTHCC_LIB_DIR="${OOAUTHCC_LIB_DIR:-$REPO/target/release}"
command -v ruby >/dev/null 2>&1 && ruby -e 'require "ffi"' 2>/dev/null || {
    echo "ruby and ruby-ffi are missing: run ./test.sh first" >&2
    exit 1
}
if [ ! -f "$OOAUTHCC_LIB_DIR/libooauthcc.so" ] || [ ! -f "$OOAUTHCC_LIB_DIR/libooauthcc_testing.so" ]; then
    (cd "$REPO" && cargo build --release -p ooauthcc-ffi -p ooauthcc-testing-ffi)
fi
exec ruby -Ilib bench.rb "$@"
