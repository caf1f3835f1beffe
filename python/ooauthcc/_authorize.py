"""What the adapters (``requests``, ``httpx``, ``aiohttp``) share: the client
check, turning ``Client.authorize_with`` into what they set on a request, and
core's rule for the token to retry with after a 401
(``Client.retry_unauthorized``)."""

from __future__ import annotations

from ._ooauthcc import Client, Token


class ClientAuth:
    """Holds the :class:`ooauthcc.Client` whose tokens an adapter sends."""

    def __init__(self, client: Client) -> None:
        if not isinstance(client, Client):
            raise TypeError(f"argument 'client' must be ooauthcc.Client, not {type(client).__name__}")
        self.client = client

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.client!r})"

    def authorized(self, url: str, own_cookie: str | None, token: Token) -> tuple[str, list[tuple[str, str]]]:
        """The URL and headers core decides for ``url`` and ``token``; the
        ``Cookie`` it adds joins the request's own cookies (``own_cookie``)."""
        target, headers = self.client.authorize_with(url, token)
        joined = [
            (name, f"{own_cookie}; {value}" if own_cookie and name.lower() == "cookie" else value)
            for name, value in headers
        ]
        return target, joined

    def next_token(self, rejected: Token, attempt: int) -> Token | None:
        """The token for retry number ``attempt`` after a 401 to ``rejected``,
        or None to give up and return the 401 (core decides, and invalidates
        ``rejected``: ``Client.retry_unauthorized``)."""
        if not self.client.retry_unauthorized(rejected, attempt):
            return None
        renewed = self.client.token()
        return None if renewed == rejected else renewed

    async def next_token_async(self, rejected: Token, attempt: int) -> Token | None:
        """:meth:`next_token` without blocking the event loop."""
        if not self.client.retry_unauthorized(rejected, attempt):
            return None
        renewed = await self.client.token_async()
        return None if renewed == rejected else renewed
