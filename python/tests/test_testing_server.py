"""ooauthcc.testing: the bundled server from Python, and the pytest fixtures."""

from __future__ import annotations

import threading

import pytest

import ooauthcc
from ooauthcc.testing import AuthServer, Fault


def test_fixtures(ooauthcc_server: AuthServer, ooauthcc_client: ooauthcc.Client) -> None:
    token = ooauthcc_client.get_token()
    assert ooauthcc_server.is_valid_token(token)
    assert ooauthcc_server.request_count(ooauthcc_client.client_id) == 1
    assert ooauthcc_server.issued_tokens() == [token]


def test_server_controls() -> None:
    with AuthServer() as server:
        assert server.token_url == f"{server.base_url}/token" and server.port > 0
        server.register_client("svc", "pw", auth_methods="post", allowed_scopes=["a"])
        client = ooauthcc.Client(server.token_url, "svc", "pw", auth_method="client_secret_post", scopes=["a"])
        server.set_token_lifetime(120)
        tok = client.token()
        assert 110 < tok.lifetime <= 120
        req = server.requests()[-1]
        assert (req.method, req.path, req.client_id, req.auth_used) == ("POST", "/token", "svc", "client_secret_post")
        assert req.param("scope") == "a" and req.params("scope") == ["a"]
        assert req.header("content-type") == "application/x-www-form-urlencoded"
        assert "pw" not in repr(req)
        assert server.total_requests() == 1
        server.reset_counts()
        assert server.request_count("svc") == 0 and server.total_requests() == 0
        server.set_fault(Fault.slow(0.3), times=1)
        client.invalidate(tok)
        assert server.is_valid_token(client.get_token())
        with pytest.raises(ValueError):
            server.set_quirk("nonsense")
        with pytest.raises(ValueError):
            server.set_latency(-1)
    assert server.closed
    with pytest.raises(RuntimeError, match="closed"):
        server.request_count("svc")


def test_new_client_and_quirks() -> None:
    with AuthServer() as server:
        server.set_quirk("nested_token")
        c = server.new_client(token_path="data")
        assert server.is_valid_token(c.get_token())
        server.set_quirk(None)


def test_servers_run_side_by_side() -> None:
    servers = [AuthServer() for _ in range(4)]
    tokens: list[str] = []

    def use(s: AuthServer) -> None:
        tokens.append(s.new_client().get_token())

    threads = [threading.Thread(target=use, args=(s,)) for s in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(tokens)) == 4
    for s in servers:
        s.close()
