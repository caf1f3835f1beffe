"""Keeps RELIABILITY.md true from Python: every row of its table is provoked
against the bundled server (or a closed port, or an untrusted TLS server) and
the outcome compared with the row — the exception's kind and class, the HTTP
status, the requests sent by the client and seen by the server, and the time
to fail — with the settings of core/tests/fault_matrix.rs. One pytest case per
row; a row this file does not know fails, and so does a scenario the table
lost."""

from __future__ import annotations

import email.utils
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Optional

import pytest

import ooauthcc
from ooauthcc import _ooauthcc
from ooauthcc.testing import AuthServer, Fault

from helpers import REPO, SECRET, tls_fixture, unique_id

TABLE = REPO / "RELIABILITY.md"


@dataclass(frozen=True)
class Row:
    fault: str
    kind: str
    http_status: Optional[int]
    requests: int
    within: float


def read_rows() -> list[Row]:
    rows = []
    for line in TABLE.read_text().splitlines():
        if not line.startswith("| ") or line.startswith("| fault") or line.startswith("|---"):
            continue
        c = [cell.strip() for cell in line.strip().strip("|").split("|")]
        status = int(c[2]) if c[2].isdigit() else None
        rows.append(Row(c[0], c[1], status, int(c[3]), float(c[4])))
    return rows


ROWS = read_rows()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def http_date_in(seconds: float) -> str:
    return email.utils.formatdate(time.time() + seconds, usegmt=True)


# The fault each row names, set on a plain server; the rows that need another
# server or URL are handled in `scenario`.
FAULTS: dict[str, Callable[[AuthServer], Optional[Fault]]] = {
    "connection closed mid-body": lambda _: Fault.close_mid_body(),
    "slow response (30 s)": lambda _: Fault.slow(30),
    "slowloris body (1 byte / 0.5 s)": lambda _: Fault.slow_body(0.5),
    "HTTP 500": lambda _: Fault.status(500),
    "HTTP 502": lambda _: Fault.status(502),
    "HTTP 503": lambda _: Fault.status(503),
    "HTTP 504": lambda _: Fault.status(504),
    "HTTP 429 without Retry-After": lambda _: Fault.too_many_requests(),
    "HTTP 429, Retry-After: 1": lambda _: Fault.too_many_requests("1"),
    "HTTP 503, Retry-After: HTTP-date 1 s ahead": lambda _: Fault.service_unavailable(http_date_in(1.999)),
    "HTTP 429, Retry-After: 3600 (beyond retry_max_delay)": lambda _: Fault.too_many_requests("3600"),
    "oversized body (2 MiB)": lambda _: Fault.oversized(),
    "invalid UTF-8 body": lambda _: Fault.invalid_utf8(),
    "deeply nested JSON (100,000 `[`)": lambda _: Fault.deeply_nested(),
    "200 with empty body": lambda _: Fault.empty_body(),
    "200 with HTML body": lambda _: Fault.non_json(),
    "200 carrying an OAuth error": lambda _: Fault.error_in_200(),
    "302 redirect to another loopback port": lambda target: Fault.redirect(target.token_url),
    "401 invalid_client (wrong secret)": lambda _: None,  # the client sends a wrong secret
}
# Rows where no HTTP request reaches the server: nothing listens, or the TLS handshake fails.
NO_HTTP = {"connection refused", "TLS: untrusted server certificate"}
KNOWN = set(FAULTS) | NO_HTTP


@dataclass
class Scenario:
    server: AuthServer
    url: str


@contextmanager
def scenario(row: Row, redirect_target: AuthServer) -> Iterator[Scenario]:
    if row.fault == "TLS: untrusted server certificate":
        server = AuthServer(tls_cert=tls_fixture("server.pem"), tls_key=tls_fixture("server.key.pem"))
    else:
        server = AuthServer()
    with server:
        url = server.token_url
        if row.fault == "connection refused":
            url = f"http://127.0.0.1:{free_port()}/token"
        elif row.fault in FAULTS:
            server.set_fault(FAULTS[row.fault](redirect_target))
        elif row.fault not in NO_HTTP:
            pytest.fail(f"RELIABILITY.md names a fault this test does not know: {row.fault!r}")
        yield Scenario(server, url)


@pytest.fixture(scope="module")
def redirect_target() -> Iterator[AuthServer]:
    with AuthServer() as s:
        yield s


def test_the_table_was_read_and_names_every_scenario() -> None:
    assert len(ROWS) >= 20, f"the table was not read: {len(ROWS)} rows"
    assert len({r.fault for r in ROWS}) == len(ROWS), "a fault is listed twice"
    missing = KNOWN - {r.fault for r in ROWS}
    assert not missing, f"RELIABILITY.md lost rows this test checks: {sorted(missing)}"


def test_the_kinds_are_the_exception_kinds() -> None:
    by_kind = {cls.KIND: cls for cls in ooauthcc.Error.__subclasses__()}
    core = dict(_ooauthcc._ERROR_KINDS)
    for row in ROWS:
        assert row.kind in by_kind, f"{row.fault}: no exception class for kind {row.kind!r}"
        assert core[by_kind[row.kind].STATUS] == row.kind


@pytest.mark.parametrize("row", ROWS, ids=[r.fault for r in ROWS])
def test_reliability_row(row: Row, redirect_target: AuthServer) -> None:
    with scenario(row, redirect_target) as s:
        client_id = unique_id("matrix")
        s.server.register_client(client_id, SECRET)
        secret = "wrong" if row.fault.startswith("401") else SECRET
        client = ooauthcc.Client(
            s.url,
            client_id,
            secret,
            max_retries=1,
            retry_base_delay=0.02,
            retry_max_delay=2,
            request_timeout=1,
        )
        targeted_before = redirect_target.total_requests()
        start = time.monotonic()
        with pytest.raises(ooauthcc.Error) as info:
            client.get_token(timeout=4)
        elapsed = time.monotonic() - start
        e = info.value
        what = f"{row.fault}: got {type(e).__name__} kind={e.kind} ({e}) after {elapsed:.2f} s"
        assert e.kind == row.kind, what
        assert type(e).KIND == row.kind and e.status == type(e).STATUS, what
        assert e.http_status == row.http_status, what
        assert client.stats().token_requests == row.requests, what
        seen = 0 if row.fault in NO_HTTP else row.requests
        assert s.server.total_requests() == seen, f"{what}: the server saw {s.server.total_requests()} requests"
        assert elapsed <= row.within, f"{what}: slower than the table's {row.within} s"
        if row.fault.startswith("302"):
            assert redirect_target.total_requests() == targeted_before == 0, "a redirect was followed"
