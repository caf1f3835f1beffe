//! The benchmark floor of DESIGN.md: a PyO3 method on a frozen class that
//! returns a stored `str`. `Client.get_token()` is measured against it.
//! Compiled only with the `bench` feature: the published module has no test code.

use pyo3::prelude::*;
use pyo3::types::PyString;

/// Holds a `str`; `get()` returns it. For `bench/bench_hot_path.py` only.
#[pyclass(frozen, module = "ooauthcc._ooauthcc", name = "_BenchFloor")]
pub(crate) struct BenchFloor {
    text: Py<PyString>,
}

#[pymethods]
impl BenchFloor {
    #[new]
    fn new(text: Bound<'_, PyString>) -> Self {
        BenchFloor { text: text.unbind() }
    }

    fn get(&self, py: Python<'_>) -> Py<PyString> {
        self.text.clone_ref(py)
    }
}
