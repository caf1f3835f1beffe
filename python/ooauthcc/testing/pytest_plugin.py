"""pytest fixtures for code that gets tokens with ooauthcc (loaded
automatically once ooauthcc is installed; or list
``"ooauthcc.testing.pytest_plugin"`` in ``pytest_plugins``).

- ``ooauthcc_server``: a fresh :class:`ooauthcc.testing.AuthServer`, closed after the test.
- ``ooauthcc_client``: an ``ooauthcc.Client`` registered with ``ooauthcc_server``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .._ooauthcc import Client
from . import AuthServer


@pytest.fixture
def ooauthcc_server() -> Iterator[AuthServer]:
    """A running bundled authorization server."""
    with AuthServer() as server:
        yield server


@pytest.fixture
def ooauthcc_client(ooauthcc_server: AuthServer) -> Iterator[Client]:
    """A client registered with ``ooauthcc_server`` (unique id, random secret)."""
    with ooauthcc_server.new_client() as client:
        yield client
