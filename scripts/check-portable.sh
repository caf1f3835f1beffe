#!/usr/bin/env bash
# Core's non-POSIX code paths (README, "Portability"), compiled and tested on
# Linux: `--cfg ooauthcc_no_posix` selects what a Windows build would use (an
# Instant-based clock, no fork handlers, no SIGPIPE mask, default file
# permissions). Only core is rebuilt with the flag (cargo rustc), so its
# dependencies come from the ordinary debug build. A real Windows or macOS
# build is not run here: no other target's std is installable on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== core compiles without POSIX (warnings are errors)"
cargo rustc --quiet -p ooauthcc-core --lib --features testing,store --profile check -- --cfg ooauthcc_no_posix -D warnings

echo "== core's unit tests on the non-POSIX paths"
test_bin=$(cargo rustc --quiet -p ooauthcc-core --lib --features testing,store --profile test --message-format=json \
  -- --cfg ooauthcc_no_posix | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "ooauthcc_core":
        print(m["executable"])')
[ -n "$test_bin" ] || { echo "no test binary was built" >&2; exit 1; }
"$test_bin" --quiet
