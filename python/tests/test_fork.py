"""fork(): children (os.fork and multiprocessing's fork start method) get the
cached token without a request, and fresh ones after invalidation and after
expiry, from a runtime they build themselves — without hanging."""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time

import pytest

import ooauthcc
from ooauthcc.testing import AuthServer

from helpers import make_client

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")


def child_steps(client: ooauthcc.Client, parent_token: str) -> dict[str, object]:
    """Runs in the child; the counts are this process's view of the shared entry."""
    before = client.stats().token_requests
    cached = client.get_token()
    after_cached = client.stats().token_requests
    client.invalidate(cached)
    fresh = client.get_token()
    after_fresh = client.stats().token_requests
    # The 2 s token is served for 1 s (skew capped at half the lifetime).
    deadline = time.monotonic() + 5
    while client.cached_token() is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    renewed = client.get_token()
    return {
        "cached_is_parents": cached == parent_token,
        "cached_requests": after_cached - before,
        "fresh": fresh,
        "fresh_requests": after_fresh - after_cached,
        "renewed": renewed,
    }


def wait_child(pid: int, limit: float = 30.0) -> int:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    raise AssertionError("the forked child hung")


def test_os_fork_child_gets_cached_and_fresh_tokens(server: AuthServer, client_id: str) -> None:
    server.set_token_lifetime(2)
    client = make_client(server, client_id, refresh_ahead=1.0, refresh_jitter=0.0)
    parent_token = client.get_token()  # the parent's runtime runs and a token is cached

    # A parent thread keeps fetching while the fork happens.
    stop = threading.Event()

    def churn() -> None:
        while not stop.is_set():
            client.invalidate(client.get_token())

    worker = threading.Thread(target=churn)
    worker.start()
    time.sleep(0.05)
    stop.set()  # stop churning before the fork, so the child sees the parent's latest token
    worker.join()
    parent_token = client.get_token()
    requests_before_fork = server.request_count(client_id)

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read)
            os.write(write, json.dumps(child_steps(client, parent_token)).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    assert wait_child(pid) == 0
    with os.fdopen(read) as f:
        result = json.loads(f.read())
    assert result["cached_is_parents"] and result["cached_requests"] == 0
    assert result["fresh"] != parent_token and result["fresh_requests"] == 1
    assert result["renewed"] != result["fresh"]
    assert server.is_valid_token(result["renewed"])
    assert server.request_count(client_id) == requests_before_fork + 2
    # The parent keeps working.
    assert client.get_token() == parent_token or server.is_valid_token(client.get_token())


def mp_child(client: ooauthcc.Client, parent_token: str, queue: "multiprocessing.Queue[str]") -> None:
    queue.put(json.dumps(child_steps(client, parent_token)))


def test_multiprocessing_fork_children(server: AuthServer, client_id: str) -> None:
    server.set_token_lifetime(2)
    client = make_client(server, client_id, refresh_ahead=1.0, refresh_jitter=0.0)
    parent_token = client.get_token()
    ctx = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[str] = ctx.Queue()
    procs = [ctx.Process(target=mp_child, args=(client, parent_token, queue)) for _ in range(4)]
    for p in procs:
        p.start()
    results = [json.loads(queue.get(timeout=30)) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    for r in results:
        assert r["cached_is_parents"] and r["cached_requests"] == 0, "a forked worker reuses the cached token"
        assert r["fresh_requests"] == 1 and server.is_valid_token(r["renewed"])
    # 4 children × (1 after invalidation + 1 after expiry), plus the parent's first.
    assert server.request_count(client_id) == 1 + 4 * 2


def test_fork_before_any_fetch(server: AuthServer, client_id: str) -> None:
    # gunicorn --preload: clients built in the parent, first fetch in the children.
    client = make_client(server, client_id)
    ctx = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[str] = ctx.Queue()

    def first_fetch() -> None:
        queue.put(client.get_token())

    procs = [ctx.Process(target=first_fetch) for _ in range(2)]
    for p in procs:
        p.start()
    tokens = [queue.get(timeout=30) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    assert all(server.is_valid_token(t) for t in tokens)
