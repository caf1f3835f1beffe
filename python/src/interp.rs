//! Calling into Python from threads Python did not start (the core runtime's):
//! only while the interpreter is alive and not shutting down.

use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::prelude::*;

/// Set by an `atexit` hook: from then on, runtime threads leave Python alone
/// (attaching during finalization can hang or kill the thread).
static EXITING: AtomicBool = AtomicBool::new(false);

/// Registered with `atexit` when the module is imported.
#[pyfunction]
pub(crate) fn _at_exit() {
    EXITING.store(true, Ordering::Release);
}

/// Runs `f` attached to the interpreter, unless it is exiting.
pub(crate) fn attach_if_alive<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
    if EXITING.load(Ordering::Acquire) {
        return None;
    }
    Python::try_attach(f)
}

/// Registers [`_at_exit`] with `atexit`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let hook = m.getattr("_at_exit")?;
    m.py().import("atexit")?.call_method1("register", (hook,))?;
    Ok(())
}
