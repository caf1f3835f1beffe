//! The one error type of the library.
//!
//! Every failure carries an [`ErrorKind`] whose numeric [`ErrorKind::code`] is the
//! stable status code the C API returns and Python's `.status` shows. Messages name
//! the cause and never contain a secret or a token: they are built only from our own
//! text, HTTP statuses, and the OAuth error fields a server sent.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// What went wrong, as a stable category.
///
/// The numbers are part of the C ABI: never renumber, never reuse a retired one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[repr(u32)]
pub enum ErrorKind {
    /// A required pointer argument was NULL (C API only).
    NullArgument = 1,
    /// An argument was invalid: bad UTF-8, an unknown enum value, a malformed JSON
    /// document given to a parser.
    InvalidArgument = 2,
    /// A setting is invalid; the message names it.
    Config = 3,
    /// The token endpoint could not be reached or the connection failed
    /// (DNS, connect, TLS, reset).
    Transport = 10,
    /// The caller's deadline passed before a token was available.
    Timeout = 11,
    /// The server answered with an HTTP status that is not an OAuth error body
    /// (5xx, 429, a redirect, an unexpected 2xx).
    HttpStatus = 12,
    /// The server answered with an RFC 6749 §5.2 error (`invalid_client`, …).
    OAuth = 13,
    /// The server's answer could not be used as a token response.
    MalformedResponse = 14,
    /// A shared-store (Redis) operation failed. Reported in logs only: a
    /// fetch whose store fails goes ahead without it, so callers never see it.
    Store = 15,
    /// The API was used in a way it does not support (for example a blocking call
    /// from inside an async runtime).
    Usage = 21,
    /// A bug in this library (a caught panic). Please report it.
    Internal = 99,
}

impl ErrorKind {
    /// Every kind, in code order: bindings map codes with it, and their tests
    /// notice a new kind.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::NullArgument,
        ErrorKind::InvalidArgument,
        ErrorKind::Config,
        ErrorKind::Transport,
        ErrorKind::Timeout,
        ErrorKind::HttpStatus,
        ErrorKind::OAuth,
        ErrorKind::MalformedResponse,
        ErrorKind::Store,
        ErrorKind::Usage,
        ErrorKind::Internal,
    ];

    /// The kind whose [`ErrorKind::code`] is `code`.
    pub fn from_code(code: u32) -> Option<ErrorKind> {
        ErrorKind::ALL.iter().copied().find(|k| k.code() == code)
    }

    /// The stable numeric status code of this kind (the C `ooauthcc_status`).
    pub fn code(self) -> u32 {
        self as u32
    }

    /// A short lower-case name of the kind, e.g. `"oauth"`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::NullArgument => "null_argument",
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::Config => "config",
            ErrorKind::Transport => "transport",
            ErrorKind::Timeout => "timeout",
            ErrorKind::HttpStatus => "http_status",
            ErrorKind::OAuth => "oauth",
            ErrorKind::MalformedResponse => "malformed_response",
            ErrorKind::Store => "store",
            ErrorKind::Usage => "usage",
            ErrorKind::Internal => "internal",
        }
    }
}

/// The RFC 6749 §5.2 fields of an OAuth error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthErrorBody {
    /// The `error` code, e.g. `invalid_client`.
    pub error: String,
    /// The optional human-readable `error_description`.
    pub error_description: Option<String>,
    /// The optional `error_uri`.
    pub error_uri: Option<String>,
}

#[derive(Debug, Clone)]
struct Inner {
    kind: ErrorKind,
    message: String,
    http_status: Option<u16>,
    oauth: Option<OAuthErrorBody>,
    retry_after: Option<Duration>,
}

/// An error from ooauthcc. Cheap to clone: one failed fetch is handed to every
/// caller that waited for it.
#[derive(Clone)]
pub struct Error {
    inner: Arc<Inner>,
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error of `kind` with a message that names the cause.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Arc::new(Inner { kind, message: message.into(), http_status: None, oauth: None, retry_after: None }),
        }
    }

    pub(crate) fn config(setting: &str, problem: impl fmt::Display) -> Self {
        Error::new(ErrorKind::Config, format!("invalid setting `{setting}`: {problem}"))
    }

    pub(crate) fn with_http_status(mut self, status: u16) -> Self {
        Arc::make_mut(&mut self.inner).http_status = Some(status);
        self
    }

    pub(crate) fn with_oauth(mut self, body: OAuthErrorBody) -> Self {
        Arc::make_mut(&mut self.inner).oauth = Some(body);
        self
    }

    pub(crate) fn with_retry_after(mut self, after: Option<Duration>) -> Self {
        Arc::make_mut(&mut self.inner).retry_after = after;
        self
    }

    /// The category of this error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The stable numeric status code (same as the C API's).
    pub fn code(&self) -> u32 {
        self.inner.kind.code()
    }

    /// The message, naming the cause. Never contains a secret or a token.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The HTTP status the token endpoint answered with, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        self.inner.http_status
    }

    /// The RFC 6749 §5.2 error body, when the server sent one.
    pub fn oauth(&self) -> Option<&OAuthErrorBody> {
        self.inner.oauth.as_ref()
    }

    /// The OAuth `error` code (`invalid_client`, …), when the server sent one.
    pub fn oauth_error(&self) -> Option<&str> {
        self.inner.oauth.as_ref().map(|o| o.error.as_str())
    }

    /// How long the server asked us to wait (`Retry-After`), when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// Whether trying again later may succeed: outages (transport failures,
    /// timeouts, 5xx, 429, 408) are retryable; a rejected credential, a bad
    /// configuration or an unusable response are not.
    pub fn is_retryable(&self) -> bool {
        match self.inner.kind {
            ErrorKind::Transport | ErrorKind::Timeout => true,
            ErrorKind::HttpStatus => matches!(self.inner.http_status, Some(s) if s >= 500 || s == 429 || s == 408),
            // `temporarily_unavailable` is the one §5.2-style code that says "later".
            ErrorKind::OAuth => {
                self.oauth_error() == Some("temporarily_unavailable")
                    || matches!(self.inner.http_status, Some(s) if s >= 500 || s == 429)
            }
            _ => false,
        }
    }

    /// Whether this error says the client's credentials or registration were
    /// rejected — `invalid_client` or `unauthorized_client` (with any status),
    /// any 401, or a 403 without an OAuth body — the signal `auto`
    /// authentication falls back on. Never an outage (5xx, timeout, transport).
    pub fn is_client_rejected(&self) -> bool {
        match self.inner.kind {
            ErrorKind::OAuth => {
                matches!(self.oauth_error(), Some("invalid_client" | "unauthorized_client"))
                    || self.inner.http_status == Some(401)
            }
            // 401 or 403 without an OAuth body: a server that refuses a
            // client it cannot authenticate without saying more.
            ErrorKind::HttpStatus => matches!(self.inner.http_status, Some(401 | 403)),
            _ => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)?;
        if let Some(o) = &self.inner.oauth {
            write!(f, " (OAuth error `{}`", o.error)?;
            if let Some(d) = &o.error_description {
                write!(f, ": {d}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind).field("message", &self.inner.message);
        if let Some(s) = self.inner.http_status {
            d.field("http_status", &s);
        }
        if let Some(o) = &self.inner.oauth {
            d.field("oauth", o);
        }
        if let Some(r) = self.inner.retry_after {
            d.field("retry_after", &r);
        }
        d.finish()
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(ErrorKind::NullArgument.code(), 1);
        assert_eq!(ErrorKind::InvalidArgument.code(), 2);
        assert_eq!(ErrorKind::Config.code(), 3);
        assert_eq!(ErrorKind::Transport.code(), 10);
        assert_eq!(ErrorKind::Timeout.code(), 11);
        assert_eq!(ErrorKind::HttpStatus.code(), 12);
        assert_eq!(ErrorKind::OAuth.code(), 13);
        assert_eq!(ErrorKind::MalformedResponse.code(), 14);
        assert_eq!(ErrorKind::Store.code(), 15);
        assert_eq!(ErrorKind::Usage.code(), 21);
        assert_eq!(ErrorKind::Internal.code(), 99);
        for k in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_code(k.code()), Some(*k));
        }
        assert_eq!(ErrorKind::ALL.len(), 11, "a new kind must be added to ALL");
        assert_eq!(ErrorKind::from_code(0), None);
    }

    #[test]
    fn classification() {
        let e = Error::new(ErrorKind::HttpStatus, "x").with_http_status(503);
        assert!(e.is_retryable());
        let e = Error::new(ErrorKind::HttpStatus, "x").with_http_status(404);
        assert!(!e.is_retryable());
        let e = Error::new(ErrorKind::OAuth, "x").with_http_status(401).with_oauth(OAuthErrorBody {
            error: "invalid_client".into(),
            error_description: None,
            error_uri: None,
        });
        assert!(!e.is_retryable());
        assert!(e.is_client_rejected());
        assert!(Error::new(ErrorKind::Transport, "x").is_retryable());
        assert!(!Error::new(ErrorKind::Transport, "x").is_client_rejected());
    }

    #[test]
    fn builders_copy_when_shared() {
        let a = Error::new(ErrorKind::HttpStatus, "x");
        let b = a.clone().with_http_status(500);
        assert_eq!(a.http_status(), None);
        assert_eq!(b.http_status(), Some(500));
    }
}
