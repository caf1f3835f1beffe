#!/usr/bin/env bash
# Builds the Java binding of ooauthcc (sourced by test.sh and bench.sh, or run alone):
# installs what is missing (JDK 17, JNA and JUnit 5 from Debian), builds libooauthcc and
# libooauthcc_testing when missing, and compiles build/ooauthcc.jar (dev.ooauthcc),
# build/ooauthcc-testing.jar (dev.ooauthcc.testing), and the example, tests and bench (build/other).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
export OOAUTHCC_LIB_DIR="${OOAUTHCC_LIB_DIR:-$REPO/target/release}"
JNA_JAR=/usr/share/java/jna.jar
JUNIT_JAR=/usr/share/java/junit-platform-console-standalone.jar
BUILD="$HERE/build"

log() { printf '[java] %s\n' "$*"; }

ensure_toolchain() {
    local missing=()
    command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
    [ -f "$JNA_JAR" ] || missing+=(libjna-java)
    [ -f "$JUNIT_JAR" ] || missing+=(junit5)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]} (apt)"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        # Wait for the dpkg lock rather than fail when another apt-get runs.
        local lock=(-o DPkg::Lock::Timeout=600)
        local try
        for try in 1 2 3 4 5 6; do
            $sudo apt-get "${lock[@]}" update -qq && break
            [ "$try" -lt 6 ] || exit 1
            sleep 10
        done
        DEBIAN_FRONTEND=noninteractive $sudo apt-get "${lock[@]}" install -y -qq "${missing[@]}" >/dev/null
    fi
    local version
    version="$(javac -version 2>&1 | sed -E 's/^javac ([0-9]+).*/\1/')"
    if [ "$version" -lt 17 ]; then
        echo "[java] javac $version found; Java 17 or later is needed" >&2
        exit 1
    fi
}

ensure_libraries() {
    if [ -f "$OOAUTHCC_LIB_DIR/libooauthcc.so" ] && [ -f "$OOAUTHCC_LIB_DIR/libooauthcc_testing.so" ]; then
        return
    fi
    if [ "$OOAUTHCC_LIB_DIR" != "$REPO/target/release" ]; then
        echo "[java] no libooauthcc.so and libooauthcc_testing.so in OOAUTHCC_LIB_DIR=$OOAUTHCC_LIB_DIR" >&2
        exit 1
    fi
    log "building libooauthcc and libooauthcc_testing (cargo, release)"
    (cd "$REPO" && cargo build --release -p ooauthcc-ffi -p ooauthcc-testing-ffi)
}

compile() {
    rm -rf "$BUILD"
    mkdir -p "$BUILD/main" "$BUILD/other"
    local javac=(javac --release 17 -encoding UTF-8 -Xlint:all -Werror)
    # The public API must be documented: doclint (missing comments and tags included).
    "${javac[@]}" -Xdoclint:all/protected -d "$BUILD/main" -cp "$JNA_JAR" $(find "$HERE/src/main" -name '*.java')
    # Two jars: production code never has the testing classes (which load libooauthcc_testing).
    (cd "$BUILD/main" && jar --create --file "$BUILD/ooauthcc.jar" dev/ooauthcc/*.class \
        && jar --create --file "$BUILD/ooauthcc-testing.jar" dev/ooauthcc/testing)
    local cp="$JNA_JAR:$BUILD/ooauthcc.jar:$BUILD/ooauthcc-testing.jar"
    # The example, the bench and the tests in one go.
    "${javac[@]}" -Xlint:-processing -d "$BUILD/other" -cp "$cp:$JUNIT_JAR" \
        $(find "$HERE/src/example" "$HERE/src/bench" "$HERE/src/test" -name '*.java')
    CLASSPATH_RUN="$cp:$BUILD/other"
}

build_all() {
    ensure_toolchain
    ensure_libraries
    compile
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    build_all
    log "built $BUILD/ooauthcc.jar and $BUILD/ooauthcc-testing.jar (with $JNA_JAR)"
fi
