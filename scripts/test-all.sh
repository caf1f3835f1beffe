#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every test of every crate.
# Run from anywhere; needs only a Rust toolchain (cargo, rustfmt, clippy).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy (all targets, all features, warnings are errors)"
cargo clippy --workspace --all-targets --all-features --quiet -- -D warnings

echo "== cargo test (unit, integration against the bundled server, doc tests)"
cargo test --workspace --all-features
