"""``httpx`` authentication with an :class:`ooauthcc.Client`, sync and async::

    import httpx
    from ooauthcc.httpx import OAuth2ClientCredentials

    auth = OAuth2ClientCredentials(client)
    httpx.get("https://api.example.com/orders", auth=auth)
    async with httpx.AsyncClient(auth=auth) as http:
        await http.get("https://api.example.com/orders")

Each request gets what ``client.authorize_with`` decides from the client's
settings: the cached token in ``header_name`` (formatted by ``header_format``)
or, with a ``query_param``, in the URL; ``resource_headers``; and
``resource_cookies`` added to the request's own cookies — once the URL is
allowed (``allowed_hosts``; otherwise ``ooauthcc.UsageError`` is raised before
any token is fetched, and nothing is sent). When the resource server answers
401, the rejected token is invalidated (compare-and-invalidate) and the
request is sent again with the new token, up to ``client.unauthorized_retries``
times (default 1). The async flow never blocks the event loop.

Needs the ``httpx`` extra: ``pip install 'ooauthcc[httpx]'``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator

import httpx

from ._authorize import ClientAuth
from ._ooauthcc import Token

__all__ = ["Auth", "OAuth2ClientCredentials"]


class OAuth2ClientCredentials(ClientAuth, httpx.Auth):
    """An ``httpx.Auth`` that sends ``client``'s token and retries on 401."""

    # The body is read before sending, so it can be sent again after a 401.
    requires_request_body = True

    def _apply(self, request: httpx.Request, url: str, own_cookie: str | None, token: Token) -> None:
        target, headers = self.authorized(url, own_cookie, token)
        request.url = httpx.URL(target)
        request.headers.update(headers)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        url, own_cookie = str(request.url), request.headers.get("Cookie")
        self.client.check_destination(url)  # before fetching a token for it
        token: Token | None = self.client.token()
        attempt = 0
        while token is not None:
            self._apply(request, url, own_cookie, token)
            response = yield request
            if response.status_code != 401:
                return
            token = self.next_token(token, attempt)
            attempt += 1

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        url, own_cookie = str(request.url), request.headers.get("Cookie")
        self.client.check_destination(url)
        token: Token | None = await self.client.token_async()
        attempt = 0
        while token is not None:
            self._apply(request, url, own_cookie, token)
            response = yield request
            if response.status_code != 401:
                return
            token = await self.next_token_async(token, attempt)
            attempt += 1


Auth = OAuth2ClientCredentials
"""Short alias of :class:`OAuth2ClientCredentials`."""
