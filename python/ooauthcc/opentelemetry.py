"""The token cache's events as OpenTelemetry metrics, with one call::

    import ooauthcc.opentelemetry
    ooauthcc.opentelemetry.instrument()                 # the global MeterProvider
    ooauthcc.opentelemetry.instrument(meter_provider)   # or the one you give

It installs the process's event hook (``ooauthcc.set_event_hook``) and records,
on the meter ``ooauthcc``:

- ``ooauthcc.fetches`` (counter): fetches that ended, with ``outcome``
  (``success`` or ``failure``), ``background`` (a renewal ahead of expiry) and,
  on failure, ``error.type`` (the error kind: ``oauth``, ``timeout``, …) and
  ``http.response.status_code`` when there is one;
- ``ooauthcc.fetch.duration`` (histogram, seconds): how long each fetch took,
  every request and retry in it, with ``outcome``;
- ``ooauthcc.waits`` (counter) and ``ooauthcc.wait.duration`` (histogram,
  seconds): callers that had no token to be served and waited, with
  ``outcome``.

Every series carries ``ooauthcc.client_id``; none carries a token, a secret or
a fingerprint of either. A token served from the cache is no event: its cost is
counted by ``Client.stats()`` (and ``ooauthcc.prometheus``). One hook serves
the process: to handle events yourself as well, call the function
``instrument`` returns from your own hook.

Needs the ``opentelemetry`` extra: ``pip install 'ooauthcc[opentelemetry]'``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Optional

from opentelemetry import metrics

from . import _ooauthcc
from ._ooauthcc import Event

__all__ = ["instrument", "uninstrument"]


def instrument(meter_provider: Optional[metrics.MeterProvider] = None) -> Callable[[Event], None]:
    """Records the library's events on ``meter_provider`` (default: the global
    one) and returns the recording function it installed as the event hook."""
    meter = metrics.get_meter("ooauthcc", _ooauthcc.__version__, meter_provider=meter_provider)
    fetches = meter.create_counter("ooauthcc.fetches", unit="{fetch}", description="Token fetches that ended.")
    fetch_duration = meter.create_histogram(
        "ooauthcc.fetch.duration", unit="s", description="How long a token fetch took, every request and retry in it."
    )
    waits = meter.create_counter(
        "ooauthcc.waits", unit="{caller}", description="Callers that had no token to be served and waited."
    )
    wait_duration = meter.create_histogram(
        "ooauthcc.wait.duration", unit="s", description="How long a caller waited for a token fetch."
    )

    def record(event: Event) -> None:
        outcome = "failure" if event.error_kind else "success"
        attributes: dict[str, str | bool | int] = {"ooauthcc.client_id": event.client_id, "outcome": outcome}
        if event.kind == "waited":
            waits.add(1, attributes)
            wait_duration.record(event.duration, attributes)
            return
        fetch_duration.record(event.duration, attributes)
        attributes["background"] = event.background
        if event.error_kind:
            attributes["error.type"] = event.error_kind
            if event.http_status is not None:
                attributes["http.response.status_code"] = event.http_status
        fetches.add(1, attributes)

    _ooauthcc.set_event_hook(record)
    return record


def uninstrument() -> None:
    """Removes the event hook (whoever installed it)."""
    _ooauthcc.set_event_hook(None)
