"""One cache per process across Python and C: the package's native module
exports the C ABI (``ooauthcc.c_library_path()``), so C callers in a Python
process — here through ctypes — share the Python clients' cache entry. A
herd of Python threads and C callers together makes ONE token request, and
both sides read the same statistics. With two copies of the library in the
process (the pre-0.2 wheel beside a ``libooauthcc.so``) it made two."""

from __future__ import annotations

import ctypes
import json
import threading
from collections.abc import Callable
from typing import Any

import ooauthcc
from ooauthcc.testing import AuthServer

from helpers import SECRET

P = ctypes.c_void_p
PP = ctypes.POINTER(ctypes.c_void_p)
STATUS = ctypes.c_uint32
TIMEOUT_CONFIGURED = 0  # OOAUTHCC_TIMEOUT_CONFIGURED
STAT_TOKEN_REQUESTS = 0  # OOAUTHCC_STAT_TOKEN_REQUESTS
STAT_WAITS = 2  # OOAUTHCC_STAT_WAITS


class CApi:
    """The few C functions the test calls, from the package's own module."""

    def __init__(self) -> None:
        self.lib = ctypes.CDLL(ooauthcc.c_library_path())

        def fn(name: str, restype: Any, *argtypes: Any) -> Callable[..., Any]:
            f = getattr(self.lib, name)
            f.restype, f.argtypes = restype, list(argtypes)
            return f  # type: ignore[no-any-return]

        self.version = fn("ooauthcc_version", ctypes.c_char_p)
        self.config_from_json = fn("ooauthcc_config_from_json", STATUS, ctypes.c_char_p, PP, PP)
        self.config_free = fn("ooauthcc_config_free", None, P)
        self.client_new = fn("ooauthcc_client_new", STATUS, P, PP, PP)
        self.client_free = fn("ooauthcc_client_free", None, P)
        self.get_token = fn("ooauthcc_client_get_token", STATUS, P, ctypes.c_uint64, PP, PP)
        self.stat = fn("ooauthcc_client_stat", STATUS, P, ctypes.c_uint32, ctypes.POINTER(ctypes.c_uint64), PP)
        self.access_token = fn("ooauthcc_token_access_token", ctypes.c_char_p, P)
        self.token_free = fn("ooauthcc_token_free", None, P)
        self.error_message = fn("ooauthcc_error_message", ctypes.c_char_p, P)
        self.error_free = fn("ooauthcc_error_free", None, P)

    def check(self, status: int, err: ctypes.c_void_p) -> None:
        if status != 0:
            message = self.error_message(err).decode() if err.value else "(no detail)"
            self.error_free(err)
            raise AssertionError(f"ooauthcc status {status}: {message}")

    def client(self, settings: dict[str, Any]) -> ctypes.c_void_p:
        err, cfg, client = P(), P(), P()
        self.check(self.config_from_json(json.dumps(settings).encode(), ctypes.byref(cfg), ctypes.byref(err)), err)
        status = self.client_new(cfg, ctypes.byref(client), ctypes.byref(err))
        self.config_free(cfg)
        self.check(status, err)
        return client

    def token(self, client: ctypes.c_void_p) -> str:
        err, token = P(), P()
        self.check(self.get_token(client, TIMEOUT_CONFIGURED, ctypes.byref(token), ctypes.byref(err)), err)
        text: str = self.access_token(token).decode()
        self.token_free(token)
        return text

    def counter(self, client: ctypes.c_void_p, which: int) -> int:
        err, value = P(), ctypes.c_uint64()
        self.check(self.stat(client, which, ctypes.byref(value), ctypes.byref(err)), err)
        return int(value.value)


def test_the_native_module_is_the_c_library_of_the_same_version() -> None:
    c = CApi()
    assert c.version().decode() == ooauthcc.CORE_VERSION
    assert ooauthcc.c_library_path() == ooauthcc._ooauthcc.__file__


def test_python_and_c_callers_share_one_cache_and_one_request(server: AuthServer, client_id: str) -> None:
    server.register_client(client_id, SECRET)
    server.set_latency(0.3)  # the herd gathers while the one request is in flight
    settings: dict[str, Any] = {
        "token_url": server.token_url, "client_id": client_id, "client_secret": SECRET, "get_timeout": 30
    }
    c = CApi()
    c_client = c.client(settings)
    py_client = ooauthcc.Client(**settings)
    got: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(32)

    def py_caller() -> None:
        start.wait()
        token = py_client.get_token()
        with lock:
            got.append(token)

    def c_caller() -> None:
        start.wait()
        token = c.token(c_client)  # ctypes releases the GIL during the call
        with lock:
            got.append(token)

    threads = [threading.Thread(target=py_caller if i % 2 else c_caller) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 32 and len(set(got)) == 1, got
    assert server.request_count(client_id) == 1
    # One cache entry: both sides see the same counters.
    assert c.counter(c_client, STAT_TOKEN_REQUESTS) == py_client.stats().token_requests == 1
    assert c.counter(c_client, STAT_WAITS) == py_client.stats().waits
    c.client_free(c_client)
