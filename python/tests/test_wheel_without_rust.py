"""The wheel installs and works where there is no Rust: a fresh virtual
environment whose PATH holds no cargo or rustc installs it (from the file,
no index) and gets tokens from the bundled server, through a Client and the
one-liner. scripts/test-python.sh builds the wheel (scripts/build-wheel.sh)
and passes it as OOAUTHCC_WHEEL."""

from __future__ import annotations

import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

USE = """
import ooauthcc
from ooauthcc.testing import AuthServer

with AuthServer() as server:
    server.register_client("wheel-app", "wheel-s3cret")
    client = ooauthcc.Client(token_url=server.token_url, client_id="wheel-app", client_secret="wheel-s3cret")
    token = client.get_token()
    assert token in server.issued_tokens(), "a token the server issued"
    one = ooauthcc.get_token(server.token_url, "wheel-app", "wheel-s3cret")
    assert one == token, "the one-liner shares the client's cache entry"
    assert server.request_count("wheel-app") == 1, server.request_count("wheel-app")
    print("ok", ooauthcc.__version__, ooauthcc._ooauthcc.__file__)
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if "OOAUTHCC_WHEEL" in os.environ:
        return Path(os.environ["OOAUTHCC_WHEEL"])
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(["scripts/build-wheel.sh", str(out)], cwd=REPO, check=True, timeout=3600)
    return next(out.glob("ooauthcc-*.whl"))


@pytest.mark.timeout(3600)  # the fixture may build the wheel
def test_the_wheel_installs_and_gets_tokens_without_rust(wheel: Path, tmp_path: Path) -> None:
    assert "-abi3-" in wheel.name and "manylinux" in wheel.name, wheel.name
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    # Only the new environment and the system's own directories: no ~/.cargo/bin.
    path = os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"])
    assert shutil.which("cargo", path=path) is None and shutil.which("rustc", path=path) is None, path
    env = {"PATH": path, "HOME": str(tmp_path), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    python = str(bin_dir / "python")
    install = subprocess.run(
        [python, "-m", "pip", "install", "--no-index", "--no-deps", str(wheel)],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    # From the temporary directory: python/ooauthcc (the sources) must not shadow the install.
    run = subprocess.run(
        [python, "-c", USE], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("ok "), run.stdout
    assert run.stdout.split()[-1].startswith(str(env_dir)), f"the extension came from elsewhere: {run.stdout}"
