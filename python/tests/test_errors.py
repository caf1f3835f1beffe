"""Every error kind surfaces as its exception, with its fields and the C
status code; bad arguments raise TypeError/ConfigError naming the argument."""

from __future__ import annotations

import pickle

import pytest

import ooauthcc
from ooauthcc import _ooauthcc
from ooauthcc.testing import AuthServer, Fault

from helpers import SECRET, make_client

# The C API's status codes (core ErrorKind::code()).
CODES = {
    ooauthcc.InvalidArgumentError: 2,
    ooauthcc.ConfigError: 3,
    ooauthcc.TransportError: 10,
    ooauthcc.TokenTimeoutError: 11,
    ooauthcc.HttpStatusError: 12,
    ooauthcc.OAuthError: 13,
    ooauthcc.MalformedResponseError: 14,
    ooauthcc.StoreError: 15,
    ooauthcc.UsageError: 21,
    ooauthcc.InternalError: 99,
}


def test_hierarchy_and_codes() -> None:
    for cls, code in CODES.items():
        assert issubclass(cls, ooauthcc.Error) and cls.STATUS == code
        assert cls("m").status == code
    assert issubclass(ooauthcc.ConfigError, ValueError)
    assert issubclass(ooauthcc.InvalidArgumentError, ValueError)
    assert issubclass(ooauthcc.TransportError, ConnectionError)
    assert issubclass(ooauthcc.TokenTimeoutError, TimeoutError)


def test_kinds_are_core_kind_names() -> None:
    # `.kind` is Rust's ErrorKind::name() and C's ooauthcc_status_name(), for every class.
    core = dict(_ooauthcc._ERROR_KINDS)
    for cls, code in CODES.items():
        assert core[code] == cls.KIND and cls("m").kind == cls.KIND
    assert set(core.values()) - {cls.KIND for cls in CODES} == {"null_argument"}  # C only


def test_oauth_error_fields(server: AuthServer, client_id: str) -> None:
    server.register_client(client_id, SECRET)
    c = ooauthcc.Client(server.token_url, client_id, "wrong-secret")
    with pytest.raises(ooauthcc.OAuthError) as info:
        c.get_token()
    e = info.value
    assert e.status == 13 and e.kind == "oauth" and e.error == "invalid_client" and e.http_status == 401
    assert not e.retryable
    assert "invalid_client" in str(e)
    # Pickling keeps every field (multiprocessing sends exceptions between processes).
    e2 = pickle.loads(pickle.dumps(e))
    assert type(e2) is ooauthcc.OAuthError
    assert (e2.error, e2.http_status, e2.status, e2.kind) == ("invalid_client", 401, 13, "oauth")


def test_oauth_error_description_and_uri(server: AuthServer, client_id: str) -> None:
    c = make_client(server, client_id, max_retries=0)
    server.set_fault(Fault.oauth_error("invalid_scope", status=400, description="bad scope", uri="https://e.x/s"))
    with pytest.raises(ooauthcc.OAuthError) as info:
        c.get_token()
    assert (info.value.error_description, info.value.error_uri) == ("bad scope", "https://e.x/s")


def test_http_status_error(server: AuthServer, client_id: str) -> None:
    c = make_client(server, client_id, max_retries=0)
    server.set_fault(Fault.service_unavailable("7"))
    with pytest.raises(ooauthcc.HttpStatusError) as info:
        c.get_token()
    e = info.value
    assert e.status == 12 and e.http_status == 503 and e.retryable
    assert e.retry_after == pytest.approx(7.0)


def test_http_status_is_retried_then_succeeds(server: AuthServer, client_id: str) -> None:
    c = make_client(server, client_id, max_retries=3)
    server.set_fault(Fault.status(502), times=2)
    assert server.is_valid_token(c.get_token())
    assert server.request_count(client_id) == 3


def test_transport_error(server: AuthServer, client_id: str) -> None:
    server.register_client(client_id, SECRET)
    url = server.token_url
    server.close()  # nothing listens on that port any more
    c = ooauthcc.Client(url, client_id, SECRET, max_retries=0, connect_timeout=2)
    with pytest.raises(ooauthcc.TransportError) as info:
        c.get_token()
    assert info.value.status == 10 and isinstance(info.value, ConnectionError) and info.value.retryable


def test_timeout_error(server: AuthServer, client_id: str) -> None:
    c = make_client(server, client_id, get_timeout=0.2)
    server.set_latency(1.0)
    with pytest.raises(ooauthcc.TokenTimeoutError) as info:
        c.get_token()
    assert info.value.status == 11


@pytest.mark.parametrize(
    "fault",
    [Fault.non_json(), Fault.empty_body(), Fault.error_in_200(), Fault.oversized(), Fault.invalid_utf8()],
    ids=repr,
)
def test_malformed_responses(server: AuthServer, client_id: str, fault: Fault) -> None:
    c = make_client(server, client_id, max_retries=0)
    server.set_fault(fault)
    with pytest.raises(ooauthcc.Error) as info:
        c.get_token()
    # A 200 carrying an OAuth error body is an OAuthError; the others are malformed.
    expected = ooauthcc.OAuthError if "ErrorIn200" in repr(fault) else ooauthcc.MalformedResponseError
    assert type(info.value) is expected, repr(info.value)


def test_usage_errors(server: AuthServer, client_id: str) -> None:
    c = make_client(server, client_id)
    with pytest.raises(ooauthcc.UsageError) as info:
        c.check_destination("http://api.example.com/orders")
    assert info.value.status == 21
    with pytest.raises(ooauthcc.InvalidArgumentError) as info2:
        c.check_destination("/relative")
    assert info2.value.status == 2


def test_a_rust_panic_is_an_internal_error() -> None:
    with pytest.raises(ooauthcc.InternalError) as info:
        _ooauthcc._panic_for_test()
    assert info.value.status == 99 and "deliberate panic" in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"scopes": 3}, "scopes"),
        ({"scopes": ["a", 1]}, "scopes"),
        ({"resources": "https://api"}, "resources"),
        ({"extra_params": ["a"]}, "extra_params"),
        ({"extra_headers": {"a": 1}}, "extra_headers"),
        ({"request_timeout": "5"}, "request_timeout"),
        ({"connect_timeout": True}, "connect_timeout"),
        ({"max_retries": 1.5}, "max_retries"),
        ({"allow_insecure_http": 1}, "allow_insecure_http"),
        ({"refresh_ahead": "0.8"}, "refresh_ahead"),
        ({"audience": b"x"}, "audience"),
        ({"client_secret_file": 3}, "client_secret_file"),
        ({"client_secret_provider": "not callable"}, "client_secret_provider"),
    ],
)
def test_bad_argument_types_name_the_argument(kwargs: dict[str, object], name: str) -> None:
    with pytest.raises(TypeError, match=f"'{name}'"):
        ooauthcc.Client("https://idp.example.com/t", "id", "secret", **kwargs)  # type: ignore[arg-type]


def test_bad_positional_types_name_the_argument() -> None:
    with pytest.raises(TypeError, match="'token_url'"):
        ooauthcc.Client(42, "id", "secret")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="'client_secret'"):
        ooauthcc.Client("https://idp.example.com/t", "id", 1234)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="'scopez'"):
        ooauthcc.Client("https://idp.example.com/t", "id", "secret", scopez=["a"])  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="'client_id'"):
        ooauthcc.Client("https://idp.example.com/t", "id", "secret", client_id="again")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"auth_method": "magic"}, "auth_method"),
        ({"scope_delimiter": "|"}, "scope_delimiter"),
        ({"request_timeout": -1}, "request_timeout"),
        ({"get_timeout": float("nan")}, "get_timeout"),
        ({"retry_max_delay": 10**9}, "retry_max_delay"),
        ({"max_retries": -1}, "max_retries"),
        ({"scopes": ["has space"]}, "scopes"),
        ({"extra_params": {"grant_type": "x"}}, "extra_params"),
        ({"token_url": "ftp://idp.example.com/t"}, "token_url"),
        ({"token_url": "http://idp.example.com/t"}, "token_url"),
        ({"client_id": ""}, "client_id"),
    ],
)
def test_bad_values_raise_config_error_naming_the_setting(kwargs: dict[str, object], name: str) -> None:
    args: dict[str, object] = {"token_url": "https://idp.example.com/t", "client_id": "id", "client_secret": "s"}
    args.update(kwargs)
    with pytest.raises(ooauthcc.ConfigError, match=f"`{name}") as info:
        ooauthcc.Client(**args)  # type: ignore[arg-type]
    assert info.value.status == 3 and isinstance(info.value, ValueError)


def test_missing_secret_is_a_config_error() -> None:
    with pytest.raises(ooauthcc.ConfigError, match="client_secret"):
        ooauthcc.Client("https://idp.example.com/t", "id")


def test_timeout_argument_is_checked(client: ooauthcc.Client) -> None:
    with pytest.raises(TypeError, match="'timeout'"):
        client.get_token(timeout="soon")  # type: ignore[arg-type]
    with pytest.raises(ooauthcc.ConfigError, match="timeout"):
        client.get_token(timeout=-1)
