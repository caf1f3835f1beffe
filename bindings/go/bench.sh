#!/usr/bin/env bash
# Benchmarks the cached-token call of the Go bindings beside the floor of the
# same mechanism: one cgo call returning a C string copied with C.GoString
# (ooauthcc.Version(), i.e. C.GoString(C.ooauthcc_version())), in the same
# run. Prints ns per call (best and median of ROUNDS runs) and the ratios.
#
#   OOAUTHCC_LIB_DIR  as for test.sh      ROUNDS (default 7)   ITERS (default 2000000)
set -uo pipefail
cd "$(dirname "$0")"
REPO=$(cd ../.. && pwd)
LIB_DIR=${OOAUTHCC_LIB_DIR:-$REPO/target/release}
ROUNDS=${ROUNDS:-7}
ITERS=${ITERS:-2000000}
command -v go >/dev/null 2>&1 || { echo "Go is missing: run ./test.sh first (it installs golang-go)"; exit 1; }
if [ ! -e "$LIB_DIR/libooauthcc.so" ] || [ ! -e "$LIB_DIR/libooauthcc_testing.so" ]; then
    [ -n "${OOAUTHCC_LIB_DIR:-}" ] && { echo "OOAUTHCC_LIB_DIR=$OOAUTHCC_LIB_DIR holds no libraries"; exit 1; }
    (cd "$REPO" && cargo build --release -p ooauthcc-ffi -p ooauthcc-testing-ffi) || exit 1
fi
SONAME_DIR=$(mktemp -d)
trap 'rm -rf "$SONAME_DIR"' EXIT
for lib in libooauthcc libooauthcc_testing; do
    soname=$(readelf -d "$LIB_DIR/$lib.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    [ -n "$soname" ] && [ ! -e "$LIB_DIR/$soname" ] && ln -s "$LIB_DIR/$lib.so" "$SONAME_DIR/$soname"
done
export LD_LIBRARY_PATH="$SONAME_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export CGO_ENABLED=1 GOPROXY=off GOTOOLCHAIN=local GOFLAGS=-mod=readonly
export CGO_LDFLAGS="-L$LIB_DIR -Wl,-rpath,$LIB_DIR ${CGO_LDFLAGS:-}"

echo "go bench: $(go version | cut -d' ' -f3), libooauthcc $(grep -o '"[0-9.]*"' "$REPO/include/ooauthcc.h" | head -1), $(nproc) cores, $ROUNDS rounds x $ITERS calls"
raw=$(go test -run '^$' -bench . -benchtime "${ITERS}x" -count "$ROUNDS" . 2>&1) || { echo "$raw"; exit 1; }
awk '
/^Benchmark/ {
    name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
    if (!(name in n)) order[++k] = name
    v[name, ++n[name]] = $3
}
function median(name,   i, j, t, a, c) {
    c = n[name]; for (i = 1; i <= c; i++) a[i] = v[name, i]
    for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    best[name] = a[1]
    return (c % 2) ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
}
END {
    printf "%-34s %10s %10s\n", "benchmark (ns per call)", "best", "median"
    for (i = 1; i <= k; i++) { m[order[i]] = median(order[i]); printf "%-34s %10.1f %10.1f\n", order[i], best[order[i]], m[order[i]] }
    printf "\nratios to the floor (best / median):\n"
    split("TokenCached TokenCachedCancellableCtx HeaderValueCached", one, " ")
    for (i = 1; i <= 3; i++) if (one[i] in m)
        printf "  %-32s %5.2fx / %5.2fx  of VersionFloor\n", one[i], best[one[i]] / best["VersionFloor"], m[one[i]] / m["VersionFloor"]
    if ("TokenCachedParallel" in m)
        printf "  %-32s %5.2fx / %5.2fx  of VersionFloorParallel\n", "TokenCachedParallel", best["TokenCachedParallel"] / best["VersionFloorParallel"], m["TokenCachedParallel"] / m["VersionFloorParallel"]
}' <<<"$raw"
