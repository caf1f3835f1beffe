"""The library's metrics for ``prometheus_client``, with one call::

    import ooauthcc.prometheus
    ooauthcc.prometheus.register({"orders": orders_client, "billing": billing_client})

Each scrape reads every client's counters (``Client.stats()``) — so background
refreshes that no request asked for are counted too — under the label
``client`` (your name for it; never its id, secret or token). The names and
their help are core's, the same as the agent's ``/metrics``:
``ooauthcc_token_requests_total``, ``ooauthcc_cache_hits_total``,
``ooauthcc_waits_total``, … (every ``Stats`` counter),
``ooauthcc_fetch_failures_total{kind=…}``,
``ooauthcc_fetch_duration_seconds`` (a histogram, 5 ms to 30 s) and
``ooauthcc_token_expiry_seconds`` (seconds until the cached token expires,
absent while none is cached).

Needs the ``prometheus`` extra: ``pip install 'ooauthcc[prometheus]'``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import REGISTRY, Collector, CollectorRegistry

from . import _ooauthcc
from ._ooauthcc import Client

__all__ = ["OoauthccCollector", "register"]

_BY_NAME = {name: (help_text, kind, field) for name, help_text, kind, field in _ooauthcc._METRICS}


def _describe(name: str) -> str:
    return _BY_NAME[name][0]


class OoauthccCollector(Collector):
    """A ``prometheus_client`` collector of the clients given by name."""

    def __init__(self, clients: Mapping[str, Client]) -> None:
        for name, client in clients.items():
            if not isinstance(client, Client):
                raise TypeError(f"client {name!r} must be ooauthcc.Client, not {type(client).__name__}")
        self._clients = dict(clients)

    def collect(self) -> Iterator[Metric]:
        snapshots = [(name, client, client.stats()) for name, client in self._clients.items()]
        for name, help_text, kind, field in _ooauthcc._METRICS:
            if field is None:
                continue
            family = CounterMetricFamily(name, help_text, labels=["client"])
            for label, _, stats in snapshots:
                family.add_metric([label], getattr(stats, field))
            yield family
        failures = CounterMetricFamily(
            "ooauthcc_fetch_failures", _describe("ooauthcc_fetch_failures"), labels=["client", "kind"]
        )
        duration = HistogramMetricFamily(
            "ooauthcc_fetch_duration_seconds", _describe("ooauthcc_fetch_duration_seconds"), labels=["client"]
        )
        expiry = GaugeMetricFamily(
            "ooauthcc_token_expiry_seconds", _describe("ooauthcc_token_expiry_seconds"), labels=["client"]
        )
        now = time.time()
        for label, client, stats in snapshots:
            for kind, n in stats.failures_by_kind.items():
                failures.add_metric([label, kind], n)
            cumulative, buckets = 0, []
            for bound, n in stats.fetch_latency_buckets:
                cumulative += n
                buckets.append(("+Inf" if bound == float("inf") else repr(bound), cumulative))
            duration.add_metric([label], buckets, stats.fetch_latency_sum)
            token = client.cached_token()
            if token is not None:
                expiry.add_metric([label], max(0.0, token.expires_at.timestamp() - now))
        yield failures
        yield duration
        yield expiry


def register(clients: Mapping[str, Client], registry: CollectorRegistry = REGISTRY) -> OoauthccCollector:
    """Registers a collector of ``clients`` (name -> Client) with ``registry``
    (the default one unless given) and returns it (``registry.unregister(it)``
    removes it)."""
    collector = OoauthccCollector(clients)
    registry.register(collector)
    return collector
