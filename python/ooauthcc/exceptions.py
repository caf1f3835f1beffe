"""The exceptions of ooauthcc: one class per kind of failure, all under :class:`Error`.

Every exception has ``status``, the stable numeric code of its kind — the same
number the C API returns (``ooauthcc_status``) — and ``kind``, the kind's name
(``"transport"``, ``"oauth"``, …: Rust's ``ErrorKind::name()``, C's
``ooauthcc_status_name()``). Messages name the cause and never contain a secret
or a token.
"""

from __future__ import annotations

from typing import Any, ClassVar, Optional

__all__ = [
    "Error",
    "InvalidArgumentError",
    "ConfigError",
    "TransportError",
    "TokenTimeoutError",
    "HttpStatusError",
    "OAuthError",
    "MalformedResponseError",
    "StoreError",
    "UsageError",
    "InternalError",
]


class Error(Exception):
    """Base class of every ooauthcc error.

    Attributes:
        message: what went wrong, naming the cause.
        status: the stable code of the kind of error (the C API's status).
        kind: the name of the kind of error, e.g. ``"transport"`` (the Rust
            ``ErrorKind::name()`` and the C ``ooauthcc_status_name()``).
        http_status: the HTTP status the token endpoint answered with, if any.
        retry_after: seconds the server asked us to wait (``Retry-After``), if any.
        retryable: whether trying again later may succeed (outages yes,
            rejected credentials or bad settings no).
    """

    STATUS: ClassVar[int] = 0
    KIND: ClassVar[str] = "unknown"

    message: str
    status: int
    kind: str
    http_status: Optional[int]
    retry_after: Optional[float]
    retryable: bool

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        kind: Optional[str] = None,
        http_status: Optional[int] = None,
        retry_after: Optional[float] = None,
        retryable: bool = False,
        **fields: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = self.STATUS if status is None else status
        self.kind = self.KIND if kind is None else kind
        self.http_status = http_status
        self.retry_after = retry_after
        self.retryable = retryable
        self._fields = fields

    def _kwargs(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "kind": self.kind,
            "http_status": self.http_status,
            "retry_after": self.retry_after,
            "retryable": self.retryable,
            **self._fields,
        }

    def __reduce__(self) -> Any:
        # Keyword-only fields survive pickling (multiprocessing sends exceptions back).
        return (_rebuild, (type(self), self.message, self._kwargs()))


def _rebuild(cls: type[Error], message: str, kwargs: dict[str, Any]) -> Error:
    return cls(message, **kwargs)


class InvalidArgumentError(Error, ValueError):
    """An argument is malformed (for example a destination that is not an absolute URL)."""

    STATUS = 2
    KIND = "invalid_argument"


class ConfigError(Error, ValueError):
    """A setting is invalid; the message names it."""

    STATUS = 3
    KIND = "config"


class TransportError(Error, ConnectionError):
    """The token endpoint could not be reached, or the connection failed."""

    STATUS = 10
    KIND = "transport"


class TokenTimeoutError(Error, TimeoutError):
    """No token within the caller's timeout. The shared request goes on for others."""

    STATUS = 11
    KIND = "timeout"


class HttpStatusError(Error):
    """The token endpoint answered with an HTTP error status that is not an OAuth error body."""

    STATUS = 12
    KIND = "http_status"


class OAuthError(Error):
    """The authorization server answered with an RFC 6749 §5.2 error.

    Attributes:
        error: the OAuth ``error`` code, e.g. ``"invalid_client"``.
        error_description: the server's ``error_description``, if any.
        error_uri: the server's ``error_uri``, if any.
    """

    STATUS = 13
    KIND = "oauth"

    error: str
    error_description: Optional[str]
    error_uri: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        error: str = "",
        error_description: Optional[str] = None,
        error_uri: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.error = error
        self.error_description = error_description
        self.error_uri = error_uri

    def _kwargs(self) -> dict[str, Any]:
        return {
            **super()._kwargs(),
            "error": self.error,
            "error_description": self.error_description,
            "error_uri": self.error_uri,
        }


class MalformedResponseError(Error):
    """The token endpoint's answer could not be used as a token response."""

    STATUS = 14
    KIND = "malformed_response"


class StoreError(Error):
    """Reserved: a failing shared token store (`store_url`) is logged and
    counted in `Stats.store_errors`, never raised to callers."""

    STATUS = 15
    KIND = "store"


class UsageError(Error):
    """The API was used in a way it does not support (a closed client, a token
    refused for a destination, …)."""

    STATUS = 21
    KIND = "usage"


class InternalError(Error):
    """A bug in ooauthcc (for example a caught Rust panic). Please report it."""

    STATUS = 99
    KIND = "internal"
