#!/usr/bin/env bash
# The whole test suite: formatting, lints, docs, every test of every crate, and
# the main job (the README's first command, in a debug build).
# Run from anywhere; needs a Rust toolchain (cargo, rustfmt, clippy) and Node.js with npm.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy (all targets, all features, warnings are errors)"
cargo clippy --workspace --all-targets --all-features --quiet -- -D warnings

echo "== cargo doc (missing or broken docs are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --all-features --no-deps --quiet

echo "== the main job: many callers, one token request per token"
cargo run --quiet -p ooauthcc-core --features testing --example herd

echo "== third-party authorization server (npm oidc-provider, pinned) into the cache"
OOAUTHCC_OIDC_PROVIDER_DIR="$(./scripts/oidc-provider-install.sh)"
export OOAUTHCC_OIDC_PROVIDER_DIR

echo "== cargo test (unit; integration against the bundled server and oidc-provider; doc tests)"
cargo test --workspace --all-features

echo "== C ABI (header freshness, packaging, C/C++ tests and examples, valgrind, ctypes)"
./scripts/test-c.sh

echo "== Python package (pip install ./python, stubtest, mypy --strict, pytest)"
./scripts/test-python.sh
