//! Request routing and the token endpoint logic (RFC 6749 §4.4), plus the
//! RFC 8414 metadata documents. Dynamic client registration (`/register`) is
//! in `registration.rs`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{HeaderMap, Method, Request, StatusCode};
use serde_json::json;

use super::auth::{Credentials, Problem, first};
use super::body::{self, Reply};
use super::clients::AuthMethod;
use super::faults;
use super::record::RecordedRequest;
use super::state::{Arrival, Shared};
use super::tls::PeerCert;
use super::tokens::{self, Grant};

/// The largest request body accepted (64 KiB).
const MAX_BODY: usize = 64 * 1024;

/// Parameters that RFC 6749 §3.2 forbids repeating.
const SINGLE_PARAMS: &[&str] = &["grant_type", "scope", "client_id", "client_secret"];

/// What every request handler needs.
#[derive(Debug)]
pub(crate) struct Ctx {
    /// The shared state.
    pub shared: Arc<Shared>,
    /// The issuer URL, `http://127.0.0.1:PORT`.
    pub issuer: String,
    /// Client-assertion `jti`s already used (replays are rejected).
    pub seen_jtis: super::assertion::SeenJtis,
}

/// Routes one request.
pub(crate) async fn handle(
    ctx: Arc<Ctx>,
    req: Request<Incoming>,
    peer: Option<Arc<PeerCert>>,
) -> Result<Reply, Infallible> {
    let resp = match req.uri().path() {
        "/token" => token_endpoint(&ctx, req, peer.as_deref()).await,
        "/register" => super::registration::serve(&ctx, req).await,
        "/.well-known/oauth-authorization-server" | "/.well-known/openid-configuration" => metadata(&ctx, req.method()),
        "/resource" => super::resource::serve(&ctx.shared, req.method(), req.uri(), req.headers()),
        _ => body::text(StatusCode::NOT_FOUND, "not found"),
    };
    Ok(resp)
}

/// The RFC 8414 authorization server metadata.
fn metadata(ctx: &Ctx, method: &Method) -> Reply {
    if method != Method::GET && method != Method::HEAD {
        return method_not_allowed("GET, HEAD");
    }
    let doc = json!({
        "issuer": ctx.issuer,
        "token_endpoint": format!("{}/token", ctx.issuer),
        "registration_endpoint": format!("{}/register", ctx.issuer),
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "tls_client_auth", "self_signed_tls_client_auth", "none"],
    });
    body::reply(StatusCode::OK, "application/json", doc.to_string())
}

/// 405 with the allowed methods.
pub(crate) fn method_not_allowed(allow: &'static str) -> Reply {
    let mut resp = body::text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    resp.headers_mut().insert(ALLOW, HeaderValue::from_static(allow));
    resp
}

/// `/token`: record and count, wait, apply a fault, else grant or refuse.
async fn token_endpoint(ctx: &Ctx, req: Request<Incoming>, peer: Option<&PeerCert>) -> Reply {
    let (parts, incoming) = req.into_parts();
    let mut record = RecordedRequest {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        form: Vec::new(),
        client_id: None,
        auth_used: None,
    };
    if parts.method != Method::POST {
        ctx.shared.arrive(record, false);
        return method_not_allowed("POST");
    }
    let bytes = match read_body(incoming, &parts.headers).await {
        Ok(bytes) => bytes,
        Err(status) => {
            ctx.shared.arrive(record, false);
            return body::text(status, "unreadable or too large request body");
        }
    };
    let form: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
    let creds = Credentials::identify(&parts.headers, &form, &ctx.shared, peer);
    record.form.clone_from(&form);
    record.client_id.clone_from(&creds.client_id);
    record.auth_used = creds.method.map(|m| m.as_str().to_owned());
    let client_id = record.client_id.clone();
    let arrival = ctx.shared.arrive(record, true);
    let _in_flight = ctx.shared.begin(client_id.as_deref());

    if !arrival.latency.is_zero() {
        tokio::time::sleep(arrival.latency).await;
    }
    if let Some(fault) = &arrival.fault
        && let Some(resp) = faults::apply(fault).await
    {
        return resp;
    }
    grant(ctx, &parts.headers, &form, &creds, &arrival)
}

/// Reads the body, refusing more than [`MAX_BODY`] bytes with 413.
pub(crate) async fn read_body(incoming: Incoming, headers: &HeaderMap) -> Result<Bytes, StatusCode> {
    let announced =
        headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|len| len > MAX_BODY as u64) {
        return Err(StatusCode::PAYLOAD_TOO_LARGE);
    }
    match Limited::new(incoming, MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(StatusCode::PAYLOAD_TOO_LARGE),
        Err(_) => Err(StatusCode::BAD_REQUEST),
    }
}

/// Validates a token request and issues a token, or builds the refusal.
fn grant(ctx: &Ctx, headers: &HeaderMap, form: &[(String, String)], creds: &Credentials, arrival: &Arrival) -> Reply {
    if !is_form_encoded(headers) {
        return body::invalid_request("the request body must be application/x-www-form-urlencoded");
    }
    if let Some(name) = SINGLE_PARAMS.iter().find(|name| form.iter().filter(|(n, _)| n == *name).count() > 1) {
        return body::invalid_request(&format!("parameter {name} is repeated"));
    }
    match creds.problem {
        Some(Problem::MultipleMethods) => {
            return body::invalid_request("more than one client authentication method used");
        }
        Some(Problem::ClientIdMismatch) => {
            return body::invalid_request("client_id does not match the Authorization header");
        }
        Some(Problem::NoCredentials | Problem::MalformedBasic) | None => {}
    }
    let client = creds.client_id.as_deref().and_then(|id| ctx.shared.client(id));
    let audiences = [format!("{}/token", ctx.issuer), ctx.issuer.clone()];
    let Some(client) = client.filter(|c| creds.verify(Some(c), &audiences, &ctx.seen_jtis)) else {
        return body::invalid_client(creds.basic_attempted);
    };
    let with_secret = matches!(creds.method, Some(AuthMethod::Basic | AuthMethod::Post | AuthMethod::ClientSecretJwt));
    if with_secret && client.secret_expired(SystemTime::now()) {
        return body::expired_secret(creds.basic_attempted);
    }
    let Some(grant_type) = first(form, "grant_type") else {
        return body::invalid_request("missing grant_type");
    };
    if grant_type != client.grant_type {
        return body::oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            Some("this grant type is not allowed for this client"),
            None,
        );
    }
    let requested: Vec<&str> =
        first(form, "scope").map(|s| s.split(' ').filter(|s| !s.is_empty()).collect()).unwrap_or_default();
    if let Some(allowed) = &client.allowed_scopes
        && requested.iter().any(|s| !allowed.iter().any(|a| a == s))
    {
        return body::oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            Some("a requested scope is not allowed for this client"),
            None,
        );
    }
    let grant = Grant {
        client_id: &client.client_id,
        scope: (!requested.is_empty()).then(|| requested.join(" ")),
        issuer: &ctx.issuer,
    };
    tokens::issue(&ctx.shared, arrival, &grant)
}

/// Whether the request body is declared `application/x-www-form-urlencoded`.
fn is_form_encoded(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
}
