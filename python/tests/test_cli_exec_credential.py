"""``ooauthcc exec-credential`` (the command-line tool, built from cli/) checked
by a JSON Schema validator against client.authentication.k8s.io/v1
ExecCredential as written from Kubernetes' Go types
(cli/tests/exec-credential.v1.schema.json), formats included: what kubectl
reads from an exec credential plugin."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, ValidationError

from ooauthcc.testing import AuthServer

from helpers import SECRET

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "cli" / "tests" / "exec-credential.v1.schema.json"


@pytest.fixture(scope="module")
def cli() -> Path:
    # scripts/test-python.sh builds it and says where; without it, build it here.
    if "OOAUTHCC_CLI" in os.environ:
        return Path(os.environ["OOAUTHCC_CLI"])
    subprocess.run(["cargo", "build", "--quiet", "-p", "ooauthcc-cli"], cwd=REPO, check=True, timeout=1800)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "debug" / "ooauthcc"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema: dict[str, Any] = json.loads(SCHEMA.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.timeout(1800)  # the fixture may build the tool
def test_exec_credential_passes_the_schema_check(
    server: AuthServer, client_id: str, cli: Path, validator: Draft202012Validator
) -> None:
    server.register_client(client_id, SECRET)
    env = {
        "PATH": os.environ["PATH"],
        "OOAUTHCC_TOKEN_URL": server.token_url,
        "OOAUTHCC_CLIENT_ID": client_id,
        "OOAUTHCC_CLIENT_SECRET": SECRET,
    }
    run = subprocess.run(
        [str(cli), "--no-store", "exec-credential"], env=env, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    validator.validate(doc)
    assert doc["status"]["token"] == server.issued_tokens()[0]


@pytest.mark.parametrize(
    "broken",
    [
        {"status": {"token": "t", "expirationTimestamp": "tomorrow"}},
        {"status": {"expirationTimestamp": "2026-12-03T07:00:00Z"}},
        {"status": {"token": "t", "clientKeyData": "k"}},
        {"kind": "Credential"},
        {"apiVersion": "client.authentication.k8s.io/v1beta2"},
    ],
)
def test_the_schema_check_refuses_what_kubectl_would(validator: Draft202012Validator, broken: dict[str, Any]) -> None:
    good = {
        "apiVersion": "client.authentication.k8s.io/v1",
        "kind": "ExecCredential",
        "status": {"token": "t", "expirationTimestamp": "2026-12-03T07:00:00Z"},
    }
    validator.validate(good)
    with pytest.raises(ValidationError):
        validator.validate({**good, **broken})
