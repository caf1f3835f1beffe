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
//!   `…:failed`, `…:lock` and the channel `…:ready` (the braces are a Redis
//!   Cluster hash tag, so all of them live on one shard);
//! - the *AEAD key*: AES-256-GCM, with a random 96-bit nonce per value and the
//!   Redis key as associated data, so a value moved to another key, edited, or
//!   written by someone without the credential fails to open.
//!
//! A rotated secret derives a new name: processes still on the old secret and
//! those on the new one keep separate tokens until all have rotated.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::hkdf::{HKDF_SHA256, KeyType, Salt};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};
use crate::settings::Settings;

/// Bumped when the value format or the derivation changes: processes on
/// different versions then use different names instead of rejecting each other.
const VERSION: &[u8] = b"ooauthcc store v1";
/// The prefix of every value, so a reader can tell our values from others.
const VALUE_PREFIX: &str = "ooauthcc1.";

/// The names and key of one client's shared token, for one credential.
pub(crate) struct Sealer {
    /// `<hex>`: the client's name in the store (file names of the file store).
    pub name: String,
    /// `ooauthcc:{<hex>}:token`.
    pub token_key: String,
    /// `ooauthcc:{<hex>}:failed`: the server's refusal, shared for a moment.
    pub failure_key: String,
    /// `ooauthcc:{<hex>}:lock`.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub lock_key: String,
    /// `ooauthcc:{<hex>}:ready`.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub channel: String,
    key: LessSafeKey,
}

struct Len(usize);

impl KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
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
            failure_key: format!("ooauthcc:{{{hex}}}:failed"),
            lock_key: format!("ooauthcc:{{{hex}}}:lock"),
            channel: format!("ooauthcc:{{{hex}}}:ready"),
            name: hex,
            key: LessSafeKey::new(key),
        })
    }

    /// `plain` sealed as a value for the Redis key `key` (the associated data:
    /// a value moved to another key does not open).
    pub(crate) fn seal(&self, key: &str, plain: &[u8]) -> Result<String> {
        // Encrypted in place: the plaintext is copied once, into this zeroizing buffer.
        let mut buf = Zeroizing::new(plain.to_vec());
        let mut nonce = [0u8; NONCE_LEN];
        os_random(&mut nonce)?;
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(key.as_bytes()), &mut *buf)
            .map_err(|_| Error::new(ErrorKind::Internal, "AES-GCM sealing failed"))?;
        let mut out = Vec::with_capacity(NONCE_LEN + buf.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&buf);
        Ok(format!("{VALUE_PREFIX}{}", URL_SAFE_NO_PAD.encode(out)))
    }

    /// The plaintext of `value` read at the Redis key `key`, if it opens under
    /// our key: `None` when it is not ours (wrong key, edited, truncated, moved,
    /// or not our format at all).
    pub(crate) fn open(&self, key: &str, value: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let text = std::str::from_utf8(value).ok()?;
        let raw = URL_SAFE_NO_PAD.decode(text.strip_prefix(VALUE_PREFIX)?).ok()?;
        if raw.len() < NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = raw.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut buf = Zeroizing::new(sealed.to_vec());
        let len = self.key.open_in_place(nonce, Aad::from(key.as_bytes()), &mut buf).ok()?.len();
        buf.truncate(len);
        Some(buf)
    }
}

/// Fills `buf` from the operating system's random number generator.
pub(crate) fn os_random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|_| Error::new(ErrorKind::Internal, "the system random number generator failed"))
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
