"""``ooauthcc.get_token(...)``: the one-liner, backed by a small cache of clients.

Building a :class:`Client` validates every setting and looks up the shared
cache entry: cheap, but not free. The one-liner keeps the last clients it built
(at most ``_MAX_CLIENTS``, oldest dropped first) keyed by their arguments, so
repeated calls with the same settings cost one dict lookup plus the cached
token. The token cache itself is core's, shared with every other client.
"""

from __future__ import annotations

import threading
from collections.abc import Coroutine, Hashable, Mapping
from typing import Any, Optional

from ._ooauthcc import Client

_MAX_CLIENTS = 64
_clients: dict[Hashable, Client] = {}
_lock = threading.Lock()


def _freeze(value: Any) -> Hashable:
    """A hashable stand-in for a setting value (lists and dicts included)."""
    t = type(value)
    if t is str:
        return value  # type: ignore[no-any-return]
    if t is list or t is tuple:
        return (list, tuple(map(_freeze, value)))
    if t is dict:
        return (dict, tuple(sorted((k, _freeze(v)) for k, v in value.items())))
    if isinstance(value, Mapping):
        return (dict, tuple(sorted((k, _freeze(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple, set, frozenset)):
        return (list, tuple(map(_freeze, value)))
    hash(value)  # raises TypeError for anything else unhashable
    return (t, value)  # the type too: 1, 1.0 and True are equal as keys


def _key(token_url: str, client_id: str, client_secret: Optional[str], settings: dict[str, Any]) -> Hashable:
    if not settings:
        return (token_url, client_id, client_secret)
    return (token_url, client_id, client_secret, tuple(sorted((k, _freeze(v)) for k, v in settings.items())))


def _new_client(
    key: Optional[Hashable], token_url: str, client_id: str, client_secret: Optional[str], settings: dict[str, Any]
) -> Client:
    client = Client(token_url, client_id, client_secret, **settings)
    if key is not None:
        with _lock:
            while len(_clients) >= _MAX_CLIENTS:
                _clients.pop(next(iter(_clients)))
            _clients[key] = client
    return client


def _client(token_url: str, client_id: str, client_secret: Optional[str], settings: dict[str, Any]) -> Client:
    try:
        key: Optional[Hashable] = _key(token_url, client_id, client_secret, settings)
        client = _clients.get(key)
        if client is not None:
            return client
    except TypeError:
        key = None  # an unhashable value: build the client (Client() names the bad argument)
    return _new_client(key, token_url, client_id, client_secret, settings)


def get_token(
    token_url: str,
    client_id: str,
    client_secret: Optional[str],
    *,
    timeout: Optional[float] = None,
    **settings: Any,
) -> str:
    """An access token for these settings (any keyword argument of :class:`Client`).

    Repeated calls with the same settings are served from the shared cache;
    concurrent callers share one token request. ``timeout`` (seconds) bounds
    the wait for a fetch (default: the ``get_timeout`` setting, 30 s).
    """
    if not settings and timeout is None:
        # The common case, kept short: one tuple, one dict lookup, the cached token.
        client = _clients.get((token_url, client_id, client_secret))
        if client is not None:
            return client.get_token()
    client = _client(token_url, client_id, client_secret, settings)
    return client.get_token(timeout=timeout)


def get_token_async(
    token_url: str,
    client_id: str,
    client_secret: Optional[str],
    *,
    timeout: Optional[float] = None,
    **settings: Any,
) -> Coroutine[Any, Any, str]:
    """:func:`get_token` for asyncio: ``await ooauthcc.get_token_async(...)``."""
    return _client(token_url, client_id, client_secret, settings).get_token_async(timeout=timeout)
