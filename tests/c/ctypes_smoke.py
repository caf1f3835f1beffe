#!/usr/bin/env python3
"""The raw C ABI from another language, without bindings: Python ctypes.

Starts the bundled server through the C API of libooauthcc_testing, builds a
client from a JSON config with libooauthcc, gets a token, and checks the server
saw exactly one request, as the client's own counter says, and that the
never-blocking call hands out the cached token.
Usage: python3 ctypes_smoke.py path/to/libooauthcc.so path/to/libooauthcc_testing.so
"""
import ctypes
import json
import sys

lib = ctypes.CDLL(sys.argv[1] if len(sys.argv) > 1 else "libooauthcc.so")
testing = ctypes.CDLL(sys.argv[2] if len(sys.argv) > 2 else "libooauthcc_testing.so")
# The production library exports no test code.
assert not hasattr(lib, "ooauthcc_test_server_start"), "libooauthcc exports ooauthcc_test_server_start"
P = ctypes.c_void_p
PP = ctypes.POINTER(ctypes.c_void_p)
STATUS = ctypes.c_uint32  # ooauthcc_status is a uint32_t
# The header's macros and enum values, which ctypes cannot read.
TIMEOUT_CONFIGURED = 0  # OOAUTHCC_TIMEOUT_CONFIGURED: the config's get_timeout
STAT_TOKEN_REQUESTS = 0  # OOAUTHCC_STAT_TOKEN_REQUESTS
STATUS_INVALID_ARGUMENT = 2


def fn(name, restype, *argtypes):
    f = getattr(testing if name.startswith("ooauthcc_test_") else lib, name)
    f.restype, f.argtypes = restype, list(argtypes)
    return f


version = fn("ooauthcc_version", ctypes.c_char_p)
server_start = fn("ooauthcc_test_server_start", STATUS, PP, PP)
server_url = fn("ooauthcc_test_server_token_url", ctypes.c_char_p, P)
server_register = fn("ooauthcc_test_server_register_client", STATUS, P, ctypes.c_char_p, ctypes.c_char_p, PP)
server_count = fn("ooauthcc_test_server_request_count", STATUS, P, ctypes.c_char_p, ctypes.POINTER(ctypes.c_uint64), PP)
server_free = fn("ooauthcc_test_server_free", None, P)
config_from_json = fn("ooauthcc_config_from_json", STATUS, ctypes.c_char_p, PP, PP)
config_free = fn("ooauthcc_config_free", None, P)
client_new = fn("ooauthcc_client_new", STATUS, P, PP, PP)
client_get_token = fn("ooauthcc_client_get_token", STATUS, P, ctypes.c_uint64, PP, PP)
client_cached_token = fn("ooauthcc_client_cached_token", STATUS, P, PP, PP)
client_stat = fn("ooauthcc_client_stat", STATUS, P, ctypes.c_uint32, ctypes.POINTER(ctypes.c_uint64), PP)
stat_name = fn("ooauthcc_stat_name", ctypes.c_char_p, ctypes.c_uint32)
client_free = fn("ooauthcc_client_free", None, P)
token_access_token = fn("ooauthcc_token_access_token", ctypes.c_char_p, P)
token_free = fn("ooauthcc_token_free", None, P)
error_message = fn("ooauthcc_error_message", ctypes.c_char_p, P)
error_free = fn("ooauthcc_error_free", None, P)


def check(status, err):
    if status != 0:
        message = error_message(err).decode() if err.value else "(no detail)"
        error_free(err)
        raise RuntimeError(f"ooauthcc status {status}: {message}")


err = P()
server = P()
check(server_start(ctypes.byref(server), ctypes.byref(err)), err)
check(server_register(server, b"ctypes", b"ctypes-secret", ctypes.byref(err)), err)
doc = {"token_url": server_url(server).decode(), "client_id": "ctypes", "client_secret": "ctypes-secret",
       "scopes": ["smoke"], "get_timeout": 10}
cfg = P()
check(config_from_json(json.dumps(doc).encode(), ctypes.byref(cfg), ctypes.byref(err)), err)
client = P()
status = client_new(cfg, ctypes.byref(client), ctypes.byref(err))
config_free(cfg)
check(status, err)

cached = P(1)  # the call writes NULL when nothing is cached
check(client_cached_token(client, ctypes.byref(cached), ctypes.byref(err)), err)
assert cached.value is None, "nothing cached before the first fetch"

tokens = []
for _ in range(3):
    token = P()
    check(client_get_token(client, TIMEOUT_CONFIGURED, ctypes.byref(token), ctypes.byref(err)), err)
    tokens.append(token_access_token(token).decode())
    token_free(token)
check(client_cached_token(client, ctypes.byref(cached), ctypes.byref(err)), err)
assert cached.value and token_access_token(cached).decode() == tokens[0], "the cached token"
token_free(cached)
count = ctypes.c_uint64()
check(server_count(server, b"ctypes", ctypes.byref(count), ctypes.byref(err)), err)
sent = ctypes.c_uint64()
assert stat_name(STAT_TOKEN_REQUESTS) == b"token_requests"
check(client_stat(client, STAT_TOKEN_REQUESTS, ctypes.byref(sent), ctypes.byref(err)), err)
assert sent.value == 1, f"the client counted {sent.value} requests"
# A counter this library does not have: a typed error, not a crash.
assert client_stat(client, 10000, ctypes.byref(sent), ctypes.byref(err)) == STATUS_INVALID_ARGUMENT
assert b"which" in error_message(err)
error_free(err)
err = P()

# A JSON config with an unknown field is refused by name.
bad = P()
status = config_from_json(b'{"client_idd": "x"}', ctypes.byref(bad), ctypes.byref(err))
assert status == 3 and b"client_idd" in error_message(err), status
error_free(err)

client_free(client)
server_free(server)
assert tokens[0].startswith("at_") and len(set(tokens)) == 1, "one cached token"
assert count.value == 1, f"the server saw {count.value} requests"
print(f"ctypes_smoke: ok (libooauthcc {version().decode()}, 3 calls, {count.value} token request)")
