#!/usr/bin/env bash
# The language bindings over the C ABI (bindings/<language>/test.sh): each
# installs its toolchain when missing (Debian packages, npm), builds its
# wrapper, and runs its tests against the bundled test server through
# libooauthcc_testing. Prints each one's time; exits non-zero when any failed.
#
#   scripts/test-bindings.sh [LANGUAGE ...]     (default: every bindings/*/test.sh)
#
# OOAUTHCC_LIB_DIR: the libraries they load (default target/debug, which
# scripts/test-c.sh has built; built here when missing).
set -uo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

export OOAUTHCC_LIB_DIR="${OOAUTHCC_LIB_DIR:-$repo/target/debug}"
if [ ! -e "$OOAUTHCC_LIB_DIR/libooauthcc.so" ] || [ ! -e "$OOAUTHCC_LIB_DIR/libooauthcc_testing.so" ]; then
  echo "== cargo build -p ooauthcc-ffi -p ooauthcc-testing-ffi (the libraries the bindings load)"
  cargo build --quiet -p ooauthcc-ffi -p ooauthcc-testing-ffi || exit 1
fi

if [ $# -gt 0 ]; then
  languages=("$@")
else
  languages=()
  for t in bindings/*/test.sh; do languages+=("$(basename "$(dirname "$t")")"); done
fi

summary=()
failed=0
for lang in "${languages[@]}"; do
  echo "== bindings/$lang"
  start=$SECONDS
  if "bindings/$lang/test.sh"; then
    summary+=("ok     $lang ($((SECONDS - start)) s)")
  else
    summary+=("FAILED $lang ($((SECONDS - start)) s)")
    failed=1
  fi
done

echo
echo "bindings:"
printf '  %s\n' "${summary[@]}"
exit $failed
