//! TLS material of the connection to a TLS store (`rediss://…`): trust anchors
//! for a private PKI and a client certificate for a server that asks for one.
//! Read and checked when the client is built, so a wrong path or a key that
//! does not parse is a configuration error, not a warning at the first fetch.

use std::fmt;
use std::path::PathBuf;

use crate::config::ClientConfig;
use crate::credentials::read_small_file;
use crate::error::{Error, Result};
use crate::secret::Secret;

/// PEM bytes as the Redis client takes them.
#[derive(Clone)]
#[cfg_attr(not(feature = "redis"), allow(dead_code))]
pub(crate) struct StoreTls {
    /// Replaces the system's trust anchors when set.
    pub ca_bundle: Option<Vec<u8>>,
    /// Certificate chain, and its private key (a secret).
    pub client: Option<(Vec<u8>, Secret)>,
}

impl fmt::Debug for StoreTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreTls")
            .field("ca_bundle", &self.ca_bundle.is_some())
            .field("client_certificate", &self.client.is_some())
            .finish()
    }
}

impl StoreTls {
    /// The store's TLS files of `c`, read and parsed; `None` when none is set.
    pub(crate) fn from_config(c: &ClientConfig) -> Result<Option<StoreTls>> {
        let read = |name: &str, path: &Option<PathBuf>| path.as_ref().map(|p| read_small_file(p, name)).transpose();
        let ca_bundle = read("store_ca_bundle_file", &c.store_ca_bundle_file)?;
        let cert = read("store_client_cert_file", &c.store_client_cert_file)?;
        let key = read("store_client_key_file", &c.store_client_key_file)?;
        if let Some(pem) = &ca_bundle {
            let roots = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|_| Error::config("store_ca_bundle_file", "is not a bundle of PEM certificates"))?;
            if roots.is_empty() {
                return Err(Error::config("store_ca_bundle_file", "holds no certificate"));
            }
        }
        let client = match (cert, key) {
            (None, None) => None,
            (Some(cert), Some(key)) => {
                let key = Secret::new(
                    String::from_utf8(key)
                        .map_err(|_| Error::config("store_client_key_file", "is not UTF-8 PEM text"))?,
                );
                // Sized up front: growing would leave copies of the key behind.
                let mut both = String::with_capacity(cert.len() + 1 + key.expose().len());
                both.push_str(&String::from_utf8_lossy(&cert));
                both.push('\n');
                both.push_str(key.expose());
                let both = Secret::new(both);
                reqwest::Identity::from_pem(both.expose().as_bytes()).map_err(|_| {
                    Error::config(
                        "store_client_cert_file",
                        "and store_client_key_file are not a PEM certificate chain and a matching PKCS#8, PKCS#1 or \
                         SEC1 private key",
                    )
                })?;
                Some((cert, key))
            }
            (Some(_), None) => {
                return Err(Error::config("store_client_key_file", "is required with store_client_cert_file"));
            }
            (None, Some(_)) => {
                return Err(Error::config("store_client_cert_file", "is required with store_client_key_file"));
            }
        };
        if ca_bundle.is_none() && client.is_none() {
            return Ok(None);
        }
        Ok(Some(StoreTls { ca_bundle, client }))
    }

    /// Everything the connection depends on, for the connection cache's key.
    pub(crate) fn identity(&self) -> Secret {
        let ca = self.ca_bundle.as_deref().unwrap_or_default();
        let (cert, key) = match &self.client {
            Some((cert, key)) => (&cert[..], key.expose()),
            None => (&[][..], ""),
        };
        let mut all = String::with_capacity(ca.len() + cert.len() + key.len() + 2);
        all.push_str(&String::from_utf8_lossy(ca));
        all.push('\n');
        all.push_str(&String::from_utf8_lossy(cert));
        all.push('\n');
        all.push_str(key);
        Secret::new(all)
    }
}
