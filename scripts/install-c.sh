#!/usr/bin/env bash
# Builds and installs the C library: header, shared library (with its soname
# links), static library and pkg-config file.
#
#   scripts/install-c.sh PREFIX            # release build, e.g. PREFIX=/usr/local
#   scripts/install-c.sh PREFIX --debug    # debug build (what the tests use)
#
# Installs PREFIX/include/ooauthcc.h, PREFIX/lib/libooauthcc.so.<version> with
# links libooauthcc.so.<abi> and libooauthcc.so, PREFIX/lib/libooauthcc.a and
# PREFIX/lib/pkgconfig/ooauthcc.pc. Then: cc app.c $(pkg-config --cflags --libs ooauthcc)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 1 ]; then
  echo "usage: $0 PREFIX [--debug]" >&2
  exit 2
fi
prefix=$(mkdir -p "$1" && cd "$1" && pwd)
profile=release
flags=(--release)
if [ "${2:-}" = "--debug" ]; then
  profile=debug
  flags=()
fi

# One build of the cdylib and staticlib; rustc also names the system libraries
# a static link needs (for the .pc file's Libs.private).
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo rustc -p ooauthcc-ffi --lib ${flags[@]+"${flags[@]}"} -- --print native-static-libs 2> >(tee "$log" >&2)
wait
libs_private=$(sed -n 's/.*native-static-libs: //p' "$log" | tail -n 1)
version=$(cargo pkgid -p ooauthcc-ffi | sed 's/.*[#@]//')
abi=${version%%.*}
target_dir=$(cargo metadata --format-version 1 --no-deps | sed 's/.*"target_directory":"\([^"]*\)".*/\1/')
built="$target_dir/$profile"

install -d "$prefix/include" "$prefix/lib/pkgconfig"
install -m 644 include/ooauthcc.h "$prefix/include/ooauthcc.h"
install -m 755 "$built/libooauthcc.so" "$prefix/lib/libooauthcc.so.$version"
ln -sf "libooauthcc.so.$version" "$prefix/lib/libooauthcc.so.$abi"
ln -sf "libooauthcc.so.$abi" "$prefix/lib/libooauthcc.so"
install -m 644 "$built/libooauthcc.a" "$prefix/lib/libooauthcc.a"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@LIBS_PRIVATE@|$libs_private|" \
  ffi/ooauthcc.pc.in > "$prefix/lib/pkgconfig/ooauthcc.pc"
echo "installed ooauthcc $version ($profile) into $prefix"
