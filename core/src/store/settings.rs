//! The shared store's settings, resolved from the plain config below the
//! resolved `Settings` (which hold them): URL, TLS material, lease, timeout.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::tls::StoreTls;
use crate::config::ClientConfig;
use crate::error::{Error, Result};
use crate::secret::Secret;

/// A validated shared-store configuration.
#[derive(Clone)]
#[cfg_attr(not(feature = "store"), allow(dead_code))]
pub(crate) struct StoreSettings {
    /// May carry a password: kept like a secret.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub url: Secret,
    /// Which kind of store the URL names.
    pub backend: Backend,
    /// For a TLS store (`rediss://…`): private trust anchors, a client certificate.
    pub tls: Option<StoreTls>,
    /// Identifies the URL and TLS material in cache keys and the connection
    /// cache (salted hash).
    pub fingerprint: [u8; 32],
    pub lock_lease: Duration,
    pub timeout: Duration,
    /// What the token depends on, hashed into the store's key names and key
    /// (see `CacheKey::store_identity`).
    pub identity: Vec<u8>,
}

/// The kind of shared store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    /// A Redis server, cluster or Sentinel set (`redis://…` and friends).
    Redis,
    /// A directory of this machine (`file:///path/to/dir`).
    #[cfg_attr(not(feature = "store"), allow(dead_code))]
    File(PathBuf),
}

impl fmt::Debug for StoreSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreSettings")
            .field("url", &"***")
            .field("tls", &self.tls)
            .field("lock_lease", &self.lock_lease)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl StoreSettings {
    /// The store settings of `c`. `has_credential`: whether the client has a
    /// credential to seal shared values with; `identity`: what the token depends
    /// on (`CacheKey::store_identity`), hashed into key names and the sealing key.
    pub(crate) fn from_config(
        c: &ClientConfig,
        has_credential: bool,
        identity: Vec<u8>,
    ) -> Result<Option<StoreSettings>> {
        let Some(url) = &c.store_url else { return Ok(None) };
        if url.is_empty() {
            return Err(Error::config("store_url", "must not be empty (leave it unset to cache in this process only)"));
        }
        let backend = backend_of(url)?;
        let tls = StoreTls::from_config(c)?;
        if tls.is_some() && !uses_tls(url.expose()) {
            return Err(Error::config(
                "store_url",
                "must use TLS (rediss://…, rediss+cluster://… or rediss+sentinel://…) when the store's TLS files are set",
            ));
        }
        if !has_credential {
            return Err(Error::config(
                "store_url",
                "needs a client credential (client secret, private key or client certificate key): shared tokens are \
                 encrypted with a key derived from it",
            ));
        }
        if c.store_lock_lease < Duration::from_millis(100) || c.store_lock_lease >= c.request_timeout {
            return Err(Error::config(
                "store_lock_lease",
                format!(
                    "must be at least 0.1 s and shorter than request_timeout ({:?}), got {:?}",
                    c.request_timeout, c.store_lock_lease
                ),
            ));
        }
        if c.store_timeout < Duration::from_millis(1) {
            return Err(Error::config("store_timeout", "must be at least 1 ms"));
        }
        let fingerprint = match &tls {
            None => url.fingerprint(),
            Some(t) => {
                let (url, tls) = (url.expose(), t.identity());
                let mut both = String::with_capacity(url.len() + 1 + tls.expose().len());
                both.push_str(url);
                both.push('\n');
                both.push_str(tls.expose());
                Secret::new(both).fingerprint()
            }
        };
        Ok(Some(StoreSettings {
            fingerprint,
            url: url.clone(),
            backend,
            tls,
            lock_lease: c.store_lock_lease,
            timeout: c.store_timeout,
            identity,
        }))
    }
}

/// Whether `url` names a TLS store.
fn uses_tls(url: &str) -> bool {
    ["rediss://", "rediss+cluster://", "rediss+sentinel://"].iter().any(|scheme| url.starts_with(scheme))
}

/// The kind of store `url` names; the error never quotes the URL (a Redis
/// URL may hold a password).
fn backend_of(url: &Secret) -> Result<Backend> {
    if url.expose().starts_with("file:") {
        return file_backend(url.expose());
    }
    check_redis_url(url)?;
    Ok(Backend::Redis)
}

#[cfg(feature = "store")]
fn file_backend(url: &str) -> Result<Backend> {
    // Only the unambiguous spellings: `file:relative` parses as `file:///relative`.
    let spelled_absolute = url.starts_with("file:///") || url.starts_with("file://localhost/");
    let parsed = url::Url::parse(url).ok().filter(|_| spelled_absolute);
    match parsed.and_then(|u| u.to_file_path().ok()) {
        Some(dir) if dir.is_absolute() => Ok(Backend::File(dir)),
        _ => Err(Error::config("store_url", "is not a usable file URL: expected file:///absolute/path/to/a/directory")),
    }
}

#[cfg(not(feature = "store"))]
fn file_backend(_: &str) -> Result<Backend> {
    Err(Error::config("store_url", "needs the file store, which this build of ooauthcc lacks (cargo feature `store`)"))
}

#[cfg(feature = "redis")]
fn check_redis_url(url: &Secret) -> Result<()> {
    // Parsing only; the error never quotes the URL, which may hold a password.
    if super::redis_conn::is_valid_url(url.expose()) {
        return Ok(());
    }
    Err(Error::config(
        "store_url",
        "is not a file URL (file:///path/to/dir) or a Redis URL (redis://[:password@]host[:port][/db], rediss://… for TLS, \
         redis+unix:///path/to/socket, redis+cluster://[:password@]host:port,host:port for Redis Cluster \
         (rediss+cluster://… for TLS), or redis+sentinel://[:password@]host:port,host:port/service[/db] for \
         Sentinel (rediss+sentinel://… for TLS))",
    ))
}

#[cfg(not(feature = "redis"))]
fn check_redis_url(_: &Secret) -> Result<()> {
    Err(Error::config("store_url", "needs Redis support, which this build of ooauthcc lacks (cargo feature `redis`)"))
}
