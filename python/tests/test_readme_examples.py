"""Every ```python block of README.md and python/README-PY.md runs as written,
against local servers instead of the example hosts.

How the examples are run (so that an example stays honest when it changes):

- The blocks of one file run in order, in one namespace, like a reader going
  down the page; a block may use ``await`` at top level (it then runs under
  ``asyncio.run``).
- The example hosts are rewritten to local servers: ``https://idp.example.com/…``
  to the token endpoint of a bundled ``AuthServer`` (on which the example
  client ``my-service`` / ``s3cr3t`` is registered), ``https://api.example.com``
  to a resource server that accepts that server's tokens,
  ``rediss://redis.internal:6380/0`` to a TLS ``RedisServer`` and
  ``/etc/redis-tls/{ca.pem,client.pem,client.key}`` to the test PKI. The
  environment variable ``REDIS_URL`` names a plain ``RedisServer``.
- Names an example leaves to the reader are given by a preamble: ``token_url``
  and ``secret`` (a registered client's), ``url`` (a resource), the PEM text
  ``server_pem``, ``server_key_pem``, ``ca_pem``, ``client_pem``,
  ``client_key_pem`` (the test PKI), and ``MyService`` (code under test, which
  calls the resource with the ``auth`` it is given). A block that defines a
  pytest test function ``test_…`` has it called with a server and a client.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from helpers import REPO, TLS_FIXTURES, tls_fixture
from ooauthcc.testing import AuthServer, RedisServer
from resource_server import resource_server

FILES = [REPO / "README.md", REPO / "python" / "README-PY.md"]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks(path: Path) -> list[tuple[int, str]]:
    """The ```python blocks of a Markdown file, with the line each starts on."""
    text = path.read_text()
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in BLOCK.finditer(text)]


def test_the_readmes_have_python_examples() -> None:
    for path in FILES:
        assert python_blocks(path), f"no ```python block in {path}"


@pytest.fixture
def local(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The substitutions and the preamble's names, with their servers running."""
    with AuthServer() as server, resource_server(server, reject_first=False) as rs, RedisServer() as redis:
        with RedisServer(
            tls_cert=TLS_FIXTURES / "server.pem",
            tls_key=TLS_FIXTURES / "server.key.pem",
            tls_ca=TLS_FIXTURES / "ca.pem",
            tls_auth_clients=True,
        ) as tls_redis:
            server.register_client("my-service", "s3cr3t")
            token_url = server.token_url
            api = rs.url.rsplit("/", 1)[0]
            monkeypatch.setenv("REDIS_URL", redis.url)

            class MyService:
                def __init__(self, auth: httpx.Auth) -> None:
                    self.auth = auth

                def run(self) -> None:
                    httpx.get(f"{api}/orders", auth=self.auth).raise_for_status()

            yield {
                "server": server,
                "rewrite": [
                    (re.compile(r"https://idp\.example\.com/[\w/.-]*"), token_url),
                    (re.compile(r"https://api\.example\.com"), api),
                    (re.compile(r"rediss://redis\.internal:6380/0"), tls_redis.tls_url),
                    (re.compile(r"/etc/redis-tls/ca\.pem"), str(TLS_FIXTURES / "ca.pem")),
                    (re.compile(r"/etc/redis-tls/client\.pem"), str(TLS_FIXTURES / "client.pem")),
                    (re.compile(r"/etc/redis-tls/client\.key"), str(TLS_FIXTURES / "client.key.pem")),
                ],
                "preamble": {
                    "token_url": token_url,
                    "secret": "s3cr3t",
                    "url": f"{api}/orders",
                    "server_pem": tls_fixture("server.pem"),
                    "server_key_pem": tls_fixture("server.key.pem"),
                    "ca_pem": tls_fixture("ca.pem"),
                    "client_pem": tls_fixture("client.pem"),
                    "client_key_pem": tls_fixture("client.key.pem"),
                    "MyService": MyService,
                },
            }


def run_block(source: str, namespace: dict[str, Any], filename: str) -> None:
    code = compile(source, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    result = eval(code, namespace)  # a coroutine when the block awaits at top level
    if inspect.iscoroutine(result):
        asyncio.run(result)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_python_example_runs(path: Path, local: dict[str, Any]) -> None:
    namespace: dict[str, Any] = {"__name__": "readme_example", **local["preamble"]}
    for line, block in python_blocks(path):
        source = block
        for pattern, replacement in local["rewrite"]:
            source = pattern.sub(replacement, source)
        before = set(namespace)
        try:
            run_block(source, namespace, f"{path.name}:{line}")
            for name in sorted(set(namespace) - before):
                if name.startswith("test_") and callable(namespace[name]):
                    server: AuthServer = local["server"]
                    with server.new_client() as client:
                        namespace[name](server, client)
        except Exception as e:
            raise AssertionError(f"the example at {path.name} line {line} fails: {e!r}") from e
