"""ooauthcc.opentelemetry: the events as OpenTelemetry metrics, read back
through the SDK's in-memory reader after real fetches against the bundled
server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

import ooauthcc
import ooauthcc.opentelemetry
from ooauthcc.testing import AuthServer

from helpers import herd, make_client


@pytest.fixture
def reader() -> Iterator[InMemoryMetricReader]:
    reader = InMemoryMetricReader()
    ooauthcc.opentelemetry.instrument(MeterProvider(metric_readers=[reader]))
    try:
        yield reader
    finally:
        ooauthcc.opentelemetry.uninstrument()


def points(reader: InMemoryMetricReader, name: str, client_id: str) -> list[Any]:
    data = reader.get_metrics_data()
    assert data is not None
    found = []
    for rm in data.resource_metrics:
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                if metric.name == name:
                    found += [
                        p for p in metric.data.data_points if (p.attributes or {}).get("ooauthcc.client_id") == client_id
                    ]
    return found


def test_fetches_waits_and_failures_become_metrics(
    server: AuthServer, client_id: str, reader: InMemoryMetricReader
) -> None:
    server.set_latency(0.2)
    client = make_client(server, client_id)
    herd(client.get_token)
    for _ in range(20):
        client.get_token()  # cache hits: no event, no point

    (fetched,) = points(reader, "ooauthcc.fetches", client_id)
    assert fetched.value == 1
    assert dict(fetched.attributes) == {"ooauthcc.client_id": client_id, "outcome": "success", "background": False}
    (duration,) = points(reader, "ooauthcc.fetch.duration", client_id)
    assert duration.count == 1 and duration.sum >= 0.2
    (waited,) = points(reader, "ooauthcc.waits", client_id)
    assert waited.value == client.stats().waits >= 1

    refused_id = client_id + "-refused"
    server.register_client(refused_id, "right-secret")
    with pytest.raises(ooauthcc.OAuthError):
        ooauthcc.Client(server.token_url, refused_id, "wrong-secret").get_token()
    (failed,) = points(reader, "ooauthcc.fetches", refused_id)
    assert failed.attributes["outcome"] == "failure"
    assert (failed.attributes["error.type"], failed.attributes["http.response.status_code"]) == ("oauth", 401)
    for p in points(reader, "ooauthcc.fetches", refused_id) + points(reader, "ooauthcc.waits", refused_id):
        assert "wrong-secret" not in str(dict(p.attributes))
