//! `ooauthcc.Stats`: a snapshot of the counters of a client's cache entry.

use ooauthcc_core::Stats;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Counters of the cache entry a client shares with every client built from
/// the same settings. Immutable snapshot; call `Client.stats()` again for new values.
#[pyclass(frozen, eq, module = "ooauthcc", name = "Stats")]
#[derive(PartialEq, Eq)]
pub(crate) struct PyStats {
    /// HTTP requests sent to the token endpoint (each retry counts).
    #[pyo3(get)]
    token_requests: u64,
    /// Calls answered from the cache without waiting.
    #[pyo3(get)]
    cache_hits: u64,
    /// Calls that waited for a fetch.
    #[pyo3(get)]
    waits: u64,
    /// Fetches started in the background because the token turned stale.
    #[pyo3(get)]
    background_refreshes: u64,
    /// Fetches that ended in an error.
    #[pyo3(get)]
    failures: u64,
    /// Fetches started (one fetch may send several requests).
    #[pyo3(get)]
    fetches: u64,
    /// Fetches answered from the shared store (`store_url`) with a token
    /// another process had just obtained.
    #[pyo3(get)]
    store_hits: u64,
    /// Fetches that waited for another process holding the store's fetch lock.
    #[pyo3(get)]
    store_waits: u64,
    /// Store operations that failed or timed out (the fetch went ahead without the store).
    #[pyo3(get)]
    store_errors: u64,
    /// Reads of store values that failed authentication (ignored).
    #[pyo3(get)]
    store_rejected: u64,
    /// The whole snapshot: the structured fields, and the counters through
    /// core's `Stats::COUNTERS` (names, order) for `as_dict` and `repr`.
    raw: Stats,
}

impl From<Stats> for PyStats {
    fn from(s: Stats) -> Self {
        PyStats {
            token_requests: s.token_requests,
            cache_hits: s.cache_hits,
            waits: s.waits,
            background_refreshes: s.background_refreshes,
            failures: s.failures,
            fetches: s.fetches,
            store_hits: s.store_hits,
            store_waits: s.store_waits,
            store_errors: s.store_errors,
            store_rejected: s.store_rejected,
            raw: s,
        }
    }
}

#[pymethods]
impl PyStats {
    /// Fetches that failed (after their retries) by error kind: ``{"oauth": 1,
    /// "transport": 0, …}``, every kind, zeros included; the values add up to
    /// ``failures``. The names are ``Error.kind`` values.
    #[getter]
    fn failures_by_kind<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (kind, n) in self.raw.failures_by_kind.iter() {
            d.set_item(kind.name(), n)?;
        }
        Ok(d)
    }

    /// How long fetches took, as ``(upper bound in seconds, fetches in that
    /// bucket)`` pairs from 5 ms to 30 s, not cumulative; the last bound is
    /// ``inf``. For exporters (Prometheus, OpenTelemetry histograms).
    #[getter]
    fn fetch_latency_buckets(&self) -> Vec<(f64, u64)> {
        self.raw.fetch_latency.per_bucket().collect()
    }

    /// The sum of all fetch durations, in seconds (with the buckets, a histogram).
    #[getter]
    fn fetch_latency_sum(&self) -> f64 {
        self.raw.fetch_latency.sum.as_secs_f64()
    }

    /// The counters as a dict (the ``int`` counters above; ``failures_by_kind``
    /// and the fetch-latency histogram are properties of their own).
    fn as_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for c in Stats::COUNTERS {
            d.set_item(c.field, c.read(&self.raw))?;
        }
        Ok(d)
    }

    fn __repr__(&self) -> String {
        let fields: Vec<String> =
            Stats::COUNTERS.iter().map(|c| format!("{}={}", c.field, c.read(&self.raw))).collect();
        format!("Stats({})", fields.join(", "))
    }
}
