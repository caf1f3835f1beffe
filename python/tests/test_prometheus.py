"""``ooauthcc.prometheus``: the counters, failures by kind, the fetch-latency
histogram and the token's remaining life of named clients, scraped from a
``prometheus_client`` registry — with core's metric names and help (the
agent's), and no token, client id or secret in the text."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

import ooauthcc
import ooauthcc.prometheus
from ooauthcc import _ooauthcc
from ooauthcc.testing import AuthServer

from helpers import SECRET, make_client


def scrape(registry: CollectorRegistry) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = generate_latest(registry).decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_named_clients_are_scraped_with_core_names(server: AuthServer, client_id: str) -> None:
    good = make_client(server, client_id)
    server.register_client(client_id + "-bad", SECRET)
    bad = ooauthcc.Client(server.token_url, client_id + "-bad", "not-the-secret", max_retries=0)
    good.get_token()
    good.get_token()
    try:
        bad.get_token()
    except ooauthcc.OAuthError:
        pass
    registry = CollectorRegistry()
    ooauthcc.prometheus.register({"orders": good, "billing": bad}, registry)
    values = scrape(registry)
    assert values[("ooauthcc_token_requests_total", (("client", "orders"),))] == 1
    assert values[("ooauthcc_cache_hits_total", (("client", "orders"),))] == good.stats().cache_hits
    assert values[("ooauthcc_fetch_failures_total", (("client", "billing"), ("kind", "oauth")))] == 1
    assert values[("ooauthcc_fetch_duration_seconds_count", (("client", "orders"),))] == 1
    assert values[("ooauthcc_fetch_duration_seconds_bucket", (("client", "orders"), ("le", "+Inf")))] == 1
    assert 3000 < values[("ooauthcc_token_expiry_seconds", (("client", "orders"),))] <= 3600
    assert ("ooauthcc_token_expiry_seconds", (("client", "billing"),)) not in values, "no token, no series"
    # Every counter of core's list is there, with core's help text.
    text = generate_latest(registry).decode()
    for name, help_text, _kind, _field in _ooauthcc._METRICS:
        assert f"# HELP {name} {help_text}" in text or f"# HELP {name}_total {help_text}" in text, name
    for secret in (good.get_token(), client_id, SECRET, "not-the-secret"):
        assert secret not in text


def test_every_core_counter_is_a_stats_attribute_with_its_value(server: AuthServer, client_id: str) -> None:
    # Distinct non-zero values where a fresh run can make them: token_requests 1,
    # cache_hits 2, waits 1, fetches 1; a getter reading the wrong field shows.
    client = make_client(server, client_id)
    for _ in range(3):
        client.get_token()
    stats = client.stats()
    fields = [field for _name, _help, _kind, field in _ooauthcc._METRICS if field is not None]
    for field in fields:
        assert getattr(stats, field) == stats.as_dict()[field], field
    assert (stats.token_requests, stats.cache_hits, stats.waits, stats.fetches) == (1, 2, 1, 1)
