"""``httpx`` authentication with an :class:`ooauthcc.Client`, sync and async::

    import httpx
    from ooauthcc.httpx import OAuth2ClientCredentials

    auth = OAuth2ClientCredentials(client)
    httpx.get("https://api.example.com/orders", auth=auth)
    async with httpx.AsyncClient(auth=auth) as http:
        await http.get("https://api.example.com/orders")

Each request gets the cached token — in ``client.header_name`` or, when the
client has a ``query_param``, in the URL — once ``client.check_destination``
has allowed its URL (otherwise ``ooauthcc.UsageError`` is raised and nothing
is sent). When the resource server answers 401, the rejected token is
invalidated (compare-and-invalidate) and the request is sent once more with
the new token. The async flow never blocks the event loop.

Needs the ``httpx`` extra: ``pip install 'ooauthcc[httpx]'``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator

import httpx

from ._ooauthcc import Client, Token

__all__ = ["Auth", "OAuth2ClientCredentials"]


class OAuth2ClientCredentials(httpx.Auth):
    """An ``httpx.Auth`` that sends ``client``'s token and retries once on 401."""

    # The body is read before sending, so it can be sent again after a 401.
    requires_request_body = True

    def __init__(self, client: Client) -> None:
        if not isinstance(client, Client):
            raise TypeError(f"argument 'client' must be ooauthcc.Client, not {type(client).__name__}")
        self.client = client

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.client!r})"

    def _apply(self, request: httpx.Request, token: Token) -> None:
        self.client.check_destination(str(request.url))
        param = self.client.query_param
        if param is None:
            request.headers[self.client.header_name] = self.client.header_value(token)
        else:
            request.url = request.url.copy_set_param(param, token.access_token)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.client.check_destination(str(request.url))
        token = self.client.token()
        self._apply(request, token)
        response = yield request
        if response.status_code == 401:
            self.client.invalidate(token)
            renewed = self.client.token()
            if renewed != token:
                self._apply(request, renewed)
                yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        self.client.check_destination(str(request.url))
        token = await self.client.token_async()
        self._apply(request, token)
        response = yield request
        if response.status_code == 401:
            self.client.invalidate(token)
            renewed = await self.client.token_async()
            if renewed != token:
                self._apply(request, renewed)
                yield request


Auth = OAuth2ClientCredentials
"""Short alias of :class:`OAuth2ClientCredentials`."""
