//! `ooauthcc.testing`: core's bundled loopback authorization server, so users
//! can test their code without an identity provider. The classes of what it
//! recorded are in `testing/records.rs`.

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use ooauthcc_core::testing::{AcceptedAuth, AuthServer, BasicDecoding, ClientRegistration, Fault, Quirk, ServerTls};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use crate::errors::guard;

mod records;

pub(crate) use records::{PyRecordedRequest, PyRegistrationRequest, PyResourceRequest};

fn to_duration(name: &str, secs: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(secs)
        .map_err(|_| PyValueError::new_err(format!("{name} must be a non-negative number of seconds, got {secs}")))
}

/// A real OAuth 2.0 authorization server on 127.0.0.1 (HTTP/1.1, its own
/// thread), with a client-credentials token endpoint at `token_url`. Counts
/// every token request; can add latency, faults and provider quirks.
/// With `tls_cert` and `tls_key` (PEM) it speaks HTTPS and asks clients for a
/// certificate, for `tls_client_auth` (issued by `client_ca`) and
/// `self_signed_tls_client_auth` (RFC 8705).
/// Use it as a context manager, or call `close()`.
#[pyclass(frozen, subclass, module = "ooauthcc.testing", name = "AuthServer")]
pub(crate) struct PyAuthServer {
    server: ArcSwapOption<AuthServer>,
    /// The process that started the server: a forked child must not stop it.
    pid: u32,
}

impl PyAuthServer {
    fn get(&self) -> PyResult<Arc<AuthServer>> {
        self.server.load_full().ok_or_else(|| PyRuntimeError::new_err("the AuthServer is closed"))
    }
}

impl Drop for PyAuthServer {
    fn drop(&mut self) {
        if std::process::id() != self.pid {
            // In a forked child the server thread does not exist: joining it could hang.
            std::mem::forget(self.server.swap(None));
        }
    }
}

#[pymethods]
impl PyAuthServer {
    #[new]
    #[pyo3(signature = (*, tls_cert = None, tls_key = None, client_ca = None))]
    fn new(
        py: Python<'_>,
        tls_cert: Option<String>,
        tls_key: Option<String>,
        client_ca: Option<String>,
    ) -> PyResult<Self> {
        guard(|| {
            let tls = server_tls(tls_cert, tls_key, client_ca)?;
            let server = py
                .detach(move || match tls {
                    Some(tls) => AuthServer::start_tls(tls),
                    None => AuthServer::start(),
                })
                .map_err(|e| match e.kind() {
                    // Unusable TLS material; the message names what, never the key itself.
                    std::io::ErrorKind::InvalidInput => PyValueError::new_err(e.to_string()),
                    _ => PyRuntimeError::new_err(e.to_string()),
                })?;
            Ok(PyAuthServer { server: ArcSwapOption::from_pointee(server), pid: std::process::id() })
        })
    }

    /// Whether the server speaks HTTPS (started with `tls_cert` and `tls_key`).
    #[getter]
    fn tls(&self) -> PyResult<bool> {
        Ok(self.get()?.base_url().starts_with("https:"))
    }

    /// `http://127.0.0.1:PORT/token`.
    #[getter]
    fn token_url(&self) -> PyResult<String> {
        Ok(self.get()?.token_url())
    }

    /// `http://127.0.0.1:PORT`, also the issuer (metadata under `/.well-known/`).
    #[getter]
    fn base_url(&self) -> PyResult<String> {
        Ok(self.get()?.base_url())
    }

    /// The port the server listens on.
    #[getter]
    fn port(&self) -> PyResult<u16> {
        Ok(self.get()?.port())
    }

    /// Registers (or replaces) a client. `auth_methods`: `"any"` (default),
    /// `"basic"`, `"post"`, `"none"` (public client), `"client_secret_jwt"`,
    /// `"private_key_jwt"` (needs `public_key`, PEM), `"tls_client_auth"` or
    /// `"self_signed_tls_client_auth"` (need `client_cert`, the PEM certificate
    /// the client presents); `basic_decoding`: `"form_urlencoded"` (RFC 6749,
    /// default) or `"raw"` (RFC 7617); `allowed_scopes`: None allows any scope.
    #[pyo3(signature = (
        client_id, client_secret = "", *, auth_methods = "any", basic_decoding = "form_urlencoded",
        allowed_scopes = None, grant_type = "client_credentials", public_key = None, client_cert = None
    ))]
    #[expect(clippy::too_many_arguments, reason = "Python keyword arguments, one per registration field")]
    fn register_client(
        &self,
        client_id: &str,
        client_secret: &str,
        auth_methods: &str,
        basic_decoding: &str,
        allowed_scopes: Option<Vec<String>>,
        grant_type: &str,
        public_key: Option<String>,
        client_cert: Option<&str>,
    ) -> PyResult<()> {
        let auth = accepted_auth(auth_methods)?;
        let decoding = BasicDecoding::from_name(basic_decoding)
            .ok_or_else(|| unknown("basic_decoding", basic_decoding, BasicDecoding::ALL.iter().map(|d| d.name())))?;
        let mut reg = ClientRegistration::new(client_id, client_secret)
            .with_auth(auth)
            .with_basic_decoding(decoding)
            .with_grant_type(grant_type);
        if let Some(scopes) = allowed_scopes {
            reg = reg.with_allowed_scopes(scopes);
        }
        match (auth, public_key) {
            (_, Some(pem)) => reg = reg.with_public_key(pem),
            (AcceptedAuth::PrivateKeyJwt, None) => {
                return Err(PyValueError::new_err(
                    "auth_methods \"private_key_jwt\" needs public_key (the PEM key that verifies the assertions)",
                ));
            }
            _ => {}
        }
        match (auth, client_cert) {
            (_, Some(pem)) => {
                reg = reg.with_tls_cert(pem);
                if reg.tls_cert_sha256.is_none() {
                    return Err(PyValueError::new_err("client_cert is not a PEM certificate"));
                }
            }
            (AcceptedAuth::TlsClientAuth | AcceptedAuth::SelfSignedTlsClientAuth, None) => {
                return Err(PyValueError::new_err(format!(
                    "auth_methods {auth_methods:?} needs client_cert (the PEM certificate the client presents)"
                )));
            }
            _ => {}
        }
        self.get()?.register_client(reg);
        Ok(())
    }

    /// Token requests that named this client id, whatever their outcome.
    fn request_count(&self, client_id: &str) -> PyResult<u64> {
        Ok(self.get()?.request_count(client_id))
    }

    /// The most token requests naming this client id that were in progress at
    /// the same time: 1 for a client that never sends two at once.
    fn max_concurrent_requests(&self, client_id: &str) -> PyResult<u64> {
        Ok(self.get()?.max_concurrent_requests(client_id))
    }

    /// Every request to the token endpoint.
    fn total_requests(&self) -> PyResult<u64> {
        Ok(self.get()?.total_requests())
    }

    /// Zeroes the counters (registrations too) and forgets recorded requests
    /// (tokens and registered clients stay valid).
    fn reset_counts(&self) -> PyResult<()> {
        self.get()?.reset_counts();
        Ok(())
    }

    /// The lifetime of tokens issued from now on, in seconds (default 3600).
    fn set_token_lifetime(&self, seconds: f64) -> PyResult<()> {
        self.get()?.set_token_lifetime(to_duration("lifetime", seconds)?);
        Ok(())
    }

    /// A delay before answering every token and registration request, in
    /// seconds (default 0).
    fn set_latency(&self, seconds: f64) -> PyResult<()> {
        self.get()?.set_latency(to_duration("latency", seconds)?);
        Ok(())
    }

    /// The shape of successful responses: None or `"none"`, `"string_expires_in"`,
    /// `"missing_expires_in"`, `"nested_token"`, `"form_encoded"`, `"uppercase_bearer"`,
    /// `"missing_token_type"`, `"jwt_access_token"`, `"extra_fields"`.
    #[pyo3(signature = (quirk = None))]
    fn set_quirk(&self, quirk: Option<&str>) -> PyResult<()> {
        let name = quirk.unwrap_or("none");
        let q = Quirk::from_name(name).ok_or_else(|| unknown("quirk", name, Quirk::ALL.iter().map(|q| q.name())))?;
        self.get()?.set_quirk(q);
        Ok(())
    }

    /// Applies `fault` to every token request (until `set_fault(None)`), or to
    /// the next `times` requests only.
    #[pyo3(signature = (fault, *, times = None))]
    fn set_fault(&self, fault: Option<&Bound<'_, PyFault>>, times: Option<u32>) -> PyResult<()> {
        let server = self.get()?;
        match (fault.map(|f| f.get().0.clone()), times) {
            (Some(f), Some(n)) => server.set_fault_times(f, n),
            (f, None) => server.set_fault(f),
            (None, Some(_)) => return Err(PyValueError::new_err("times needs a fault")),
        }
        Ok(())
    }

    /// The access tokens issued so far, in order.
    fn issued_tokens(&self) -> PyResult<Vec<String>> {
        Ok(self.get()?.issued_tokens())
    }

    /// Whether this server issued `token` and it has not expired (to play a
    /// resource server in tests).
    fn is_valid_token(&self, token: &str) -> PyResult<bool> {
        Ok(self.get()?.is_valid_token(token))
    }

    /// The requests to the token endpoint, oldest first (the last 10,000).
    fn requests(&self) -> PyResult<Vec<PyRecordedRequest>> {
        Ok(self.get()?.requests().into_iter().map(PyRecordedRequest).collect())
    }

    /// `http://127.0.0.1:PORT/resource`: a protected resource that answers 200
    /// to a token this server issued and that has not expired (a word of any
    /// header's value, or any query parameter's value), 401 otherwise, and
    /// records every request (`resource_requests()`).
    #[getter]
    fn resource_url(&self) -> PyResult<String> {
        Ok(self.get()?.resource_url())
    }

    /// The requests the resource received, oldest first (the last 10,000).
    fn resource_requests(&self) -> PyResult<Vec<PyResourceRequest>> {
        Ok(self.get()?.resource_requests().into_iter().map(PyResourceRequest).collect())
    }

    /// Makes the resource answer the next `n` requests 401 `invalid_token`
    /// even with a valid token, as an API does with a token revoked early.
    fn reject_resource_requests(&self, n: u32) -> PyResult<()> {
        self.get()?.reject_resource_requests(n);
        Ok(())
    }

    /// `http://127.0.0.1:PORT/register`: dynamic client registration (RFC
    /// 7591), also the metadata's `registration_endpoint`. A POST of JSON
    /// client metadata (`Content-Type: application/json`) is answered 201 with
    /// a new `client_id` and `client_secret`, usable at once at the token
    /// endpoint with the `token_endpoint_auth_method` asked for
    /// (`client_secret_basic`, the default, or `client_secret_post`); other
    /// metadata is answered 400 `invalid_client_metadata`.
    #[getter]
    fn registration_url(&self) -> PyResult<String> {
        Ok(self.get()?.registration_url())
    }

    /// Successful registrations (answered 201) since the start or `reset_counts()`.
    fn registration_count(&self) -> PyResult<u64> {
        Ok(self.get()?.registration_count())
    }

    /// Every request that reached the registration endpoint, oldest first
    /// (the last 10,000), refused ones included, with the status answered.
    fn registration_requests(&self) -> PyResult<Vec<PyRegistrationRequest>> {
        Ok(self.get()?.registration_requests().into_iter().map(PyRegistrationRequest).collect())
    }

    /// Requires registrations to carry `Authorization: Bearer <token>` (an
    /// initial access token) from now on; others are answered 401
    /// `invalid_token`. None (the default): no token is required.
    fn require_initial_access_token(&self, token: Option<&str>) -> PyResult<()> {
        self.get()?.require_initial_access_token(token);
        Ok(())
    }

    /// Makes the secrets issued by registrations from now on expire after
    /// `seconds` (rounded up to a whole second, as `client_secret_expires_at`
    /// says); the token endpoint then answers 401 `invalid_client` to them.
    /// None (the default): they never expire (`client_secret_expires_at` 0).
    fn set_registration_secret_lifetime(&self, seconds: Option<f64>) -> PyResult<()> {
        let lifetime = seconds.map(|s| to_duration("lifetime", s)).transpose()?;
        self.get()?.set_registration_secret_lifetime(lifetime);
        Ok(())
    }

    /// Answers the next `times` registration requests with `status` (e.g.
    /// 503) and an empty body; then normal service resumes. `times` 0 cancels
    /// a pending failure; a number that is not an HTTP status is answered 500.
    fn fail_registrations(&self, times: u32, status: u16) -> PyResult<()> {
        self.get()?.fail_registrations(times, status);
        Ok(())
    }

    /// Unregisters a client, as if the server had lost it: the token endpoint
    /// then answers 401 `invalid_client` to it (issued tokens stay valid).
    /// Returns whether the client was registered.
    fn forget_client(&self, client_id: &str) -> PyResult<bool> {
        Ok(self.get()?.forget_client(client_id))
    }

    /// Stops the server (in-flight requests are cut off). Idempotent.
    fn close(&self, py: Python<'_>) {
        let server = self.server.swap(None);
        py.detach(move || drop(server));
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.server.load().is_none()
    }

    fn __enter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, py: Python<'_>, _args: &Bound<'_, PyAny>) -> bool {
        self.close(py);
        false
    }

    fn __repr__(&self) -> String {
        match self.server.load().as_ref() {
            Some(s) => format!("AuthServer(base_url={:?})", s.base_url()),
            None => "AuthServer(closed)".to_owned(),
        }
    }
}

/// The TLS settings of `AuthServer(tls_cert=…, tls_key=…, client_ca=…)`.
fn server_tls(cert: Option<String>, key: Option<String>, client_ca: Option<String>) -> PyResult<Option<ServerTls>> {
    match (cert, key) {
        (Some(cert_chain_pem), Some(key_pem)) => {
            Ok(Some(ServerTls { cert_chain_pem, key_pem, client_ca_pem: client_ca }))
        }
        (None, None) if client_ca.is_some() => Err(PyValueError::new_err("client_ca needs tls_cert and tls_key")),
        (None, None) => Ok(None),
        (Some(_), None) => Err(PyValueError::new_err("tls_cert needs tls_key (the server's PEM private key)")),
        (None, Some(_)) => Err(PyValueError::new_err("tls_key needs tls_cert (the server's PEM certificate chain)")),
    }
}

/// The `auth_methods` argument of `register_client`: core's names.
fn accepted_auth(name: &str) -> PyResult<AcceptedAuth> {
    AcceptedAuth::from_name(name)
        .ok_or_else(|| unknown("auth_methods", name, AcceptedAuth::ALL.iter().map(|a| a.name())))
}

/// `ValueError` for an unknown name of a test-server choice, listing the known ones.
fn unknown<'a>(what: &str, name: &str, known: impl Iterator<Item = &'a str>) -> PyErr {
    let known: Vec<String> = known.map(|k| format!("{k:?}")).collect();
    PyValueError::new_err(format!("unknown {what} {name:?} (expected one of {})", known.join(", ")))
}

/// A failure of the test server's token endpoint, for `AuthServer.set_fault`.
#[pyclass(frozen, module = "ooauthcc.testing", name = "Fault")]
pub(crate) struct PyFault(Fault);

fn fault(f: Fault) -> PyFault {
    PyFault(f)
}

#[pymethods]
impl PyFault {
    /// This HTTP status with a plain-text body (not an OAuth error).
    #[staticmethod]
    fn status(code: u16) -> PyFault {
        fault(Fault::Status(code))
    }

    /// An RFC 6749 §5.2 error body (`invalid_client`, `invalid_scope`, …).
    #[staticmethod]
    #[pyo3(signature = (error, *, status = 400, description = None, uri = None))]
    fn oauth_error(error: String, status: u16, description: Option<String>, uri: Option<String>) -> PyFault {
        fault(Fault::OAuthError { status, error, description, uri })
    }

    /// Waits `seconds`, then answers normally.
    #[staticmethod]
    fn slow(seconds: f64) -> PyResult<PyFault> {
        Ok(fault(Fault::Slow(to_duration("slow", seconds)?)))
    }

    /// 429, with `Retry-After` set verbatim when given.
    #[staticmethod]
    #[pyo3(signature = (retry_after = None))]
    fn too_many_requests(retry_after: Option<String>) -> PyFault {
        fault(Fault::TooManyRequests { retry_after })
    }

    /// 503 with this `Retry-After` value.
    #[staticmethod]
    fn service_unavailable(retry_after: String) -> PyFault {
        fault(Fault::ServiceUnavailableRetryAfter(retry_after))
    }

    /// 200 whose body is not JSON.
    #[staticmethod]
    fn non_json() -> PyFault {
        fault(Fault::NonJson)
    }

    /// 200 carrying an OAuth error body.
    #[staticmethod]
    fn error_in_200() -> PyFault {
        fault(Fault::ErrorIn200)
    }

    /// 200 with an empty body.
    #[staticmethod]
    fn empty_body() -> PyFault {
        fault(Fault::EmptyBody)
    }

    /// 200 with a 2 MiB body.
    #[staticmethod]
    fn oversized() -> PyFault {
        fault(Fault::Oversized)
    }

    /// The connection is closed in the middle of the body.
    #[staticmethod]
    fn close_mid_body() -> PyFault {
        fault(Fault::CloseMidBody)
    }

    /// 302 to `url` (token requests never follow redirects).
    #[staticmethod]
    fn redirect(url: String) -> PyFault {
        fault(Fault::Redirect(url))
    }

    /// 200 whose `access_token` is not UTF-8.
    #[staticmethod]
    fn invalid_utf8() -> PyFault {
        fault(Fault::InvalidUtf8)
    }

    /// 200 whose body is 100,000 nested `[`.
    #[staticmethod]
    fn deeply_nested() -> PyFault {
        fault(Fault::DeeplyNested)
    }

    /// 200 headers at once, then the body one byte per `interval` seconds.
    #[staticmethod]
    fn slow_body(interval: f64) -> PyResult<PyFault> {
        Ok(fault(Fault::SlowBody(to_duration("interval", interval)?)))
    }

    fn __repr__(&self) -> String {
        format!("Fault.{:?}", self.0)
    }
}
