"""The Client API: tokens, Token objects, stats, invalidation, constructors,
context managers, the one-liner and its client cache."""

from __future__ import annotations

import datetime
import pickle

import pytest

import ooauthcc
from ooauthcc import _oneliner
from ooauthcc.testing import AuthServer

from helpers import SECRET, make_client, unique_id


def test_get_token_and_token_object(server: AuthServer, client: ooauthcc.Client, client_id: str) -> None:
    t = client.get_token()
    assert isinstance(t, str) and server.is_valid_token(t)
    assert client.get_token() is t, "the cached token is the same str object"
    tok = client.token()
    assert tok.access_token == t
    assert tok.token_type == "Bearer"
    assert tok.expires_at.tzinfo is datetime.timezone.utc
    now = datetime.datetime.now(datetime.timezone.utc)
    assert now + datetime.timedelta(minutes=50) < tok.expires_at < now + datetime.timedelta(minutes=61)
    assert 3590 <= tok.lifetime <= 3600
    assert not tok.is_expired()
    assert tok == client.token() and hash(tok) == hash(client.token())
    assert t not in repr(tok) and t not in str(tok) and "redacted" in repr(tok)
    assert client.authorization_header() == f"Bearer {t}"
    assert client.header_value(tok) == f"Bearer {t}"
    assert client.header_name.lower() == "authorization" and client.query_param is None
    assert client.token_url == server.token_url and client.client_id == client_id
    assert server.request_count(client_id) == 1
    s = client.stats()
    assert s.token_requests == 1 and s.fetches == 1 and s.cache_hits >= 3
    assert s.as_dict()["token_requests"] == 1
    assert "token_requests=1" in repr(s)
    cached = client.cached_token()
    assert cached is not None and cached.access_token == t
    with pytest.raises(TypeError):
        pickle.dumps(tok)


def test_stats_count_failures_by_kind_and_time_every_fetch(server: AuthServer, client_id: str) -> None:
    server.register_client(client_id, SECRET)
    bad = ooauthcc.Client(server.token_url, client_id, "wrong-secret", max_retries=0)
    with pytest.raises(ooauthcc.OAuthError):
        bad.get_token()
    s = bad.stats()
    assert s.failures == 1 and s.failures_by_kind["oauth"] == 1
    assert sum(s.failures_by_kind.values()) == s.failures
    assert set(s.failures_by_kind) >= {"transport", "timeout", "http_status", "oauth", "malformed_response"}
    good = make_client(server, client_id)
    good.get_token()
    g = good.stats()
    assert sum(g.failures_by_kind.values()) == 0
    buckets = g.fetch_latency_buckets
    assert buckets[0][0] == 0.005 and buckets[-1][0] == float("inf")
    assert all(a[0] < b[0] for a, b in zip(buckets, buckets[1:]))
    assert sum(n for _, n in buckets) == g.fetches == 1
    assert 0 < g.fetch_latency_sum < 10


def test_auth_method_defaults_to_auto(server: AuthServer) -> None:
    # No auth_method given: a client the server takes only in the body and one
    # it takes only with Basic both get tokens; the fallback costs one request
    # once. A wrong secret costs two requests, then the refusal is held.
    post_id, basic_id, wrong_id = (unique_id(p) for p in ("default-post", "default-basic", "default-wrong"))
    server.register_client(post_id, "s1", auth_methods="post")
    server.register_client(basic_id, "s1", auth_methods="basic")
    server.register_client(wrong_id, "the-right-secret")

    def used(client_id: str) -> list[str | None]:
        return [r.auth_used for r in server.requests() if r.client_id == client_id]

    for client_id in (post_id, basic_id):
        client = ooauthcc.Client(server.token_url, client_id, "s1")
        for _ in range(2):
            token = client.get_token()
            assert server.is_valid_token(token)
            assert client.invalidate(token)
    assert used(post_id) == ["client_secret_basic", "client_secret_post", "client_secret_post"]
    assert used(basic_id) == ["client_secret_basic", "client_secret_basic"]

    wrong = ooauthcc.Client(server.token_url, wrong_id, "a-wrong-secret")
    for _ in range(2):
        with pytest.raises(ooauthcc.OAuthError) as e:
            wrong.get_token()
        assert e.value.error == "invalid_client"
    assert used(wrong_id) == ["client_secret_basic", "client_secret_post"]


def test_scope_and_extra_fields(server: AuthServer, client_id: str) -> None:
    server.set_quirk("extra_fields")
    c = make_client(server, client_id, scopes="read write")
    tok = c.token()
    assert tok.scope is not None and set(tok.scope.split()) == {"read", "write"}
    assert tok.extra == {"ext_tenant": "t-1", "ext_number": 42}
    assert "ext_tenant" in repr(tok)
    sent = server.requests()[-1]
    assert set((sent.param("scope") or "").split()) == {"read", "write"}


def test_invalidate_is_compare_and_invalidate(server: AuthServer, client: ooauthcc.Client, client_id: str) -> None:
    old = client.get_token()
    assert [client.invalidate(old) for _ in range(5)].count(True) == 1
    new = client.token()
    assert new.access_token != old
    assert not client.invalidate(old), "a stale report keeps the new token"
    assert client.invalidate(new) is True
    assert server.request_count(client_id) == 2
    with pytest.raises(TypeError, match="'token'"):
        client.invalidate(42)  # type: ignore[arg-type]


def test_clients_with_equal_settings_share_the_cache(server: AuthServer, client_id: str) -> None:
    a = make_client(server, client_id, scopes=["x", "y"])
    b = make_client(server, client_id, scopes=("y", "x"))
    assert a.get_token() == b.get_token()
    assert server.request_count(client_id) == 1


def test_from_dict_and_from_env(server: AuthServer, client_id: str) -> None:
    server.register_client(client_id, SECRET)
    settings = {
        "token_url": server.token_url,
        "client_id": client_id,
        "client_secret": SECRET,
        "scopes": ["a"],
        "request_timeout": 5,
        "extra_headers": {"x-test": "1"},
    }
    c1 = ooauthcc.Client.from_dict(settings)
    env = {
        "OOAUTHCC_TOKEN_URL": server.token_url,
        "OOAUTHCC_CLIENT_ID": client_id,
        "OOAUTHCC_CLIENT_SECRET": SECRET,
        "OOAUTHCC_SCOPES": "a",
        "OOAUTHCC_REQUEST_TIMEOUT": "5",
        "OOAUTHCC_EXTRA_HEADERS": '{"x-test": "1"}',
        "OOAUTHCC_ALLOW_INSECURE_HTTP": "false",
        "UNRELATED": "x",
    }
    c2 = ooauthcc.Client.from_env(env)
    assert c1.get_token() == c2.get_token()
    assert server.request_count(client_id) == 1
    with pytest.raises(ooauthcc.ConfigError, match="unknown setting `scopez`"):
        ooauthcc.Client.from_dict({**settings, "scopez": []})
    with pytest.raises(ooauthcc.ConfigError, match="OOAUTHCC_REQUEST_TIMEOUT"):
        ooauthcc.Client.from_env({**env, "OOAUTHCC_REQUEST_TIMEOUT": "soon"})
    with pytest.raises(ooauthcc.ConfigError, match="OOAUTHCC_EXTRA_HEADERS"):
        ooauthcc.Client.from_env({**env, "OOAUTHCC_EXTRA_HEADERS": "x=1"})
    with pytest.raises(ooauthcc.ConfigError, match="OOAUTHCC_MAX_RETRIES"):
        ooauthcc.Client.from_env({**env, "OOAUTHCC_MAX_RETRIES": "-1"})


def test_from_env_reads_os_environ(server: AuthServer, client_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    server.register_client(client_id, SECRET)
    monkeypatch.setenv("OOAUTHCC_TOKEN_URL", server.token_url)
    monkeypatch.setenv("OOAUTHCC_CLIENT_ID", client_id)
    monkeypatch.setenv("OOAUTHCC_CLIENT_SECRET", SECRET)
    assert server.is_valid_token(ooauthcc.Client.from_env().get_token())


def test_secret_sources_and_provider(server: AuthServer, client_id: str, tmp_path: object) -> None:
    import pathlib

    server.register_client(client_id, SECRET)
    path = pathlib.Path(str(tmp_path)) / "secret"
    path.write_text(SECRET + "\n")
    c = ooauthcc.Client(server.token_url, client_id, client_secret_file=path)
    assert server.is_valid_token(c.get_token())
    calls: list[int] = []

    def provide() -> str:
        calls.append(1)
        return SECRET

    p = ooauthcc.Client(server.token_url, client_id, client_secret_provider=provide, scopes=["p"])
    assert server.is_valid_token(p.get_token())
    assert calls == [1]

    def broken() -> str:
        raise RuntimeError("vault down")

    b = ooauthcc.Client(server.token_url, client_id, client_secret_provider=broken, scopes=["b"])
    with pytest.raises(ooauthcc.Error, match="RuntimeError"):
        b.get_token()


def test_context_managers_close_the_client(server: AuthServer, client_id: str) -> None:
    with make_client(server, client_id) as c:
        assert server.is_valid_token(c.get_token())
        assert not c.closed
    assert c.closed and "closed" in repr(c)
    with pytest.raises(ooauthcc.UsageError, match="closed"):
        c.get_token()
    c.close()  # idempotent
    # The shared cache is untouched: a new client gets the token without a request.
    again = make_client(server, client_id)
    again.get_token()
    assert server.request_count(client_id) == 1


@pytest.mark.asyncio
async def test_async_context_manager(server: AuthServer, client_id: str) -> None:
    async with make_client(server, client_id) as c:
        assert server.is_valid_token(await c.get_token_async())
    assert c.closed


def test_one_liner_caches_clients(server: AuthServer, client_id: str) -> None:
    server.register_client(client_id, SECRET)
    before = len(_oneliner._clients)
    tokens = {
        ooauthcc.get_token(server.token_url, client_id, SECRET, scopes=["a", "b"], extra_params={"k": "v"})
        for _ in range(50)
    }
    assert len(tokens) == 1 and server.is_valid_token(tokens.pop())
    assert len(_oneliner._clients) == min(before + 1, _oneliner._MAX_CLIENTS)
    assert server.request_count(client_id) == 1
    assert server.is_valid_token(ooauthcc.get_token(server.token_url, client_id, SECRET, timeout=5))
    for i in range(_oneliner._MAX_CLIENTS + 5):
        ooauthcc.get_token(server.token_url, client_id, SECRET, scopes=[f"s{i}"])
    assert len(_oneliner._clients) == _oneliner._MAX_CLIENTS, "the client cache is bounded"


@pytest.mark.asyncio
async def test_one_liner_async(server: AuthServer, client_id: str) -> None:
    server.register_client(client_id, SECRET)
    t = await ooauthcc.get_token_async(server.token_url, client_id, SECRET)
    assert server.is_valid_token(t)


def test_check_destination(server: AuthServer, client_id: str) -> None:
    c = make_client(server, client_id, allowed_hosts=["api.example.com", "*.svc.example.com", "127.0.0.1"])
    c.check_destination("https://api.example.com/x")
    c.check_destination("https://a.svc.example.com/x")
    c.check_destination("http://127.0.0.1:8080/x")
    with pytest.raises(ooauthcc.UsageError, match="allowed_hosts"):
        c.check_destination("https://evil.example.com/x")
    with pytest.raises(ooauthcc.UsageError, match="http"):
        c.check_destination("http://api.example.com/x")
    with pytest.raises(ooauthcc.InvalidArgumentError):
        c.check_destination("not a url")


def test_package_metadata() -> None:
    assert ooauthcc.__version__ == ooauthcc.CORE_VERSION.replace("-", "")
    assert set(ooauthcc.__all__) <= set(dir(ooauthcc))


def test_stub_lists_every_setting() -> None:
    import ast
    import pathlib

    from ooauthcc import _ooauthcc

    stub = pathlib.Path(_ooauthcc.__file__).with_name("_ooauthcc.pyi")
    tree = ast.parse(stub.read_text())
    client = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Client")
    new = next(n for n in client.body if isinstance(n, ast.FunctionDef) and n.name == "__new__")
    names = [a.arg for a in new.args.args[1:]] + [a.arg for a in new.args.kwonlyargs]
    assert sorted(names) == sorted(_ooauthcc.SETTINGS)


def test_every_setting_takes_its_kind_from_python() -> None:
    """Each keyword argument, taken from core's schema, accepts the Python type
    of its kind (no TypeError) and refuses a wrong type with a TypeError naming it."""
    from ooauthcc import _ooauthcc

    samples: dict[str, object] = {
        "text": "sample", "secret": "sample", "pem": "sample", "path": "/nonexistent/sample",
        "seconds": 7, "fraction": 0.5, "count": 7, "bool": True, "list": ["a"], "words": "a b",
        "map": {"k": "v"}, "callback": lambda: "s",
    }
    wrong: dict[str, object] = {
        "text": 1, "secret": 1, "pem": 1, "path": 1, "seconds": "7", "fraction": "0.5", "count": 1.5,
        "bool": 1, "list": "a", "words": 1, "map": ["a"], "callback": "s", "enum": 1,
    }
    assert {kind for _, kind, _, _ in _ooauthcc._SCHEMA} <= set(samples) | {"enum"}
    for name, kind, choices, summary in _ooauthcc._SCHEMA:
        assert summary, name
        value = choices[-1] if kind == "enum" else samples[kind]
        # A bad value for the check that runs in Client() is a ConfigError naming some setting;
        # a value of the wrong Python type is always a TypeError naming this one.
        try:
            ooauthcc.Client.from_dict({name: value})
        except ooauthcc.ConfigError:
            pass
        with pytest.raises(TypeError, match=f"'{name}'"):
            ooauthcc.Client.from_dict({name: wrong[kind]})
