#!/usr/bin/env bash
# The whole test suite: formatting, lints, docs, every test of every crate, and
# the main job (the README's first command, in a debug build).
# Run from anywhere; needs a Rust toolchain (cargo, rustfmt, clippy), Node.js with
# npm, and redis-server (installed from Debian here when missing and running as root).
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step prints how long the one before it took, and the last one's time and
# the total are printed on exit: the next person sees where the time goes.
step_name="" step_start=$SECONDS
step() {
  if [ -n "$step_name" ]; then echo "   [$step_name: $((SECONDS - step_start)) s]"; fi
  step_name=$1 step_start=$SECONDS
  echo "== $1"
}
trap 'step_rc=$?; if [ -n "$step_name" ]; then echo "   [$step_name: $((SECONDS - step_start)) s]"; fi; echo "   [test-all.sh total: $SECONDS s, exit $step_rc]"' EXIT

# The shared-store tests start their own redis-server processes on 127.0.0.1.
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== apt-get install redis-server (for the shared-store tests)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "redis-server is required by the shared-store tests: install it (Debian: apt-get install redis-server)" >&2
    exit 1
  fi
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, all features, warnings are errors)"
cargo clippy --workspace --all-targets --all-features --quiet -- -D warnings

step "core/src layering (no import cycle beyond mod.rs facades)"
python3 scripts/module-cycles.py

step "core without POSIX (the fallbacks a Windows build uses, compiled and unit-tested here)"
./scripts/check-portable.sh

step "cargo doc (missing or broken docs are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --all-features --no-deps --quiet

step "the main job: many callers, one token request per token"
cargo run --quiet -p ooauthcc-core --features testing --example herd

step "third-party authorization server (npm oidc-provider, pinned) into the cache"
OOAUTHCC_OIDC_PROVIDER_DIR="$(./scripts/oidc-provider-install.sh)"
export OOAUTHCC_OIDC_PROVIDER_DIR

step "cargo test (unit; integration against the bundled server and oidc-provider; doc tests)"
cargo test --workspace --all-features

step "C ABI (header freshness, packaging, C/C++ tests and examples, valgrind, ctypes)"
./scripts/test-c.sh

step "Python package (wheel, stubtest, mypy --strict, pytest)"
./scripts/test-python.sh

step "language bindings over the C ABI (bindings/*: Go, Node.js, Ruby, Java)"
./scripts/test-bindings.sh
