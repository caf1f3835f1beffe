"""Helpers shared by the tests (importable: `pythonpath = ["tests"]`)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import ooauthcc
from ooauthcc.testing import AuthServer

SECRET = "s3cr3t-value-that-must-never-leak"

# The repository's test PKI and keys (core/tests/fixtures), shared with the Rust and C tests.
REPO = Path(__file__).resolve().parents[2]
TLS_FIXTURES = REPO / "core" / "tests" / "fixtures" / "tls"
KEY_FIXTURES = REPO / "core" / "tests" / "fixtures" / "keys"


def tls_fixture(name: str) -> str:
    """A PEM file of the test PKI (ca, server, client, selfsigned; `.key.pem` for keys)."""
    return (TLS_FIXTURES / name).read_text()


def key_fixture(name: str) -> str:
    """A PEM key of core/tests/fixtures/keys, or of python/tests/fixtures."""
    here = Path(__file__).resolve().parent / "fixtures" / name
    return (here if here.exists() else KEY_FIXTURES / name).read_text()

_n = 0


def unique_id(prefix: str) -> str:
    """A client id no other test uses (the token cache is process-wide)."""
    global _n
    _n += 1
    return f"{prefix}-{os.getpid()}-{_n}"


def make_client(server: AuthServer, client_id: str, **settings: object) -> ooauthcc.Client:
    """Registers `client_id` with SECRET and returns a client for it."""
    server.register_client(client_id, SECRET)
    settings.setdefault("retry_base_delay", 0.02)
    settings.setdefault("retry_max_delay", 0.5)
    settings.setdefault("get_timeout", 10.0)
    return ooauthcc.Client(server.token_url, client_id, SECRET, **settings)  # type: ignore[arg-type]


def herd(call: Callable[[], object], n: int = 8) -> None:
    """Runs ``call`` on ``n`` threads at once and waits for them all."""
    threads = [threading.Thread(target=call) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
