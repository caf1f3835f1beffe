//! Core errors and Rust panics as the pure-Python exceptions of
//! `ooauthcc/exceptions.py`, which are looked up once per process.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use ooauthcc_core::{Error, ErrorKind};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

const MODULE: &str = "ooauthcc.exceptions";

/// The exception classes, in the order of [`Class`].
static CLASSES: [PyOnceLock<Py<PyType>>; 12] = [const { PyOnceLock::new() }; 12];

/// One exception class of `ooauthcc.exceptions`.
#[derive(Clone, Copy)]
pub(crate) enum Class {
    Error,
    InvalidArgument,
    Config,
    Transport,
    Timeout,
    HttpStatus,
    OAuth,
    MalformedResponse,
    Store,
    Usage,
    Internal,
}

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::Error => "Error",
            Class::InvalidArgument => "InvalidArgumentError",
            Class::Config => "ConfigError",
            Class::Transport => "TransportError",
            Class::Timeout => "TokenTimeoutError",
            Class::HttpStatus => "HttpStatusError",
            Class::OAuth => "OAuthError",
            Class::MalformedResponse => "MalformedResponseError",
            Class::Store => "StoreError",
            Class::Usage => "UsageError",
            Class::Internal => "InternalError",
        }
    }

    fn of(kind: ErrorKind) -> Class {
        match kind {
            ErrorKind::InvalidArgument => Class::InvalidArgument,
            ErrorKind::Config => Class::Config,
            ErrorKind::Transport => Class::Transport,
            ErrorKind::Timeout => Class::Timeout,
            ErrorKind::HttpStatus => Class::HttpStatus,
            ErrorKind::OAuth => Class::OAuth,
            ErrorKind::MalformedResponse => Class::MalformedResponse,
            ErrorKind::Store => Class::Store,
            ErrorKind::Usage => Class::Usage,
            ErrorKind::Internal => Class::Internal,
            // NullArgument is C-only, and kinds added later still carry their code.
            _ => Class::Error,
        }
    }

    fn class<'py>(self, py: Python<'py>) -> PyResult<&'py Bound<'py, PyType>> {
        match CLASSES.get(self as usize) {
            Some(cell) => cell.import(py, MODULE, self.name()),
            None => Err(PyRuntimeError::new_err("ooauthcc: exception table out of range")),
        }
    }
}

/// Builds an `ooauthcc` exception of `class` with `message`, the C `status` code
/// and any further keyword attributes.
fn build(py: Python<'_>, class: Class, message: &str, status: u32, fields: Option<&Bound<'_, PyDict>>) -> PyErr {
    let attempt = || -> PyResult<PyErr> {
        let kwargs = match fields {
            Some(f) => f.copy()?,
            None => PyDict::new(py),
        };
        kwargs.set_item("status", status)?;
        let exc = class.class(py)?.call((message,), Some(&kwargs))?;
        Ok(PyErr::from_value(exc))
    };
    // Only fails when the package is broken (exceptions.py missing): say so.
    attempt().unwrap_or_else(|e| e)
}

/// A core error as its Python exception, with its fields.
pub(crate) fn from_core(py: Python<'_>, e: &Error) -> PyErr {
    let fields = || -> PyResult<Bound<'_, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("kind", e.kind().name())?;
        d.set_item("http_status", e.http_status())?;
        d.set_item("retry_after", e.retry_after().map(|d| d.as_secs_f64()))?;
        d.set_item("retryable", e.is_retryable())?;
        if let Some(o) = e.oauth() {
            d.set_item("error", o.error.as_str())?;
            d.set_item("error_description", o.error_description.as_deref())?;
            d.set_item("error_uri", o.error_uri.as_deref())?;
        }
        Ok(d)
    };
    match fields() {
        Ok(d) => build(py, Class::of(e.kind()), &e.to_string(), e.code(), Some(&d)),
        Err(err) => err,
    }
}

/// An exception of `class` raised by this binding itself (not by core).
pub(crate) fn new(py: Python<'_>, class: Class, message: impl AsRef<str>) -> PyErr {
    let status = match class {
        Class::Config => ErrorKind::Config.code(),
        Class::Usage => ErrorKind::Usage.code(),
        Class::InvalidArgument => ErrorKind::InvalidArgument.code(),
        _ => ErrorKind::Internal.code(),
    };
    build(py, class, message.as_ref(), status, None)
}

/// Runs `f`, turning a Rust panic into `ooauthcc.InternalError`: pyo3's
/// `PanicException` derives from `BaseException` and must never reach users.
#[inline]
pub(crate) fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(Python::attach(|py| panic_error(py, payload.as_ref()))),
    }
}

#[cold]
fn panic_error(py: Python<'_>, payload: &(dyn Any + Send)) -> PyErr {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    new(py, Class::Internal, format!("internal error in ooauthcc (a bug, please report it): {what}"))
}
