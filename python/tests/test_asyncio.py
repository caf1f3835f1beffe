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
    # Like a coroutine, it starts when first driven: there, it needs a running loop.
    awaitable = client.get_token_async()
    with pytest.raises(RuntimeError, match="no running event loop"):
        awaitable.send(None)
    awaitable.close()


@pytest.mark.asyncio
async def test_a_cached_answer_works_with_asyncio_helpers(server: AuthServer, client_id: str) -> None:
    client = make_client(server, client_id)
    token = client.get_token()
    assert await asyncio.wait_for(client.get_token_async(), 1) == token
    assert list(await asyncio.gather(client.get_token_async(), client.get_token_async())) == [token, token]
    assert await asyncio.ensure_future(client.get_token_async()) == token
    assert (await client.token_async()).access_token == token


def test_asyncio_run_twice_with_the_same_client(server: AuthServer, client_id: str) -> None:
    """Each asyncio.run() makes a fresh event loop: the client works in every
    one of them, on a fetch (the awaitable of a pending request) and on a hit."""
    server.set_latency(0.2)
    client = make_client(server, client_id)

    async def get() -> str:
        return await client.get_token_async()

    first = asyncio.run(get())  # fetched while this loop runs
    second = asyncio.run(get())  # cached: answered without the loop
    assert first == second and server.is_valid_token(first)
    assert server.request_count(client_id) == 1
    assert client.invalidate(first)
    third = asyncio.run(get())  # fetched again, under a third loop
    assert third != first and server.is_valid_token(third)
    assert asyncio.run(client.token_async()).access_token == third
    assert server.request_count(client_id) == 2


def test_a_loop_that_ended_while_waiting_does_not_break_the_next_one(server: AuthServer, client_id: str) -> None:
    server.set_latency(0.5)
    client = make_client(server, client_id)

    async def give_up() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.get_token_async(), 0.05)

    asyncio.run(give_up())  # the loop closes while the fetch goes on
    token = asyncio.run(client.get_token_async(timeout=5))
    assert server.is_valid_token(token)
    assert server.request_count(client_id) == 1


@pytest.mark.asyncio
async def test_tasks_made_with_create_task(server: AuthServer, client_id: str) -> None:
    """Tasks awaiting get_token_async(), and tasks made from its awaitable
    directly (it is a collections.abc.Coroutine), share one request."""
    server.set_latency(0.3)
    client = make_client(server, client_id)

    async def get() -> str:
        return await client.get_token_async()

    wrapped = [asyncio.create_task(get()) for _ in range(20)]
    direct = [asyncio.create_task(client.get_token_async()) for _ in range(20)]
    as_token = asyncio.create_task(client.token_async())
    tokens = await asyncio.gather(*wrapped, *direct)
    assert len(set(tokens)) == 1 and server.is_valid_token(tokens[0])
    assert (await as_token).access_token == tokens[0]
    # Cached now: a task made from the already-done awaitable.
    assert await asyncio.create_task(client.get_token_async()) == tokens[0]
    assert await asyncio.create_task(get()) == tokens[0]
    assert server.request_count(client_id) == 1


@pytest.mark.asyncio
async def test_a_cancelled_task_leaves_the_shared_fetch_running(server: AuthServer, client_id: str) -> None:
    server.set_latency(0.4)
    client = make_client(server, client_id)
    task = asyncio.create_task(client.get_token_async())
    other = asyncio.create_task(client.get_token_async())
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert server.is_valid_token(await other)
    assert server.request_count(client_id) == 1


def test_errors_reach_tasks_under_asyncio_run(server: AuthServer, client_id: str) -> None:
    client = make_client(server, client_id, max_retries=0)
    server.set_fault(Fault.oauth_error("invalid_client", status=401))

    async def main() -> None:
        with pytest.raises(ooauthcc.OAuthError):
            await asyncio.create_task(client.get_token_async())

    asyncio.run(main())
    asyncio.run(main())
