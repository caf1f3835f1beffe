"""The conformance scenarios against a server nobody on this team wrote: npm
`oidc-provider` (pinned in tests/third_party/oidc-provider), started here on
127.0.0.1 and stopped when the module's tests end, also on failure.

Needs `scripts/oidc-provider-install.sh` (scripts/test-python.sh runs it);
the directory comes from OOAUTHCC_OIDC_PROVIDER_DIR.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import ooauthcc

REPO = Path(__file__).resolve().parents[2]
BASIC = ("cc-basic", "cc-basic-secret-0123456789")
POST = ("cc-post", "cc-post-secret-0123456789")
SECRET_JWT = ("cc-secret-jwt", "cc-secret-jwt-secret-0123456789abcdef0123456789")
KEYS = REPO / "core" / "tests" / "fixtures" / "keys"


class OidcProvider:
    def __init__(self, proc: subprocess.Popen[str], issuer: str) -> None:
        self.proc = proc
        self.issuer = issuer
        self.token_url = f"{issuer}/token"

    def requests(self, client_id: str) -> int:
        """Token requests the server saw for `client_id` (counted server-side)."""
        with urllib.request.urlopen(f"{self.issuer}/__ooauthcc/stats") as r:
            stats = json.load(r)
        return int(stats["by_client"].get(client_id, 0))


@pytest.fixture(scope="module")
def op() -> Iterator[OidcProvider]:
    home = os.environ.get("HOME", "")
    directory = os.environ.get("OOAUTHCC_OIDC_PROVIDER_DIR", f"{home}/.cache/ooauthcc/oidc-provider-9.13.3")
    script = Path(directory) / "server.mjs"
    if not script.exists():
        pytest.fail(f"{script} is missing: run scripts/oidc-provider-install.sh")
    env = dict(os.environ, OOAUTHCC_PKJWT_PUBLIC_KEY=str(KEYS / "rsa.pub.pem"))
    # stdin is a pipe: the server exits when it closes, even if this process dies.
    proc = subprocess.Popen(
        ["node", str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("READY "), f"oidc-provider said {line!r}"
        yield OidcProvider(proc, line.removeprefix("READY "))
    finally:
        proc.kill()
        proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                pipe.close()


def claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def test_secret_methods_and_scope(op: OidcProvider) -> None:
    basic = ooauthcc.Client(op.token_url, *BASIC, scopes=["api:read"])
    token = basic.token()
    assert token.token_type == "Bearer" and token.scope == "api:read"
    assert claims(token.access_token)["client_id"] == "cc-basic"
    post = ooauthcc.Client(op.token_url, *POST, auth_method="client_secret_post")
    assert claims(post.get_token())["client_id"] == "cc-post"


def test_jwt_client_authentication(op: OidcProvider) -> None:
    cs = ooauthcc.Client(op.token_url, *SECRET_JWT, auth_method="client_secret_jwt")
    assert claims(cs.get_token())["client_id"] == "cc-secret-jwt"
    pk = ooauthcc.Client(
        op.token_url,
        "cc-private-key-jwt",
        auth_method="private_key_jwt",
        private_key_file=str(KEYS / "rsa-pkcs8.pem"),
        key_id="test-key-1",
    )
    first = pk.get_token()
    assert claims(first)["client_id"] == "cc-private-key-jwt"
    assert pk.invalidate(first)
    assert pk.get_token() != first  # a second assertion (fresh jti) is accepted


def test_discovery_and_resource(op: OidcProvider) -> None:
    discovered = ooauthcc.Client(issuer=op.issuer, client_id=BASIC[0], client_secret=BASIC[1], scopes=["api:write"])
    assert claims(discovered.get_token())["iss"] == op.issuer
    res = ooauthcc.Client(op.token_url, *BASIC, resources=["https://orders.example.com"])
    assert claims(res.get_token())["aud"] == "https://orders.example.com"


def test_wrong_secret_is_the_servers_typed_error_once(op: OidcProvider) -> None:
    wrong = ooauthcc.Client(op.token_url, BASIC[0], "wrong-secret", scopes=["api:read", "api:write"])
    before = op.requests(BASIC[0])
    errors: list[BaseException] = []

    def call() -> None:
        try:
            wrong.get_token()
        except ooauthcc.Error as e:
            errors.append(e)

    threads = [threading.Thread(target=call) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 32
    for e in errors:
        assert isinstance(e, ooauthcc.OAuthError)
        assert (e.error, e.http_status, e.status) == ("invalid_client", 401, 13)
    assert op.requests(BASIC[0]) - before == 1


def test_single_flight_on_empty_and_expired_cache(op: OidcProvider) -> None:
    # `urn:ooauthcc:short-lived` gets 2-second tokens from the harness.
    client = ooauthcc.Client(
        op.token_url, *BASIC, resources=["urn:ooauthcc:short-lived"], refresh_ahead=1.0, refresh_jitter=0.0
    )
    before = op.requests(BASIC[0])

    def herd() -> set[str]:
        got: list[str] = []
        barrier = threading.Barrier(64)

        def call() -> None:
            barrier.wait()
            got.append(client.get_token())

        threads = [threading.Thread(target=call) for _ in range(64)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return set(got)

    first = herd()
    assert len(first) == 1 and op.requests(BASIC[0]) - before == 1
    deadline = time.monotonic() + 5
    while client.cached_token() is not None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    second = herd()
    assert len(second) == 1 and second != first
    assert op.requests(BASIC[0]) - before == 2
