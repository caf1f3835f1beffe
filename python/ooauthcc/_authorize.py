"""What the adapters (``requests``, ``httpx``, ``aiohttp``) share: the client
check, and turning ``Client.authorize_with`` into what they set on a request."""

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
