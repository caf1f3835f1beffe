#!/usr/bin/env bash
# Tests the Go bindings of ooauthcc: installs Go (Debian's golang-go) when it
# is missing, builds libooauthcc when it is missing, then gofmt, go vet, the
# tests under the race detector, and the example program. Prints a summary;
# exits non-zero if anything failed. Runnable from any directory.
#
#   OOAUTHCC_LIB_DIR  where libooauthcc.so and libooauthcc_testing.so are
#                     (default: <repo>/target/release, built when missing)
set -uo pipefail
cd "$(dirname "$0")"
REPO=$(cd ../.. && pwd)
LIB_DIR=${OOAUTHCC_LIB_DIR:-$REPO/target/release}
START=$(date +%s)

step() { printf '\n== %s\n' "$*"; }
die() { echo "FAIL: $*"; exit 1; }

if ! command -v go >/dev/null 2>&1; then
    step "installing Go (golang-go, gcc)"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq golang-go gcc >/dev/null \
        || die "could not install golang-go"
fi
command -v gcc >/dev/null 2>&1 || die "gcc is needed by cgo"
go version

if [ ! -e "$LIB_DIR/libooauthcc.so" ] || [ ! -e "$LIB_DIR/libooauthcc_testing.so" ]; then
    if [ -n "${OOAUTHCC_LIB_DIR:-}" ]; then
        die "OOAUTHCC_LIB_DIR=$OOAUTHCC_LIB_DIR holds no libooauthcc.so and libooauthcc_testing.so"
    fi
    step "building libooauthcc (cargo build --release -p ooauthcc-ffi -p ooauthcc-testing-ffi)"
    (cd "$REPO" && cargo build --release -p ooauthcc-ffi -p ooauthcc-testing-ffi) || die "cargo build"
fi
echo "libraries: $LIB_DIR"

# The libraries' sonames carry the ABI version (libooauthcc.so.0.2); an
# installed prefix has those names, target/release only libooauthcc.so. So
# the programs find them through links of that name in a scratch directory.
SONAME_DIR=$(mktemp -d)
trap 'rm -rf "$SONAME_DIR"' EXIT
for lib in libooauthcc libooauthcc_testing; do
    soname=$(readelf -d "$LIB_DIR/$lib.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    [ -n "$soname" ] && [ ! -e "$LIB_DIR/$soname" ] && ln -s "$LIB_DIR/$lib.so" "$SONAME_DIR/$soname"
done
export LD_LIBRARY_PATH="$SONAME_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

export CGO_ENABLED=1 GOPROXY=off GOTOOLCHAIN=local GOFLAGS=-mod=readonly
export CGO_LDFLAGS="-L$LIB_DIR -Wl,-rpath,$LIB_DIR ${CGO_LDFLAGS:-}"

RESULTS=()
FAILED=0
run() {
    local name=$1
    shift
    step "$name"
    if "$@"; then
        RESULTS+=("PASS  $name")
    else
        RESULTS+=("FAIL  $name")
        FAILED=1
    fi
}

gofmt_clean() {
    local out
    out=$(gofmt -l .)
    [ -z "$out" ] || { echo "not gofmt-formatted: $out"; return 1; }
}

# The production package links libooauthcc only, never the testing library.
production_links_no_testing() {
    local deps flags
    deps=$(go list -deps . | grep testserver)
    flags=$(go list -f '{{.CgoLDFLAGS}}' .)
    echo "package ooauthcc: cgo LDFLAGS $flags; imports of testserver: ${deps:-none}"
    [ -z "$deps" ] && ! grep -q testing <<<"$flags"
}

example() {
    local bin
    bin=$(mktemp -d)/gettoken
    go build -o "$bin" ./examples/gettoken && "$bin"
    local rc=$?
    rm -rf "$(dirname "$bin")"
    return $rc
}

run "gofmt" gofmt_clean
run "go vet" go vet ./...
run "production package does not link libooauthcc_testing" production_links_no_testing
run "go test -race" go test -race -count=1 -timeout 300s -v ./...
run "example program" example

printf '\n== summary (%ss)\n' "$(($(date +%s) - START))"
printf '%s\n' "${RESULTS[@]}"
if [ "$FAILED" -ne 0 ]; then
    echo "Go bindings: FAILED"
    exit 1
fi
echo "Go bindings: all passed"
