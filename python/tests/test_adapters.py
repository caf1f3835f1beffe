"""requests and httpx (sync and async) adapters: the token is sent, a 401
invalidates it and the request is retried exactly once with a new token."""

from __future__ import annotations

import httpx
import pytest
import requests

import ooauthcc
import ooauthcc.httpx
import ooauthcc.requests
from ooauthcc.testing import AuthServer

from helpers import make_client
from resource_server import resource_server


def test_requests_retries_once_with_a_new_token(server: AuthServer, client_id: str) -> None:
    client = make_client(server, client_id)
    with resource_server(server) as rs:
        r = requests.post(rs.url, data=b"payload", auth=ooauthcc.requests.OAuth2ClientCredentials(client))
        assert r.status_code == 200 and r.text == "ok"
        assert len(rs.seen) == 2 and rs.seen[0] != rs.seen[1]
        assert rs.seen[1] == client.get_token()
        assert rs.bodies == [b"payload", b"payload"], "the body is sent again"
        assert [h.status_code for h in r.history] == [401]
    assert server.request_count(client_id) == 2


def test_requests_gives_up_after_one_retry(server: AuthServer, client_id: str) -> None:
    client = make_client(server, client_id)
    with resource_server(server, reject_all=True) as rs, requests.Session() as session:
        session.auth = ooauthcc.requests.Auth(client)
        r = session.get(rs.url)
        assert r.status_code == 401
        assert len(rs.seen) == 2
        # The next request uses the (valid) token fetched for the retry: no new fetch.
        session.get(rs.url)
        assert len(rs.seen) == 4
    assert server.request_count(client_id) == 3


def test_requests_refuses_a_destination_before_sending(server: AuthServer, client_id: str) -> None:
    client = make_client(server, client_id, allowed_hosts=["api.example.com"])
    with resource_server(server) as rs:
        with pytest.raises(ooauthcc.UsageError, match="allowed_hosts"):
            requests.get(rs.url, auth=ooauthcc.requests.Auth(client))
        assert rs.seen == []
    with pytest.raises(ooauthcc.UsageError, match="http"):
        requests.get("http://api.example.com/x", auth=ooauthcc.requests.Auth(client))


def test_requests_query_param(server: AuthServer, client_id: str) -> None:
    client = make_client(server, client_id, query_param="access_token")
    with resource_server(server) as rs:
        r = requests.get(rs.url + "?page=2", auth=ooauthcc.requests.Auth(client))
        assert r.status_code == 200 and len(rs.seen) == 2
        assert "page=2" in r.url and rs.seen[1] in r.url


def test_httpx_sync_retries_once_with_a_new_token(server: AuthServer, client_id: str) -> None:
    client = make_client(server, client_id)
    with resource_server(server) as rs, httpx.Client(auth=ooauthcc.httpx.OAuth2ClientCredentials(client)) as http:
        r = http.post(rs.url, content=b"payload")
        assert r.status_code == 200
        assert len(rs.seen) == 2 and rs.seen[0] != rs.seen[1] == client.get_token()
        assert rs.bodies == [b"payload", b"payload"]
        assert [h.status_code for h in r.history] == [401]
    assert server.request_count(client_id) == 2


def test_httpx_sync_gives_up_after_one_retry(server: AuthServer, client_id: str) -> None:
    client = make_client(server, client_id)
    with resource_server(server, reject_all=True) as rs:
        r = httpx.get(rs.url, auth=ooauthcc.httpx.Auth(client))
        assert r.status_code == 401 and len(rs.seen) == 2


@pytest.mark.asyncio
async def test_httpx_async_retries_once_with_a_new_token(server: AuthServer, client_id: str) -> None:
    client = make_client(server, client_id)
    auth = ooauthcc.httpx.OAuth2ClientCredentials(client)
    with resource_server(server) as rs:
        async with httpx.AsyncClient(auth=auth) as http:
            r = await http.post(rs.url, content=b"payload")
            assert r.status_code == 200
            assert len(rs.seen) == 2 and rs.seen[0] != rs.seen[1] == client.get_token()
            r2 = await http.get(rs.url)
            assert r2.status_code == 200 and len(rs.seen) == 3
        async with httpx.AsyncClient(auth=auth) as http:
            rs.reject_all = True
            r3 = await http.get(rs.url)
            assert r3.status_code == 401 and len(rs.seen) == 5
    assert server.request_count(client_id) == 3


@pytest.mark.asyncio
async def test_httpx_async_refuses_a_destination(server: AuthServer, client_id: str) -> None:
    client = make_client(server, client_id)
    async with httpx.AsyncClient(auth=ooauthcc.httpx.Auth(client)) as http:
        with pytest.raises(ooauthcc.UsageError):
            await http.get("http://api.example.com/x")


def test_adapters_want_a_client() -> None:
    with pytest.raises(TypeError, match="'client'"):
        ooauthcc.requests.Auth("not a client")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="'client'"):
        ooauthcc.httpx.Auth("not a client")  # type: ignore[arg-type]


def test_requests_resends_a_seekable_stream_but_not_a_generator(server: AuthServer, client_id: str) -> None:
    import io

    client = make_client(server, client_id)
    with resource_server(server) as rs:
        r = requests.post(rs.url, data=io.BytesIO(b"stream"), auth=ooauthcc.requests.Auth(client))
        assert r.status_code == 200 and rs.bodies == [b"stream", b"stream"]
    with resource_server(server) as rs:
        # The first token seen by this new resource server is rejected; a generator cannot be replayed.
        r = requests.post(rs.url, data=(c for c in [b"gen"]), auth=ooauthcc.requests.Auth(client))
        assert r.status_code == 401 and len(rs.seen) == 1
