//! `ooauthcc.Token`: a frozen view of a core token whose repr hides the token.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use ooauthcc_core::Token;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString, PyType};
use serde_json::Value;

/// An access token and what the server said about it. Immutable.
///
/// `repr()` and `str()` show everything but the token itself; read it from
/// `access_token`.
#[pyclass(frozen, module = "ooauthcc", name = "Token")]
pub(crate) struct PyToken {
    pub(crate) token: Token,
    pub(crate) text: Py<PyString>,
}

impl PyToken {
    pub(crate) fn new(py: Python<'_>, token: Token) -> PyToken {
        let text = PyString::new(py, token.access_token()).unbind();
        PyToken { token, text }
    }
}

#[pymethods]
impl PyToken {
    /// The access token. Do not log it.
    #[getter]
    fn access_token(&self, py: Python<'_>) -> Py<PyString> {
        self.text.clone_ref(py)
    }

    /// The token type (`"Bearer"` when the server sent `bearer` in any case or nothing).
    #[getter]
    fn token_type(&self) -> &str {
        self.token.token_type()
    }

    /// When the token expires, as an aware UTC `datetime`.
    #[getter]
    fn expires_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        utc_datetime(py, self.token.expires_at_unix_ms())
    }

    /// The lifetime the server granted, in seconds.
    #[getter]
    fn lifetime(&self) -> f64 {
        self.token.lifetime().as_secs_f64()
    }

    /// The granted scope, when the server sent one.
    #[getter]
    fn scope(&self) -> Option<&str> {
        self.token.scope()
    }

    /// The other fields of the token response (a new dict on each access).
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in self.token.extra_fields() {
            d.set_item(k, json_to_py(py, v)?)?;
        }
        Ok(d)
    }

    /// Whether the cache no longer serves this token (expiry minus the refresh skew).
    fn is_expired(&self) -> bool {
        self.token.is_expired()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let expires = utc_datetime(py, self.token.expires_at_unix_ms())?.call_method0("isoformat")?;
        let keys: Vec<&String> = self.token.extra_fields().keys().collect();
        Ok(format!(
            "Token(access_token=<redacted, {} chars>, token_type={:?}, expires_at={}, scope={:?}, extra_keys={:?})",
            self.token.access_token().chars().count(),
            self.token.token_type(),
            expires,
            self.token.scope(),
            keys,
        ))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyToken>().is_ok_and(|o| o.get().token.same_as(&self.token))
    }

    fn __hash__(&self) -> u64 {
        let mut h = DefaultHasher::new();
        self.token.access_token().hash(&mut h);
        h.finish()
    }
}

/// `datetime.fromtimestamp(ms / 1000, timezone.utc)`.
pub(crate) fn utc_datetime(py: Python<'_>, unix_ms: i64) -> PyResult<Bound<'_, PyAny>> {
    static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static UTC: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let utc = UTC.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("datetime")?.getattr("timezone")?.getattr("utc")?.unbind())
    })?;
    let secs = unix_ms as f64 / 1000.0;
    DATETIME.import(py, "datetime", "datetime")?.call_method1("fromtimestamp", (secs, utc.bind(py)))
}

/// A JSON value of the token response as a Python object.
fn json_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.into_pyobject(py)?.into_any(),
            (_, Some(u), _) => u.into_pyobject(py)?.into_any(),
            (_, _, f) => f.unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let d = PyDict::new(py);
            for (k, item) in map {
                d.set_item(k, json_to_py(py, item)?)?;
            }
            d.into_any()
        }
    })
}
