"""Test your code against a real OAuth 2.0 authorization server, without an
identity provider: the server bundled with ooauthcc, on 127.0.0.1.

    from ooauthcc.testing import AuthServer, Fault

    with AuthServer() as server:
        server.register_client("my-client", "my-secret")
        client = ooauthcc.Client(server.token_url, "my-client", "my-secret")
        ...
        assert server.request_count("my-client") == 1
        server.set_fault(Fault.status(503), times=2)   # the next two requests fail
        server.set_latency(0.5)                        # answers take 500 ms

With a certificate and key (PEM text) the server speaks HTTPS and asks for
client certificates, for ``tls_client_auth`` and ``self_signed_tls_client_auth``
(RFC 8705)::

    with AuthServer(tls_cert=server_pem, tls_key=server_key_pem, client_ca=ca_pem) as server:
        server.register_client("svc", auth_methods="tls_client_auth", client_cert=client_pem)

For the shared token store, :class:`RedisServer` starts a throwaway
``redis-server`` (the program must be installed) on a free loopback port::

    with RedisServer() as redis:
        client = server.new_client(store_url=redis.url)

With pytest, the fixtures ``ooauthcc_server`` (a fresh server) and
``ooauthcc_client`` (a registered client and an ``ooauthcc.Client`` for it)
are available once ooauthcc is installed (plugin ``ooauthcc.testing.pytest_plugin``).
"""

from __future__ import annotations

import itertools
import os
from typing import Any, Optional

from .._ooauthcc import AuthServer as _NativeAuthServer
from .._ooauthcc import Client, Fault, RecordedRequest, RegistrationRequest, ResourceRequest
from ._redis import RedisServer, free_port

__all__ = ["AuthServer", "Fault", "RecordedRequest", "RedisServer", "RegistrationRequest", "ResourceRequest", "free_port"]

_ids = itertools.count()


class AuthServer(_NativeAuthServer):
    """A real HTTP/1.1 OAuth 2.0 authorization server on 127.0.0.1 with a
    client-credentials token endpoint at :attr:`token_url`.

    It counts and records every token request, and can be told to add latency
    (:meth:`set_latency`), short lifetimes (:meth:`set_token_lifetime`),
    faults (:meth:`set_fault` with a :class:`Fault`) and provider quirks
    (:meth:`set_quirk`). With ``tls_cert``, ``tls_key`` and optionally
    ``client_ca`` (PEM text) it speaks HTTPS and accepts mutual-TLS clients.
    Stop it with :meth:`close` or a ``with`` block.
    """

    def new_client(
        self,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        **settings: Any,
    ) -> Client:
        """Registers a client (a unique id and a random secret unless given) and
        returns an :class:`ooauthcc.Client` for it. ``settings`` are passed to
        ``Client``; retries default to quick ones suited to tests."""
        client_id = client_id or f"test-client-{os.getpid()}-{next(_ids)}"
        client_secret = client_secret or os.urandom(12).hex()
        self.register_client(client_id, client_secret)
        settings.setdefault("retry_base_delay", 0.02)
        settings.setdefault("retry_max_delay", 0.5)
        return Client(self.token_url, client_id, client_secret, **settings)
