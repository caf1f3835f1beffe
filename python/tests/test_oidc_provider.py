"""The conformance scenarios against a server nobody on this team wrote: npm
`oidc-provider` (pinned in tests/third_party/oidc-provider), started here on
127.0.0.1 and stopped when the module's tests end, also on failure.

Needs `scripts/oidc-provider-install.sh` (scripts/test-python.sh runs it);
the directory comes from OOAUTHCC_OIDC_PROVIDER_DIR. Mutual TLS (RFC 8705) goes
to the same provider's HTTPS port, with the test PKI of core/tests/fixtures/tls.
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

from typing import Literal

import pytest

import ooauthcc

MtlsMethod = Literal["tls_client_auth", "self_signed_tls_client_auth"]

REPO = Path(__file__).resolve().parents[2]
BASIC = ("cc-basic", "cc-basic-secret-0123456789")
POST = ("cc-post", "cc-post-secret-0123456789")
SECRET_JWT = ("cc-secret-jwt", "cc-secret-jwt-secret-0123456789abcdef0123456789")
KEYS = REPO / "core" / "tests" / "fixtures" / "keys"
TLS = REPO / "core" / "tests" / "fixtures" / "tls"


class OidcProvider:
    def __init__(self, proc: subprocess.Popen[str], issuer: str, mtls_base: str) -> None:
        self.proc = proc
        self.issuer = issuer
        self.token_url = f"{issuer}/token"
        # The same provider over HTTPS, asking for client certificates.
        self.mtls_token_url = f"{mtls_base}/token"

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
    env = dict(os.environ, OOAUTHCC_PKJWT_PUBLIC_KEY=str(KEYS / "rsa.pub.pem"), OOAUTHCC_MTLS_DIR=str(TLS))
    # stdin is a pipe: the server exits when it closes, even if this process dies.
    proc = subprocess.Popen(
        ["node", str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    try:
        assert proc.stdout is not None
        ready, mtls = proc.stdout.readline().strip(), proc.stdout.readline().strip()
        assert ready.startswith("READY "), f"oidc-provider said {ready!r}"
        assert mtls.startswith("MTLS "), f"oidc-provider said {mtls!r}"
        yield OidcProvider(proc, ready.removeprefix("READY "), mtls.removeprefix("MTLS "))
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


def mtls_client(op: OidcProvider, client_id: str, method: MtlsMethod, cert: str) -> ooauthcc.Client:
    """A client of the HTTPS token endpoint presenting `<cert>.pem` (and its key)."""
    return ooauthcc.Client(
        op.mtls_token_url,
        client_id,
        auth_method=method,
        client_cert_file=str(TLS / f"{cert}.pem"),
        client_key_file=str(TLS / f"{cert}.key.pem"),
        ca_bundle_file=str(TLS / "ca.pem"),
    )


def test_tls_client_auth(op: OidcProvider) -> None:
    # cc-tls is registered for the subject of the CA-issued client.pem.
    assert op.mtls_token_url.startswith("https://127.0.0.1:")
    client = mtls_client(op, "cc-tls", "tls_client_auth", "client")
    before = op.requests("cc-tls")
    token = client.token()
    assert token.token_type == "Bearer"
    assert claims(token.access_token)["client_id"] == "cc-tls"
    assert client.get_token() == token.access_token  # cached
    assert op.requests("cc-tls") - before == 1


def test_self_signed_tls_client_auth(op: OidcProvider) -> None:
    # cc-self-signed's jwks holds selfsigned.pem as x5c.
    client = mtls_client(op, "cc-self-signed", "self_signed_tls_client_auth", "selfsigned")
    before = op.requests("cc-self-signed")
    assert claims(client.get_token())["client_id"] == "cc-self-signed"
    assert op.requests("cc-self-signed") - before == 1


@pytest.mark.parametrize(
    ("client_id", "method", "presented"),
    [
        ("cc-tls", "tls_client_auth", "selfsigned"),  # no trusted CA issued it
        ("cc-self-signed", "self_signed_tls_client_auth", "client"),  # not the registered certificate
    ],
)
def test_wrong_certificate_is_the_servers_typed_error_once(
    op: OidcProvider, client_id: str, method: MtlsMethod, presented: str
) -> None:
    wrong = mtls_client(op, client_id, method, presented)
    before = op.requests(client_id)
    errors: list[BaseException] = []
    barrier = threading.Barrier(16)

    def call() -> None:
        barrier.wait()
        try:
            wrong.get_token()
        except ooauthcc.Error as e:
            errors.append(e)

    threads = [threading.Thread(target=call) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 16
    for e in errors:
        assert isinstance(e, ooauthcc.OAuthError)
        assert (e.error, e.http_status, e.status) == ("invalid_client", 401, 13)
    assert op.requests(client_id) - before == 1
