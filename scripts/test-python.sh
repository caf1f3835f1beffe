#!/usr/bin/env bash
# The Python package's tests: builds the wheel and sdist (scripts/build-wheel.sh),
# installs it into a virtualenv, then checks the hand-written stubs against
# the installed module (mypy.stubtest), type-checks the package and the tests
# (mypy --strict), and runs pytest against the installed package and the
# bundled authorization server over real HTTP.
#
# Needs Python >= 3.9 with venv and pip (PYTHON, default python3) and a Rust
# toolchain. The build shares CARGO_TARGET_DIR (default: the workspace's
# target/, so a preceding `cargo test` has compiled most dependencies) and uses
# the dev profile (OOAUTHCC_PY_PROFILE=release for an optimised wheel).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

venv="${OOAUTHCC_PY_VENV:-$repo/python/.venv-py}"
python="${PYTHON:-python3}"
profile="${OOAUTHCC_PY_PROFILE:-dev}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"

echo "== python: virtualenv at $venv with the build and test tools"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
export PATH="$venv/bin:$PATH"
python -m pip install -q --disable-pip-version-check \
  "maturin>=1.9,<2" pytest pytest-timeout pytest-asyncio requests httpx aiohttp prometheus_client opentelemetry-sdk mypy \
  jsonschema rfc3339-validator types-jsonschema

echo "== python: the wheel and sdist (scripts/build-wheel.sh, profile $profile, target dir $CARGO_TARGET_DIR)"
dist="$CARGO_TARGET_DIR/python-dist"
OOAUTHCC_PY_PROFILE="$profile" OOAUTHCC_BUILD_VENV="$venv" scripts/build-wheel.sh "$dist"
OOAUTHCC_WHEEL="$(ls "$dist"/ooauthcc-*.whl)"
export OOAUTHCC_WHEEL
python -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$OOAUTHCC_WHEEL"

echo "== python: mypy.stubtest (the .pyi stubs against the installed native module)"
# From the repository root, so the installed package is checked, not python/ooauthcc.
python -m mypy.stubtest ooauthcc --allowlist python/stubtest-allowlist.txt

echo "== python: mypy --strict (package and tests)"
(cd python && python -m mypy --strict ooauthcc tests bench)

echo "== python: the third-party authorization server for the conformance tests"
if [ -z "${OOAUTHCC_OIDC_PROVIDER_DIR:-}" ]; then
  OOAUTHCC_OIDC_PROVIDER_DIR="$(scripts/oidc-provider-install.sh)"
  export OOAUTHCC_OIDC_PROVIDER_DIR
fi

echo "== python: the command-line tool, for the exec-credential schema test"
cargo build --quiet -p ooauthcc-cli
export OOAUTHCC_CLI="$CARGO_TARGET_DIR/debug/ooauthcc"

echo "== python: pytest (against the installed package)"
cd python
pytest
