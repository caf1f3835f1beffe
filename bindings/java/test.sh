#!/usr/bin/env bash
# Tests the Java binding: toolchain (apt) and libraries (cargo) when missing, compile,
# run the example, run the JUnit 5 suite against the bundled server. Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
. ./build.sh
start=$(date +%s)
build_all

log "example"
example_out="$(java -cp "$CLASSPATH_RUN" dev.ooauthcc.example.Example)"
printf '%s\n' "$example_out"
if ! grep -q '^token requests sent: 1 ' <<<"$example_out"; then
    echo "java binding: FAIL (the example did not report exactly one token request)"
    exit 1
fi

log "JUnit 5 suite"
status=0
java -ea -jar "$JUNIT_JAR" --disable-banner --details=tree --disable-ansi-colors --fail-if-no-tests \
    -cp "$CLASSPATH_RUN" --select-package dev.ooauthcc >"$BUILD/junit.log" 2>&1 || status=$?
# The tree and the failures, without the noise of the empty engines.
grep -v -E 'JUnit (Vintage|Platform Suite)' "$BUILD/junit.log"
passed=$(sed -nE 's/^\[ *([0-9]+) tests successful.*/\1/p' "$BUILD/junit.log")
failed=$(sed -nE 's/^\[ *([0-9]+) tests failed.*/\1/p' "$BUILD/junit.log")
elapsed=$(( $(date +%s) - start ))
if [ "$status" -ne 0 ] || [ "${failed:-1}" -ne 0 ]; then
    echo "java binding: FAIL (${passed:-0} passed, ${failed:-?} failed, example ok; ${elapsed}s)"
    exit 1
fi
echo "java binding: PASS (${passed} tests passed, 0 failed, example ok; ${elapsed}s)"
