"""Every setting that shapes the token request, or how a token is applied,
set from Python to a value that is not its default, and checked where it
shows: in what the bundled server received (its recorded requests: path,
headers, form parameters, the authentication used) or in what the client
produced (the header or query parameter the ``requests`` adapter adds, the
destination check).

``WIRE`` maps each such setting to its check, one test each. The last test
holds ``WIRE`` against core's schema (``_ooauthcc._SCHEMA``) and
``tests/wire_exemptions.txt`` (the settings that shape neither, each with a
reason, shared with the C side's check in ffi-testing/tests/settings_on_wire.rs):
a setting added to core with neither a check here nor a line there fails it.
tests/c/test_settings_on_wire.c does the same from C.
"""

from __future__ import annotations

import base64
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

import ooauthcc
from ooauthcc import _ooauthcc
from ooauthcc.requests import OAuth2ClientCredentials
from ooauthcc.testing import AuthServer, RecordedRequest

from helpers import REPO, key_fixture, unique_id

EXEMPTIONS = REPO / "tests" / "wire_exemptions.txt"
HMAC_SECRET = "a-long-enough-hmac-secret-0123456789"


class Wire:
    """The tools of one check: the server, and clients whose settings are
    remembered, so the test can tell that the check did set its setting."""

    def __init__(self, server: AuthServer) -> None:
        self.server = server
        self.used: set[str] = set()

    def client(self, client_id: str, secret: Optional[str] = "s1", **settings: Any) -> ooauthcc.Client:
        """A client at the server for `client_id` (registered elsewhere), with
        `secret` as client_secret unless None, and `settings`."""
        given: dict[str, Any] = {"token_url": self.server.token_url, "client_id": client_id}
        if secret is not None:
            given["client_secret"] = secret
        given.update(settings)
        given = {k: v for k, v in given.items() if v is not None}
        self.used.update(given)
        given.setdefault("retry_base_delay", 0.02)
        given.setdefault("get_timeout", 30.0)
        return ooauthcc.Client(**given)

    def registered(self, client_id: str, **settings: Any) -> ooauthcc.Client:
        """Registers `client_id` (secret "s1", Basic or post) and gives its client."""
        self.server.register_client(client_id, "s1")
        return self.client(client_id, **settings)

    def last(self, client_id: str) -> RecordedRequest:
        """The newest recorded request, which must name `client_id`."""
        request = self.server.requests()[-1]
        assert request.client_id == client_id
        return request

    def fetch(self, client: ooauthcc.Client) -> RecordedRequest:
        """Gets a token, checks the server issued it, returns the request sent."""
        assert self.server.is_valid_token(client.get_token())
        return self.last(client.client_id)


WIRE: dict[str, Callable[[Wire], None]] = {}


def wire(setting: str) -> Callable[[Callable[[Wire], None]], Callable[[Wire], None]]:
    def register(check: Callable[[Wire], None]) -> Callable[[Wire], None]:
        assert setting not in WIRE, f"two checks for {setting}"
        WIRE[setting] = check
        return check

    return register


def basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


def check_basic(r: RecordedRequest, client_id: str, encoded_secret: str) -> None:
    # Compared, never printed: the header carries the secret.
    assert r.header("authorization") == basic(f"{client_id}:{encoded_secret}"), "unexpected Authorization header"
    assert r.param("client_secret") is None


# ---- dynamic client registration (RFC 7591) ------------------------------


def _registering(w: Wire, path: Path, **settings: Any) -> ooauthcc.Client:
    """A client that registers at the server, keeping what it is issued at `path`."""
    given: dict[str, Any] = {
        "token_url": w.server.token_url,
        "registration_endpoint": w.server.registration_url,
        "registration_file": str(path),
        **settings,
    }
    w.used.update(given)
    return ooauthcc.Client(retry_base_delay=0.02, get_timeout=30.0, **given)


def _fetch_registered(w: Wire, client: ooauthcc.Client, path: Path) -> dict[str, Any]:
    """Gets a token; checks the token request used the client id the file keeps."""
    assert w.server.is_valid_token(client.get_token())
    record: dict[str, Any] = json.loads(path.read_text())
    assert w.server.requests()[-1].client_id == record["client_id"]
    assert record["client_id"].startswith("dcr-")
    return record


@wire("registration_file")
def _registration_file(w: Wire) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "fresh" / "client.json"
        before = w.server.registration_count()
        _fetch_registered(w, _registering(w, path), path)
        assert w.server.registration_count() == before + 1
        assert path.stat().st_mode & 0o777 == 0o600
        # A later start with the same file registers nothing.
        _fetch_registered(w, _registering(w, path, scopes=["another-entry"]), path)
        assert w.server.registration_count() == before + 1


@wire("registration_endpoint")
def _registration_endpoint(w: Wire) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "client.json"
        record = _fetch_registered(w, _registering(w, path), path)
        assert record["registration_endpoint"] == w.server.registration_url
        sent = json.loads(w.server.registration_requests()[-1].body)
        assert sent["grant_types"] == ["client_credentials"]
        assert sent["token_endpoint_auth_method"] == "client_secret_basic"


@wire("initial_access_token")
def _initial_access_token(w: Wire) -> None:
    w.server.require_initial_access_token("wire-iat-0123456789")
    try:
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "client.json"
            with pytest.raises(ooauthcc.OAuthError) as refused:
                _registering(w, path, max_retries=0).get_token()
            assert (refused.value.error, refused.value.http_status) == ("invalid_token", 401)
            _fetch_registered(w, _registering(w, path, initial_access_token="wire-iat-0123456789"), path)
            assert w.server.registration_requests()[-1].authorization == "Bearer wire-iat-0123456789"
    finally:
        w.server.require_initial_access_token(None)


# ---- where the request goes and who it names ----------------------------


@wire("token_url")
def _token_url(w: Wire) -> None:
    r = w.fetch(w.registered(unique_id("wire-token_url"), token_url=w.server.token_url))
    assert (r.method, r.path) == ("POST", "/token")
    assert r.header("content-type") == "application/x-www-form-urlencoded"
    assert r.param("grant_type") == "client_credentials"


@wire("issuer")
def _issuer(w: Wire) -> None:
    client_id = unique_id("wire-issuer")
    w.server.register_client(client_id, "s1")
    r = w.fetch(w.client(client_id, token_url=None, issuer=w.server.base_url))  # token endpoint discovered
    assert r.path == "/token"


@wire("client_id")
def _client_id(w: Wire) -> None:
    client_id = unique_id("wire client/id")  # in Basic: wire%20client%2Fid-…
    r = w.fetch(w.registered(client_id))
    check_basic(r, client_id.replace(" ", "%20").replace("/", "%2F"), "s1")
    assert r.auth_used == "client_secret_basic"


# ---- the client secret and where it comes from --------------------------


@wire("client_secret")
def _client_secret(w: Wire) -> None:
    client_id = unique_id("wire-client_secret")
    w.server.register_client(client_id, "sec ret:%1")
    r = w.fetch(w.client(client_id, secret=None, client_secret="sec ret:%1"))
    # RFC 6749 §2.3.1: form-urlencoded, then base64; a space as %20.
    check_basic(r, client_id, "sec%20ret%3A%251")


@wire("client_secret_file")
def _client_secret_file(w: Wire) -> None:
    client_id = unique_id("wire-client_secret_file")
    w.server.register_client(client_id, "from-a-file")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "secret"
        path.write_text("from-a-file\n")  # a trailing newline is ignored
        r = w.fetch(w.client(client_id, secret=None, client_secret_file=str(path)))
    check_basic(r, client_id, "from-a-file")


@wire("client_secret_env")
def _client_secret_env(w: Wire) -> None:
    client_id = unique_id("wire-client_secret_env")
    w.server.register_client(client_id, "from-the-environment")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OOAUTHCC_WIRE_TEST_SECRET", "from-the-environment")
        r = w.fetch(w.client(client_id, secret=None, client_secret_env="OOAUTHCC_WIRE_TEST_SECRET"))
    check_basic(r, client_id, "from-the-environment")


@wire("client_secret_provider")
def _client_secret_provider(w: Wire) -> None:
    client_id = unique_id("wire-client_secret_provider")
    w.server.register_client(client_id, "from-a-callback")
    r = w.fetch(w.client(client_id, secret=None, client_secret_provider=lambda: "from-a-callback"))
    check_basic(r, client_id, "from-a-callback")


# ---- private_key_jwt: the key and where it comes from -------------------


def private_key_jwt(w: Wire, name: str, **key: Any) -> None:
    """Registers the public half of core/tests/fixtures/keys/rsa-pkcs8.pem and
    fetches with the private half given by `key`. The server verifies the
    assertion's signature with that public key before issuing the token."""
    client_id = unique_id(name)
    w.server.register_client(client_id, auth_methods="private_key_jwt", public_key=key_fixture("rsa.pub.pem"))
    r = w.fetch(w.client(client_id, secret=None, auth_method="private_key_jwt", **key))
    assert r.auth_used == "private_key_jwt"
    assert r.param("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assert r.header("authorization") is None


@wire("private_key")
def _private_key(w: Wire) -> None:
    private_key_jwt(w, "wire-private_key", private_key=key_fixture("rsa-pkcs8.pem"))


@wire("private_key_file")
def _private_key_file(w: Wire) -> None:
    path = REPO / "core" / "tests" / "fixtures" / "keys" / "rsa-pkcs8.pem"
    private_key_jwt(w, "wire-private_key_file", private_key_file=str(path))


@wire("private_key_env")
def _private_key_env(w: Wire) -> None:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OOAUTHCC_WIRE_TEST_KEY", key_fixture("rsa-pkcs8.pem"))
        private_key_jwt(w, "wire-private_key_env", private_key_env="OOAUTHCC_WIRE_TEST_KEY")


@wire("private_key_provider")
def _private_key_provider(w: Wire) -> None:
    pem = key_fixture("rsa-pkcs8.pem")
    private_key_jwt(w, "wire-private_key_provider", private_key_provider=lambda: pem)


# ---- client assertions: their header and claims -------------------------


def assertion(w: Wire, name: str, **settings: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fetches as a client_secret_jwt client; the header and claims of its assertion."""
    client_id = unique_id(name)
    w.server.register_client(client_id, HMAC_SECRET, auth_methods="client_secret_jwt")
    r = w.fetch(w.client(client_id, secret=HMAC_SECRET, auth_method="client_secret_jwt", **settings))
    assert r.auth_used == "client_secret_jwt"
    jwt = r.param("client_assertion")
    assert jwt is not None
    header, claims = (json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))) for p in jwt.split(".")[:2])
    return header, claims


@wire("signing_alg")
def _signing_alg(w: Wire) -> None:
    header, _ = assertion(w, "wire-signing_alg", signing_alg="HS384")
    assert header["alg"] == "HS384"


@wire("key_id")
def _key_id(w: Wire) -> None:
    header, _ = assertion(w, "wire-key_id", key_id="wire-kid-7")
    assert header["kid"] == "wire-kid-7"


@wire("assertion_audience")
def _assertion_audience(w: Wire) -> None:
    _, claims = assertion(w, "wire-assertion_audience", assertion_audience=w.server.base_url)  # default: token URL
    assert claims["aud"] == w.server.base_url


@wire("assertion_lifetime")
def _assertion_lifetime(w: Wire) -> None:
    _, claims = assertion(w, "wire-assertion_lifetime", assertion_lifetime=45)  # default 60 s
    assert claims["exp"] - claims["iat"] == 45


# ---- the form parameters, headers and cookies of the request ------------


@wire("scopes")
def _scopes(w: Wire) -> None:
    r = w.fetch(w.registered(unique_id("wire-scopes"), scopes=["orders.write", "orders.read"]))
    assert r.param("scope") == "orders.read orders.write"  # sorted, space-separated


@wire("scope_delimiter")
def _scope_delimiter(w: Wire) -> None:
    r = w.fetch(w.registered(unique_id("wire-scope_delimiter"), scopes=["b", "a"], scope_delimiter=","))
    assert r.param("scope") == "a,b"


@wire("scope_param")
def _scope_param(w: Wire) -> None:
    r = w.fetch(w.registered(unique_id("wire-scope_param"), scopes=["a"], scope_param="scopes"))
    assert r.param("scopes") == "a"
    assert r.param("scope") is None


@wire("audience")
def _audience(w: Wire) -> None:
    r = w.fetch(w.registered(unique_id("wire-audience"), audience="https://orders.example.com"))
    assert r.param("audience") == "https://orders.example.com"


@wire("resources")
def _resources(w: Wire) -> None:
    wanted = ["https://r1.example.com", "https://r2.example.com"]
    r = w.fetch(w.registered(unique_id("wire-resources"), resources=wanted))
    assert sorted(r.params("resource")) == wanted  # RFC 8707: one parameter each


@wire("extra_params")
def _extra_params(w: Wire) -> None:
    r = w.fetch(w.registered(unique_id("wire-extra_params"), extra_params={"tenant": "t-42", "region": "eu west"}))
    assert (r.param("tenant"), r.param("region")) == ("t-42", "eu west")


@wire("extra_headers")
def _extra_headers(w: Wire) -> None:
    r = w.fetch(w.registered(unique_id("wire-extra_headers"), extra_headers={"X-Wire-Test": "yes"}))
    assert r.header("x-wire-test") == "yes"


@wire("cookies")
def _cookies(w: Wire) -> None:
    r = w.fetch(w.registered(unique_id("wire-cookies"), cookies={"session": "abc", "region": "eu"}))
    cookie = r.header("cookie")
    assert cookie is not None
    assert sorted(cookie.split("; ")) == ["region=eu", "session=abc"]


@wire("grant_type")
def _grant_type(w: Wire) -> None:
    grant = "urn:example:params:oauth:grant-type:custom"
    client_id = unique_id("wire-grant_type")
    w.server.register_client(client_id, "s1", grant_type=grant)
    r = w.fetch(w.client(client_id, grant_type=grant))
    assert r.param("grant_type") == grant


# ---- client authentication ----------------------------------------------


@wire("auth_method")
def _auth_method(w: Wire) -> None:
    # client_secret_post: the secret in the body, no Authorization header.
    client_id = unique_id("wire-auth_method-post")
    w.server.register_client(client_id, "s1", auth_methods="post")
    r = w.fetch(w.client(client_id, auth_method="client_secret_post"))
    assert r.auth_used == "client_secret_post"
    assert r.param("client_id") == client_id
    assert r.param("client_secret") == "s1", "the secret is not in the body"
    assert r.header("authorization") is None

    # auto, with a server that takes post only: Basic is refused, post works
    # and is remembered, so the next fetch goes straight to post.
    client_id = unique_id("wire-auth_method-auto")
    w.server.register_client(client_id, "s1", auth_methods="post")
    client = w.client(client_id, auth_method="auto")
    assert client.invalidate(client.get_token())
    client.get_token()
    used = [r.auth_used for r in w.server.requests() if r.client_id == client_id]
    assert used == ["client_secret_basic", "client_secret_post", "client_secret_post"]


@wire("basic_encoding")
def _basic_encoding(w: Wire) -> None:
    # RFC 7617: id:secret base64-encoded as they are, not form-urlencoded first.
    client_id, secret = unique_id("wire-basic_encoding"), "p@ss word:1"
    w.server.register_client(client_id, secret, auth_methods="basic", basic_decoding="raw")
    r = w.fetch(w.client(client_id, secret=secret, basic_encoding="rfc7617"))
    check_basic(r, client_id, secret)


# ---- reading the response, and the token's life -------------------------


@wire("token_path")
def _token_path(w: Wire) -> None:
    w.server.set_quirk("nested_token")  # {"data": {"access_token": …}}
    w.fetch(w.registered(unique_id("wire-token_path"), token_path="data"))  # the server issued what was read


@wire("default_lifetime")
def _default_lifetime(w: Wire) -> None:
    w.server.set_quirk("missing_expires_in")
    client = w.registered(unique_id("wire-default_lifetime"), default_lifetime=1000)  # default 300 s
    before = time.time()
    left = client.token().expires_at.timestamp() - before
    assert 900 < left <= 1001


@wire("refresh_skew")
def _refresh_skew(w: Wire) -> None:
    # 6 s tokens. The default skew (60 s, capped at half the lifetime) ends
    # them after 3 s; a skew of 0.25 s after 5.75 s. Four seconds after the
    # first token, the default client must fetch again and the other not. No
    # background refresh (refresh_ahead 1.0), so only expiry counts.
    w.server.set_token_lifetime(6)
    plain_id, skewed_id = unique_id("wire-refresh_skew-default"), unique_id("wire-refresh_skew")
    plain = w.registered(plain_id, refresh_ahead=1.0)
    skewed = w.registered(skewed_id, refresh_ahead=1.0, refresh_skew=0.25)
    plain.get_token()
    skewed.get_token()
    time.sleep(4)
    plain.get_token()
    skewed.get_token()
    assert (w.server.request_count(plain_id), w.server.request_count(skewed_id)) == (2, 1)


# ---- applying the token ---------------------------------------------------


def applied(client: ooauthcc.Client, url: str = "https://api.example.com/orders?x=1") -> requests.PreparedRequest:
    """A request to `url` as the ``requests`` adapter sends it with `client`'s token."""
    return OAuth2ClientCredentials(client)(requests.Request("GET", url).prepare())


@wire("token_prefix")
def _token_prefix(w: Wire) -> None:
    client = w.registered(unique_id("wire-token_prefix"), token_prefix="MAC")
    sent = applied(client)
    assert sent.headers["Authorization"] == f"MAC {client.get_token()}"
    assert client.authorization_header() == f"MAC {client.get_token()}"


@wire("header_name")
def _header_name(w: Wire) -> None:
    client = w.registered(unique_id("wire-header_name"), header_name="X-Api-Token")
    sent = applied(client)
    assert sent.headers["X-Api-Token"] == f"Bearer {client.get_token()}"
    assert "Authorization" not in sent.headers
    assert client.header_name == "X-Api-Token"


@wire("query_param")
def _query_param(w: Wire) -> None:
    client = w.registered(unique_id("wire-query_param"), query_param="access_token")
    sent = applied(client)
    assert parse_qs(urlsplit(sent.url or "").query) == {"x": ["1"], "access_token": [client.get_token()]}
    assert "Authorization" not in sent.headers
    default = applied(w.registered(unique_id("wire-query_param-default")))
    assert urlsplit(default.url or "").query == "x=1"  # by default: the header


@wire("header_format")
def _header_format(w: Wire) -> None:
    client = w.registered(unique_id("wire-header_format"), header_format="Token {token}; v=2")
    sent = applied(client)
    assert sent.headers["Authorization"] == f"Token {client.get_token()}; v=2"
    assert client.authorization_header() == f"Token {client.get_token()}; v=2"


@wire("resource_headers")
def _resource_headers(w: Wire) -> None:
    client = w.registered(unique_id("wire-resource_headers"), resource_headers={"X-Tenant": "acme"})
    assert applied(client).headers["X-Tenant"] == "acme"
    assert w.fetch(client).header("x-tenant") is None, "resource headers stay off the token request"


@wire("resource_cookies")
def _resource_cookies(w: Wire) -> None:
    client = w.registered(unique_id("wire-resource_cookies"), resource_cookies={"b": "2", "a": "1"})
    assert applied(client).headers["Cookie"] == "a=1; b=2"
    assert w.fetch(client).header("cookie") is None, "resource cookies stay off the token request"


@wire("unauthorized_retries")
def _unauthorized_retries(w: Wire) -> None:
    client = w.registered(unique_id("wire-unauthorized_retries"), unauthorized_retries=3)
    assert client.unauthorized_retries == 3
    w.server.reject_resource_requests(3)
    assert requests.get(w.server.resource_url, auth=OAuth2ClientCredentials(client)).status_code == 200
    assert [r.status for r in w.server.resource_requests()] == [401, 401, 401, 200]


@wire("allowed_hosts")
def _allowed_hosts(w: Wire) -> None:
    client = w.registered(unique_id("wire-allowed_hosts"), allowed_hosts=["api.example.com"])
    client.check_destination("https://api.example.com/orders")
    with pytest.raises(ooauthcc.UsageError):
        client.check_destination("https://other.example.com/")


@wire("allow_insecure_http")
def _allow_insecure_http(w: Wire) -> None:
    w.registered(unique_id("wire-allow_insecure_http"), allow_insecure_http=True).check_destination(
        "http://api.example.com/orders"
    )
    default = w.registered(unique_id("wire-allow_insecure_http-default"))
    with pytest.raises(ooauthcc.UsageError):
        default.check_destination("http://api.example.com/orders")


# ---- the tests ------------------------------------------------------------


@pytest.mark.parametrize("setting", sorted(WIRE))
def test_setting_on_the_wire(server: AuthServer, setting: str) -> None:
    w = Wire(server)
    WIRE[setting](w)
    assert setting in w.used, f"the check of {setting!r} never gave it to a Client"


def exemptions() -> list[str]:
    """The names of tests/wire_exemptions.txt, each with a reason."""
    names = []
    for line in EXEMPTIONS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, reason = line.partition(" ")
            assert reason.strip(), f"{EXEMPTIONS}: {name!r} has no reason"
            names.append(name)
    return names


def test_every_setting_is_tested_on_the_wire_or_exempt() -> None:
    schema = [name for name, _kind, _choices, _summary in _ooauthcc._SCHEMA]
    assert schema == _ooauthcc.SETTINGS
    exempt = exemptions()
    listed = sorted(WIRE) + exempt
    twice = sorted({name for name in listed if listed.count(name) > 1})
    problems = [f"{name!r} is listed twice (WIRE and/or {EXEMPTIONS.name})" for name in twice]
    problems += [f"{name!r} is not a setting of core's schema: remove it" for name in listed if name not in schema]
    problems += [
        f"setting {name!r} has no check in WIRE (tests/test_settings_on_wire.py) and no line in {EXEMPTIONS}"
        for name in schema
        if name not in listed
    ]
    assert not problems, "\n".join(problems)
