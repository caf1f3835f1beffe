//! Sending one token request over HTTP and reading the answer, capped in size.

use std::collections::HashMap;
use std::time::Duration;

use parking_lot::Mutex;

use reqwest::header::{CONTENT_TYPE, COOKIE, HeaderValue, LOCATION, RETRY_AFTER};
use url::Url;
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};
use crate::generation::PerProcess;
use crate::request::TokenRequest;
use crate::response::{RawResponse, parse_retry_after};
use crate::settings::Settings;

/// The largest token response we read. Real ones are a few KiB; anything
/// bigger is a misbehaving server and must not exhaust the caller's memory.
pub(crate) const MAX_BODY: usize = 1 << 20;

/// `User-Agent` of every request.
pub(crate) const USER_AGENT: &str = concat!("ooauthcc/", env!("CARGO_PKG_VERSION"));

/// What makes two HTTP clients different: connect timeout and TLS material.
type TransportKey = (Duration, Option<[u8; 32]>);

/// reqwest clients by transport setting, one connection pool each, per fork
/// generation (a child must not reuse the parent's connections).
static POOL: PerProcess<Mutex<HashMap<TransportKey, reqwest::Client>>> = PerProcess::new();

/// The pooled HTTP client for these settings' transport, built on first use.
pub(crate) fn client_for(s: &Settings) -> Result<reqwest::Client> {
    let key = (s.connect_timeout, s.tls.as_ref().map(|t| t.fingerprint));
    let pool = POOL.get(|| Mutex::new(HashMap::new()));
    let mut clients = pool.value.lock();
    if let Some(c) = clients.get(&key) {
        return Ok(c.clone());
    }
    let client = build_client(s.connect_timeout, s.tls.as_deref())?;
    clients.insert(key, client.clone());
    Ok(client)
}

fn build_client(connect_timeout: Duration, tls: Option<&crate::tls::Tls>) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder();
    if let Some(tls) = tls {
        if let Some(identity) = &tls.identity {
            builder = builder.identity(identity.clone());
        }
        builder = builder.tls_certs_merge(tls.roots.iter().cloned());
    }
    builder
        // A token endpoint that redirects is misconfigured or hostile: following it
        // would send the credentials somewhere else (SSRF, credential theft).
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout)
        .user_agent(USER_AGENT)
        // Tokens are renewed minutes apart; servers close idle connections after
        // seconds. Drop ours first rather than racing the server's close.
        .pool_idle_timeout(Duration::from_secs(20))
        .build()
        .map_err(|e| Error::new(ErrorKind::Internal, format!("cannot build the HTTP client: {}", error_chain(&e))))
}

/// Posts `req` to the token endpoint and returns the raw answer.
pub(crate) async fn send(client: &reqwest::Client, s: &Settings, url: &Url, req: &TokenRequest) -> Result<RawResponse> {
    let endpoint = describe_url(url);
    let mut builder = client
        .post(url.clone())
        .timeout(s.request_timeout)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(reqwest::header::ACCEPT, "application/json");
    for (name, value) in &s.extra_headers {
        builder = builder.header(name, value);
    }
    if !s.cookies.is_empty() {
        let joined: Vec<String> = s.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if let Ok(mut v) = HeaderValue::from_str(&joined.join("; ")) {
            v.set_sensitive(true);
            builder = builder.header(COOKIE, v);
        }
    }
    if let Some(auth) = &req.authorization {
        builder = builder.header(reqwest::header::AUTHORIZATION, auth.clone());
    }
    // reqwest owns the body until it is sent: hand it a copy that wipes itself
    // when reqwest drops it (hyper's own write buffers are beyond our reach).
    let body = bytes::Bytes::from_owner(Zeroizing::new(req.body.as_bytes().to_vec()));
    let resp = builder.body(body).send().await.map_err(|e| transport_error(&e, "token endpoint", &endpoint, s))?;
    read_capped(resp, "token endpoint", &endpoint, s).await
}

/// Sends a request built by the caller to `url` (`what` names the endpoint in
/// errors: "registration endpoint") and returns the capped answer.
pub(crate) async fn send_request(
    builder: reqwest::RequestBuilder,
    s: &Settings,
    url: &Url,
    what: &str,
) -> Result<RawResponse> {
    let endpoint = describe_url(url);
    let resp = builder.send().await.map_err(|e| transport_error(&e, what, &endpoint, s))?;
    read_capped(resp, what, &endpoint, s).await
}

/// GETs a JSON document (discovery metadata); the answer is capped like a token response.
pub(crate) async fn get(client: &reqwest::Client, s: &Settings, url: &Url) -> Result<RawResponse> {
    let endpoint = describe_url(url);
    let resp = client
        .get(url.clone())
        .timeout(s.request_timeout)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| transport_error(&e, "discovery document", &endpoint, s))?;
    read_capped(resp, "discovery document", &endpoint, s).await
}

/// Status, the headers we use, and the body — refusing bodies over [`MAX_BODY`].
async fn read_capped(mut resp: reqwest::Response, what: &str, endpoint: &str, s: &Settings) -> Result<RawResponse> {
    let status = resp.status().as_u16();
    let header = |name| resp.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok()).map(str::to_owned);
    let content_type = header(CONTENT_TYPE);
    let retry_after = header(RETRY_AFTER).as_deref().and_then(parse_retry_after);
    let location = header(LOCATION);
    if resp.content_length().is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large(status, endpoint));
    }
    // The body holds the access token: it wipes itself, and is sized up front
    // when the length is known, so it rarely leaves grown-out copies behind.
    let expected = resp.content_length().map_or(4096, |n| n as usize);
    let mut body = Zeroizing::new(Vec::with_capacity(expected.min(MAX_BODY)));
    while let Some(chunk) = resp.chunk().await.map_err(|e| transport_error(&e, what, endpoint, s))? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(too_large(status, endpoint));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(RawResponse { status, content_type, retry_after, location, body })
}

fn too_large(status: u16, endpoint: &str) -> Error {
    Error::new(ErrorKind::MalformedResponse, format!("response from {endpoint} is larger than {} KiB", MAX_BODY / 1024))
        .with_http_status(status)
}

/// `what` names the kind of endpoint ("token endpoint").
fn transport_error(e: &reqwest::Error, what: &str, endpoint: &str, s: &Settings) -> Error {
    if e.is_timeout() {
        let limit = if e.is_connect() { s.connect_timeout } else { s.request_timeout };
        return Error::new(ErrorKind::Timeout, format!("request to {what} {endpoint} timed out after {limit:?}"));
    }
    let failed = if e.is_connect() {
        "cannot connect to"
    } else if e.is_body() || e.is_decode() {
        "connection failed while reading the answer from"
    } else {
        "request failed to"
    };
    Error::new(ErrorKind::Transport, format!("{failed} {what} {endpoint}: {}", error_chain(e)))
}

/// The error and its causes on one line. reqwest's own text names the URL with
/// its query; ours (`describe_url`) leaves the query out.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut cur = e.source();
    while let Some(c) = cur {
        parts.push(c.to_string());
        cur = c.source();
    }
    if parts.is_empty() {
        parts.push(e.to_string());
    }
    parts.dedup();
    parts.join(": ")
}

/// scheme://host[:port]/path of the token endpoint, without query.
pub(crate) fn describe_url(u: &Url) -> String {
    format!(
        "{}://{}{}{}",
        u.scheme(),
        u.host_str().unwrap_or(""),
        u.port().map(|p| format!(":{p}")).unwrap_or_default(),
        u.path()
    )
}
