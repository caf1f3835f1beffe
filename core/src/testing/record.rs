//! What the test server remembers about each request to its token endpoint,
//! its protected resource and its registration endpoint.

use std::fmt;

/// Names whose values [`RecordedRequest`]'s `Debug` output hides.
const SENSITIVE_HEADERS: &[&str] = &["authorization", "cookie", "proxy-authorization"];
const SENSITIVE_PARAMS: &[&str] = &["client_secret", "client_assertion", "password"];

/// One request to the token endpoint, as the server received it.
///
/// The `Debug` output hides credentials (`Authorization`, `client_secret`, …);
/// the fields themselves hold them verbatim so tests can check them.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The HTTP method, e.g. `POST`.
    pub method: String,
    /// The request path, without the query string.
    pub path: String,
    /// The request headers in the order received, names in lower case
    /// (values that are not UTF-8 are decoded lossily).
    pub headers: Vec<(String, String)>,
    /// The decoded `application/x-www-form-urlencoded` body parameters, in order.
    pub form: Vec<(String, String)>,
    /// The client id the request named (from Basic or the body), if any.
    pub client_id: Option<String>,
    /// The authentication method used: `client_secret_basic`,
    /// `client_secret_post` or `none`; `None` when no client was named.
    pub auth_used: Option<String>,
}

impl RecordedRequest {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The first value of a body parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.form.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Every value of a body parameter, in order (e.g. repeated `resource`).
    pub fn params(&self, name: &str) -> Vec<&str> {
        self.form.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
    }
}

/// Pairs whose sensitive values are replaced for `Debug`.
struct Redacted<'a>(&'a [(String, String)], &'a [&'a str]);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (name, value) in self.0 {
            if self.1.iter().any(|s| name.eq_ignore_ascii_case(s)) {
                list.entry(&(name, "<redacted>"));
            } else {
                list.entry(&(name, value));
            }
        }
        list.finish()
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &Redacted(&self.headers, SENSITIVE_HEADERS))
            .field("form", &Redacted(&self.form, SENSITIVE_PARAMS))
            .field("client_id", &self.client_id)
            .field("auth_used", &self.auth_used)
            .finish()
    }
}

/// One request to the protected resource (`/resource`), as the server
/// received it and answered it. `Debug` hides header values and query values
/// (they carry the token, API keys and cookies).
#[derive(Clone, PartialEq, Eq)]
pub struct ResourceRequest {
    /// The HTTP method.
    pub method: String,
    /// The request path, without the query string.
    pub path: String,
    /// The decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// The request headers in the order received, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The status answered: 200, or 401 (no valid token, or a rejection the
    /// test asked for with `reject_resource_requests`).
    pub status: u16,
    /// Where the valid token was found: `header:<name>` or `query:<name>`.
    pub token_in: Option<String>,
}

impl ResourceRequest {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The first value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// A cookie's value, from the `Cookie` header.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.header("cookie")?
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }
}

impl fmt::Debug for ResourceRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = |pairs: &[(String, String)]| pairs.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        f.debug_struct("ResourceRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &names(&self.query))
            .field("headers", &names(&self.headers))
            .field("status", &self.status)
            .field("token_in", &self.token_in)
            .finish()
    }
}

/// One request to the registration endpoint (`/register`, RFC 7591), as the
/// server received it and answered it.
///
/// The `Debug` output shows only the scheme of the `Authorization` header (the
/// initial access token is hidden); the fields hold it verbatim so tests can
/// check it.
#[derive(Clone, PartialEq, Eq)]
pub struct RegistrationRequest {
    /// The `Authorization` header, if one was sent (not UTF-8: decoded lossily).
    pub authorization: Option<String>,
    /// The request body (the client metadata, JSON), decoded lossily as UTF-8;
    /// empty for a request whose body was not read (wrong method, too large).
    pub body: String,
    /// The status answered: 201, or the refusal (400, 401, 405, 413, or the
    /// status of a failure the test asked for with `fail_registrations`).
    pub status: u16,
}

impl fmt::Debug for RegistrationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let authorization =
            self.authorization.as_deref().map(|v| format!("{} <redacted>", v.split(' ').next().unwrap_or_default()));
        f.debug_struct("RegistrationRequest")
            .field("authorization", &authorization)
            .field("body", &self.body)
            .field("status", &self.status)
            .finish()
    }
}
