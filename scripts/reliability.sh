#!/usr/bin/env bash
# The whole reliability suite, one command (RELIABILITY.md, "How to run", says
# what each part checks and how long it takes):
#
#   scripts/reliability.sh [FUZZ_SECONDS_PER_TARGET]     (default 60)
#
#   1. fuzz        scripts/fuzz.sh: the token-response, config and discovery parsers
#   2. rust        the Rust reliability tests (fault matrix, quirks and faults,
#                  stress, fork, herd, refresh-ahead, secret hygiene, zeroize on
#                  drop, resource hygiene), in the shared target directory
#   3. loom        scripts/loom.sh (the lifecycle's lock-free state machine), when present
#   4. c-valgrind  scripts/test-c.sh: the C/C++ programs, then again under valgrind
#   5. sanitizers  scripts/sanitizers.sh: the C programs under ASan+UBSan (with
#                  LeakSanitizer), and the Rust concurrency tests under ThreadSanitizer
#   6. miri        scripts/miri.sh: the core unit tests under miri
#   7. python      the Python fault-matrix tests (scripts/test-python.sh, pytest
#                  restricted to tests/test_fault_matrix.py)
#
# Every part runs even when an earlier one failed; the summary lists each with
# its time, and the script exits non-zero when any failed.
#   OOAUTHCC_RELIABILITY_ONLY="rust miri"   run only these parts
#   OOAUTHCC_RELIABILITY_SKIP="fuzz"        skip these parts
# Needs what the parts need: stable and nightly Rust (nightly with miri and
# rust-src), gcc/g++, valgrind, Node.js (oidc-provider), Python 3 with venv.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzz_seconds="${1:-60}"
if ! [[ "$fuzz_seconds" =~ ^[0-9]+$ ]] || [ "$fuzz_seconds" -lt 1 ]; then
  echo "usage: $0 [FUZZ_SECONDS_PER_TARGET]   (a positive whole number, default 60)" >&2
  exit 2
fi

logs="$(mktemp -d "${TMPDIR:-/tmp}/ooauthcc-reliability.XXXXXX")"
echo "== logs of each part: $logs"

wanted() { # part name
  local only=" ${OOAUTHCC_RELIABILITY_ONLY:-} " skip=" ${OOAUTHCC_RELIABILITY_SKIP:-} "
  if [ -n "${OOAUTHCC_RELIABILITY_ONLY:-}" ] && [[ "$only" != *" $1 "* ]]; then return 1; fi
  [[ "$skip" != *" $1 "* ]]
}

summary=()
failed=0
part() { # name, command...
  local name=$1
  shift
  if ! wanted "$name"; then
    summary+=("$(printf '%-11s skipped' "$name")")
    return 0
  fi
  echo
  echo "=================== $name: $*"
  local start=$SECONDS status=0
  "$@" 2>&1 | tee "$logs/$name.log" || status=$?
  local took=$((SECONDS - start))
  if [ "$status" -eq 0 ]; then
    summary+=("$(printf '%-11s ok      %4d s' "$name" "$took")")
  else
    failed=1
    summary+=("$(printf '%-11s FAILED  %4d s  (exit %d; log %s)' "$name" "$took" "$status" "$logs/$name.log")")
  fi
}

rust_tests() {
  local tests=(fault_matrix quirks_and_faults stress fork herd refresh_ahead secret_hygiene zeroize_on_drop resource_hygiene)
  local args=()
  for t in "${tests[@]}"; do args+=(--test "$t"); done
  cargo test -p ooauthcc-core "${args[@]}"
}

loom() {
  if [ -x scripts/loom.sh ]; then
    scripts/loom.sh
  else
    echo "scripts/loom.sh is not there yet: nothing to run"
  fi
}

python_faults() {
  if [ ! -f python/tests/test_fault_matrix.py ]; then
    echo "python/tests/test_fault_matrix.py is not there yet: nothing to run"
    return 0
  fi
  # test-python.sh builds and installs the wheel, checks the stubs and types,
  # then runs pytest from python/; PYTEST_ADDOPTS narrows that to the faults.
  PYTEST_ADDOPTS="tests/test_fault_matrix.py ${PYTEST_ADDOPTS:-}" scripts/test-python.sh
}

part fuzz scripts/fuzz.sh "$fuzz_seconds"
part rust rust_tests
part loom loom
part c-valgrind scripts/test-c.sh
part sanitizers scripts/sanitizers.sh
part miri scripts/miri.sh
part python python_faults

echo
echo "reliability suite (fuzz: ${fuzz_seconds} s per target):"
for s in "${summary[@]}"; do echo "  $s"; done
[ "$failed" -eq 0 ]
