//! Tokens as they sit in a shared store: encrypted and authenticated under a key
//! only holders of the client's credential can derive, filed under a name that
//! reveals nothing about the client.
//!
//! From the credential (client secret, private key and/or client TLS key, as
//! read for this fetch) HKDF-SHA256 derives two independent values, each bound
//! to the client's identity (token endpoint, client id, scopes, audience,
//! resources, … — everything that changes which token the server issues):
//!
//! - the *name*: 128 bits, hex, in the Redis keys `ooauthcc:{<name>}:token`,
//!   `…:lock` and the channel `…:ready` (the braces are a Redis Cluster hash tag,
//!   so all three live on one shard);
//! - the *AEAD key*: AES-256-GCM, with a random 96-bit nonce per value and the
//!   Redis key as associated data, so a value moved to another key, edited, or
//!   written by someone without the credential fails to open.
//!
//! A rotated secret derives a new name: processes still on the old secret and
//! those on the new one keep separate tokens until all have rotated.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::hkdf::{HKDF_SHA256, KeyType, Salt};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::clock::{self, Nanos};
use crate::config::Settings;
use crate::error::{Error, ErrorKind, Result};
use crate::lifecycle;
use crate::secret::Secret;
use crate::token::{Token, TokenInner};

/// Bumped when the value format or the derivation changes: processes on
/// different versions then use different names instead of rejecting each other.
const VERSION: &[u8] = b"ooauthcc store v1";
/// The prefix of every value, so a reader can tell our values from others.
const VALUE_PREFIX: &str = "ooauthcc1.";

/// The names and key of one client's shared token, for one credential.
pub(crate) struct Sealer {
    /// `ooauthcc:{<hex>}:token`.
    pub token_key: String,
    /// `ooauthcc:{<hex>}:lock`.
    pub lock_key: String,
    /// `ooauthcc:{<hex>}:ready`.
    pub channel: String,
    key: LessSafeKey,
}

struct Len(usize);

impl KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// What is encrypted: the token and what the server said about it.
#[derive(Serialize, Deserialize)]
struct Plain {
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

impl Sealer {
    /// Derives the names and key for `s` from its credential as it is now.
    /// `identity` is the client's store identity (`CacheKey::store_identity`).
    pub(crate) fn derive(s: &Settings, identity: &[u8]) -> Result<Sealer> {
        let ikm = credential_material(s)?;
        let prk = Salt::new(HKDF_SHA256, VERSION).extract(&ikm);
        let expand = |label: &[u8], out: &mut [u8]| -> Result<()> {
            prk.expand(&[label, identity], Len(out.len()))
                .and_then(|okm| okm.fill(out))
                .map_err(|_| Error::new(ErrorKind::Internal, "HKDF expansion failed"))
        };
        let mut name = [0u8; 16];
        expand(b"name", &mut name)?;
        let mut key = Zeroizing::new([0u8; 32]);
        expand(b"aead", key.as_mut())?;
        let key = UnboundKey::new(&AES_256_GCM, key.as_ref())
            .map_err(|_| Error::new(ErrorKind::Internal, "cannot build the AES-256-GCM key"))?;
        let hex: String = name.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Sealer {
            token_key: format!("ooauthcc:{{{hex}}}:token"),
            lock_key: format!("ooauthcc:{{{hex}}}:lock"),
            channel: format!("ooauthcc:{{{hex}}}:ready"),
            key: LessSafeKey::new(key),
        })
    }

    /// The value to store for `token`.
    pub(crate) fn seal(&self, token: &Token) -> Result<String> {
        let t = &token.0;
        let issued = t.expires_at.checked_sub(t.lifetime).unwrap_or(UNIX_EPOCH);
        let plain = Plain {
            t: t.access_token.expose().to_owned(),
            y: t.token_type.clone(),
            i: unix_ms(issued),
            l: u64::try_from(t.lifetime.as_millis()).unwrap_or(u64::MAX),
            s: t.scope.clone(),
            x: t.extra.clone(),
        };
        let plain = Zeroizing::new(plain);
        // Encrypted in place: the plaintext never leaves this (zeroized) buffer.
        let mut buf = Zeroizing::new(
            serde_json::to_vec(&*plain).map_err(|e| Error::new(ErrorKind::Internal, format!("encode token: {e}")))?,
        );
        let mut nonce = [0u8; NONCE_LEN];
        os_random(&mut nonce)?;
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(self.token_key.as_bytes()),
                &mut *buf,
            )
            .map_err(|_| Error::new(ErrorKind::Internal, "AES-GCM sealing failed"))?;
        let mut out = Vec::with_capacity(NONCE_LEN + buf.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&buf);
        Ok(format!("{VALUE_PREFIX}{}", URL_SAFE_NO_PAD.encode(out)))
    }

    /// The token in `value`, if it opens under our key and is still usable for
    /// `s`; `Err` says why not (for the log and the `store_rejected` count).
    pub(crate) fn open(&self, value: &[u8], s: &Settings) -> std::result::Result<Token, Rejected> {
        let text = std::str::from_utf8(value).map_err(|_| Rejected::Forged)?;
        let b64 = text.strip_prefix(VALUE_PREFIX).ok_or(Rejected::Forged)?;
        let raw = URL_SAFE_NO_PAD.decode(b64).map_err(|_| Rejected::Forged)?;
        if raw.len() < NONCE_LEN {
            return Err(Rejected::Forged);
        }
        let (nonce, sealed) = raw.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| Rejected::Forged)?;
        let mut buf = Zeroizing::new(sealed.to_vec());
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(self.token_key.as_bytes()), &mut buf)
            .map_err(|_| Rejected::Forged)?;
        let p: Plain = serde_json::from_slice(plain).map_err(|_| Rejected::Forged)?;
        let p = Zeroizing::new(p);
        into_token(&p, s).ok_or(Rejected::Expired)
    }
}

/// Why a stored value was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rejected {
    /// Not ours: wrong key, edited, truncated, or not our format at all.
    Forged,
    /// Authentic but already past its expiry for this client.
    Expired,
}

impl zeroize::Zeroize for Plain {
    fn zeroize(&mut self) {
        self.t.zeroize();
    }
}

/// Rebuilds a token on this process's clock: its age is the wall-clock time
/// since it was requested, and its deadlines are cut as if this process had
/// sent the request then (with this process's own jitter).
fn into_token(p: &Plain, s: &Settings) -> Option<Token> {
    let issued = UNIX_EPOCH + Duration::from_millis(p.i);
    let lifetime = Duration::from_millis(p.l);
    // A clock that disagrees by a little (a token "from the future") counts as new.
    let age = SystemTime::now().duration_since(issued).unwrap_or(Duration::ZERO);
    if age >= lifetime {
        return None;
    }
    let now = clock::now();
    let sent_at = Nanos(now.0.saturating_sub(u64::try_from(age.as_nanos()).unwrap_or(u64::MAX)));
    let d = lifecycle::deadlines(sent_at, lifetime, s);
    if now >= d.expire_at {
        return None;
    }
    Some(Token(std::sync::Arc::new(TokenInner {
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

/// Fills `buf` from the operating system's random number generator.
pub(crate) fn os_random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|_| Error::new(ErrorKind::Internal, "the system random number generator failed"))
}

fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The client's credentials as read for this fetch, each length-prefixed so
/// that no two different combinations give the same bytes.
fn credential_material(s: &Settings) -> Result<Zeroizing<Vec<u8>>> {
    let mut ikm = Zeroizing::new(Vec::new());
    let mut add = |label: u8, bytes: &[u8]| {
        ikm.push(label);
        ikm.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
        ikm.extend_from_slice(bytes);
    };
    if let Some(src) = &s.client_secret {
        add(1, src.load("client_secret")?.expose().as_bytes());
    }
    if let Some(src) = &s.private_key {
        add(2, src.load("private_key")?.expose().as_bytes());
    }
    if let Some(pem) = s.tls.as_ref().and_then(|t| t.identity_pem.as_ref()) {
        add(3, pem.expose().as_bytes());
    }
    if ikm.is_empty() {
        // Checked when the client is built (see `StoreSettings::from_config`).
        return Err(Error::config("store_url", "needs a client credential to protect shared tokens"));
    }
    Ok(ikm)
}
