"""Named clients from one document (``ooauthcc.Profiles``), as Rust, C and the
CLI read it: secrets from a file and an environment variable (never inline),
clients built by name against the bundled server, and the errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ooauthcc
from ooauthcc.testing import AuthServer


def test_clients_by_name_with_secrets_from_a_file_and_the_environment(
    server: AuthServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.register_client("py-profile-billing", "billing-secret")
    server.register_client("py-profile-orders", "orders-secret")
    secret_file = tmp_path / "billing.secret"
    secret_file.write_text("billing-secret\n")
    monkeypatch.setenv("OOAUTHCC_TEST_ORDERS_SECRET", "orders-secret")
    doc = tmp_path / "profiles.toml"
    doc.write_text(
        f"""
[profiles.billing]
token_url = "{server.token_url}"
client_id = "py-profile-billing"
client_secret_file = "{secret_file}"
scopes = ["invoices.read"]

[profiles.orders]
token_url = "{server.token_url}"
client_id = "py-profile-orders"
client_secret_env = "OOAUTHCC_TEST_ORDERS_SECRET"
"""
    )
    profiles = ooauthcc.Profiles.from_file(doc)
    assert profiles.names == ["billing", "orders"] and len(profiles) == 2 and "orders" in profiles
    assert repr(profiles) == "Profiles([\"billing\", \"orders\"])"
    billing, orders = profiles.client("billing"), profiles.client("orders")
    assert server.is_valid_token(billing.get_token()) and server.is_valid_token(orders.get_token())
    assert profiles.client("billing").get_token() == billing.get_token(), "one cache entry per profile"
    assert (server.request_count("py-profile-billing"), server.request_count("py-profile-orders")) == (1, 1)

    as_json = tmp_path / "profiles.json"
    as_json.write_text(json.dumps({"profiles": {"orders": {
        "token_url": server.token_url, "client_id": "py-profile-orders",
        "client_secret_env": "OOAUTHCC_TEST_ORDERS_SECRET"}}}))
    assert ooauthcc.Profiles.from_file(str(as_json)).client("orders").get_token() == orders.get_token()


def test_errors_name_the_profile_the_setting_or_the_known_names(tmp_path: Path) -> None:
    profiles = ooauthcc.Profiles.from_json(
        '{"profiles": {"a": {"token_url": "https://idp.example.com/t", "client_id": "a", "client_secret_env": "X"}}}'
    )
    with pytest.raises(ooauthcc.ConfigError, match=r'"b".*known: a'):
        profiles.client("b")
    with pytest.raises(ooauthcc.ConfigError, match="broken.*refresh_ahead"):
        ooauthcc.Profiles.from_toml(
            '[profiles.broken]\ntoken_url = "https://idp.example.com/t"\nclient_id = "x"\n'
            'client_secret = "s"\nrefresh_ahead = 7\n'
        )
    with pytest.raises(ooauthcc.ConfigError, match="nonexistent"):
        ooauthcc.Profiles.from_file(tmp_path / "nonexistent.toml")
    leaky = ooauthcc.Profiles.from_json(
        '{"profiles": {"p": {"token_url": "https://idp.example.com/t", "client_id": "p", "client_secret": "hunter2-xyz"}}}'
    )
    assert "hunter2" not in repr(leaky)
