//! `ooauthcc.Profiles`: named client configurations from one JSON or TOML
//! document (core's `Profiles`, as the CLI and the C API read them).

use std::path::PathBuf;

use ooauthcc_core::Profiles;
use pyo3::prelude::*;
use pyo3::types::PyType;

use crate::client::PyClient;
use crate::errors::{self, guard};

/// Named client configurations from one document: `{"profiles": {"billing":
/// {…}}}` in JSON, `[profiles.billing]` tables in TOML, with the settings
/// named as everywhere else. Every profile is checked when the document is
/// loaded. Keep secrets out of the document: `client_secret_file` or
/// `client_secret_env` are read at each token request.
///
/// `Profiles.from_file(path)` (TOML, or JSON for `*.json`), `from_json(text)`,
/// `from_toml(text)`; then `profiles.client("billing")`.
#[pyclass(frozen, module = "ooauthcc", name = "Profiles")]
pub(crate) struct PyProfiles(Profiles);

#[pymethods]
impl PyProfiles {
    /// Reads the document at `path`: TOML, or JSON when the name ends in `.json`.
    #[classmethod]
    fn from_file(_cls: &Bound<'_, PyType>, py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        guard(|| Profiles::from_file(&path).map(PyProfiles).map_err(|e| errors::from_core(py, &e)))
    }

    /// Parses a JSON document `{"profiles": {name: {settings}}}`.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, py: Python<'_>, text: &str) -> PyResult<Self> {
        guard(|| Profiles::from_json(text).map(PyProfiles).map_err(|e| errors::from_core(py, &e)))
    }

    /// Parses a TOML document with `[profiles.<name>]` tables.
    #[classmethod]
    fn from_toml(_cls: &Bound<'_, PyType>, py: Python<'_>, text: &str) -> PyResult<Self> {
        guard(|| Profiles::from_toml(text).map(PyProfiles).map_err(|e| errors::from_core(py, &e)))
    }

    /// The profile names, sorted.
    #[getter]
    fn names(&self) -> Vec<String> {
        self.0.names().map(str::to_owned).collect()
    }

    /// A client for profile `name` (`ConfigError` listing the known names when
    /// there is none). Clients of the same profile share one cache entry.
    fn client(&self, py: Python<'_>, name: &str) -> PyResult<PyClient> {
        guard(|| {
            let cfg = self.0.get(name).map_err(|e| errors::from_core(py, &e))?;
            PyClient::create(py, cfg.clone())
        })
    }

    fn __contains__(&self, name: &str) -> bool {
        self.0.profiles.contains_key(name)
    }

    fn __len__(&self) -> usize {
        self.0.profiles.len()
    }

    /// The names only: the settings may hold secrets.
    fn __repr__(&self) -> String {
        format!("Profiles({:?})", self.0.names().collect::<Vec<_>>())
    }
}
