"""ooauthcc.set_event_hook: one event per fetch (outcome, duration, the
token's lifetime or the error) and one per caller that waited; none for a
token served from the cache; an exception in the hook never reaches the
caller."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

import ooauthcc
from ooauthcc.testing import AuthServer

from helpers import herd, make_client


@pytest.fixture
def events() -> Iterator[list[ooauthcc.Event]]:
    seen: list[ooauthcc.Event] = []
    lock = threading.Lock()

    def hook(event: ooauthcc.Event) -> None:
        with lock:
            seen.append(event)

    ooauthcc.set_event_hook(hook)
    try:
        yield seen
    finally:
        ooauthcc.set_event_hook(None)


def test_a_herd_is_one_fetch_event_and_a_wait_event_per_waiter(
    server: AuthServer, client_id: str, events: list[ooauthcc.Event]
) -> None:
    server.set_latency(0.2)
    client = make_client(server, client_id)
    herd(client.get_token)
    mine = [e for e in events if e.client_id == client_id]
    fetches = [e for e in mine if e.kind == "fetch_succeeded"]
    assert len(fetches) == 1
    assert fetches[0].token_lifetime == 3600.0 and fetches[0].duration >= 0.2
    assert not fetches[0].background and fetches[0].error_kind is None
    waits = [e for e in mine if e.kind == "waited"]
    assert len(waits) == client.stats().waits >= 1
    before = len(events)
    for _ in range(50):
        client.get_token()
    assert len(events) == before, "a cached token is no event"
    assert "Event(kind=" in repr(fetches[0])


def test_a_refusal_is_a_failed_fetch_and_a_failed_wait(
    server: AuthServer, client_id: str, events: list[ooauthcc.Event]
) -> None:
    server.register_client(client_id, "right-secret")
    client = ooauthcc.Client(server.token_url, client_id, "wrong-secret")
    with pytest.raises(ooauthcc.OAuthError):
        client.get_token()
    failed = [e for e in events if e.client_id == client_id and e.kind == "fetch_failed"]
    assert [(e.error_kind, e.http_status, e.oauth_error) for e in failed] == [("oauth", 401, "invalid_client")]
    waited = [e for e in events if e.client_id == client_id and e.kind == "waited"]
    assert waited and waited[0].error_kind == "oauth"
    assert all("wrong-secret" not in repr(e) for e in events)


def test_a_failing_hook_never_reaches_the_caller(
    server: AuthServer, client_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    unraisable: list[object] = []
    monkeypatch.setattr("sys.unraisablehook", unraisable.append)

    def broken(event: ooauthcc.Event) -> None:
        raise RuntimeError("the hook is broken")

    ooauthcc.set_event_hook(broken)
    try:
        assert server.is_valid_token(make_client(server, client_id).get_token())
    finally:
        ooauthcc.set_event_hook(None)
    assert unraisable, "the hook's exception is reported as unraisable"
    with pytest.raises(TypeError, match="callable"):
        ooauthcc.set_event_hook(42)  # type: ignore[arg-type]
