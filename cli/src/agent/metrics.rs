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

/// Whether a fetch can end with an error of `kind` (the others are misuse of
/// an API, which a fetch never reports): the series exported by kind.
fn can_end_a_fetch(kind: ErrorKind) -> bool {
    !matches!(kind, ErrorKind::NullArgument | ErrorKind::InvalidArgument | ErrorKind::Usage)
}

impl Collector for Profiles {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), std::fmt::Error> {
        let stats: Vec<(&str, &Client, Stats)> =
            self.0.iter().map(|(name, client)| (name.as_str(), client, client.stats())).collect();
        for counter in Stats::COUNTERS {
            let m = counter.metric;
            let mut metric = encoder.encode_descriptor(m.name, m.help, None, MetricType::Counter)?;
            for (profile, _, s) in &stats {
                ConstCounter::new(counter.read(s)).encode(metric.encode_family(&[("profile", *profile)])?)?;
            }
        }

        let mut failures = encoder.encode_descriptor(
            Stats::FETCH_FAILURES.name,
            Stats::FETCH_FAILURES.help,
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
            Stats::FETCH_DURATION.name,
            Stats::FETCH_DURATION.help,
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

        let mut expiry =
            encoder.encode_descriptor(Stats::TOKEN_EXPIRY.name, Stats::TOKEN_EXPIRY.help, None, MetricType::Gauge)?;
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
