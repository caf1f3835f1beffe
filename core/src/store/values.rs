//! What the store holds, before sealing: a token with what the server said
//! about it, or — for a moment after the server refused — that refusal.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::clock::{self, Nanos};
use crate::error::{Error, ErrorKind, OAuthErrorBody, Result};
use crate::lifecycle;
use crate::secret::Secret;
use crate::settings::Settings;
use crate::token::{Token, TokenInner};

/// A token as stored.
#[derive(Serialize, Deserialize)]
struct StoredToken {
    /// The access token.
    t: String,
    /// `token_type`.
    y: String,
    /// When the request that obtained it was sent (Unix ms).
    i: u64,
    /// Lifetime from then (ms).
    l: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    s: Option<String>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    x: Map<String, Value>,
}

impl zeroize::Zeroize for StoredToken {
    fn zeroize(&mut self) {
        self.t.zeroize();
    }
}

/// Why a stored token was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rejected {
    /// Not ours: it did not open under our key, or is not a token.
    Forged,
    /// Authentic but already past its expiry for this client.
    Expired,
}

/// The plaintext of `token`, to be sealed (zeroized when dropped).
pub(crate) fn encode_token(token: &Token) -> Result<Zeroizing<Vec<u8>>> {
    let t = &token.0;
    let issued = t.expires_at.checked_sub(t.lifetime).unwrap_or(UNIX_EPOCH);
    let stored = Zeroizing::new(StoredToken {
        t: t.access_token.expose().to_owned(),
        y: t.token_type.clone(),
        i: unix_ms(issued),
        l: u64::try_from(t.lifetime.as_millis()).unwrap_or(u64::MAX),
        s: t.scope.clone(),
        x: t.extra.clone(),
    });
    serde_json::to_vec(&*stored)
        .map(Zeroizing::new)
        .map_err(|e| Error::new(ErrorKind::Internal, format!("encode token: {e}")))
}

/// The token in an opened value, rebuilt on this process's clock: its age is
/// the wall-clock time since it was requested, and its deadlines are cut as if
/// this process had sent the request then (with this process's own jitter).
pub(crate) fn decode_token(plain: Option<Zeroizing<Vec<u8>>>, s: &Settings) -> std::result::Result<Token, Rejected> {
    let plain = plain.ok_or(Rejected::Forged)?;
    let p = Zeroizing::new(serde_json::from_slice::<StoredToken>(&plain).map_err(|_| Rejected::Forged)?);
    let issued = UNIX_EPOCH + Duration::from_millis(p.i);
    let lifetime = Duration::from_millis(p.l);
    // A clock that disagrees by a little (a token "from the future") counts as new.
    let age = SystemTime::now().duration_since(issued).unwrap_or(Duration::ZERO);
    if age >= lifetime {
        return Err(Rejected::Expired);
    }
    let now = clock::now();
    let sent_at = Nanos(now.0.saturating_sub(u64::try_from(age.as_nanos()).unwrap_or(u64::MAX)));
    let d = lifecycle::deadlines(sent_at, lifetime, s);
    if now >= d.expire_at {
        return Err(Rejected::Expired);
    }
    Ok(Token(Arc::new(TokenInner {
        access_token: Secret::new(p.t.clone()),
        token_type: p.y.clone(),
        expires_at: issued + lifetime,
        lifetime,
        scope: p.s.clone(),
        extra: p.x.clone(),
        stale_at: d.stale_at,
        expire_at: d.expire_at,
    })))
}

/// A refusal as stored: enough to hand every process the same typed error.
#[derive(Serialize, Deserialize)]
struct StoredFailure {
    /// `ErrorKind` code.
    k: u32,
    m: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    h: Option<u16>,
    /// `error`, `error_description`, `error_uri`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    o: Option<(String, Option<String>, Option<String>)>,
    /// `Retry-After`, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    r: Option<u64>,
}

/// Whether other processes should take this failure as their own instead of
/// asking again: only what the server answered (a refusal, a status, an
/// unusable body). A connection failure may be this machine's alone.
pub(crate) fn is_shared_failure(e: &Error) -> bool {
    matches!(e.kind(), ErrorKind::OAuth | ErrorKind::HttpStatus | ErrorKind::MalformedResponse)
}

/// The plaintext of a failure, to be sealed.
pub(crate) fn encode_failure(e: &Error) -> Result<Vec<u8>> {
    let stored = StoredFailure {
        k: e.code(),
        m: e.message().to_owned(),
        h: e.http_status(),
        o: e.oauth().map(|o| (o.error.clone(), o.error_description.clone(), o.error_uri.clone())),
        r: e.retry_after().map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
    };
    serde_json::to_vec(&stored).map_err(|err| Error::new(ErrorKind::Internal, format!("encode failure: {err}")))
}

/// The failure in an opened value; `None` when it is not one we would share.
pub(crate) fn decode_failure(plain: &[u8]) -> Option<Error> {
    let f: StoredFailure = serde_json::from_slice(plain).ok()?;
    let kind = ErrorKind::from_code(f.k)?;
    let mut e = Error::new(kind, f.m);
    if let Some(h) = f.h {
        e = e.with_http_status(h);
    }
    if let Some((error, error_description, error_uri)) = f.o {
        e = e.with_oauth(OAuthErrorBody { error, error_description, error_uri });
    }
    let e = e.with_retry_after(f.r.map(Duration::from_millis));
    is_shared_failure(&e).then_some(e)
}

fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
