"""Shared fixtures: a bundled authorization server per test, clients with
quick retries, and a guard that the package under test is the installed one."""

from __future__ import annotations

import os
import sysconfig
from collections.abc import Iterator

import pytest

import ooauthcc
from ooauthcc.testing import AuthServer

from helpers import make_client, unique_id


def pytest_sessionstart(session: pytest.Session) -> None:
    # The tests are about the installed wheel, not the source tree.
    site = os.path.realpath(sysconfig.get_paths()["platlib"])
    here = os.path.realpath(ooauthcc.__file__)
    assert here.startswith(site), f"ooauthcc imported from {here}, not from the installed package in {site}"


@pytest.fixture
def server() -> Iterator[AuthServer]:
    with AuthServer() as s:
        yield s


@pytest.fixture
def client_id(request: pytest.FixtureRequest) -> str:
    return unique_id(request.node.name[:40])


@pytest.fixture
def client(server: AuthServer, client_id: str) -> ooauthcc.Client:
    return make_client(server, client_id)
