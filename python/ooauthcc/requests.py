"""``requests`` authentication with an :class:`ooauthcc.Client`::

    import requests
    from ooauthcc.requests import OAuth2ClientCredentials

    session = requests.Session()
    session.auth = OAuth2ClientCredentials(client)
    session.get("https://api.example.com/orders")

Each request gets what ``client.authorize_with`` decides from the client's
settings: the cached token in ``header_name`` (formatted by ``header_format``)
or, with a ``query_param``, in the URL; ``resource_headers``; and
``resource_cookies`` added to the request's own cookies — once the URL is
allowed (``allowed_hosts``; otherwise ``ooauthcc.UsageError`` is raised before
any token is fetched, and nothing is sent). When the resource server answers
401, the rejected token is invalidated (compare-and-invalidate: many requests
rejected at once cause one refetch) and the request is sent again with the new
token, up to ``client.unauthorized_retries`` times (default 1).

Needs the ``requests`` extra: ``pip install 'ooauthcc[requests]'``.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.cookies import RequestsCookieJar, extract_cookies_to_jar
from requests.utils import rewind_body

from ._authorize import ClientAuth
from ._ooauthcc import Token

__all__ = ["Auth", "OAuth2ClientCredentials"]

_TOKEN_ATTR = "_ooauthcc_token"
_URL_ATTR = "_ooauthcc_url"
_COOKIE_ATTR = "_ooauthcc_cookie"


class OAuth2ClientCredentials(ClientAuth, requests.auth.AuthBase):
    """A ``requests`` auth that sends ``client``'s token and retries on 401."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OAuth2ClientCredentials) and other.client is self.client

    def __hash__(self) -> int:
        return id(self.client)

    def _apply(self, r: requests.PreparedRequest, token: Token) -> None:
        # The URL and cookies as the caller made them, kept for retries.
        url: str = getattr(r, _URL_ATTR, None) or r.url or ""
        setattr(r, _URL_ATTR, url)
        if not hasattr(r, _COOKIE_ATTR):
            setattr(r, _COOKIE_ATTR, r.headers.get("Cookie"))
        target, headers = self.authorized(url, getattr(r, _COOKIE_ATTR), token)
        if target != url:
            r.prepare_url(target, None)
        r.headers.update(headers)
        setattr(r, _TOKEN_ATTR, token)

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        self.client.check_destination(r.url or "")  # before fetching a token for it
        self._apply(r, self.client.token())
        r.register_hook("response", self._on_response)
        return r

    def _on_response(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        attempt = 0
        while response.status_code == 401:
            retried = self._retry(response, attempt, **kwargs)
            if retried is None:
                break
            response, attempt = retried, attempt + 1
        return response

    def _retry(self, response: requests.Response, attempt: int, **kwargs: Any) -> requests.Response | None:
        """Sends ``response``'s request again with a new token (retry number
        ``attempt``); None when it may not or cannot be."""
        request = response.request
        rejected: Token | None = getattr(request, _TOKEN_ATTR, None)
        if rejected is None:
            return None
        token = self.next_token(rejected, attempt)
        if token is None:
            return None
        body = request.body
        if body is not None and not isinstance(body, (bytes, str)):
            # requests records where a seekable body starts; anything else is one-shot.
            if not isinstance(getattr(request, "_body_position", None), int):
                return None
            rewind_body(request)
        response.content  # noqa: B018 - drain the 401 so its connection can be reused
        response.close()
        retry = request.copy()
        setattr(retry, _URL_ATTR, getattr(request, _URL_ATTR, None))
        setattr(retry, _COOKIE_ATTR, getattr(request, _COOKIE_ATTR, None))
        jar = retry._cookies
        if jar is None:
            jar = RequestsCookieJar()
        extract_cookies_to_jar(jar, request, response.raw)
        if getattr(request, _COOKIE_ATTR, None) is None:
            # Cookies the 401 set join the retry (ours are added again by _apply).
            retry.headers.pop("Cookie", None)
            retry.prepare_cookies(jar)
            setattr(retry, _COOKIE_ATTR, retry.headers.get("Cookie"))
        self._apply(retry, token)
        sent: requests.Response = response.connection.send(retry, **kwargs)
        sent.history = [*response.history, response]
        sent.request = retry
        return sent


Auth = OAuth2ClientCredentials
"""Short alias of :class:`OAuth2ClientCredentials`."""
