#!/usr/bin/env bash
# Model-checks the cache entry's lifecycle protocol (core/src/entry/single_flight.rs)
# with loom: every interleaving of the scenarios in core/src/entry/loom_tests.rs
# (of the three-thread ones, those with at most LOOM_MAX_PREEMPTIONS preemptions).
# Prints, per scenario, how many interleavings were explored and how long it
# took. Exits non-zero when an invariant broke in any of them (loom prints the
# failing schedule).
#
#   scripts/loom.sh [TEST_NAME_FILTER]      (default: every loom_ test)
#
# Environment:
#   LOOM_MAX_PREEMPTIONS   preemption bound of the three-thread scenarios (default 5:
#                          about a minute on 2 idle cores; the two-thread ones are
#                          always explored exhaustively)
#   CARGO_TARGET_DIR       default target/loom, so the loom build (its own cfg,
#                          so all of its own artefacts) never evicts the usual one
#
# The cfg is `ooauthcc_loom`, not the customary `loom`: RUSTFLAGS reach every
# crate, and under `--cfg loom` tokio leaves out `tokio::net`, which hyper-util
# (under reqwest) needs, so nothing would build.
set -euo pipefail

filter="${1:-loom_}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export RUSTFLAGS="${RUSTFLAGS:-} --cfg ooauthcc_loom"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/loom}"
export LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-5}"
export CARGO_TERM_COLOR=never

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "loom: building (RUSTFLAGS='$RUSTFLAGS', CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
cargo test -p ooauthcc-core --release --lib --no-run

echo "loom: LOOM_MAX_PREEMPTIONS=$LOOM_MAX_PREEMPTIONS, filter '$filter'"
start=$SECONDS
status=0
cargo test -p ooauthcc-core --release --lib "$filter" -- --nocapture 2>&1 | tee "$log" || status=$?

echo
echo "loom summary (LOOM_MAX_PREEMPTIONS=$LOOM_MAX_PREEMPTIONS, $((SECONDS - start)) s wall):"
grep -oE 'loom [a-z_]+: [0-9]+ interleavings.*' "$log" || echo "  (no scenario finished)"
grep -E '^test result:' "$log" || true
if ! grep -qE '^test result: ok\. [1-9]' "$log"; then
    echo "loom: no test ran, or one failed" >&2
    status=1
fi
exit "$status"
