"""Credentials from Python callbacks (`client_secret_provider`,
`private_key_provider`) are read at every fetch, so a rotation takes effect at
the next fetch with no new client — as core/tests/jwt_and_rotation.rs shows
for Rust. The bundled server checks the secret, or the assertion's signature
against the registered public key."""

from __future__ import annotations

import pytest

import ooauthcc
from ooauthcc.testing import AuthServer

from helpers import key_fixture


def test_client_secret_provider_rotation(server: AuthServer, client_id: str) -> None:
    current = {"secret": "first-secret"}
    calls: list[str] = []

    def provide() -> str:
        calls.append(current["secret"])
        return current["secret"]

    server.register_client(client_id, "first-secret")
    client = ooauthcc.Client(server.token_url, client_id, client_secret_provider=provide, max_retries=0)
    t1 = client.get_token()
    assert server.is_valid_token(t1) and calls == ["first-secret"]
    assert client.get_token() == t1 and len(calls) == 1  # a cached token needs no credential

    # The server and the callback's source rotate together: the next fetch uses
    # the new secret, with the same client object.
    server.register_client(client_id, "second-secret")
    current["secret"] = "second-secret"
    assert client.invalidate(t1)
    t2 = client.get_token()
    assert server.is_valid_token(t2) and t2 != t1
    assert calls == ["first-secret", "second-secret"]
    assert server.requests()[-1].auth_used == "client_secret_basic"


def test_client_secret_provider_with_client_secret_jwt(server: AuthServer, client_id: str) -> None:
    secret = {"value": "hmac-secret-one-that-is-long-enough-for-hs256"}
    server.register_client(client_id, secret["value"], auth_methods="client_secret_jwt")
    client = ooauthcc.Client(
        server.token_url,
        client_id,
        client_secret_provider=lambda: secret["value"],
        auth_method="client_secret_jwt",
        max_retries=0,
    )
    t1 = client.get_token()
    assert server.is_valid_token(t1) and server.requests()[-1].auth_used == "client_secret_jwt"
    secret["value"] = "hmac-secret-two-that-is-long-enough-for-hs256"
    server.register_client(client_id, secret["value"], auth_methods="client_secret_jwt")
    assert client.invalidate(t1)
    assert server.is_valid_token(client.get_token())


def test_private_key_provider_rotation(server: AuthServer, client_id: str) -> None:
    key = {"pem": key_fixture("rsa-pkcs8.pem")}
    calls: list[int] = []

    def provide() -> str:
        calls.append(1)
        return key["pem"]

    server.register_client(client_id, auth_methods="private_key_jwt", public_key=key_fixture("rsa.pub.pem"))
    client = ooauthcc.Client(
        server.token_url,
        client_id,
        auth_method="private_key_jwt",
        private_key_provider=provide,
        key_id="key-1",
        max_retries=0,
    )
    t1 = client.get_token()
    assert server.is_valid_token(t1) and len(calls) == 1
    r = server.requests()[-1]
    assert r.auth_used == "private_key_jwt" and r.param("client_secret") is None
    assert r.param("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    # The key is rotated at the server and in the callback: the next fetch signs with the new key.
    server.register_client(client_id, auth_methods="private_key_jwt", public_key=key_fixture("other-rsa.pub.pem"))
    key["pem"] = key_fixture("other-rsa.pem")
    assert client.invalidate(t1)
    t2 = client.get_token()
    assert server.is_valid_token(t2) and t2 != t1 and len(calls) == 2

    # A callback still returning the old key is refused: the server checked the signature.
    key["pem"] = key_fixture("rsa-pkcs8.pem")
    assert client.invalidate(t2)
    with pytest.raises(ooauthcc.OAuthError) as info:
        client.get_token()
    assert info.value.error == "invalid_client"


def test_a_provider_returning_a_non_str_or_raising_is_a_typed_error(server: AuthServer, client_id: str) -> None:
    server.register_client(client_id, auth_methods="private_key_jwt", public_key=key_fixture("rsa.pub.pem"))

    def not_a_str() -> str:
        return b"bytes"  # type: ignore[return-value]

    def raising() -> str:
        raise KeyError("vault path")

    for provider, what in ((not_a_str, "bytes"), (raising, "KeyError")):
        client = ooauthcc.Client(
            server.token_url, client_id, auth_method="private_key_jwt", private_key_provider=provider, key_id=what
        )
        with pytest.raises(ooauthcc.Error, match="private_key_provider") as info:
            client.get_token()
        assert what in str(info.value) and "vault path" not in str(info.value)
    assert server.request_count(client_id) == 0
