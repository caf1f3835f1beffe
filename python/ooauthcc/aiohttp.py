"""``aiohttp`` client middleware with an :class:`ooauthcc.Client` (aiohttp 3.12+)::

    import aiohttp
    from ooauthcc.aiohttp import OAuth2ClientCredentials

    async with aiohttp.ClientSession(middlewares=(OAuth2ClientCredentials(client),)) as http:
        async with http.get("https://api.example.com/orders") as response:
            ...

Each request gets what ``client.authorize_with`` decides from the client's
settings: the cached token in ``header_name`` (formatted by ``header_format``)
or, with a ``query_param``, in the URL; ``resource_headers``; and
``resource_cookies`` added to the request's own cookies — once the URL is
allowed (``allowed_hosts``; otherwise ``ooauthcc.UsageError`` is raised before
any token is fetched, and nothing is sent). When the resource server answers
401, the rejected token is invalidated (compare-and-invalidate) and the
request is sent again with the new token, up to ``client.unauthorized_retries``
times (default 1). Waiting for a token never blocks the event loop.

Needs the ``aiohttp`` extra: ``pip install 'ooauthcc[aiohttp]'``.
"""

from __future__ import annotations

from aiohttp import ClientHandlerType, ClientRequest, ClientResponse
from yarl import URL

from ._authorize import ClientAuth
from ._ooauthcc import Token

__all__ = ["Auth", "OAuth2ClientCredentials"]


class OAuth2ClientCredentials(ClientAuth):
    """An ``aiohttp`` client middleware that sends ``client``'s token and retries on 401."""

    def _apply(self, request: ClientRequest, url: str, own_cookie: str | None, token: Token) -> None:
        target, headers = self.authorized(url, own_cookie, token)
        request.url = URL(target, encoded=True)
        request.headers.update(headers)

    async def __call__(self, request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        url, own_cookie = str(request.url), request.headers.get("Cookie")
        self.client.check_destination(url)  # before fetching a token for it
        token = await self.client.token_async()
        attempt = 0
        while True:
            self._apply(request, url, own_cookie, token)
            response = await handler(request)
            if response.status != 401:
                return response
            renewed = await self.next_token_async(token, attempt)
            if renewed is None:
                return response
            response.release()
            token, attempt = renewed, attempt + 1


Auth = OAuth2ClientCredentials
"""Short alias of :class:`OAuth2ClientCredentials`."""
