//! The native module `ooauthcc._ooauthcc`: Python bindings of `ooauthcc-core`.
//!
//! Translation only: Python values to core settings, core results and errors
//! to Python objects and exceptions. No OAuth behaviour lives here. The
//! public API is the `ooauthcc` package, which re-exports these classes.
#![deny(unsafe_code)]

mod aio;
#[cfg(feature = "bench")]
mod bench;
mod client;
mod config;
mod errors;
mod events;
mod interp;
mod logging;
mod profiles;
mod stats;
mod testing;
mod token;

use pyo3::prelude::*;

// The C ABI (`ooauthcc_*`, include/ooauthcc.h) is linked into, and exported
// from, this module: C code in the process that calls it (through
// `ooauthcc.c_library_path()`) uses this same copy of core, so one cache.
use ooauthcc as _; // the crate ooauthcc-ffi (its library is named `ooauthcc`)

/// The native part of `ooauthcc`; import `ooauthcc` instead.
#[pymodule(gil_used = false)]
mod _ooauthcc {
    #[pymodule_export]
    use crate::aio::{Pending, Ready};
    #[pymodule_export]
    use crate::client::PyClient;
    #[pymodule_export]
    use crate::events::{PyEvent, set_event_hook};
    #[pymodule_export]
    use crate::interp::_at_exit;
    #[pymodule_export]
    use crate::profiles::PyProfiles;
    #[pymodule_export]
    use crate::stats::PyStats;
    #[pymodule_export]
    use crate::testing::{PyAuthServer, PyFault, PyRecordedRequest, PyRegistrationRequest, PyResourceRequest};
    #[pymodule_export]
    use crate::token::PyToken;

    use super::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", python_version(ooauthcc_core::VERSION))?;
        m.add("CORE_VERSION", ooauthcc_core::VERSION)?;
        m.add("ENV_PREFIX", crate::config::ENV_PREFIX)?;
        let schema = ooauthcc_core::ClientConfig::SCHEMA;
        m.add("SETTINGS", schema.iter().map(|s| s.name).collect::<Vec<_>>())?;
        // (name, kind, choices, summary): the stub test checks each keyword's type against its kind.
        let described: Vec<(&str, &str, Vec<&str>, String)> =
            schema.iter().map(|s| (s.name, s.kind.name(), s.choices.to_vec(), s.summary())).collect();
        m.add("_SCHEMA", described)?;
        // Core's error kinds as (code, name), so a test notices an exception class out of step.
        let kinds: Vec<(u32, &str)> = ooauthcc_core::ErrorKind::ALL.iter().map(|k| (k.code(), k.name())).collect();
        m.add("_ERROR_KINDS", kinds)?;
        // The metrics exporters publish, as (name, help, type, Stats field or
        // None): core's one list, which the agent's /metrics uses too.
        let mut metrics: Vec<(&str, &str, &str, Option<&str>)> = ooauthcc_core::Stats::COUNTERS
            .iter()
            .map(|c| (c.metric.name, c.metric.help, "counter", Some(c.field)))
            .collect();
        for (m, kind) in [
            (ooauthcc_core::Stats::FETCH_FAILURES, "counter"),
            (ooauthcc_core::Stats::FETCH_DURATION, "histogram"),
            (ooauthcc_core::Stats::TOKEN_EXPIRY, "gauge"),
        ] {
            metrics.push((m.name, m.help, kind, None));
        }
        m.add("_METRICS", metrics)?;
        // The benchmark's floor, in bench builds only (`--features bench`).
        #[cfg(feature = "bench")]
        m.add_class::<crate::bench::BenchFloor>()?;
        crate::interp::register(m)?;
        crate::logging::install();
        Ok(())
    }

    /// Raises the panic of a Rust bug, to test that it surfaces as `InternalError`.
    #[pyfunction]
    #[expect(clippy::panic, reason = "the panic is the point: it must surface as InternalError")]
    fn _panic_for_test() -> PyResult<()> {
        crate::errors::guard(|| -> PyResult<()> { std::panic::panic_any("deliberate panic for a test") })
    }
}

/// Cargo's `0.1.0-alpha.1` as PEP 440 `0.1.0a1`.
fn python_version(v: &str) -> String {
    v.replace("-alpha.", "a").replace("-beta.", "b").replace("-rc.", "rc")
}
