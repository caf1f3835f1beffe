#!/usr/bin/env bash
# Benchmarks the Java binding's cached-token call against the JNA floor (ooauthcc_version() as a
# String), in one JVM. Args (optional): calls per round (default 1000000), rounds (default 9).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
. ./build.sh
build_all >/dev/null
java -cp "$CLASSPATH_RUN" dev.ooauthcc.bench.Bench "$@"
