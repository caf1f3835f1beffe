"""Threads: a herd of 64 makes one token request, on an empty and on an
expired cache, and waiting callers release the GIL."""

from __future__ import annotations

import threading
import time
from typing import Callable

import ooauthcc
from ooauthcc.testing import AuthServer

from helpers import make_client


def herd(n: int, fn: Callable[[], str]) -> list[str]:
    barrier = threading.Barrier(n)
    out: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            out.append(fn())
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return out


def test_64_threads_one_request_on_empty_and_on_expired_cache(server: AuthServer, client_id: str) -> None:
    server.set_latency(0.3)  # keeps the request in flight while the herd arrives
    server.set_token_lifetime(2)
    # No refresh-ahead: the token must really expire before the second herd.
    client = make_client(server, client_id, refresh_ahead=1.0, refresh_jitter=0.0)

    first = herd(64, client.get_token)
    assert len(set(first)) == 1 and server.is_valid_token(first[0])
    assert server.request_count(client_id) == 1

    # A 2 s token with the skew capped at half its lifetime is served for 1 s.
    deadline = time.monotonic() + 5
    while client.cached_token() is not None:
        assert time.monotonic() < deadline, "the token never expired"
        time.sleep(0.02)
    second = herd(64, client.get_token)
    assert len(set(second)) == 1 and second[0] != first[0]
    assert server.request_count(client_id) == 2
    stats = client.stats()
    assert stats.token_requests == 2 and stats.fetches == 2 and stats.background_refreshes == 0


def test_herd_of_mixed_calls_shares_one_request(server: AuthServer, client_id: str) -> None:
    server.set_latency(0.2)
    client = make_client(server, client_id)
    calls: list[Callable[[], str]] = [
        client.get_token,
        lambda: client.token().access_token,
        lambda: client.authorization_header().split(" ", 1)[1],
        lambda: client.get_token(timeout=5),
    ]
    tokens = herd(64, lambda: calls[threading.get_ident() % len(calls)]())
    assert len(set(tokens)) == 1
    assert server.request_count(client_id) == 1


def test_the_gil_is_released_while_waiting(server: AuthServer, client_id: str) -> None:
    server.set_latency(0.5)
    client = make_client(server, client_id)
    count = 0
    stop = threading.Event()

    def counter() -> None:
        nonlocal count
        while not stop.is_set():
            count += 1

    t = threading.Thread(target=counter)
    t.start()
    try:
        time.sleep(0.05)
        start_count, start = count, time.monotonic()
        token = client.get_token()
        waited, progress = time.monotonic() - start, count - start_count
    finally:
        stop.set()
        t.join()
    assert server.is_valid_token(token)
    assert waited >= 0.4, f"the call returned after {waited:.3f} s, before the server answered"
    # Holding the GIL for 0.5 s would leave the counter at (nearly) zero.
    assert progress > 10_000, f"the counter thread advanced only {progress} times in {waited:.3f} s"


def test_timeout_leaves_the_shared_fetch_running(server: AuthServer, client_id: str) -> None:
    server.set_latency(0.6)
    client = make_client(server, client_id)
    try:
        client.get_token(timeout=0.1)
        raise AssertionError("expected a timeout")
    except ooauthcc.TokenTimeoutError as e:
        assert e.status == 11 and isinstance(e, TimeoutError)
        assert "still in progress" in str(e)
    assert server.is_valid_token(client.get_token())
    assert server.request_count(client_id) == 1
