"""Mutual TLS client authentication (RFC 8705) from Python, against the bundled
server speaking HTTPS with the repository's test PKI (core/tests/fixtures/tls):
the same scenarios as core/tests/mtls.rs, and single flight over HTTPS."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from typing import Literal

import pytest

import ooauthcc
from ooauthcc.testing import AuthServer

from helpers import SECRET, TLS_FIXTURES, tls_fixture

MtlsMethod = Literal["tls_client_auth", "self_signed_tls_client_auth"]


@pytest.fixture
def tls_server() -> Iterator[AuthServer]:
    with AuthServer(
        tls_cert=tls_fixture("server.pem"),
        tls_key=tls_fixture("server.key.pem"),
        client_ca=tls_fixture("ca.pem"),
    ) as s:
        yield s


def mtls_client(server: AuthServer, client_id: str, method: MtlsMethod, cert: str) -> ooauthcc.Client:
    """A client authenticating with the certificate `cert` (fixture name without `.pem`)."""
    return ooauthcc.Client(
        server.token_url,
        client_id,
        auth_method=method,
        client_cert=tls_fixture(f"{cert}.pem"),
        client_key=tls_fixture(f"{cert}.key.pem"),
        ca_bundle=tls_fixture("ca.pem"),
        max_retries=0,
    )


def test_tls_client_auth_with_a_ca_issued_certificate(tls_server: AuthServer, client_id: str) -> None:
    assert tls_server.tls and tls_server.token_url.startswith("https://127.0.0.1:")
    tls_server.register_client(client_id, auth_methods="tls_client_auth", client_cert=tls_fixture("client.pem"))
    client = mtls_client(tls_server, client_id, "tls_client_auth", "client")
    token = client.get_token()
    assert tls_server.is_valid_token(token)
    r = tls_server.requests()[-1]
    assert (r.auth_used, r.client_id, r.param("client_id")) == ("tls_client_auth", client_id, client_id)
    assert r.param("client_secret") is None and r.header("authorization") is None
    assert client.stats().token_requests == 1


def test_self_signed_tls_client_auth_from_files(tls_server: AuthServer, client_id: str) -> None:
    tls_server.register_client(
        client_id, auth_methods="self_signed_tls_client_auth", client_cert=tls_fixture("selfsigned.pem")
    )
    client = ooauthcc.Client(
        tls_server.token_url,
        client_id,
        auth_method="self_signed_tls_client_auth",
        client_cert_file=TLS_FIXTURES / "selfsigned.pem",
        client_key_file=TLS_FIXTURES / "selfsigned.key.pem",
        ca_bundle_file=TLS_FIXTURES / "ca.pem",
        max_retries=0,
    )
    assert tls_server.is_valid_token(client.get_token())
    assert tls_server.requests()[-1].auth_used == "self_signed_tls_client_auth"


@pytest.mark.parametrize(
    ("registered", "method", "presented"),
    [
        # The self-signed certificate chains to no trusted CA: not tls_client_auth.
        ("tls_client_auth", "tls_client_auth", "selfsigned"),
        # A certificate other than the registered one.
        ("self_signed_tls_client_auth", "self_signed_tls_client_auth", "client"),
    ],
)
def test_a_certificate_the_server_does_not_expect_is_invalid_client(
    tls_server: AuthServer, client_id: str, registered: str, method: MtlsMethod, presented: str
) -> None:
    expected = "client.pem" if presented == "selfsigned" else "selfsigned.pem"
    tls_server.register_client(client_id, auth_methods=registered, client_cert=tls_fixture(expected))
    client = mtls_client(tls_server, client_id, method, presented)
    with pytest.raises(ooauthcc.OAuthError) as info:
        client.get_token()
    e = info.value
    # Rust: (ErrorKind::OAuth, Some("invalid_client")).
    assert (e.kind, e.status, e.error, e.http_status) == ("oauth", 13, "invalid_client", 401)
    assert not e.retryable
    assert tls_server.request_count(client_id) == 1


def test_no_certificate_is_invalid_client(tls_server: AuthServer, client_id: str) -> None:
    # A client of a tls_client_auth registration that presents no certificate.
    tls_server.register_client(
        client_id, SECRET, auth_methods="tls_client_auth", client_cert=tls_fixture("client.pem")
    )
    client = ooauthcc.Client(tls_server.token_url, client_id, SECRET, ca_bundle=tls_fixture("ca.pem"), max_retries=0)
    with pytest.raises(ooauthcc.OAuthError) as info:
        client.get_token()
    assert (info.value.kind, info.value.error, info.value.http_status) == ("oauth", "invalid_client", 401)
    # The requests authenticated with the secret alone, which this registration
    # does not accept: Basic, then (auth_method auto, the default) the body.
    used = [r.auth_used for r in tls_server.requests() if r.client_id == client_id]
    assert used == ["client_secret_basic", "client_secret_post"]


def test_mtls_settings_are_checked_when_the_client_is_built() -> None:
    url = "https://idp.example.com/token"
    # tls_client_auth without a certificate: a ConfigError naming client_cert (Rust: ErrorKind::Config).
    with pytest.raises(ooauthcc.ConfigError, match="client_cert") as info:
        ooauthcc.Client(url, "id", auth_method="tls_client_auth")
    assert info.value.kind == "config"
    with pytest.raises(ooauthcc.ConfigError, match="client_key"):
        ooauthcc.Client(url, "id", "s", client_cert=tls_fixture("client.pem"))
    with pytest.raises(ooauthcc.ConfigError, match="client_cert"):
        ooauthcc.Client(url, "id", "s", client_cert="not pem", client_key="not pem")
    with pytest.raises(ooauthcc.ConfigError, match="ca_bundle"):
        ooauthcc.Client(url, "id", "s", ca_bundle="nothing here")
    with pytest.raises(ooauthcc.ConfigError, match="ca_bundle_file"):
        ooauthcc.Client(url, "id", "s", ca_bundle_file="/nonexistent/ca.pem")


def test_an_untrusted_server_certificate_is_a_transport_error(tls_server: AuthServer, client_id: str) -> None:
    tls_server.register_client(client_id, SECRET)
    trusted = ooauthcc.Client(tls_server.token_url, client_id, SECRET, ca_bundle=tls_fixture("ca.pem"))
    assert tls_server.is_valid_token(trusted.get_token())
    # Without the private CA the server is not trusted.
    untrusted = ooauthcc.Client(tls_server.token_url, client_id, SECRET, scopes=["other"], max_retries=0)
    with pytest.raises(ooauthcc.TransportError) as info:
        untrusted.get_token()
    assert info.value.kind == "transport" and "certificate" in str(info.value).lower()
    assert tls_server.total_requests() == 1  # the handshake failed: no HTTP request


def test_32_threads_make_one_mtls_request(tls_server: AuthServer, client_id: str) -> None:
    tls_server.register_client(client_id, auth_methods="tls_client_auth", client_cert=tls_fixture("client.pem"))
    tls_server.set_latency(0.3)
    client = mtls_client(tls_server, client_id, "tls_client_auth", "client")
    barrier = threading.Barrier(32)
    tokens: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            tokens.append(client.get_token())
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(tokens) == 32 and len(set(tokens)) == 1 and tls_server.is_valid_token(tokens[0])
    assert tls_server.request_count(client_id) == 1
    assert tls_server.max_concurrent_requests(client_id) == 1
    assert client.stats().token_requests == 1


def test_tls_server_arguments_are_checked() -> None:
    cert, key = tls_fixture("server.pem"), tls_fixture("server.key.pem")
    with pytest.raises(ValueError, match="tls_key"):
        AuthServer(tls_cert=cert)
    with pytest.raises(ValueError, match="tls_cert"):
        AuthServer(tls_key=key)
    with pytest.raises(ValueError, match="client_ca"):
        AuthServer(client_ca=tls_fixture("ca.pem"))
    with pytest.raises(ValueError, match="private key"):
        AuthServer(tls_cert=cert, tls_key="not a key")
    bad_ca = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    with pytest.raises(ValueError, match="client CA"):
        AuthServer(tls_cert=cert, tls_key=key, client_ca=bad_ca)
    with AuthServer(tls_cert=cert, tls_key=key) as server:
        assert not any(key_line in repr(server) for key_line in key.splitlines()[1:-1])
        with pytest.raises(ValueError, match="needs client_cert"):
            server.register_client("c", auth_methods="tls_client_auth")
        with pytest.raises(ValueError, match="client_cert is not a PEM certificate"):
            server.register_client("c", auth_methods="self_signed_tls_client_auth", client_cert="nope")
        with pytest.raises(ValueError, match="needs public_key"):
            server.register_client("c", auth_methods="private_key_jwt")
        with pytest.raises(ValueError, match="unknown auth_methods"):
            server.register_client("c", auth_methods="mtls")
    with AuthServer() as plain:
        assert not plain.tls and plain.token_url.startswith("http://")
