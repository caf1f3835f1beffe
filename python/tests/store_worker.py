"""The worker process of test_shared_store.py (a module of its own, so that
multiprocessing's spawn start method can import it in the child)."""

from __future__ import annotations

import threading
import time
from typing import Any

import ooauthcc


def run(token_url: str, client_id: str, secret: str, redis_url: str, threads: int, seconds: float) -> dict[str, Any]:
    """`threads` threads get tokens for `seconds`; returns, per distinct token,
    the last time (Unix seconds) it was handed out, the errors, and the stats."""
    client = ooauthcc.Client(
        token_url,
        client_id,
        secret,
        store_url=redis_url,
        store_lock_lease=1.0,
        request_timeout=20.0,
        retry_base_delay=0.02,
        get_timeout=30.0,
    )
    seen: dict[str, float] = {}
    errors: list[str] = []
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def work() -> None:
        while True:
            try:
                token = client.get_token()
                now = time.time()
                with lock:
                    seen[token] = now
            except ooauthcc.Error as e:  # pragma: no cover - reported to the parent
                with lock:
                    errors.append(repr(e))
            if time.monotonic() >= end:
                return
            time.sleep(0.005)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return {"seen": seen, "errors": errors, "stats": client.stats().as_dict()}
