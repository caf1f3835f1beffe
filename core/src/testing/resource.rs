//! `GET /resource`: a protected resource, so a test can check that a token
//! reached an API the way a client put it there (a header, or a query
//! parameter) without running a resource server of its own.
//!
//! It answers 200 with `{"ok": true, "via": "header"|"query"}` when the request
//! carries a token this server issued and that has not expired — in
//! `Authorization: Bearer <token>`, or in the `access_token` query parameter
//! (RFC 6750 §2.1, §2.3) — and 401 with an RFC 6750 `WWW-Authenticate`
//! challenge otherwise.

use hyper::header::{ALLOW, AUTHORIZATION, WWW_AUTHENTICATE};
use hyper::{HeaderMap, Method, StatusCode, Uri};
use serde_json::json;

use super::body::{self, Reply};
use super::state::Shared;

/// Answers one request to `/resource`.
pub(crate) fn serve(shared: &Shared, method: &Method, uri: &Uri, headers: &HeaderMap) -> Reply {
    if method != Method::GET && method != Method::HEAD {
        let mut resp = body::text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
        body::set_header(&mut resp, ALLOW, "GET, HEAD");
        return resp;
    }
    let from_header = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| (token.trim().to_owned(), "header"));
    let from_query = || {
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .find(|(name, _)| name == "access_token")
            .map(|(_, token)| (token.into_owned(), "query"))
    };
    match from_header.or_else(from_query) {
        Some((token, via)) if shared.is_valid(&token) => body::json(StatusCode::OK, &json!({"ok": true, "via": via})),
        Some(_) => challenge("Bearer error=\"invalid_token\""),
        None => challenge("Bearer"),
    }
}

fn challenge(value: &str) -> Reply {
    let mut resp = body::text(StatusCode::UNAUTHORIZED, "unauthorized");
    body::set_header(&mut resp, WWW_AUTHENTICATE, value);
    resp
}
