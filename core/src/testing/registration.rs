//! `POST /register`: dynamic client registration (RFC 7591), so a client
//! that registers itself before asking for tokens can be tested.
//!
//! The request body is the client metadata, a JSON object
//! (`application/json`). The server reads `token_endpoint_auth_method`
//! (`client_secret_basic`, the default, or `client_secret_post`),
//! `grant_types` (if present, an array that includes `client_credentials`),
//! `scope` and `client_name` (strings, optional), and answers 201 with a new
//! `client_id` (`dcr-<n>-<8 hex digits>`) and `client_secret`, registered at
//! once for the `client_credentials` grant and any scope. Bad metadata is
//! answered 400 `invalid_client_metadata`. When the test requires an initial
//! access token, a request without `Authorization: Bearer <that token>` is
//! answered 401 `invalid_token`. The server's latency applies, and the test
//! can make the next registrations fail with a status of its choice.

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use hyper::{HeaderMap, Method, Request, StatusCode};
use parking_lot::Mutex;
use serde_json::{Map, Value};

use super::body::{self, Reply};
use super::clients::{AcceptedAuth, ClientRegistration};
use super::handler::{self, Ctx};
use super::record::RegistrationRequest;

/// How many registration requests are kept (the oldest are dropped first).
const MAX_RECORDED: usize = 10_000;

/// The only grant type a registered client gets.
const GRANT_TYPE: &str = "client_credentials";

/// The registration endpoint's settings and what it remembers.
#[derive(Debug, Default)]
pub(crate) struct RegistrationLog {
    inner: Mutex<LogInner>,
}

#[derive(Default)]
struct LogInner {
    requests: VecDeque<RegistrationRequest>,
    /// Successful registrations since the start or the last reset.
    count: u64,
    /// Client ids issued since the start (never reset, so ids stay unique).
    issued: u64,
    /// The initial access token requests must carry, if any.
    initial_token: Option<String>,
    /// How long an issued secret lasts (`None`: forever).
    secret_lifetime: Option<Duration>,
    /// The next `.0` requests are answered `.1` with an empty body.
    failures: (u32, u16),
}

impl fmt::Debug for LogInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogInner")
            .field("requests", &self.requests.len())
            .field("count", &self.count)
            .field("issued", &self.issued)
            .field("initial_token", &self.initial_token.as_ref().map(|_| "<redacted>"))
            .field("secret_lifetime", &self.secret_lifetime)
            .field("failures", &self.failures)
            .finish()
    }
}

/// The settings in force for one registration request, fixed when it arrived.
#[derive(Debug, Clone)]
struct Arrival {
    initial_token: Option<String>,
    secret_lifetime: Option<Duration>,
    /// The status to fail with, if the test asked for a failure.
    failure: Option<u16>,
}

impl RegistrationLog {
    /// The recorded requests, oldest first.
    pub(crate) fn requests(&self) -> Vec<RegistrationRequest> {
        self.inner.lock().requests.iter().cloned().collect()
    }

    /// Successful registrations.
    pub(crate) fn count(&self) -> u64 {
        self.inner.lock().count
    }

    /// Requires (or, with `None`, stops requiring) an initial access token.
    pub(crate) fn require_initial_token(&self, token: Option<&str>) {
        self.inner.lock().initial_token = token.map(str::to_owned);
    }

    /// Sets how long the secrets issued from now on last (`None`: forever).
    pub(crate) fn set_secret_lifetime(&self, lifetime: Option<Duration>) {
        self.inner.lock().secret_lifetime = lifetime;
    }

    /// Answers the next `times` requests `status` with an empty body.
    pub(crate) fn fail_next(&self, times: u32, status: u16) {
        self.inner.lock().failures = (times, status);
    }

    /// Zeroes the count and forgets the recorded requests (settings stay).
    pub(crate) fn reset(&self) {
        let mut inner = self.inner.lock();
        inner.count = 0;
        inner.requests.clear();
    }

    /// The settings for an arriving request, using up one of the failures.
    fn arrive(&self) -> Arrival {
        let mut inner = self.inner.lock();
        let (times, status) = inner.failures;
        inner.failures.0 = times.saturating_sub(1);
        Arrival {
            initial_token: inner.initial_token.clone(),
            secret_lifetime: inner.secret_lifetime,
            failure: (times > 0).then_some(status),
        }
    }

    /// Counts a successful registration; returns its sequence number (from 1).
    fn next_id(&self) -> u64 {
        let mut inner = self.inner.lock();
        inner.count += 1;
        inner.issued += 1;
        inner.issued
    }

    /// Records a request with the status of its response, and returns the response.
    fn answered(&self, mut request: RegistrationRequest, resp: Reply) -> Reply {
        request.status = resp.status().as_u16();
        let mut inner = self.inner.lock();
        if inner.requests.len() >= MAX_RECORDED {
            inner.requests.pop_front();
        }
        inner.requests.push_back(request);
        resp
    }
}

/// Answers one request to `/register`.
pub(crate) async fn serve(ctx: &Ctx, req: Request<Incoming>) -> Reply {
    let (parts, incoming) = req.into_parts();
    let log = &ctx.shared.registration;
    let authorization = parts.headers.get(AUTHORIZATION).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let mut record = RegistrationRequest { authorization, body: String::new(), status: 0 };
    if parts.method != Method::POST {
        return log.answered(record, handler::method_not_allowed("POST"));
    }
    let bytes = match handler::read_body(incoming, &parts.headers).await {
        Ok(bytes) => bytes,
        Err(status) => return log.answered(record, body::text(status, "unreadable or too large request body")),
    };
    record.body = String::from_utf8_lossy(&bytes).into_owned();
    let arrival = log.arrive();
    let latency = ctx.shared.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let resp = match arrival.failure {
        Some(status) => body::empty(body::status_or(status, StatusCode::INTERNAL_SERVER_ERROR)),
        None => register(ctx, &parts.headers, &bytes, &arrival),
    };
    log.answered(record, resp)
}

/// The client metadata the server reads.
#[derive(Debug)]
struct Metadata {
    auth: AcceptedAuth,
    auth_name: &'static str,
    scope: Option<String>,
    client_name: Option<String>,
}

/// Checks the request, registers the client and builds the 201 response (or the refusal).
fn register(ctx: &Ctx, headers: &HeaderMap, bytes: &[u8], arrival: &Arrival) -> Reply {
    if let Some(expected) = &arrival.initial_token
        && bearer(headers) != Some(expected.as_str())
    {
        let description = if headers.contains_key(AUTHORIZATION) {
            "the initial access token is not valid"
        } else {
            "an initial access token (Authorization: Bearer) is required"
        };
        let mut resp = body::oauth_error(StatusCode::UNAUTHORIZED, "invalid_token", Some(description), None);
        body::set_header(&mut resp, WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
        return resp;
    }
    if !is_json(headers) {
        return invalid_metadata("the request body must be application/json");
    }
    let metadata = match parse(bytes) {
        Ok(metadata) => metadata,
        Err(description) => return invalid_metadata(description),
    };
    let now = SystemTime::now();
    let client_id = format!("dcr-{}-{:08x}", ctx.shared.registration.next_id(), fastrand::u32(..));
    let client_secret = format!("cs_{:032x}{:032x}", fastrand::u128(..), fastrand::u128(..));
    // Expiry in whole seconds, rounded up, so the advertised and the enforced expiry agree.
    let expires_at = arrival
        .secret_lifetime
        .and_then(|d| now.checked_add(d))
        .and_then(|at| UNIX_EPOCH.checked_add(Duration::from_secs(unix_secs_ceil(at))));
    let mut client = ClientRegistration::new(&client_id, &client_secret).with_auth(metadata.auth);
    if let Some(at) = expires_at {
        client = client.with_secret_expires_at(at);
    }
    ctx.shared.register(client);

    let mut doc = Map::new();
    doc.insert("client_id".into(), client_id.into());
    doc.insert("client_secret".into(), client_secret.into());
    doc.insert("client_id_issued_at".into(), now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs().into());
    doc.insert("client_secret_expires_at".into(), expires_at.map_or(0, unix_secs_ceil).into());
    doc.insert("token_endpoint_auth_method".into(), metadata.auth_name.into());
    doc.insert("grant_types".into(), Value::Array(vec![GRANT_TYPE.into()]));
    if let Some(name) = metadata.client_name {
        doc.insert("client_name".into(), name.into());
    }
    if let Some(scope) = metadata.scope {
        doc.insert("scope".into(), scope.into());
    }
    body::json(StatusCode::CREATED, &Value::Object(doc))
}

/// Reads the client metadata; the error is the `error_description`.
fn parse(bytes: &[u8]) -> Result<Metadata, &'static str> {
    let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(bytes) else {
        return Err("the request body must be a JSON object");
    };
    let (auth, auth_name) = match obj.get("token_endpoint_auth_method") {
        None => (AcceptedAuth::Basic, "client_secret_basic"),
        Some(Value::String(m)) if m == "client_secret_basic" => (AcceptedAuth::Basic, "client_secret_basic"),
        Some(Value::String(m)) if m == "client_secret_post" => (AcceptedAuth::Post, "client_secret_post"),
        Some(_) => return Err("token_endpoint_auth_method must be client_secret_basic or client_secret_post"),
    };
    match obj.get("grant_types") {
        None => {}
        Some(Value::Array(grants)) if grants.iter().any(|g| g == GRANT_TYPE) => {}
        Some(_) => return Err("grant_types must be an array that includes client_credentials"),
    }
    Ok(Metadata {
        auth,
        auth_name,
        scope: optional_string(&obj, "scope").ok_or("scope must be a string")?,
        client_name: optional_string(&obj, "client_name").ok_or("client_name must be a string")?,
    })
}

/// `Some(None)` when `name` is absent, `Some(Some(value))` for a string,
/// `None` for anything else.
fn optional_string(obj: &Map<String, Value>, name: &str) -> Option<Option<String>> {
    match obj.get(name) {
        None => Some(None),
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(_) => None,
    }
}

/// A 400 `invalid_client_metadata` response (RFC 7591 §3.2.2).
fn invalid_metadata(description: &str) -> Reply {
    body::oauth_error(StatusCode::BAD_REQUEST, "invalid_client_metadata", Some(description), None)
}

/// The token of an `Authorization: Bearer` header (scheme case-insensitive).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Whether the request body is declared `application/json`.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// Whole seconds since the Unix epoch, rounded up.
fn unix_secs_ceil(at: SystemTime) -> u64 {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    since.as_secs().saturating_add(u64::from(since.subsec_nanos() > 0))
}
