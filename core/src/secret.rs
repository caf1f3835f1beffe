//! Secrets held in memory: zeroized on drop, never printed, compared by fingerprint.

use std::fmt;

use once_cell::sync::Lazy;
use serde::{Deserialize, Deserializer};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// A client secret (or any credential string).
///
/// The bytes are wiped when the value is dropped; `Debug` and `Display` print
/// `"***"`. The only way to read it is [`Secret::expose`], which makes every
/// place that handles the plain text easy to find.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The plain text. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A one-way fingerprint used in cache keys, so a client with a wrong secret is
    /// never served a token a right secret obtained. It is salted with a random
    /// per-process value: it cannot be looked up or compared across processes.
    pub fn fingerprint(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(*PROCESS_SALT);
        h.update(self.0.as_bytes());
        h.finalize().into()
    }
}

static PROCESS_SALT: Lazy<[u8; 16]> = Lazy::new(|| {
    let mut salt = [0u8; 16];
    fastrand::fill(&mut salt);
    salt
});

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let s = Secret::new("hunter2-very-secret");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!format!("{s}").contains("hunter2"));
        assert_eq!(s.expose(), "hunter2-very-secret");
    }

    #[test]
    fn fingerprint_distinguishes() {
        assert_eq!(Secret::new("a").fingerprint(), Secret::new("a").fingerprint());
        assert_ne!(Secret::new("a").fingerprint(), Secret::new("b").fingerprint());
    }
}
