#!/usr/bin/env bash
# Builds and installs the C library: header, shared library (with its soname
# links), static library and pkg-config file; and the same for the test
# library libooauthcc_testing (the bundled test servers, for users' own tests).
#
#   scripts/install-c.sh PREFIX            # release build, e.g. PREFIX=/usr/local
#   scripts/install-c.sh PREFIX --debug    # debug build (what the tests use)
#
# Installs PREFIX/include/ooauthcc.h, PREFIX/lib/libooauthcc.so.<version> with
# links libooauthcc.so.<abi> (the soname: <major>, or 0.<minor> while the major
# is 0, as ffi/build.rs sets it) and libooauthcc.so, PREFIX/lib/libooauthcc.a and
# PREFIX/lib/pkgconfig/ooauthcc.pc. Then: cc app.c $(pkg-config --cflags --libs ooauthcc)
# Likewise ooauthcc_testing.h, libooauthcc_testing.so.<version> (+ links),
# libooauthcc_testing.a and ooauthcc-testing.pc, for tests:
#   cc test.c $(pkg-config --cflags --libs ooauthcc-testing)   # -looauthcc_testing -looauthcc
# And the command-line tool, PREFIX/bin/ooauthcc (README, "Command line").
# Also the C++17 header PREFIX/include/ooauthcc.hpp, and a CMake package,
# PREFIX/lib/cmake/ooauthcc/ooauthccConfig.cmake and ooauthccConfigVersion.cmake
# (relocatable; imported targets ooauthcc::ooauthcc, ooauthcc::ooauthcc_static
# and ooauthcc::testing): find_package(ooauthcc 0.2 REQUIRED). Installing needs
# no cmake.
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
# The test library in a cargo run of its own: built together, Cargo would unify
# core's features and compile core's `testing` code into libooauthcc.so too.
cargo build -p ooauthcc-testing-ffi --lib ${flags[@]+"${flags[@]}"}
# The command-line tool, also on its own (no test code in it either).
cargo build -p ooauthcc-cli --bin ooauthcc ${flags[@]+"${flags[@]}"}
libs_private=$(sed -n 's/.*native-static-libs: //p' "$log" | tail -n 1)
version=$(cargo pkgid -p ooauthcc-ffi | sed 's/.*[#@]//')
major=${version%%.*}
if [ "$major" = 0 ]; then
  minor=${version#*.}
  abi="0.${minor%%.*}" # 0.x: each minor release may break the ABI
else
  abi=$major
fi
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

install -m 644 include/ooauthcc_testing.h "$prefix/include/ooauthcc_testing.h"
install -m 755 "$built/libooauthcc_testing.so" "$prefix/lib/libooauthcc_testing.so.$version"
ln -sf "libooauthcc_testing.so.$version" "$prefix/lib/libooauthcc_testing.so.$abi"
ln -sf "libooauthcc_testing.so.$abi" "$prefix/lib/libooauthcc_testing.so"
install -m 644 "$built/libooauthcc_testing.a" "$prefix/lib/libooauthcc_testing.a"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@LIBS_PRIVATE@|$libs_private|" \
  ffi-testing/ooauthcc-testing.pc.in > "$prefix/lib/pkgconfig/ooauthcc-testing.pc"
install -m 644 include/ooauthcc.hpp "$prefix/include/ooauthcc.hpp"

# The CMake package. Its paths are computed from its own location; the
# system libraries of the static target are the .pc file's Libs.private
# (`-lfoo` becomes `foo`, a CMake list).
cmake_libs=""
for word in $libs_private; do
  case $word in -l*) word=${word#-l} ;; esac
  cmake_libs="${cmake_libs:+$cmake_libs;}$word"
done
minor=${version#*.}
minor=${minor%%.*}
install -d "$prefix/lib/cmake/ooauthcc"
sed -e "s|@VERSION@|$version|g" -e "s|@ABI@|$abi|g" -e "s|@LIBS_PRIVATE@|$cmake_libs|g" \
  ffi/cmake/ooauthccConfig.cmake.in > "$prefix/lib/cmake/ooauthcc/ooauthccConfig.cmake"
sed -e "s|@VERSION@|$version|g" -e "s|@MAJOR@|$major|g" -e "s|@MINOR@|$minor|g" \
  -e "s|@SIZEOF_VOID_P@|$(($(getconf LONG_BIT) / 8))|g" \
  ffi/cmake/ooauthccConfigVersion.cmake.in > "$prefix/lib/cmake/ooauthcc/ooauthccConfigVersion.cmake"

install -d "$prefix/bin"
install -m 755 "$built/ooauthcc" "$prefix/bin/ooauthcc"
echo "installed ooauthcc $version ($profile) into $prefix"
