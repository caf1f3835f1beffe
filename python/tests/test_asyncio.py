"""asyncio: 1,000 tasks make one request, async and sync callers share one
flight, the event loop is never blocked, errors and cancellation behave."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

import ooauthcc
from ooauthcc.testing import AuthServer, Fault

from helpers import make_client


@pytest.mark.asyncio
async def test_1000_tasks_one_request(server: AuthServer, client_id: str) -> None:
    server.set_latency(0.3)
    client = make_client(server, client_id)
    tokens = await asyncio.gather(*(client.get_token_async() for _ in range(1000)))
    assert len(set(tokens)) == 1 and server.is_valid_token(tokens[0])
    assert server.request_count(client_id) == 1
    # Cached now: answered without a trip through the loop, same object as the sync API.
    assert await client.get_token_async() is client.get_token()
    tok = await client.token_async()
    assert tok.access_token == tokens[0]


@pytest.mark.asyncio
async def test_async_and_sync_callers_share_one_flight(server: AuthServer, client_id: str) -> None:
    server.set_latency(0.4)
    client = make_client(server, client_id)
    sync_tokens: list[str] = []
    threads = [threading.Thread(target=lambda: sync_tokens.append(client.get_token())) for _ in range(8)]
    for t in threads:
        t.start()
    async_tokens = await asyncio.gather(*(client.get_token_async() for _ in range(200)))
    for t in threads:
        t.join()
    assert set(sync_tokens) == set(async_tokens) and len(set(async_tokens)) == 1
    assert server.request_count(client_id) == 1


@pytest.mark.asyncio
async def test_the_event_loop_keeps_running_while_waiting(server: AuthServer, client_id: str) -> None:
    server.set_latency(0.5)
    client = make_client(server, client_id)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    start = time.monotonic()
    token = await client.get_token_async()
    elapsed = time.monotonic() - start
    task.cancel()
    assert server.is_valid_token(token) and elapsed >= 0.4
    assert ticks >= 10, f"the loop ticked {ticks} times in {elapsed:.2f} s"


@pytest.mark.asyncio
async def test_async_errors_are_ooauthcc_exceptions(server: AuthServer, client_id: str) -> None:
    client = make_client(server, client_id, max_retries=0)
    server.set_fault(Fault.oauth_error("invalid_scope", status=400, description="no such scope"))
    with pytest.raises(ooauthcc.OAuthError) as info:
        await client.get_token_async()
    assert info.value.error == "invalid_scope" and info.value.http_status == 400
    assert info.value.error_description == "no such scope"


@pytest.mark.asyncio
async def test_async_timeout_and_cancellation(server: AuthServer, client_id: str) -> None:
    server.set_latency(0.6)
    client = make_client(server, client_id)
    with pytest.raises(ooauthcc.TokenTimeoutError):
        await client.get_token_async(timeout=0.1)
    # A cancelled waiter neither cancels the shared fetch nor breaks the loop.
    waiter = asyncio.ensure_future(client.get_token_async())
    await asyncio.sleep(0.05)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    token = await client.get_token_async()
    assert server.is_valid_token(token)
    assert server.request_count(client_id) == 1


def test_get_token_async_needs_a_running_loop(client: ooauthcc.Client) -> None:
    with pytest.raises(RuntimeError):
        client.get_token_async()


@pytest.mark.asyncio
async def test_a_cached_answer_works_with_asyncio_helpers(server: AuthServer, client_id: str) -> None:
    client = make_client(server, client_id)
    token = client.get_token()
    assert await asyncio.wait_for(client.get_token_async(), 1) == token
    assert list(await asyncio.gather(client.get_token_async(), client.get_token_async())) == [token, token]
    assert await asyncio.ensure_future(client.get_token_async()) == token
    assert (await client.token_async()).access_token == token
