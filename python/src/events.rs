//! Core's events (one per fetch, one per caller that waited) handed to a
//! Python callable: `ooauthcc.set_event_hook(hook)`, for a service's own
//! metrics, traces or logs. The hook runs on a library thread (fetches) or the
//! waiting caller's thread; the GIL is taken only to call it, and never while
//! the interpreter exits. An exception in the hook is reported as unraisable,
//! never to the caller whose token it was.

use std::sync::Arc;

use ooauthcc_core::Event;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::interp;

/// What happened in the token cache: a fetch that ended, or a caller that
/// waited for one. Never carries a token or a secret.
#[pyclass(frozen, module = "ooauthcc", name = "Event")]
pub(crate) struct PyEvent {
    /// `"fetch_succeeded"`, `"fetch_failed"` or `"waited"`.
    #[pyo3(get)]
    kind: &'static str,
    /// The client id of the cache entry.
    #[pyo3(get)]
    client_id: String,
    /// For fetches: a renewal ahead of expiry, while callers were served the old token.
    #[pyo3(get)]
    background: bool,
    /// Seconds the fetch took (every request and retry in it), or the caller waited.
    #[pyo3(get)]
    duration: f64,
    /// The failure's kind (`"oauth"`, `"timeout"`, …), or None.
    #[pyo3(get)]
    error_kind: Option<&'static str>,
    /// The failure's HTTP status, or None.
    #[pyo3(get)]
    http_status: Option<u16>,
    /// The failure's OAuth `error` code, or None.
    #[pyo3(get)]
    oauth_error: Option<String>,
    /// The new token's lifetime in seconds (`fetch_succeeded`), or None.
    #[pyo3(get)]
    token_lifetime: Option<f64>,
}

#[pymethods]
impl PyEvent {
    fn __repr__(&self) -> String {
        format!(
            "Event(kind={:?}, client_id={:?}, background={}, duration={:.6}, error_kind={:?})",
            self.kind, self.client_id, self.background, self.duration, self.error_kind
        )
    }
}

impl From<&Event<'_>> for PyEvent {
    fn from(e: &Event<'_>) -> PyEvent {
        PyEvent {
            kind: e.kind.name(),
            client_id: e.client_id.to_owned(),
            background: e.background,
            duration: e.duration.as_secs_f64(),
            error_kind: e.error.map(|err| err.kind().name()),
            http_status: e.error.and_then(ooauthcc_core::Error::http_status),
            oauth_error: e.error.and_then(|err| err.oauth_error()).map(str::to_owned),
            token_lifetime: e.token_lifetime.map(|d| d.as_secs_f64()),
        }
    }
}

/// Calls `hook(event)` for every event of the token cache in this process
/// (replacing the hook set before); `None` removes it. See `Event`.
#[pyfunction]
pub(crate) fn set_event_hook(hook: Option<Bound<'_, PyAny>>) -> PyResult<()> {
    let Some(hook) = hook else {
        ooauthcc_core::set_event_hook(None);
        return Ok(());
    };
    if !hook.is_callable() {
        return Err(PyTypeError::new_err("the event hook must be callable (or None)"));
    }
    let hook = hook.unbind();
    ooauthcc_core::set_event_hook(Some(Arc::new(move |e: &Event<'_>| {
        let event = PyEvent::from(e);
        interp::attach_if_alive(|py| {
            if let Err(err) = Py::new(py, event).and_then(|ev| hook.call1(py, (ev,))) {
                err.write_unraisable(py, Some(hook.bind(py)));
            }
        });
    })));
    Ok(())
}
