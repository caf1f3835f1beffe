"""Dynamic client registration (RFC 7591) from Python against the bundled
server: register once and keep the credentials in a 0600 file, reuse them,
register again when the secret is about to expire or the server forgot the
client; refusals and outages of the registration endpoint."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

import ooauthcc
from ooauthcc.testing import AuthServer


def registering(server: AuthServer, path: Path, **settings: Any) -> ooauthcc.Client:
    return ooauthcc.Client(
        server.token_url,
        registration_endpoint=server.registration_url,
        registration_file=path,
        retry_base_delay=0.02,
        get_timeout=20.0,
        **settings,
    )


def record(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def test_registers_once_and_reuses_the_file(server: AuthServer, tmp_path: Path) -> None:
    path = tmp_path / "state" / "client.json"
    first = registering(server, path, scopes=["a"])
    assert server.is_valid_token(first.get_token())
    assert server.registration_count() == 1
    assert (path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    client_id = record(path)["client_id"]
    # Another configuration (another cache entry) and a later start reuse it.
    assert server.is_valid_token(registering(server, path, scopes=["b"]).get_token())
    assert server.registration_count() == 1
    assert server.request_count(client_id) == 2
    assert record(path)["client_secret"] not in repr(first)


def test_a_secret_about_to_expire_is_registered_over(server: AuthServer, tmp_path: Path) -> None:
    server.set_registration_secret_lifetime(30.0)  # inside the one-minute margin
    path = tmp_path / "client.json"
    client = registering(server, path)
    token = client.get_token()
    first = record(path)
    assert time.time() + 25 <= first["client_secret_expires_at"] <= time.time() + 31
    assert client.invalidate(token)
    assert server.is_valid_token(client.get_token())
    assert server.registration_count() == 2
    assert record(path)["client_id"] != first["client_id"]


def test_a_forgotten_client_is_registered_again(server: AuthServer, tmp_path: Path) -> None:
    path = tmp_path / "client.json"
    client = registering(server, path)
    token = client.get_token()
    assert server.forget_client(record(path)["client_id"])
    assert client.invalidate(token)
    assert server.is_valid_token(client.get_token())
    assert server.registration_count() == 2


def test_refusals_and_outages(server: AuthServer, tmp_path: Path) -> None:
    server.require_initial_access_token("py-iat-0123456789")
    path = tmp_path / "client.json"
    with pytest.raises(ooauthcc.OAuthError) as refused:
        registering(server, path, max_retries=0).get_token()
    assert (refused.value.error, refused.value.http_status) == ("invalid_token", 401)
    assert "registration endpoint" in str(refused.value)
    assert not path.exists()

    server.fail_registrations(1, 503)  # retried like a token request
    client = registering(server, path, initial_access_token="py-iat-0123456789", max_retries=2)
    assert server.is_valid_token(client.get_token())
    assert [r.status for r in server.registration_requests()] == [401, 503, 201]
    assert server.registration_requests()[-1].authorization == "Bearer py-iat-0123456789"
    assert "py-iat-0123456789" not in repr(server.registration_requests()[-1])


def test_settings_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ooauthcc.ConfigError, match="client_id"):
        ooauthcc.Client(
            "https://idp.example.com/token",
            "mine",
            registration_endpoint="https://idp.example.com/register",
            registration_file=tmp_path / "c.json",
        )
    with pytest.raises(ooauthcc.ConfigError, match="registration_endpoint"):
        ooauthcc.Client("https://idp.example.com/token", registration_file=tmp_path / "c.json")
