#!/usr/bin/env bash
# The Python distribution: an abi3 manylinux wheel (installs on CPython >= 3.9
# without Rust) and an sdist, into OUT (default dist/).
#
#   scripts/build-wheel.sh [OUT]
#
# The wheel's platform tag is the lowest manylinux tag its extension fits
# (maturin --compatibility pypi refuses a plain `linux` tag), checked again by
# `auditwheel show`; the extension is stripped.
#
# Environment:
#   OOAUTHCC_PY_PROFILE   cargo profile: release (default) or dev (the tests' quick build)
#   OOAUTHCC_BUILD_VENV   virtualenv holding maturin and auditwheel (default target/wheel-venv;
#                         scripts/test-python.sh passes its own)
#   PYTHON                the interpreter that creates it (default python3)
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-dist}"
profile="${OOAUTHCC_PY_PROFILE:-release}"
venv="${OOAUTHCC_BUILD_VENV:-$PWD/target/wheel-venv}"
[ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check "maturin>=1.9,<2" "auditwheel>=6"

mkdir -p "$out"
rm -f "$out"/ooauthcc-*.whl "$out"/ooauthcc-*.tar.gz
"$venv/bin/maturin" build --manifest-path python/Cargo.toml --profile "$profile" \
  --compatibility pypi --auditwheel check --strip --out "$out"
"$venv/bin/maturin" sdist --manifest-path python/Cargo.toml --out "$out"

wheel=$(ls "$out"/ooauthcc-*.whl)
"$venv/bin/auditwheel" show "$wheel"
echo "wheel: $wheel ($(du -k "$wheel" | cut -f1) KiB)"
echo "sdist: $(ls "$out"/ooauthcc-*.tar.gz)"
