//! The responses of each [`Fault`].

use std::io;
use std::time::Duration;

use bytes::Bytes;
use hyper::StatusCode;
use hyper::header::{LOCATION, RETRY_AFTER, WWW_AUTHENTICATE};
use serde_json::json;

use super::body::{self, Reply, ReplyBody};
use super::modes::Fault;
use super::tokens::opaque_token;

/// The size of the [`Fault::Oversized`] body.
const OVERSIZED_LEN: usize = 2 * 1024 * 1024;
/// The chunk size the oversized body is streamed in.
const OVERSIZED_CHUNK: usize = 64 * 1024;
/// The start of the [`Fault::CloseMidBody`] body: exactly 20 bytes.
const MID_BODY_START: &[u8; 20] = b"{\"access_token\":\"at_";
/// The length [`Fault::CloseMidBody`] announces.
const MID_BODY_ANNOUNCED: u64 = 500;

/// Applies a fault: `Some` is the response to send; `None` means answer
/// normally now (after a [`Fault::Slow`] wait).
pub(crate) async fn apply(fault: &Fault) -> Option<Reply> {
    let resp = match fault {
        Fault::Slow(delay) => {
            tokio::time::sleep(*delay).await;
            return None;
        }
        Fault::Status(code) => body::text(body::status_or(*code, StatusCode::INTERNAL_SERVER_ERROR), "fault"),
        Fault::TooManyRequests { retry_after } => {
            let mut resp = body::text(StatusCode::TOO_MANY_REQUESTS, "fault");
            if let Some(value) = retry_after {
                body::set_header(&mut resp, RETRY_AFTER, value);
            }
            resp
        }
        Fault::ServiceUnavailableRetryAfter(value) => {
            let mut resp = body::text(StatusCode::SERVICE_UNAVAILABLE, "fault");
            body::set_header(&mut resp, RETRY_AFTER, value);
            resp
        }
        Fault::CloseMidBody => close_mid_body(),
        Fault::Oversized => oversized(),
        Fault::NonJson => body::reply(StatusCode::OK, "application/json", "<html>not json</html>"),
        Fault::ErrorIn200 => body::json(
            StatusCode::OK,
            &json!({"error": "invalid_request", "error_description": "provider puts errors in 200"}),
        ),
        Fault::Redirect(url) => {
            let mut resp = body::text(StatusCode::FOUND, "fault");
            body::set_header(&mut resp, LOCATION, url);
            resp
        }
        Fault::OAuthError { status, error, description, uri } => {
            let status = body::status_or(*status, StatusCode::BAD_REQUEST);
            let mut resp = body::oauth_error(status, error, description.as_deref(), uri.as_deref());
            if status == StatusCode::UNAUTHORIZED {
                body::set_header(&mut resp, WWW_AUTHENTICATE, "Basic realm=\"ooauthcc-test\"");
            }
            resp
        }
        Fault::EmptyBody => body::reply(StatusCode::OK, "application/json", Bytes::new()),
        Fault::InvalidUtf8 => body::reply(
            StatusCode::OK,
            "application/json",
            &b"{\"access_token\":\"\xff\xfe\",\"token_type\":\"Bearer\",\"expires_in\":3600}"[..],
        ),
        Fault::DeeplyNested => body::reply(StatusCode::OK, "application/json", vec![b'['; 100_000]),
        Fault::SlowBody(interval) => slow_body(*interval),
    };
    Some(resp)
}

/// A streamed 200 response whose body comes from `produce`.
fn streamed<F>(len: Option<u64>, produce: impl FnOnce(tokio::sync::mpsc::Sender<body::Chunk>) -> F) -> Reply
where
    F: Future<Output = ()> + Send + 'static,
{
    let (tx, stream) = ReplyBody::channel(len);
    tokio::spawn(produce(tx));
    let mut resp = body::reply(StatusCode::OK, "application/json", Bytes::new());
    *resp.body_mut() = stream;
    resp
}

/// 200 announcing 500 bytes, 20 bytes sent, then the connection aborted.
fn close_mid_body() -> Reply {
    streamed(Some(MID_BODY_ANNOUNCED), |tx| async move {
        if tx.send(Ok(Bytes::from_static(MID_BODY_START))).await.is_err() {
            return;
        }
        // Let the connection flush the first bytes before aborting it.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let abort = io::Error::new(io::ErrorKind::ConnectionAborted, "fault: close mid body");
        let _ = tx.send(Err(abort)).await;
    })
}

/// 200 with a 2 MiB JSON body, chunked.
fn oversized() -> Reply {
    streamed(None, |tx| async move {
        let head: &[u8] = b"{\"access_token\":\"";
        let tail: &[u8] = b"\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
        let mut fill = OVERSIZED_LEN - head.len() - tail.len();
        if tx.send(Ok(Bytes::from_static(head))).await.is_err() {
            return;
        }
        let chunk = Bytes::from(vec![b'a'; OVERSIZED_CHUNK]);
        while fill > 0 {
            let n = fill.min(OVERSIZED_CHUNK);
            if tx.send(Ok(chunk.slice(..n))).await.is_err() {
                return;
            }
            fill -= n;
        }
        let _ = tx.send(Ok(Bytes::from_static(tail))).await;
    })
}

/// 200 headers at once, then a token response one byte per `interval`.
fn slow_body(interval: Duration) -> Reply {
    let text = json!({"access_token": opaque_token(), "token_type": "Bearer", "expires_in": 3600}).to_string();
    let bytes = Bytes::from(text);
    streamed(Some(bytes.len() as u64), move |tx| async move {
        for i in 0..bytes.len() {
            tokio::time::sleep(interval).await;
            if tx.send(Ok(bytes.slice(i..=i))).await.is_err() {
                return;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mid_body_start_is_twenty_bytes() {
        assert_eq!(MID_BODY_START.len(), 20);
    }
}
