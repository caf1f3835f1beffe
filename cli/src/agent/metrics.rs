//! `GET /metrics`: the agent's requests and, per profile, the counters the
//! core keeps for the cache entry (read at scrape time, so they include the
//! background refreshes no request asked for). Names are stable and listed in
//! the README ("Token agent"); labels are the profile name, an error kind, or
//! the route and status of agent requests: never a token, secret or client id.

use std::collections::BTreeMap;
use std::time::SystemTime;

use ooauthcc_core::{Client, ErrorKind, Stats};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric as _, NoLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

/// The labels of an agent request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// `unix` or `http`.
    pub listener: &'static str,
    /// `token`, `header`, `metrics`, `healthz` or `other`.
    pub route: &'static str,
    /// The HTTP status answered.
    pub code: u16,
}

/// The agent's registry.
pub struct Metrics {
    registry: Registry,
    /// Requests answered, by listener, route and status.
    pub requests: Family<RequestLabels, Counter>,
    /// Unix-socket connections refused (peer not on the allow list, or its
    /// credentials unreadable).
    pub refused: Counter,
}

impl Metrics {
    /// A registry reporting on `profiles`.
    pub fn new(profiles: &BTreeMap<String, Client>) -> Metrics {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let refused = Counter::default();
        registry.register("ooauthcc_agent_requests", "Requests the agent answered", requests.clone());
        registry.register(
            "ooauthcc_agent_refused_connections",
            "Unix-socket connections refused: peer not on the allow list",
            refused.clone(),
        );
        registry.register_collector(Box::new(Profiles(profiles.clone())));
        Metrics { registry, requests, refused }
    }

    /// The OpenMetrics text of every metric.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// The per-profile metrics, read from the core's counters at each scrape.
#[derive(Debug)]
struct Profiles(BTreeMap<String, Client>);

/// A per-profile counter: name, help, and how to read it from [`Stats`].
type StatsCounter = (&'static str, &'static str, fn(&Stats) -> u64);

/// The per-profile counters.
const COUNTERS: &[StatsCounter] = &[
    ("ooauthcc_token_requests", "HTTP requests sent to the token endpoint, retries included", |s| s.token_requests),
    ("ooauthcc_cache_hits", "Tokens served from the cache without waiting", |s| s.cache_hits),
    ("ooauthcc_waits", "Callers that waited for a fetch (empty or expired cache)", |s| s.waits),
    ("ooauthcc_fetches", "Fetches started, foreground and background", |s| s.fetches),
    ("ooauthcc_background_refreshes", "Fetches started ahead of expiry while the token was still served", |s| {
        s.background_refreshes
    }),
    ("ooauthcc_store_hits", "Fetches answered from the shared store", |s| s.store_hits),
    ("ooauthcc_store_waits", "Fetches that waited for another process's store lock", |s| s.store_waits),
    ("ooauthcc_store_errors", "Shared-store operations that failed (the fetch went ahead without it)", |s| {
        s.store_errors
    }),
    ("ooauthcc_store_rejected", "Shared-store values that failed authentication and were ignored", |s| {
        s.store_rejected
    }),
];

/// Whether a fetch can end with an error of `kind` (the others are misuse of
/// an API, which a fetch never reports): the series exported by kind.
fn can_end_a_fetch(kind: ErrorKind) -> bool {
    !matches!(kind, ErrorKind::NullArgument | ErrorKind::InvalidArgument | ErrorKind::Usage)
}

impl Collector for Profiles {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), std::fmt::Error> {
        let stats: Vec<(&str, &Client, Stats)> =
            self.0.iter().map(|(name, client)| (name.as_str(), client, client.stats())).collect();
        for (name, help, read) in COUNTERS {
            let mut metric = encoder.encode_descriptor(name, help, None, MetricType::Counter)?;
            for (profile, _, s) in &stats {
                ConstCounter::new(read(s)).encode(metric.encode_family(&[("profile", *profile)])?)?;
            }
        }

        let mut failures = encoder.encode_descriptor(
            "ooauthcc_fetch_failures",
            "Fetches that ended in an error after their retries, by error kind",
            None,
            MetricType::Counter,
        )?;
        for (profile, _, s) in &stats {
            for (kind, n) in s.failures_by_kind.iter().filter(|(k, _)| can_end_a_fetch(*k)) {
                let labels = [("profile", *profile), ("kind", kind.name())];
                ConstCounter::new(n).encode(failures.encode_family(&labels)?)?;
            }
        }

        let mut latency = encoder.encode_descriptor(
            "ooauthcc_fetch_duration_seconds",
            "How long fetches took, from start to outcome (shared-store answers included)",
            None,
            MetricType::Histogram,
        )?;
        for (profile, _, s) in &stats {
            let h = s.fetch_latency;
            // prometheus-client marks the last bucket +Inf by f64::MAX.
            let buckets: Vec<(f64, u64)> =
                h.per_bucket().map(|(le, n)| (if le.is_finite() { le } else { f64::MAX }, n)).collect();
            latency.encode_family(&[("profile", *profile)])?.encode_histogram::<NoLabelSet>(
                h.sum.as_secs_f64(),
                h.count,
                &buckets,
                None,
            )?;
        }

        let mut expiry = encoder.encode_descriptor(
            "ooauthcc_token_expiry_seconds",
            "Seconds until the cached token expires (absent while none is cached)",
            None,
            MetricType::Gauge,
        )?;
        let now = SystemTime::now();
        for (profile, client, _) in &stats {
            if let Some(token) = client.cached_token() {
                let left = token.expires_at().duration_since(now).map(|d| d.as_secs_f64()).unwrap_or(0.0);
                ConstGauge::new(left).encode(expiry.encode_family(&[("profile", *profile)])?)?;
            }
        }
        Ok(())
    }
}
