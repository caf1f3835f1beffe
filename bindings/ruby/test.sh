#!/usr/bin/env bash
# Installs Ruby and ruby-ffi (Debian) when missing, builds libooauthcc and
# libooauthcc_testing when missing, checks and packages the Ruby wrapper,
# runs its tests (minitest, against the bundled test server over real HTTP on
# 127.0.0.1) and the example, and prints a summary. Exits non-zero on failure.
# Library directory: $OOAUTHCC_LIB_DIR (default: <repo>/target/release).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
REPO="$(cd ../.. && pwd)"
export OOAUTHCC_LIB_DIR="${OOAUTHCC_LIB_DIR:-$REPO/target/release}"
started=$(date +%s.%N)
step() { printf '\n== %s\n' "$*"; }

# 1. Toolchain: Debian's ruby (3.1 on bookworm, with minitest as a bundled gem) and ruby-ffi.
apt_install() {
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    # Other programs may hold apt's lock for a while: wait for it rather than fail.
    $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$@" >/dev/null
}
if ! command -v ruby >/dev/null 2>&1 || ! ruby -e 'require "ffi"' >/dev/null 2>&1; then
    step "installing ruby and ruby-ffi (apt)"
    apt_install ruby ruby-ffi
fi
if ! ruby -e 'require "minitest"' >/dev/null 2>&1; then
    step "installing ruby-minitest (apt)"
    apt_install ruby-minitest
fi
echo "ruby: $(ruby -e 'print RUBY_DESCRIPTION'); ffi $(ruby -rffi -e 'print FFI::VERSION'); minitest $(ruby -rminitest -e 'print Minitest::VERSION')"

# 2. The libraries.
if [ ! -f "$OOAUTHCC_LIB_DIR/libooauthcc.so" ] || [ ! -f "$OOAUTHCC_LIB_DIR/libooauthcc_testing.so" ]; then
    step "building libooauthcc and libooauthcc_testing (cargo, release)"
    (cd "$REPO" && cargo build --release -p ooauthcc-ffi -p ooauthcc-testing-ffi)
fi
for lib in libooauthcc.so libooauthcc_testing.so; do
    [ -f "$OOAUTHCC_LIB_DIR/$lib" ] || { echo "RUBY BINDING: FAIL — no $lib in OOAUTHCC_LIB_DIR=$OOAUTHCC_LIB_DIR" >&2; exit 1; }
done
echo "libraries: $OOAUTHCC_LIB_DIR"

# 3. The wrapper: syntax and warnings of every file, then the gem.
step "checking the wrapper (ruby -wc) and building the gem"
for f in lib/ooauthcc.rb lib/ooauthcc/*.rb test/*.rb examples/*.rb bench.rb; do
    ruby -wc "$f" >/dev/null
done
gem_dir="$(mktemp -d)"
trap 'rm -rf "$gem_dir"' EXIT
gem build ooauthcc.gemspec --output "$gem_dir/ooauthcc.gem" >"$gem_dir/gem.log" 2>&1 || { cat "$gem_dir/gem.log"; exit 1; }
echo "gem: ooauthcc.gem built ($(wc -c <"$gem_dir/ooauthcc.gem") bytes)"

# 4. Tests and example.
status=0
step "tests (minitest)"
log="$gem_dir/tests.log"
if timeout 300 ruby -w -Ilib -Itest -e 'Dir["test/test_*.rb"].sort.each { |f| require File.expand_path(f) }' -- -v \
    2>&1 | tee "$log"; then :; else status=1; fi
summary="$(grep -E '^[0-9]+ runs, ' "$log" | tail -1 || true)"
[ -n "$summary" ] || { summary="(no minitest summary)"; status=1; }
step "example (examples/example.rb)"
if ! timeout 60 ruby -w -Ilib examples/example.rb; then status=1; echo "example FAILED"; fi

elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo
if [ "$status" -eq 0 ]; then
    echo "RUBY BINDING: PASS — $summary; example ok (${elapsed}s)"
else
    echo "RUBY BINDING: FAIL — $summary (${elapsed}s)"
fi
exit "$status"
