#!/usr/bin/env bash
# Sanitizer runs (RELIABILITY.md, "How to run"):
#
#   1. asan  the C/C++ test programs and examples of scripts/test-c.sh built
#            with gcc -fsanitize=address,undefined (LeakSanitizer included) and
#            run against libooauthcc.so (and libooauthcc_testing.so, the test
#            servers): heap misuse (use after free, double
#            free, overflow) and leaks anywhere in the process — C or Rust,
#            since ASan replaces malloc — and undefined behaviour in the C code.
#            tests/c/lsan.supp lists what is leaked on purpose.
#   2. tsan  the Rust concurrency tests (herd, refresh_ahead, stress) and the
#            core unit tests, with the whole program — std included — built
#            with -Zsanitizer=thread (nightly, -Zbuild-std, needs rust-src).
#
#   scripts/sanitizers.sh              # both
#   scripts/sanitizers.sh asan         # one of them
#
# The TSan build goes to its own target directory (target/tsan, or
# $OOAUTHCC_TSAN_TARGET_DIR); the ASan pass uses test-c.sh's (the workspace's
# target/ unless CARGO_TARGET_DIR is set), whose debug library is the same.
#
# Why not TSan on the C programs (gcc -fsanitize=thread against the .so)? The
# library is Rust, built without TSan: its threads publish tokens through
# atomics TSan cannot see, so every read of a token's bytes by a C thread would
# be reported as a race with the runtime thread that wrote it — noise, not
# findings. Helgrind and DRD have the same blind spot (Rust synchronises with
# futexes and atomics, not pthread mutexes). Instrumenting the Rust side, as
# part 2 does, is the meaningful run.
# shellcheck disable=SC2317 # asan and tsan are called through "$p"
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

parts=("$@")
[ "${#parts[@]}" -gt 0 ] || parts=(asan tsan)

asan() {
  echo "== C suite under AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer), no valgrind"
  OOAUTHCC_C_SANITIZE=address,undefined scripts/test-c.sh
}

tsan() {
  local host
  host=$(rustc +nightly -vV 2> /dev/null | sed -n 's/^host: //p')
  if [ -z "$host" ]; then
    echo "ThreadSanitizer needs a nightly toolchain (rustup toolchain install nightly)" >&2
    return 1
  fi
  if ! rustup component list --toolchain nightly --installed 2> /dev/null | grep -q '^rust-src'; then
    echo "== rust-src is missing (needed by -Zbuild-std): rustup component add --toolchain nightly rust-src"
    rustup component add --toolchain nightly rust-src
  fi
  echo "== Rust concurrency tests under ThreadSanitizer ($(rustc +nightly --version), target $host)"
  # std is rebuilt with TSan too (-Zbuild-std), so its Arc, Mutex and channels
  # are seen; proc macros and build scripts stay uninstrumented (--target).
  # aws-lc (C, via cc) is not instrumented; these tests use plain HTTP.
  CARGO_TARGET_DIR="${OOAUTHCC_TSAN_TARGET_DIR:-$root/target/tsan}" \
    RUSTFLAGS="-Zsanitizer=thread" RUSTDOCFLAGS="-Zsanitizer=thread" \
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$root/core/tests/tsan.supp" \
    CARGO_TERM_COLOR=never \
    cargo +nightly test -Zbuild-std --target "$host" -p ooauthcc-core \
    --lib --test herd --test refresh_ahead --test stress
}

status=0
for p in "${parts[@]}"; do
  case "$p" in
    asan | tsan) "$p" || status=1 ;;
    *)
      echo "unknown part $p (asan, tsan)" >&2
      exit 2
      ;;
  esac
done
exit "$status"
