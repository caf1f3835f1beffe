"""Tokens on API requests through every adapter — requests, httpx (sync and
async), aiohttp — all driven by core's one decision (``Client.authorize_with``),
checked against what the bundled server's protected resource recorded: the
header and its format, resource headers and cookies beside the caller's own,
the token in a query parameter, ``allowed_hosts`` enforced before any token
request, and ``unauthorized_retries``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Optional

import aiohttp
import httpx
import pytest
import requests

import ooauthcc
import ooauthcc.aiohttp
import ooauthcc.httpx
import ooauthcc.requests
from ooauthcc.testing import AuthServer

from helpers import make_client

Send = Callable[[ooauthcc.Client, str, Optional[dict[str, str]]], int]


def send_requests(client: ooauthcc.Client, url: str, headers: Optional[dict[str, str]]) -> int:
    return requests.get(url, headers=headers, auth=ooauthcc.requests.Auth(client)).status_code


def send_httpx(client: ooauthcc.Client, url: str, headers: Optional[dict[str, str]]) -> int:
    return httpx.get(url, headers=headers, auth=ooauthcc.httpx.Auth(client)).status_code


def send_httpx_async(client: ooauthcc.Client, url: str, headers: Optional[dict[str, str]]) -> int:
    async def go() -> int:
        async with httpx.AsyncClient(auth=ooauthcc.httpx.Auth(client)) as http:
            return (await http.get(url, headers=headers)).status_code

    return asyncio.run(go())


def send_aiohttp(client: ooauthcc.Client, url: str, headers: Optional[dict[str, str]]) -> int:
    async def go() -> int:
        async with aiohttp.ClientSession(middlewares=(ooauthcc.aiohttp.Auth(client),)) as http:
            async with http.get(url, headers=headers) as response:
                await response.read()
                return response.status

    return asyncio.run(go())


ADAPTERS = pytest.mark.parametrize(
    "send", [send_requests, send_httpx, send_httpx_async, send_aiohttp], ids=["requests", "httpx", "httpx-async", "aiohttp"]
)


@ADAPTERS
def test_header_format_resource_headers_and_cookies(server: AuthServer, client_id: str, send: Send) -> None:
    client = make_client(
        server,
        client_id,
        header_name="X-Api-Token",
        header_format="Token {token}",
        resource_headers={"X-Tenant": "acme"},
        resource_cookies={"session": "s1"},
        extra_headers={"X-Token-Request-Only": "yes"},
    )
    assert send(client, server.resource_url, {"Cookie": "mine=1"}) == 200
    [seen] = server.resource_requests()
    token = client.get_token()
    assert seen.header("x-api-token") == f"Token {token}"
    assert seen.header("authorization") is None
    assert seen.header("x-tenant") == "acme"
    assert (seen.cookie("mine"), seen.cookie("session")) == ("1", "s1")
    assert seen.header("x-token-request-only") is None, "token-request headers stay off API requests"
    assert seen.token_in == "header:x-api-token"
    [token_request] = server.requests()
    assert token_request.header("x-token-request-only") == "yes" and token_request.header("x-tenant") is None


@ADAPTERS
def test_token_in_a_query_parameter(server: AuthServer, client_id: str, send: Send) -> None:
    client = make_client(server, client_id, query_param="api_key")
    assert send(client, server.resource_url + "?page=2", None) == 200
    [seen] = server.resource_requests()
    assert seen.query_param("page") == "2"
    assert seen.query_param("api_key") == client.get_token()
    assert seen.header("authorization") is None


@ADAPTERS
def test_a_401_is_retried_with_a_new_token_up_to_unauthorized_retries(
    server: AuthServer, client_id: str, send: Send
) -> None:
    client = make_client(server, client_id, unauthorized_retries=2)
    server.reject_resource_requests(2)
    assert send(client, server.resource_url, None) == 200
    seen = server.resource_requests()
    assert [r.status for r in seen] == [401, 401, 200]
    assert len({r.header("authorization") for r in seen}) == 3, "each retry carries a new token"
    assert server.request_count(client_id) == 3

    server.reset_counts()
    server.reject_resource_requests(5)
    assert send(client, server.resource_url, None) == 401, "the API's answer once the retries are spent"
    assert len(server.resource_requests()) == 3


@ADAPTERS
def test_no_retry_when_unauthorized_retries_is_zero(server: AuthServer, client_id: str, send: Send) -> None:
    client = make_client(server, client_id, unauthorized_retries=0)
    server.reject_resource_requests(1)
    assert send(client, server.resource_url, None) == 401
    assert len(server.resource_requests()) == 1
    assert server.request_count(client_id) == 1


@ADAPTERS
def test_a_host_outside_allowed_hosts_costs_no_token(server: AuthServer, client_id: str, send: Send) -> None:
    client = make_client(server, client_id, allowed_hosts=["api.example.com"])
    with pytest.raises(ooauthcc.UsageError, match=r"127\.0\.0\.1.*allowed_hosts"):
        send(client, server.resource_url, None)
    assert server.request_count(client_id) == 0
    assert server.resource_requests() == []


def test_authorize_with_is_the_one_decision(server: AuthServer, client_id: str) -> None:
    client = make_client(server, client_id, header_format="{token}", resource_headers={"X-A": "1"})
    token = client.token()
    url, headers = client.authorize_with("http://127.0.0.1:1/x?y=1", token)
    assert url == "http://127.0.0.1:1/x?y=1"
    assert headers == [("Authorization", token.access_token), ("x-a", "1")]
    assert client.unauthorized_retries == 1
    with pytest.raises(ooauthcc.ConfigError, match="header_format"):
        make_client(server, client_id, header_format="Bearer")
    with pytest.raises(ooauthcc.ConfigError, match="unauthorized_retries"):
        make_client(server, client_id, unauthorized_retries=9)


def test_retry_unauthorized_is_cores_rule(server: AuthServer, client_id: str) -> None:
    client = make_client(server, client_id, unauthorized_retries=2)
    token = client.token()
    assert client.retry_unauthorized(token, 0)  # allowed, and the token dropped
    assert client.cached_token() is None
    renewed = client.token()
    assert renewed != token and server.request_count(client_id) == 2
    assert client.retry_unauthorized(renewed.access_token, 1)  # a str works too
    third = client.token()
    assert not client.retry_unauthorized(third, 2)  # past unauthorized_retries: no, and kept
    assert client.cached_token() == third
    with pytest.raises(TypeError, match="str or Token"):
        client.retry_unauthorized(42, 0)  # type: ignore[arg-type]
