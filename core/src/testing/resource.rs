//! `GET /resource`: a protected resource that records what it received, so a
//! test can check how a client put a token (and its headers and cookies) on an
//! API request without running a resource server of its own.
//!
//! It answers 200 with `{"ok": true, "via": "header"|"query", "name": …}` when
//! the request carries a token this server issued and that has not expired —
//! anywhere: as a word of any header's value (`Authorization: Bearer <token>`,
//! `X-Api-Token: Token <token>`, …) or as a query parameter's value — and 401
//! with an RFC 6750 `WWW-Authenticate` challenge otherwise, or when the test
//! asked it to reject the next requests or revoked the token (an API that
//! stopped accepting a token before its expiry).

use std::collections::{HashSet, VecDeque};

use hyper::header::{ALLOW, WWW_AUTHENTICATE};
use hyper::{HeaderMap, Method, StatusCode, Uri};
use parking_lot::Mutex;
use serde_json::json;

use super::body::{self, Reply};
use super::record::ResourceRequest;
use super::state::Shared;

/// How many resource requests are kept (the oldest are dropped first).
const MAX_RECORDED: usize = 10_000;

/// What the resource endpoint remembers.
#[derive(Debug, Default)]
pub(crate) struct ResourceLog {
    inner: Mutex<LogInner>,
}

#[derive(Debug, Default)]
struct LogInner {
    requests: VecDeque<ResourceRequest>,
    reject_next: u32,
    /// Tokens the resource no longer accepts, though they have not expired.
    revoked: HashSet<String>,
}

impl ResourceLog {
    /// The recorded requests, oldest first.
    pub(crate) fn requests(&self) -> Vec<ResourceRequest> {
        self.inner.lock().requests.iter().cloned().collect()
    }

    /// Answers the next `n` requests 401 `invalid_token`, valid token or not.
    pub(crate) fn reject_next(&self, n: u32) {
        self.inner.lock().reject_next = n;
    }

    /// Stops accepting `token` (it stays valid at the token endpoint's records).
    pub(crate) fn revoke(&self, token: &str) {
        self.inner.lock().revoked.insert(token.to_owned());
    }

    fn is_revoked(&self, token: &str) -> bool {
        self.inner.lock().revoked.contains(token)
    }

    /// Forgets the recorded requests and any pending rejections.
    pub(crate) fn reset(&self) {
        *self.inner.lock() = LogInner::default();
    }

    /// Whether this request is to be rejected (counting it down), and records it.
    fn record(&self, mut request: ResourceRequest, valid: bool) -> ResourceRequest {
        let mut inner = self.inner.lock();
        let rejected = inner.reject_next > 0;
        inner.reject_next = inner.reject_next.saturating_sub(1);
        request.status = if valid && !rejected { 200 } else { 401 };
        if inner.requests.len() == MAX_RECORDED {
            inner.requests.pop_front();
        }
        inner.requests.push_back(request.clone());
        request
    }
}

/// Answers one request to `/resource`.
pub(crate) fn serve(shared: &Shared, method: &Method, uri: &Uri, headers: &HeaderMap) -> Reply {
    if method != Method::GET && method != Method::HEAD {
        let mut resp = body::text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
        body::set_header(&mut resp, ALLOW, "GET, HEAD");
        return resp;
    }
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect();
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let accepted = |token: &str| shared.is_valid(token) && !shared.resource.is_revoked(token);
    let in_header = headers.iter().find(|(_, value)| value.split([' ', ',', ';']).any(accepted));
    let in_query = query.iter().find(|(_, value)| accepted(value));
    let (via, name) = match (in_header, in_query) {
        (Some((name, _)), _) => ("header", name.clone()),
        (None, Some((name, _))) => ("query", name.clone()),
        (None, None) => ("", String::new()),
    };
    let valid = !via.is_empty();
    let presented = valid || headers.iter().any(|(n, _)| n == "authorization");
    let request = ResourceRequest {
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query,
        headers,
        status: 0,
        token_in: valid.then(|| format!("{via}:{name}")),
    };
    let recorded = shared.resource.record(request, valid);
    match recorded.status {
        200 => body::json(StatusCode::OK, &json!({"ok": true, "via": via, "name": name})),
        _ if presented => challenge("Bearer error=\"invalid_token\""),
        _ => challenge("Bearer"),
    }
}

fn challenge(value: &str) -> Reply {
    let mut resp = body::text(StatusCode::UNAUTHORIZED, "unauthorized");
    body::set_header(&mut resp, WWW_AUTHENTICATE, value);
    resp
}
