//! The response body type of the test server (whole or streamed from a task)
//! and helpers that build the common responses.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Response, StatusCode};
use tokio::sync::mpsc;

/// A chunk sent to a streamed body; an error aborts the connection.
pub(crate) type Chunk = Result<Bytes, io::Error>;

/// A response body: whole, or streamed chunk by chunk from another task.
#[derive(Debug)]
pub(crate) enum ReplyBody {
    /// The whole body (taken when sent).
    Full(Option<Bytes>),
    /// Chunks from a channel; `len` is announced as `Content-Length` when set.
    Stream {
        /// Where the chunks come from.
        rx: mpsc::Receiver<Chunk>,
        /// The announced length, if any (else chunked encoding).
        len: Option<u64>,
    },
}

impl ReplyBody {
    /// A whole body.
    pub(crate) fn full(bytes: impl Into<Bytes>) -> Self {
        Self::Full(Some(bytes.into()))
    }

    /// A streamed body and the sender that feeds it.
    pub(crate) fn channel(len: Option<u64>) -> (mpsc::Sender<Chunk>, Self) {
        let (tx, rx) = mpsc::channel(4);
        (tx, Self::Stream { rx, len })
    }
}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            Self::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Self::Stream { rx, .. } => rx.poll_recv(cx).map(|chunk| chunk.map(|c| c.map(Frame::data))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Self::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            Self::Full(None) => SizeHint::with_exact(0),
            Self::Stream { len: Some(n), .. } => SizeHint::with_exact(*n),
            Self::Stream { len: None, .. } => SizeHint::default(),
        }
    }
}

/// The response type of every handler.
pub(crate) type Reply = Response<ReplyBody>;

/// A response with this status, content type and body.
pub(crate) fn reply(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Reply {
    let mut resp = Response::new(ReplyBody::full(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// A JSON response that must not be cached (RFC 6749 §5.1).
pub(crate) fn json(status: StatusCode, value: &serde_json::Value) -> Reply {
    let mut resp = reply(status, "application/json", value.to_string());
    no_store(&mut resp);
    resp
}

/// A response with this status and an empty body (no `Content-Type`).
pub(crate) fn empty(status: StatusCode) -> Reply {
    let mut resp = Response::new(ReplyBody::full(Bytes::new()));
    *resp.status_mut() = status;
    resp
}

/// A small `text/plain` response.
pub(crate) fn text(status: StatusCode, body: &'static str) -> Reply {
    reply(status, "text/plain; charset=utf-8", body)
}

/// Marks a response as not cacheable.
pub(crate) fn no_store(resp: &mut Reply) {
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

/// Sets a header from a caller-given value; a value that cannot be a header
/// value is left out.
pub(crate) fn set_header(resp: &mut Reply, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(name, value);
    }
}

/// A status from a number, or `fallback` when it is not a valid status.
pub(crate) fn status_or(code: u16, fallback: StatusCode) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(fallback)
}

/// An RFC 6749 §5.2 error response.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: Option<&str>, uri: Option<&str>) -> Reply {
    let mut body = serde_json::Map::new();
    body.insert("error".into(), error.into());
    if let Some(d) = description {
        body.insert("error_description".into(), d.into());
    }
    if let Some(u) = uri {
        body.insert("error_uri".into(), u.into());
    }
    json(status, &serde_json::Value::Object(body))
}

/// The 401 `invalid_client` response; `basic` adds the `WWW-Authenticate`
/// challenge that RFC 6749 §5.2 requires when Basic was attempted.
pub(crate) fn invalid_client(basic: bool) -> Reply {
    invalid_client_because(basic, "client authentication failed")
}

/// The 401 `invalid_client` response to a client whose secret has expired.
pub(crate) fn expired_secret(basic: bool) -> Reply {
    invalid_client_because(basic, "the client secret has expired")
}

/// A 401 `invalid_client` response with this description (and the Basic
/// challenge when `basic`).
fn invalid_client_because(basic: bool, description: &str) -> Reply {
    let mut resp = oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", Some(description), None);
    if basic {
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"ooauthcc-test\""));
    }
    resp
}

/// A 400 `invalid_request` response with this description.
pub(crate) fn invalid_request(description: &str) -> Reply {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", Some(description), None)
}
