"""``requests`` authentication with an :class:`ooauthcc.Client`::

    import requests
    from ooauthcc.requests import OAuth2ClientCredentials

    session = requests.Session()
    session.auth = OAuth2ClientCredentials(client)
    session.get("https://api.example.com/orders")

Each request gets the cached token — in ``client.header_name`` or, when the
client has a ``query_param``, in the URL — once ``client.check_destination``
has allowed its URL (otherwise ``ooauthcc.UsageError`` is raised and nothing
is sent). When the resource server answers 401, the rejected token is
invalidated (compare-and-invalidate: many requests rejected at once cause one
refetch) and the request is sent once more with the new token.

Needs the ``requests`` extra: ``pip install 'ooauthcc[requests]'``.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.cookies import RequestsCookieJar, extract_cookies_to_jar
from requests.utils import rewind_body

from ._ooauthcc import Client, Token

__all__ = ["Auth", "OAuth2ClientCredentials"]

_TOKEN_ATTR = "_ooauthcc_token"
_RETRIED_ATTR = "_ooauthcc_retried"
_URL_ATTR = "_ooauthcc_url"


class OAuth2ClientCredentials(requests.auth.AuthBase):
    """A ``requests`` auth that sends ``client``'s token and retries once on 401."""

    def __init__(self, client: Client) -> None:
        if not isinstance(client, Client):
            raise TypeError(f"argument 'client' must be ooauthcc.Client, not {type(client).__name__}")
        self.client = client

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.client!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OAuth2ClientCredentials) and other.client is self.client

    def __hash__(self) -> int:
        return id(self.client)

    def _apply(self, r: requests.PreparedRequest, token: Token) -> None:
        self.client.check_destination(r.url or "")
        param = self.client.query_param
        if param is None:
            r.headers[self.client.header_name] = self.client.header_value(token)
        else:
            url: str = getattr(r, _URL_ATTR, None) or r.url or ""
            setattr(r, _URL_ATTR, url)  # the URL without the token, for a retry
            r.prepare_url(url, {param: token.access_token})
        setattr(r, _TOKEN_ATTR, token)

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        self._apply(r, self.client.token())
        r.register_hook("response", self._on_response)
        return r

    def _on_response(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        request = response.request
        if response.status_code != 401 or getattr(request, _RETRIED_ATTR, False):
            return response
        rejected: Token | None = getattr(request, _TOKEN_ATTR, None)
        if rejected is None:
            return response
        self.client.invalidate(rejected)
        token = self.client.token()
        if token == rejected:
            return response
        body = request.body
        if body is not None and not isinstance(body, (bytes, str)):
            # requests records where a seekable body starts; anything else is one-shot.
            if not isinstance(getattr(request, "_body_position", None), int):
                return response
            rewind_body(request)
        response.content  # noqa: B018 - drain the 401 so its connection can be reused
        response.close()
        retry = request.copy()
        setattr(retry, _URL_ATTR, getattr(request, _URL_ATTR, None))
        jar = retry._cookies
        if jar is None:
            jar = RequestsCookieJar()
        extract_cookies_to_jar(jar, request, response.raw)
        retry.prepare_cookies(jar)
        self._apply(retry, token)
        setattr(retry, _RETRIED_ATTR, True)
        sent: requests.Response = response.connection.send(retry, **kwargs)
        sent.history.append(response)
        sent.request = retry
        return sent


Auth = OAuth2ClientCredentials
"""Short alias of :class:`OAuth2ClientCredentials`."""
