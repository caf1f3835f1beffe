"""No secret or token in any repr, str, exception message or log record, with
logging capturing everything; core's tracing events do reach `logging`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest
import requests

import ooauthcc
import ooauthcc.httpx
import ooauthcc.requests
from ooauthcc.testing import AuthServer, Fault

from helpers import SECRET, make_client
from resource_server import resource_server


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def capture() -> object:
    handler = Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.NOTSET)
    logging.getLogger("ooauthcc").setLevel(1)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        logging.getLogger("ooauthcc").setLevel(logging.NOTSET)


def test_no_secret_or_token_anywhere(server: AuthServer, client_id: str, capture: Capture) -> None:
    texts: list[str] = []

    def seen(*objs: object) -> None:
        for o in objs:
            texts.extend([repr(o), str(o)])

    client = make_client(server, client_id, scopes=["a"])
    tok = client.token()
    seen(client, tok, client.stats(), server, Fault.status(500), server.requests()[-1])
    client.invalidate(tok)  # a debug event on the caller's thread
    client.get_token()
    # Failures: retried 5xx (debug events), a rejected secret (a warning), a timeout, async.
    server.set_fault(Fault.status(503), times=1)
    retry = make_client(server, client_id, scopes=["retry"])
    retry.get_token()
    wrong = ooauthcc.Client(server.token_url, client_id, SECRET + "-wrong")
    wrong_secret_text = SECRET + "-wrong"
    calls: list[Callable[[], str]] = [wrong.get_token, lambda: asyncio.run(_async_get(wrong))]
    for call in calls:
        with pytest.raises(ooauthcc.OAuthError) as info:
            call()
        seen(info.value, info.value.args, info.value.__dict__)
    server.set_latency(0.5)
    slow = make_client(server, client_id, scopes=["slow"])
    with pytest.raises(ooauthcc.TokenTimeoutError) as tinfo:
        slow.get_token(timeout=0.05)
    seen(tinfo.value, tinfo.value.__dict__)
    server.set_latency(0)
    with resource_server(server) as rs:
        requests.get(rs.url, auth=ooauthcc.requests.Auth(client))
    seen(ooauthcc.requests.Auth(client), ooauthcc.httpx.Auth(client))

    for record in capture.records:
        texts.extend([record.getMessage(), repr(record.args), repr(record.__dict__)])
    assert any(getattr(r, "rust_target", "").startswith("ooauthcc") for r in capture.records), (
        "core's tracing events reach Python logging"
    )
    levels = {r.levelno for r in capture.records if hasattr(r, "rust_target")}
    assert logging.DEBUG in levels and logging.WARNING in levels
    secrets = [SECRET, wrong_secret_text, *server.issued_tokens()]
    assert len(secrets) > 4
    for text in texts:
        for s in secrets:
            assert s not in text, f"a secret or token leaked into: {text[:200]}"


async def _async_get(client: ooauthcc.Client) -> str:
    return await client.get_token_async()


def test_logging_stays_quiet_without_configuration(
    server: AuthServer, client_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A library's warnings must not print to stderr unless the application configured logging.
    server.register_client(client_id, "right")
    with pytest.raises(ooauthcc.OAuthError):
        ooauthcc.Client(server.token_url, client_id, "wrong").get_token()
    assert "token fetch failed" not in capsys.readouterr().err
