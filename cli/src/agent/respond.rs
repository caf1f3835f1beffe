//! One agent request in, one answer out: authorisation, routing, the token,
//! and errors as JSON with the status that fits them.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode};
use ooauthcc_core::{Client, Error, ErrorKind, Token};
use serde_json::json;
use subtle::ConstantTimeEq as _;

use super::Agent;
use super::listen::Peer;
use super::metrics::RequestLabels;
use super::request::{self, Refusal, Route, TokenRequest};
use crate::failure::Failure;
use crate::{obtain, output};

type Answer = Response<Full<Bytes>>;

/// Answers `req` from `peer`, and counts it.
pub async fn handle(agent: Arc<Agent>, peer: Peer, req: Request<Incoming>) -> Result<Answer, Infallible> {
    let target = req.uri().path_and_query().map_or("/", |p| p.as_str());
    let route = request::parse(req.method().as_str(), target);
    let label = match &route {
        Ok(Route::Token(_)) => "token",
        Ok(Route::Header(_)) => "header",
        Ok(Route::Metrics) => "metrics",
        Ok(Route::Health) => "healthz",
        Err(_) => "other",
    };
    let answer = match authorise(&agent, peer, &req) {
        Some(denied) => denied,
        None => match route {
            Err(refusal) => refused(&refusal),
            Ok(route) => answer(&agent, route).await,
        },
    };
    let labels = RequestLabels { listener: peer.listener(), route: label, code: answer.status().as_u16() };
    agent.metrics.requests.get_or_create(&labels).inc();
    Ok(answer)
}

/// A Unix peer must be on the allow list; an HTTP request must carry the
/// bearer secret (compared in constant time). The refusal, if any.
fn authorise(agent: &Agent, peer: Peer, req: &Request<Incoming>) -> Option<Answer> {
    match peer {
        Peer::Unix { allowed: true, .. } => None,
        Peer::Unix { uid, gid, allowed: false } => Some(error(
            StatusCode::FORBIDDEN,
            "forbidden",
            &format!("uid {uid} (gid {gid}) is not allowed on this socket (--allow-uid, --allow-gid)"),
        )),
        Peer::Http => {
            let sent = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split_once(' '))
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, secret)| secret.trim().as_bytes());
            let expected = agent.bearer.as_ref().map(|s| s.expose().as_bytes());
            match (sent, expected) {
                (Some(sent), Some(expected)) if bool::from(sent.ct_eq(expected)) => None,
                _ => {
                    let mut answer = error(
                        StatusCode::UNAUTHORIZED,
                        "unauthorized",
                        "send `Authorization: Bearer <the secret of --bearer-file>`",
                    );
                    answer.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                    Some(answer)
                }
            }
        }
    }
}

async fn answer(agent: &Agent, route: Route) -> Answer {
    match route {
        Route::Token(asked) | Route::Header(asked) if !agent.profiles.contains_key(&asked.profile) => {
            error(StatusCode::NOT_FOUND, "unknown_profile", &format!("no profile named {} is served", asked.profile))
        }
        Route::Token(asked) => match token(agent, &asked).await.and_then(|(_, t)| output::json(&t)) {
            Ok(text) => ok("application/json", text),
            Err(failure) => failed(&failure),
        },
        Route::Header(asked) => match token(agent, &asked).await.and_then(|(c, t)| output::header(c, &t)) {
            Ok(text) => ok("text/plain; charset=utf-8", text),
            Err(failure) => failed(&failure),
        },
        Route::Metrics => match agent.metrics.encode() {
            Ok(text) => ok("application/openmetrics-text; version=1.0.0; charset=utf-8", text),
            Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "internal", "cannot encode the metrics"),
        },
        Route::Health => ok("application/json", health(agent)),
    }
}

/// The profile's token, renewed when it would not stay valid for `min_valid`.
async fn token<'a>(agent: &'a Agent, asked: &TokenRequest) -> Result<(&'a Client, Token), Failure> {
    let Some(client) = agent.profiles.get(&asked.profile) else {
        return Err(Failure::new(ErrorKind::Internal, "the profile vanished"));
    };
    let token = match asked.min_valid {
        None => client.get_token().await?,
        Some(min) => {
            let token = client.get_token_lasting(min).await?;
            obtain::ensure_min_valid(&token, min, ErrorKind::InvalidArgument, "min_valid")?;
            token
        }
    };
    Ok((client, token))
}

/// `GET /healthz`: the agent serves; per profile, whether a token is cached
/// and for how long it is served.
fn health(agent: &Agent) -> String {
    let profiles: serde_json::Map<String, serde_json::Value> = agent
        .profiles
        .iter()
        .map(|(name, client)| {
            let state = match client.cached_token() {
                Some(t) => json!({"token": "valid", "served_for_seconds": t.served_for().as_secs()}),
                None => json!({"token": "none"}),
            };
            (name.clone(), state)
        })
        .collect();
    format!("{}\n", json!({"status": "serving", "profiles": profiles}))
}

fn ok(content_type: &'static str, body: String) -> Answer {
    let mut answer = Response::new(Full::new(Bytes::from(body)));
    let headers = answer.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // A token must not land in any HTTP cache on the way.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    answer
}

fn refused(refusal: &Refusal) -> Answer {
    let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut answer = error(status, refusal.name(), &refusal.to_string());
    if *refusal == Refusal::MethodNotAllowed {
        answer.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET"));
    }
    answer
}

/// A failed token: the library's error with the status that says whose fault
/// it is (the caller's 400, the authorization server's 502, the wait's 504).
fn failed(failure: &Failure) -> Answer {
    let Failure::Library(e) = failure else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "internal", &failure.to_string());
    };
    let status = match e.kind() {
        ErrorKind::InvalidArgument => StatusCode::BAD_REQUEST,
        ErrorKind::Transport | ErrorKind::HttpStatus | ErrorKind::OAuth | ErrorKind::MalformedResponse => {
            StatusCode::BAD_GATEWAY
        }
        ErrorKind::Timeout => StatusCode::GATEWAY_TIMEOUT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    json_answer(status, &library_error(e))
}

/// The JSON of a library error (its message never holds a token or secret).
fn library_error(e: &Error) -> serde_json::Value {
    json!({
        "error": e.kind().name(),
        "code": e.code(),
        "message": e.message(),
        "http_status": e.http_status(),
        "oauth_error": e.oauth_error(),
    })
}

fn error(status: StatusCode, name: &str, message: &str) -> Answer {
    json_answer(status, &json!({"error": name, "message": message}))
}

fn json_answer(status: StatusCode, body: &serde_json::Value) -> Answer {
    let mut answer = ok("application/json", format!("{body}\n"));
    *answer.status_mut() = status;
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_map_to_the_status_that_says_whose_fault_it_is() {
        let status = |kind| failed(&Failure::new(kind, "x")).status().as_u16();
        assert_eq!(status(ErrorKind::InvalidArgument), 400);
        assert_eq!(status(ErrorKind::OAuth), 502);
        assert_eq!(status(ErrorKind::Transport), 502);
        assert_eq!(status(ErrorKind::Timeout), 504);
        assert_eq!(status(ErrorKind::Config), 500);
    }
}
