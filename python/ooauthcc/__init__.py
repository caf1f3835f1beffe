"""OAuth 2.0 client-credentials tokens: cached, renewed ahead of expiry, and
fetched once for all concurrent callers — threads, asyncio tasks and forked
workers alike. A Rust core does the work; this package is its Python face.

>>> import ooauthcc
>>> token = ooauthcc.get_token("https://idp.example.com/oauth2/token", "my-service", "s3cr3t",
...                            scopes=["orders.read"])  # doctest: +SKIP

For more control, build one :class:`Client` and share it::

    client = ooauthcc.Client(token_url, client_id, client_secret, scopes=["orders.read"])
    client.get_token()            # str; cached calls cost about as much as a dict lookup
    await client.get_token_async()
"""

from __future__ import annotations

from . import _ooauthcc
from ._oneliner import get_token, get_token_async
from ._ooauthcc import CORE_VERSION, SETTINGS, Client, Event, Profiles, Stats, Token, __version__, set_event_hook
from .exceptions import (
    ConfigError,
    Error,
    HttpStatusError,
    InternalError,
    InvalidArgumentError,
    MalformedResponseError,
    OAuthError,
    StoreError,
    TokenTimeoutError,
    TransportError,
    UsageError,
)

__all__ = [
    "CORE_VERSION",
    "Client",
    "ConfigError",
    "Error",
    "Event",
    "HttpStatusError",
    "InternalError",
    "InvalidArgumentError",
    "MalformedResponseError",
    "OAuthError",
    "Profiles",
    "SETTINGS",
    "Stats",
    "StoreError",
    "Token",
    "TokenTimeoutError",
    "TransportError",
    "UsageError",
    "__version__",
    "c_library_path",
    "get_token",
    "get_token_async",
    "set_event_hook",
]

# A library's logger stays silent unless the application configures logging.
import logging as _logging

_logging.getLogger("ooauthcc").addHandler(_logging.NullHandler())


def c_library_path() -> str:
    """The shared library that holds the C API (``ooauthcc.h``) in this process.

    This package's native module exports the whole C ABI of ``libooauthcc``,
    so C code loaded into a Python process — ``ctypes.CDLL(ooauthcc.c_library_path())``,
    cffi, or a C extension that ``dlopen``s it — runs on the same copy of the
    library as the Python clients: one cache, one token request for a herd of
    Python and C callers together, one set of statistics. Use the
    ``ooauthcc.h`` of the same version (``ooauthcc.__version__``). A second
    copy (a separately installed ``libooauthcc.so``) would have a cache of
    its own.

    Inside Python the library's log goes to the ``logging`` module;
    ``ooauthcc_set_log_callback`` returns ``USAGE`` there.
    """
    path = _ooauthcc.__file__
    if path is None:  # pragma: no cover - a built-in module has no file
        raise RuntimeError("ooauthcc's native module has no file")
    return path
