//! What the test server recorded, for Python: the requests to its token
//! endpoint, its protected resource and its registration endpoint.

use ooauthcc_core::testing::{RecordedRequest, RegistrationRequest, ResourceRequest};
use pyo3::prelude::*;

/// One request to the test server's token endpoint. `repr()` hides credentials;
/// the attributes hold them verbatim for tests to check.
#[pyclass(frozen, module = "ooauthcc.testing", name = "RecordedRequest")]
pub(crate) struct PyRecordedRequest(pub(super) RecordedRequest);

#[pymethods]
impl PyRecordedRequest {
    /// The HTTP method.
    #[getter]
    fn method(&self) -> &str {
        &self.0.method
    }

    /// The path, without the query string.
    #[getter]
    fn path(&self) -> &str {
        &self.0.path
    }

    /// The headers, names in lower case, in the order received.
    #[getter]
    fn headers(&self) -> Vec<(String, String)> {
        self.0.headers.clone()
    }

    /// The form parameters of the body, in order.
    #[getter]
    fn form(&self) -> Vec<(String, String)> {
        self.0.form.clone()
    }

    /// The client id the request named, if any.
    #[getter]
    fn client_id(&self) -> Option<&str> {
        self.0.client_id.as_deref()
    }

    /// How the client authenticated: `client_secret_basic`, `client_secret_post`,
    /// `none`, `client_secret_jwt`, `private_key_jwt`, `tls_client_auth`,
    /// `self_signed_tls_client_auth`, or None.
    #[getter]
    fn auth_used(&self) -> Option<&str> {
        self.0.auth_used.as_deref()
    }

    /// The first value of a header (case-insensitive name).
    fn header(&self, name: &str) -> Option<&str> {
        self.0.header(name)
    }

    /// The first value of a form parameter.
    fn param(&self, name: &str) -> Option<&str> {
        self.0.param(name)
    }

    /// Every value of a form parameter (e.g. repeated `resource`).
    fn params(&self, name: &str) -> Vec<String> {
        self.0.params(name).into_iter().map(str::to_owned).collect()
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.0)
    }
}

/// One request to the test server's protected resource, with the status it
/// answered. `repr()` shows names only; the attributes hold the values
/// verbatim (the token, cookies) for tests to check.
#[pyclass(frozen, module = "ooauthcc.testing", name = "ResourceRequest")]
pub(crate) struct PyResourceRequest(pub(super) ResourceRequest);

#[pymethods]
impl PyResourceRequest {
    /// The HTTP method.
    #[getter]
    fn method(&self) -> &str {
        &self.0.method
    }

    /// The path, without the query string.
    #[getter]
    fn path(&self) -> &str {
        &self.0.path
    }

    /// The query parameters, decoded, in order.
    #[getter]
    fn query(&self) -> Vec<(String, String)> {
        self.0.query.clone()
    }

    /// The headers, names in lower case, in the order received.
    #[getter]
    fn headers(&self) -> Vec<(String, String)> {
        self.0.headers.clone()
    }

    /// 200, or 401 (no valid token, or a rejection asked for).
    #[getter]
    fn status(&self) -> u16 {
        self.0.status
    }

    /// Where the valid token was: `header:<name>` or `query:<name>`.
    #[getter]
    fn token_in(&self) -> Option<&str> {
        self.0.token_in.as_deref()
    }

    /// The first value of a header (case-insensitive name).
    fn header(&self, name: &str) -> Option<&str> {
        self.0.header(name)
    }

    /// The first value of a query parameter.
    fn query_param(&self, name: &str) -> Option<&str> {
        self.0.query_param(name)
    }

    /// A cookie's value, from the `Cookie` header.
    fn cookie(&self, name: &str) -> Option<&str> {
        self.0.cookie(name)
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.0)
    }
}

/// One request to the test server's registration endpoint, with the status it
/// answered. `repr()` hides the initial access token; `authorization` holds it
/// verbatim for tests to check.
#[pyclass(frozen, module = "ooauthcc.testing", name = "RegistrationRequest")]
pub(crate) struct PyRegistrationRequest(pub(super) RegistrationRequest);

#[pymethods]
impl PyRegistrationRequest {
    /// The `Authorization` header, if one was sent.
    #[getter]
    fn authorization(&self) -> Option<&str> {
        self.0.authorization.as_deref()
    }

    /// The request body (the client metadata, JSON); empty when it was not
    /// read (wrong method, too large).
    #[getter]
    fn body(&self) -> &str {
        &self.0.body
    }

    /// 201, or the status of the refusal or of a failure asked for.
    #[getter]
    fn status(&self) -> u16 {
        self.0.status
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.0)
    }
}
