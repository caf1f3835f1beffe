//! The access token handed to callers: immutable, cheap to clone, never printed.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use crate::clock::{self, Nanos};
use crate::secret::Secret;

/// An access token with what the server said about it.
///
/// Cloning is one reference-count increment. `Debug` shows everything but the
/// token itself. Read the token with [`Token::access_token`].
#[derive(Clone)]
pub struct Token(pub(crate) Arc<TokenInner>);

pub(crate) struct TokenInner {
    pub(crate) access_token: Secret,
    pub(crate) token_type: String,
    pub(crate) expires_at: SystemTime,
    pub(crate) lifetime: Duration,
    pub(crate) scope: Option<String>,
    pub(crate) extra: Map<String, Value>,
    /// Coarse-clock instant from which a background refresh is due.
    pub(crate) stale_at: Nanos,
    /// Coarse-clock instant from which the token is no longer served.
    pub(crate) expire_at: Nanos,
}

impl Token {
    /// The access token. Do not log it.
    pub fn access_token(&self) -> &str {
        self.0.access_token.expose()
    }

    /// The token type, `Bearer` when the server said `bearer` in any case or
    /// said nothing; other types are kept as sent.
    pub fn token_type(&self) -> &str {
        &self.0.token_type
    }

    /// When the token expires, on the wall clock (the server's `expires_in`
    /// counted from when the request was sent).
    pub fn expires_at(&self) -> SystemTime {
        self.0.expires_at
    }

    /// Milliseconds since the Unix epoch of [`Token::expires_at`].
    pub fn expires_at_unix_ms(&self) -> i64 {
        match self.0.expires_at.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
        }
    }

    /// The lifetime the server granted (or the one assumed when it said nothing).
    pub fn lifetime(&self) -> Duration {
        self.0.lifetime
    }

    /// The granted scope, when the server sent one.
    pub fn scope(&self) -> Option<&str> {
        self.0.scope.as_deref()
    }

    /// Any other field of the token response (`id_token`, vendor fields, …).
    pub fn extra(&self, name: &str) -> Option<&Value> {
        self.0.extra.get(name)
    }

    /// All other fields of the token response.
    pub fn extra_fields(&self) -> &Map<String, Value> {
        &self.0.extra
    }

    /// Whether this token is past the point where the cache stops serving it
    /// (its expiry minus the refresh skew).
    pub fn is_expired(&self) -> bool {
        clock::now() >= self.0.expire_at
    }

    /// How long until this token turns stale, when the next caller starts a
    /// background refresh (zero once it is stale). Long-running holders such as
    /// the agent sleep this long before asking again, to keep a token fresh.
    pub fn refresh_due_in(&self) -> Duration {
        self.0.stale_at.saturating_duration_since(clock::now())
    }

    /// How long until the server's expiry (`expires_at`), zero once past it.
    pub fn valid_for(&self) -> Duration {
        self.0.expires_at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO)
    }

    /// How long this token is still served by the cache (zero once it is not).
    pub fn served_for(&self) -> Duration {
        self.0.expire_at.saturating_duration_since(clock::now())
    }

    /// Whether `self` and `other` are the same issued token.
    pub fn same_as(&self, other: &Token) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.access_token() == other.access_token()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &format_args!("<redacted, {} bytes>", self.0.access_token.expose().len()))
            .field("token_type", &self.0.token_type)
            .field("expires_at_unix_ms", &self.expires_at_unix_ms())
            .field("scope", &self.0.scope)
            .field("extra_fields", &self.0.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}
