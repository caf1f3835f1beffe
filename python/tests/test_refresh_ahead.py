"""Refresh-ahead from Python: with 4 s tokens, threads asking for 6 s never wait
after the first fetch, and every token they get is one the server issued and
still accepts (Rust checks the same in core/tests/refresh_ahead.rs, C in
tests/c/test_refresh_ahead.c)."""

from __future__ import annotations

import threading
import time

from ooauthcc.testing import AuthServer

from helpers import make_client


def test_callers_never_wait_after_the_first_fetch(server: AuthServer, client_id: str) -> None:
    server.set_token_lifetime(4.0)  # 2 s usable (the skew is capped at half), renewed at 75-85 % of that
    server.set_latency(0.05)
    client = make_client(server, client_id)
    client.get_token()  # the only call that may wait
    bad: list[str] = []

    def ask() -> None:
        until = time.monotonic() + 6.0
        while time.monotonic() < until:
            token = client.token()
            if not server.is_valid_token(token.access_token) or token.is_expired():
                bad.append("an expired or unknown token was served")
            time.sleep(0.002)

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats = client.stats()
    assert bad == []
    assert stats.waits == 1, stats
    assert stats.background_refreshes >= 2, stats
    assert stats.failures == 0
    assert stats.token_requests == server.request_count(client_id)
