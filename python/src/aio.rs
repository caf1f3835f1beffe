//! asyncio on top of core's callback API: no second runtime. The event loop's
//! future is resolved from the core runtime thread with
//! `loop.call_soon_threadsafe`, or at once when the token is cached.
//!
//! Both awaitables ([`Ready`] and [`Pending`]) have the coroutine protocol
//! (`send`, `throw`, `close`, `__await__`), so they are also accepted where
//! asyncio wants a coroutine: `asyncio.create_task(client.get_token_async())`.

use std::time::Duration;

use ooauthcc_core::{Client, Token};
use pyo3::exceptions::PyStopIteration;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCFunction, PyString};

use crate::errors;
use crate::interp;
use crate::token::PyToken;

/// An awaitable that is already done: `await` returns its value at once,
/// without a trip through the event loop.
#[pyclass(frozen, module = "ooauthcc._ooauthcc", name = "_Ready")]
pub(crate) struct Ready {
    value: Py<PyAny>,
}

#[pymethods]
impl Ready {
    fn __await__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<()> {
        Err(PyStopIteration::new_err((self.value.clone_ref(py),)))
    }

    #[pyo3(signature = (_value = None))]
    fn send(&self, py: Python<'_>, _value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        self.__next__(py)
    }

    /// Raises `exc` (a coroutine's `throw`: e.g. a task being cancelled).
    #[pyo3(signature = (exc, _value = None, _traceback = None))]
    fn throw(
        &self,
        exc: &Bound<'_, PyAny>,
        _value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        Err(PyErr::from_value(exc.clone()))
    }

    /// Nothing to release.
    fn close(&self) {}
}

/// The awaitable of a token not cached when it was asked for. Like a
/// coroutine, it starts when first driven (inside the loop that awaits it, so
/// `asyncio.run(client.get_token_async())` works): it then joins the shared
/// fetch and waits on a future of that loop, whose iterator it drives.
#[pyclass(frozen, module = "ooauthcc._ooauthcc", name = "_Pending")]
pub(crate) struct Pending {
    client: Client,
    timeout: Duration,
    as_token: bool,
    /// `future.__await__()`, once started.
    iter: PyOnceLock<Py<PyAny>>,
}

impl Pending {
    /// The iterator of the loop future, starting the wait on first use.
    fn iter<'py>(&self, py: Python<'py>) -> PyResult<&Bound<'py, PyAny>> {
        self.iter
            .get_or_try_init(py, || {
                errors::guard(|| {
                    let fut = start(py, &self.client, self.timeout, self.as_token)?;
                    Ok(fut.call_method0("__await__")?.unbind())
                })
            })
            .map(|it| it.bind(py))
    }
}

#[pymethods]
impl Pending {
    fn __await__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.iter(py)?.call_method0("__next__")
    }

    #[pyo3(signature = (value = None))]
    fn send<'py>(&self, py: Python<'py>, value: Option<Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        self.iter(py)?.call_method1("send", (value,))
    }

    #[pyo3(signature = (exc, value = None, traceback = None))]
    fn throw<'py>(
        &self,
        py: Python<'py>,
        exc: Bound<'py, PyAny>,
        value: Option<Bound<'py, PyAny>>,
        traceback: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let iter = self.iter(py)?;
        match (value, traceback) {
            (None, None) => iter.call_method1("throw", (exc,)),
            (value, traceback) => iter.call_method1("throw", (exc, value, traceback)),
        }
    }

    /// Closes the wait if it started (the shared fetch goes on regardless).
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        match self.iter.get(py) {
            Some(it) => it.bind(py).call_method0("close").map(drop),
            None => Ok(()),
        }
    }
}

/// An awaitable that returns `value`.
pub(crate) fn ready(py: Python<'_>, value: Py<PyAny>) -> PyResult<Bound<'_, PyAny>> {
    Ok(Bound::new(py, Ready { value })?.into_any())
}

/// Sets the result (or exception) of `fut` unless it was cancelled meanwhile.
/// Runs on the event loop's thread, scheduled by `call_soon_threadsafe`.
#[pyfunction]
fn _resolve(fut: &Bound<'_, PyAny>, ok: bool, value: &Bound<'_, PyAny>) -> PyResult<()> {
    if fut.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    if ok {
        fut.call_method1("set_result", (value,))?;
    } else {
        fut.call_method1("set_exception", (value,))?;
    }
    Ok(())
}

/// The awaitable of a token being fetched; it starts when first awaited.
/// Its value is the token's `str`, or the `Token` when `as_token`.
pub(crate) fn pending<'py>(
    py: Python<'py>,
    client: &Client,
    timeout: Duration,
    as_token: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let p = Pending { client: client.clone(), timeout, as_token, iter: PyOnceLock::new() };
    Ok(Bound::new(py, p)?.into_any())
}

/// A future of the running loop, resolved when the shared fetch ends.
fn start<'py>(py: Python<'py>, client: &Client, timeout: Duration, as_token: bool) -> PyResult<Bound<'py, PyAny>> {
    static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let event_loop = GET_RUNNING_LOOP.import(py, "asyncio", "get_running_loop")?.call0()?;
    let fut = event_loop.call_method0("create_future")?;
    let target = Target { event_loop: event_loop.unbind(), fut: fut.clone().unbind(), as_token };
    client
        .get_token_with_callback(timeout, move |result| target.deliver(result))
        .map_err(|e| errors::from_core(py, &e))?;
    Ok(fut)
}

/// Where a result goes: a future of an event loop.
struct Target {
    event_loop: Py<PyAny>,
    fut: Py<PyAny>,
    as_token: bool,
}

impl Target {
    /// Called once, on a core runtime thread (or on the caller's when the
    /// token turned fresh meanwhile). Takes the GIL only for the hand-over.
    fn deliver(self, result: ooauthcc_core::Result<Token>) {
        interp::attach_if_alive(|py| {
            let outcome = errors::guard(|| {
                Ok(match &result {
                    Ok(t) if self.as_token => (true, Bound::new(py, PyToken::new(py, t.clone()))?.into_any()),
                    Ok(t) => (true, PyString::new(py, t.access_token()).into_any()),
                    Err(e) => (false, errors::from_core(py, e).into_value(py).into_bound(py).into_any()),
                })
            });
            let (ok, value) = outcome.unwrap_or_else(|e| (false, e.into_value(py).into_bound(py).into_any()));
            let scheduled = resolver(py).and_then(|resolve| {
                self.event_loop.bind(py).call_method1("call_soon_threadsafe", (resolve, self.fut.bind(py), ok, value))
            });
            // A closed loop has no one left to tell.
            drop(scheduled);
        });
    }
}

fn resolver(py: Python<'_>) -> PyResult<&Bound<'_, PyCFunction>> {
    static RESOLVE: PyOnceLock<Py<PyCFunction>> = PyOnceLock::new();
    RESOLVE.get_or_try_init(py, || Ok::<_, PyErr>(wrap_pyfunction!(_resolve, py)?.unbind())).map(|f| f.bind(py))
}
