//! Counters of one cache entry, readable from every language.
//!
//! Cache hits are counted on the hot path, so they go to stripes picked per
//! thread: two threads hitting the same token rarely share a cache line.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::ErrorKind;

const STRIPES: usize = 16;

#[repr(align(128))]
#[derive(Default)]
struct Padded(AtomicU64);

/// A counter whose increments from different threads land on different cache lines.
#[derive(Default)]
pub(crate) struct StripedCounter([Padded; STRIPES]);

/// The stripe of the calling thread, from the address of its stack: threads'
/// stacks lie megabytes apart, so hashing the address above its low 20 bits
/// spreads threads over the stripes, and a thread keeps its stripe while its
/// stack depth changes by less than a megabyte. No thread-local: in a shared
/// library each thread-local access is a call (`__tls_get_addr`), which the C
/// hot path cannot afford. Two threads on one stripe stay correct (the
/// increment is atomic); they only share a cache line.
#[inline]
fn my_stripe() -> usize {
    let marker = 0u8;
    let addr = std::ptr::addr_of!(marker) as usize as u64;
    ((addr >> 20).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 60) as usize % STRIPES
}

impl StripedCounter {
    #[inline]
    pub(crate) fn incr(&self) {
        if let Some(p) = self.0.get(my_stripe()) {
            p.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn sum(&self) -> u64 {
        self.0.iter().map(|p| p.0.load(Ordering::Relaxed)).sum()
    }
}

/// The live counters of a cache entry.
#[derive(Default)]
pub(crate) struct Counters {
    pub token_requests: AtomicU64,
    pub cache_hits: StripedCounter,
    pub waits: AtomicU64,
    pub background_refreshes: AtomicU64,
    pub failures: AtomicU64,
    pub fetches: AtomicU64,
    pub store_hits: AtomicU64,
    pub store_waits: AtomicU64,
    pub store_errors: AtomicU64,
    pub store_rejected: AtomicU64,
    /// Fetches that ended in an error, by [`ErrorKind`] (indexed as `ErrorKind::ALL`).
    failures_by_kind: [AtomicU64; ErrorKind::ALL.len()],
    /// How long each fetch took, from its start to its outcome (store hits included).
    fetch_latency: AtomicHistogram,
}

impl Counters {
    /// Records one fetch's duration, and its error's kind when it failed.
    pub(crate) fn record_fetch(&self, took: Duration, failed: Option<ErrorKind>) {
        self.fetch_latency.observe(took);
        if let Some(kind) = failed
            && let Some(slot) =
                ErrorKind::ALL.iter().position(|k| *k == kind).and_then(|i| self.failures_by_kind.get(i))
        {
            bump(slot);
        }
    }

    pub(crate) fn snapshot(&self) -> Stats {
        Stats {
            token_requests: self.token_requests.load(Ordering::Relaxed),
            cache_hits: self.cache_hits.sum(),
            waits: self.waits.load(Ordering::Relaxed),
            background_refreshes: self.background_refreshes.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
            fetches: self.fetches.load(Ordering::Relaxed),
            store_hits: self.store_hits.load(Ordering::Relaxed),
            store_waits: self.store_waits.load(Ordering::Relaxed),
            store_errors: self.store_errors.load(Ordering::Relaxed),
            store_rejected: self.store_rejected.load(Ordering::Relaxed),
            failures_by_kind: FailuresByKind(std::array::from_fn(|i| {
                self.failures_by_kind.get(i).map_or(0, |c| c.load(Ordering::Relaxed))
            })),
            fetch_latency: self.fetch_latency.snapshot(),
        }
    }
}

pub(crate) fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

/// A snapshot of the counters of the cache entry a client uses. Clients built
/// from the same settings share the entry, and so these numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// HTTP requests sent to the token endpoint (each retry and each `auto`
    /// fallback counts).
    pub token_requests: u64,
    /// Calls answered from the cache without waiting (fresh or stale token).
    pub cache_hits: u64,
    /// Calls that had to wait for a fetch (empty or expired cache).
    pub waits: u64,
    /// Fetches started in the background because the cached token turned stale.
    pub background_refreshes: u64,
    /// Fetches that ended in an error (after their retries).
    pub failures: u64,
    /// Fetches started, foreground and background (one fetch may send several
    /// requests when it retries).
    pub fetches: u64,
    /// Fetches answered from the shared store (`store_url`) with a token
    /// another process had just obtained, instead of a token request.
    pub store_hits: u64,
    /// Fetches that waited for another process holding the store's fetch lock.
    pub store_waits: u64,
    /// Store operations that failed or timed out; each fetch it affected went
    /// ahead without the store (the caller still got its token).
    pub store_errors: u64,
    /// Reads of store values that failed authentication (not written with
    /// this client's credential, or tampered with); such values are ignored.
    pub store_rejected: u64,
    /// Fetches that ended in an error (after their retries), by kind: these
    /// add up to `failures`.
    pub failures_by_kind: FailuresByKind,
    /// How long fetches took, from start to outcome.
    pub fetch_latency: LatencyHistogram,
}

/// A metric the bindings export from [`Stats`] (the agent's `/metrics`, the
/// Python `prometheus_client` collector): its name and what it measures. One
/// list, so every exporter names and describes a metric the same way.
#[derive(Debug, Clone, Copy)]
pub struct MetricInfo {
    /// The metric's name, e.g. `ooauthcc_token_requests` (a counter's
    /// exposition adds `_total`).
    pub name: &'static str,
    /// One line on what it measures.
    pub help: &'static str,
}

/// One counter of [`Stats`], as a metric: see [`Stats::COUNTERS`].
#[derive(Debug, Clone, Copy)]
pub struct StatCounter {
    /// The field's name in every language (Rust field, Python attribute, C
    /// `ooauthcc_stat_name`).
    pub field: &'static str,
    /// The metric it is exported as.
    pub metric: MetricInfo,
    read: fn(&Stats) -> u64,
}

impl StatCounter {
    /// This counter's value in `stats`.
    pub fn read(&self, stats: &Stats) -> u64 {
        (self.read)(stats)
    }
}

const fn counter(field: &'static str, name: &'static str, help: &'static str, read: fn(&Stats) -> u64) -> StatCounter {
    StatCounter { field, metric: MetricInfo { name, help }, read }
}

impl Stats {
    /// Every counter, in the order of C's `ooauthcc_stat`.
    pub const COUNTERS: &'static [StatCounter] = &[
        counter(
            "token_requests",
            "ooauthcc_token_requests",
            "HTTP requests sent to the token endpoint, retries included",
            |s| s.token_requests,
        ),
        counter("cache_hits", "ooauthcc_cache_hits", "Tokens served from the cache without waiting", |s| s.cache_hits),
        counter("waits", "ooauthcc_waits", "Callers that waited for a fetch (empty or expired cache)", |s| s.waits),
        counter(
            "background_refreshes",
            "ooauthcc_background_refreshes",
            "Fetches started ahead of expiry while the token was still served",
            |s| s.background_refreshes,
        ),
        counter("failures", "ooauthcc_failures", "Fetches that ended in an error after their retries", |s| s.failures),
        counter("fetches", "ooauthcc_fetches", "Fetches started, foreground and background", |s| s.fetches),
        counter("store_hits", "ooauthcc_store_hits", "Fetches answered from the shared store", |s| s.store_hits),
        counter("store_waits", "ooauthcc_store_waits", "Fetches that waited for another process's store lock", |s| {
            s.store_waits
        }),
        counter(
            "store_errors",
            "ooauthcc_store_errors",
            "Shared-store operations that failed (the fetch went ahead without it)",
            |s| s.store_errors,
        ),
        counter(
            "store_rejected",
            "ooauthcc_store_rejected",
            "Shared-store values that failed authentication and were ignored",
            |s| s.store_rejected,
        ),
    ];

    /// `failures` by error kind (label `kind`: `ErrorKind::name`).
    pub const FETCH_FAILURES: MetricInfo = MetricInfo {
        name: "ooauthcc_fetch_failures",
        help: "Fetches that ended in an error after their retries, by error kind",
    };
    /// The fetch-latency histogram, in seconds (buckets: [`LATENCY_BUCKETS`]).
    pub const FETCH_DURATION: MetricInfo = MetricInfo {
        name: "ooauthcc_fetch_duration_seconds",
        help: "How long fetches took, from start to outcome (shared-store answers included)",
    };
    /// Seconds until the cached token expires, a gauge (absent while none is cached).
    pub const TOKEN_EXPIRY: MetricInfo = MetricInfo {
        name: "ooauthcc_token_expiry_seconds",
        help: "Seconds until the cached token expires (absent while none is cached)",
    };
}

/// Failed fetches counted by the [`ErrorKind`] of their error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FailuresByKind([u64; ErrorKind::ALL.len()]);

impl FailuresByKind {
    /// Failed fetches whose error was of `kind`.
    pub fn get(&self, kind: ErrorKind) -> u64 {
        ErrorKind::ALL.iter().position(|k| *k == kind).and_then(|i| self.0.get(i)).copied().unwrap_or(0)
    }

    /// Every kind with its count, in [`ErrorKind::ALL`] order (zeros included).
    pub fn iter(&self) -> impl Iterator<Item = (ErrorKind, u64)> + '_ {
        ErrorKind::ALL.iter().copied().zip(self.0.iter().copied())
    }
}

/// Upper bounds of the [`LatencyHistogram`] buckets: from a loopback answer
/// (milliseconds) to a slow identity provider's retries (tens of seconds).
pub const LATENCY_BUCKETS: [Duration; 12] = [
    Duration::from_millis(5),
    Duration::from_millis(10),
    Duration::from_millis(25),
    Duration::from_millis(50),
    Duration::from_millis(100),
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_millis(2_500),
    Duration::from_secs(5),
    Duration::from_secs(10),
    Duration::from_secs(30),
];

/// A histogram of durations over [`LATENCY_BUCKETS`], shaped for exporters
/// (Prometheus, OpenTelemetry): per-bucket counts plus a sum and a count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LatencyHistogram {
    /// Observations per bucket: `buckets[i]` counts those at most
    /// `LATENCY_BUCKETS[i]` and above the previous bound (not cumulative);
    /// the last slot counts those above every bound.
    pub buckets: [u64; LATENCY_BUCKETS.len() + 1],
    /// All observations.
    pub count: u64,
    /// Their sum.
    pub sum: Duration,
}

impl LatencyHistogram {
    /// `(upper bound in seconds, observations in that bucket)`, not
    /// cumulative, ending with `(f64::INFINITY, observations above every bound)`.
    pub fn per_bucket(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        let bounds = LATENCY_BUCKETS.iter().map(Duration::as_secs_f64).chain([f64::INFINITY]);
        bounds.zip(self.buckets)
    }
}

/// The live form of [`LatencyHistogram`]: a fetch is rare next to cache hits,
/// so plain atomics serve.
#[derive(Default)]
struct AtomicHistogram {
    buckets: [AtomicU64; LATENCY_BUCKETS.len() + 1],
    sum_nanos: AtomicU64,
}

impl AtomicHistogram {
    fn observe(&self, took: Duration) {
        let i = LATENCY_BUCKETS.iter().position(|bound| took <= *bound).unwrap_or(LATENCY_BUCKETS.len());
        if let Some(b) = self.buckets.get(i) {
            bump(b);
        }
        self.sum_nanos.fetch_add(u64::try_from(took.as_nanos()).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    fn snapshot(&self) -> LatencyHistogram {
        let buckets: [u64; LATENCY_BUCKETS.len() + 1] =
            std::array::from_fn(|i| self.buckets.get(i).map_or(0, |b| b.load(Ordering::Relaxed)));
        LatencyHistogram {
            count: buckets.iter().sum(),
            buckets,
            sum: Duration::from_nanos(self.sum_nanos.load(Ordering::Relaxed)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Stats::COUNTERS` lists every counter field of `Stats`, in declaration
    /// order, and reads each one (the exporters and C rely on that list). The
    /// structured fields (failures by kind, the latency histogram) are not
    /// single counters.
    #[test]
    fn counters_cover_every_counter_field() {
        const STRUCTURED: &[&str] = &["failures_by_kind", "fetch_latency"];
        let debug = format!("{:#?}", Stats::default());
        // `{:#?}` puts each top-level field on a line of its own, indented by 4.
        let fields: Vec<&str> = debug
            .lines()
            .filter_map(|l| l.strip_prefix("    "))
            .filter(|l| !l.starts_with(' '))
            .filter_map(|l| l.split(':').next())
            .map(str::trim)
            .filter(|f| f.starts_with(|c: char| c.is_ascii_lowercase()) && !STRUCTURED.contains(f))
            .collect();
        let listed: Vec<&str> = Stats::COUNTERS.iter().map(|c| c.field).collect();
        assert_eq!(fields, listed);
        let s = Stats {
            token_requests: 1,
            cache_hits: 2,
            waits: 3,
            background_refreshes: 4,
            failures: 5,
            fetches: 6,
            store_hits: 7,
            store_waits: 8,
            store_errors: 9,
            store_rejected: 10,
            ..Stats::default()
        };
        let read: Vec<u64> = Stats::COUNTERS.iter().map(|c| c.read(&s)).collect();
        assert_eq!(read, (1..=10).collect::<Vec<u64>>(), "each counter reads its own field");
        for c in Stats::COUNTERS {
            assert_eq!(c.metric.name, format!("ooauthcc_{}", c.field));
        }
    }

    #[test]
    fn striped_counts_are_exact_and_threads_spread() {
        let c = StripedCounter::default();
        let stripes: Vec<usize> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(|| {
                        for _ in 0..10_000 {
                            c.incr();
                        }
                        my_stripe()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(c.sum(), 80_000);
        let mut distinct = stripes.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert!(distinct.len() >= 3, "8 threads landed on stripes {stripes:?}");
    }

    #[test]
    fn fetches_land_in_their_bucket_and_failures_under_their_kind() {
        let c = Counters::default();
        c.record_fetch(Duration::from_millis(5), None); // on a bound: that bucket
        c.record_fetch(Duration::from_millis(7), Some(ErrorKind::OAuth));
        c.record_fetch(Duration::from_secs(60), Some(ErrorKind::OAuth));
        c.record_fetch(Duration::from_secs(1), Some(ErrorKind::Timeout));
        let s = c.snapshot();
        let h = s.fetch_latency;
        assert_eq!((h.count, h.buckets[0], h.buckets[1], h.buckets[7], h.buckets[12]), (4, 1, 1, 1, 1));
        assert_eq!(h.sum, Duration::from_millis(61_012));
        let per_bucket: Vec<(f64, u64)> = h.per_bucket().collect();
        assert_eq!(per_bucket.len(), 13);
        assert_eq!(per_bucket[0], (0.005, 1));
        assert_eq!(per_bucket[7], (1.0, 1));
        assert_eq!(per_bucket[12], (f64::INFINITY, 1));
        assert_eq!(s.failures_by_kind.get(ErrorKind::OAuth), 2);
        assert_eq!(s.failures_by_kind.get(ErrorKind::Timeout), 1);
        assert_eq!(s.failures_by_kind.iter().map(|(_, n)| n).sum::<u64>(), 3);
    }
}
