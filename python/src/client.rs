//! `ooauthcc.Client`: a core client plus the token of its last answer, kept
//! as a ready Python `str`, so a cached token costs one atomic load, one
//! pointer comparison and one reference-count increment.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use ooauthcc_core::{Client, ClientConfig, Token};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyType};

use crate::aio;
use crate::config;
use crate::errors::{self, Class, guard};
use crate::stats::PyStats;
use crate::token::PyToken;

/// Gets OAuth 2.0 client-credentials tokens for one configuration: cached,
/// renewed before they expire, one request for all concurrent callers.
///
/// `Client(token_url, client_id, client_secret, **settings)`; the settings are
/// the keyword arguments named like core's `ClientConfig` fields, one per entry
/// of `ooauthcc.SETTINGS` (each typed and documented in the stub, generated from
/// core's schema), durations in seconds. Also
/// `Client.from_dict(mapping)` and `Client.from_env()` (`OOAUTHCC_<SETTING>`).
///
/// Thread-safe. Clients built from the same settings share one cache entry
/// (one token, one in-flight request), whichever language built them.
#[pyclass(frozen, module = "ooauthcc", name = "Client")]
pub(crate) struct PyClient {
    core: Client,
    /// The token last handed out, with its Python objects.
    hot: ArcSwapOption<Hot>,
    /// The configured `get_timeout`, for the callback-based async path.
    get_timeout: Duration,
    closed: AtomicBool,
}

/// A core token and the Python objects made for it once.
struct Hot {
    token: Token,
    text: Py<PyString>,
    obj: Py<PyToken>,
}

impl PyClient {
    pub(crate) fn create(py: Python<'_>, cfg: ClientConfig) -> PyResult<PyClient> {
        let get_timeout = cfg.get_timeout;
        let core = Client::new(cfg).map_err(|e| errors::from_core(py, &e))?;
        Ok(PyClient { core, hot: ArcSwapOption::empty(), get_timeout, closed: AtomicBool::new(false) })
    }

    #[inline]
    fn check_open(&self, py: Python<'_>) -> PyResult<()> {
        if self.closed.load(Ordering::Relaxed) {
            return Err(errors::new(py, Class::Usage, "this ooauthcc Client is closed"));
        }
        Ok(())
    }

    /// The hot path: `f` of the fresh cached token, if there is one. No lock,
    /// no allocation once the token's Python objects exist; nothing in it can
    /// panic (a load, a comparison, a reference count), so it runs outside
    /// [`guard`], whose few nanoseconds the hot path cannot afford.
    #[inline]
    fn fresh<R>(&self, py: Python<'_>, f: impl FnOnce(&Hot) -> R) -> PyResult<Option<R>> {
        {
            // The common case: the token we made Python objects for is still the
            // cached, fresh one. `is_fresh` takes no new handle (no refcounts).
            let guard = self.hot.load();
            if let Some(h) = guard.as_ref()
                && self.core.is_fresh(&h.token)
            {
                return Ok(Some(f(h)));
            }
        }
        let Some(t) = self.core.fresh_token() else { return Ok(None) };
        let h = self.remember(py, t)?;
        Ok(Some(f(&h)))
    }

    #[cold]
    fn remember(&self, py: Python<'_>, token: Token) -> PyResult<Arc<Hot>> {
        let obj = PyToken::new(py, token.clone());
        let text = obj.text.clone_ref(py);
        let h = Arc::new(Hot { token, text, obj: Py::new(py, obj)? });
        self.hot.store(Some(Arc::clone(&h)));
        Ok(h)
    }

    /// A token, waiting (without the GIL) for the shared fetch when needed.
    #[inline]
    fn obtain<R>(&self, py: Python<'_>, timeout: Option<Duration>, f: impl Fn(&Hot) -> R) -> PyResult<R> {
        self.check_open(py)?;
        if let Some(r) = self.fresh(py, &f)? {
            return Ok(r);
        }
        guard(|| self.wait(py, timeout, f))
    }

    /// The slow path: wait for the shared fetch without the GIL.
    #[cold]
    fn wait<R>(&self, py: Python<'_>, timeout: Option<Duration>, f: impl Fn(&Hot) -> R) -> PyResult<R> {
        let core = &self.core;
        let got = py.detach(|| match timeout {
            Some(t) => core.get_token_blocking_with_timeout(t),
            None => core.get_token_blocking(),
        });
        let token = got.map_err(|e| errors::from_core(py, &e))?;
        let h = self.remember(py, token)?;
        Ok(f(&h))
    }
}

/// The `timeout` argument of a blocking call: `None` (the common, hot case)
/// costs nothing; anything else is checked by `config::timeout`.
#[inline]
fn call_timeout(py: Python<'_>, timeout: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Duration>> {
    match timeout {
        None => Ok(None),
        Some(t) => guard(|| config::timeout(py, Some(t))),
    }
}

#[pymethods]
impl PyClient {
    /// See the package documentation (and `ooauthcc/_ooauthcc.pyi`) for the settings.
    #[new]
    #[pyo3(signature = (token_url = None, client_id = None, client_secret = None, **settings))]
    fn new<'py>(
        py: Python<'py>,
        token_url: Option<Bound<'py, PyAny>>,
        client_id: Option<Bound<'py, PyAny>>,
        client_secret: Option<Bound<'py, PyAny>>,
        settings: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<PyClient> {
        guard(|| {
            let mut pairs = vec![("token_url", token_url), ("client_id", client_id), ("client_secret", client_secret)];
            let keys;
            if let Some(settings) = settings {
                keys = settings.keys().iter().map(|k| k.extract::<String>()).collect::<PyResult<Vec<_>>>()?;
                for (key, (_, value)) in keys.iter().zip(settings.iter()) {
                    match ClientConfig::setting(key) {
                        Some(info) if !matches!(info.name, "token_url" | "client_id" | "client_secret") => {
                            pairs.push((info.name, Some(value)));
                        }
                        Some(_) => {
                            return Err(PyTypeError::new_err(format!(
                                "Client() got multiple values for argument '{key}'"
                            )));
                        }
                        None => {
                            return Err(PyTypeError::new_err(format!(
                                "Client() got an unexpected keyword argument '{key}'"
                            )));
                        }
                    }
                }
            }
            PyClient::create(py, config::build(py, pairs)?)
        })
    }

    /// A client from a mapping of settings (the keyword argument names).
    #[classmethod]
    fn from_dict(_cls: &Bound<'_, PyType>, py: Python<'_>, settings: &Bound<'_, PyAny>) -> PyResult<PyClient> {
        guard(|| PyClient::create(py, config::from_mapping(py, settings)?))
    }

    /// A client from `OOAUTHCC_<SETTING>` environment variables (of `environ`,
    /// default `os.environ`).
    #[classmethod]
    #[pyo3(signature = (environ = None))]
    fn from_env(_cls: &Bound<'_, PyType>, py: Python<'_>, environ: Option<&Bound<'_, PyAny>>) -> PyResult<PyClient> {
        guard(|| {
            let cfg = match environ {
                Some(e) => config::from_environ(py, e)?,
                None => config::from_environ(py, &py.import("os")?.getattr("environ")?)?,
            };
            PyClient::create(py, cfg)
        })
    }

    /// A valid access token: the cached one when fresh (no wait, no lock),
    /// else the result of the one request all callers share. Releases the GIL
    /// while waiting, at most `timeout` seconds (default: the `get_timeout`
    /// setting).
    #[pyo3(signature = (*, timeout = None))]
    fn get_token(&self, py: Python<'_>, timeout: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyString>> {
        let timeout = call_timeout(py, timeout)?;
        self.obtain(py, timeout, |h| h.text.clone_ref(py))
    }

    /// Like `get_token`, but the `Token` with its type, expiry, scope and extra fields.
    #[pyo3(signature = (*, timeout = None))]
    fn token(&self, py: Python<'_>, timeout: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyToken>> {
        let timeout = call_timeout(py, timeout)?;
        self.obtain(py, timeout, |h| h.obj.clone_ref(py))
    }

    /// An awaitable of `get_token()` for asyncio: it never blocks the event
    /// loop, and async and sync callers share one request.
    #[pyo3(signature = (*, timeout = None))]
    fn get_token_async<'py>(
        &self,
        py: Python<'py>,
        timeout: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            self.check_open(py)?;
            if let Some(s) = self.fresh(py, |h| h.text.clone_ref(py))? {
                return aio::ready(py, s.into_any());
            }
            let timeout = config::timeout(py, timeout)?.unwrap_or(self.get_timeout);
            aio::pending(py, &self.core, timeout, false)
        })
    }

    /// An awaitable of `token()` for asyncio.
    #[pyo3(signature = (*, timeout = None))]
    fn token_async<'py>(&self, py: Python<'py>, timeout: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            self.check_open(py)?;
            if let Some(t) = self.fresh(py, |h| h.obj.clone_ref(py))? {
                return aio::ready(py, t.into_any());
            }
            let timeout = config::timeout(py, timeout)?.unwrap_or(self.get_timeout);
            aio::pending(py, &self.core, timeout, true)
        })
    }

    /// The cached token if it may still be served, without fetching.
    fn cached_token(&self, py: Python<'_>) -> PyResult<Option<PyToken>> {
        guard(|| Ok(self.core.cached_token().map(|t| PyToken::new(py, t))))
    }

    /// Compare-and-invalidate: drops the cached token only if it is `token`
    /// (the one a resource server rejected), so N callers reporting the same
    /// token cause one refetch. Returns whether it was dropped.
    fn invalidate(&self, token: &Bound<'_, PyAny>) -> PyResult<bool> {
        guard(|| with_access_token(token, |t| self.core.invalidate(t)))
    }

    /// Counters of the cache entry this client shares.
    fn stats(&self) -> PyStats {
        self.core.stats().into()
    }

    /// The value for the `header_name` header: `header_format` with the token
    /// in place, or `"<token_prefix> <token>"`.
    fn authorization_header(&self, py: Python<'_>) -> PyResult<String> {
        self.obtain(py, None, |h| self.core.header_value(&h.token))
    }

    /// The header value for `token` (as `authorization_header()` formats it).
    fn header_value(&self, token: &Bound<'_, PyToken>) -> String {
        self.core.header_value(&token.get().token)
    }

    /// What to send on an API request to `url` with `token`, as the client's
    /// settings decide: `(url, headers)`, the URL (with the token in it when
    /// `query_param` is set) and the headers to add as `(name, value)` pairs —
    /// the token's header in `header_format`, `resource_headers`, and a
    /// `Cookie` of `resource_cookies`. Raises `UsageError` (naming the host)
    /// when `url` may not receive the token (`check_destination`).
    fn authorize_with(
        &self,
        py: Python<'_>,
        url: &str,
        token: &Bound<'_, PyToken>,
    ) -> PyResult<(String, Vec<(String, String)>)> {
        guard(|| {
            let a = self.core.authorize_with(url, token.get().token.clone()).map_err(|e| errors::from_core(py, &e))?;
            Ok((a.url().as_str().to_owned(), a.headers().to_vec()))
        })
    }

    /// After an API answered 401 to `token` on retry number `attempt` (0
    /// after the first 401): whether to retry. This is core's one rule for
    /// every integration: never past `unauthorized_retries`; when it answers
    /// True, `token` has been invalidated (compare-and-invalidate), so get a
    /// token again and retry with it unless it is `token` again.
    fn retry_unauthorized(&self, token: &Bound<'_, PyAny>, attempt: u32) -> PyResult<bool> {
        guard(|| with_access_token(token, |t| self.core.retry_unauthorized(t, attempt)))
    }

    /// How many times the adapters send an API request again with a new
    /// token after a 401 (`unauthorized_retries`, default 1).
    #[getter]
    fn unauthorized_retries(&self) -> u32 {
        self.core.unauthorized_retries()
    }

    /// Raises unless a token may be sent to `url`: its host is in
    /// `allowed_hosts` (any host when empty), and plain http only to loopback
    /// hosts or with `allow_insecure_http`.
    fn check_destination(&self, py: Python<'_>, url: &str) -> PyResult<()> {
        guard(|| self.core.check_destination(url).map_err(|e| errors::from_core(py, &e)))
    }

    /// The token endpoint.
    #[getter]
    fn token_url(&self) -> &str {
        self.core.token_url()
    }

    /// The client id.
    #[getter]
    fn client_id(&self) -> &str {
        self.core.client_id()
    }

    /// The header that carries the token (default `Authorization`).
    #[getter]
    fn header_name(&self) -> &str {
        self.core.header_name()
    }

    /// The query parameter that carries the token instead, if configured.
    #[getter]
    fn query_param(&self) -> Option<&str> {
        self.core.query_param()
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }

    /// Marks this client closed: its methods that get tokens then raise
    /// `UsageError`. The shared cache is untouched: other clients with the same
    /// settings keep their token. Idempotent.
    fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        self.hot.store(None);
    }

    fn __enter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, PyAny>) -> bool {
        self.close();
        false
    }

    fn __aenter__<'py>(slf: Bound<'py, Self>, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        aio::ready(py, slf.into_any().unbind())
    }

    #[pyo3(signature = (*_args))]
    fn __aexit__<'py>(&self, py: Python<'py>, _args: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        self.close();
        aio::ready(py, false.into_pyobject(py)?.to_owned().into_any().unbind())
    }

    fn __repr__(&self) -> String {
        let closed = if self.closed.load(Ordering::Relaxed) { ", closed" } else { "" };
        format!("Client(token_url={:?}, client_id={:?}{closed})", self.core.token_url(), self.core.client_id())
    }
}

/// Calls `f` with the access token of `token`, a `Token` or a `str`.
fn with_access_token<R>(token: &Bound<'_, PyAny>, f: impl FnOnce(&str) -> R) -> PyResult<R> {
    if let Ok(t) = token.cast::<PyToken>() {
        return Ok(f(t.get().token.access_token()));
    }
    match token.cast::<PyString>() {
        Ok(s) => Ok(f(&s.to_cow()?)),
        Err(_) => Err(PyTypeError::new_err(format!(
            "argument 'token' must be str or Token, not {}",
            config::type_name(token)
        ))),
    }
}
