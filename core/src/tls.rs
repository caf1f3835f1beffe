//! TLS settings of the connection to the token endpoint: a client certificate
//! for mutual TLS (RFC 8705: `tls_client_auth`, `self_signed_tls_client_auth`,
//! or certificate-bound tokens with any method) and extra trust anchors for a
//! private PKI. Read once, when the client is built.

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::ClientConfig;
use crate::credentials::read_small_file;
use crate::error::{Error, Result};
use crate::secret::Secret;

/// Parsed TLS material, shared by every request of the clients that use it.
pub(crate) struct Tls {
    pub identity: Option<reqwest::Identity>,
    pub roots: Vec<reqwest::Certificate>,
    /// Identifies the material in cache and connection-pool keys (salted hash).
    pub fingerprint: [u8; 32],
    /// Certificate chain and private key (PEM): a credential from which the
    /// shared store derives its key, like a client secret.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub identity_pem: Option<Secret>,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("client_certificate", &self.identity.is_some())
            .field("extra_roots", &self.roots.len())
            .finish()
    }
}

/// The TLS settings of `c`, or `None` when it has none.
pub(crate) fn from_config(c: &ClientConfig) -> Result<Option<Arc<Tls>>> {
    let cert = one_of("client_cert", c.client_cert.as_deref().map(str::as_bytes), &c.client_cert_file)?;
    let key = one_of("client_key", c.client_key.as_ref().map(|k| k.expose().as_bytes()), &c.client_key_file)?;
    let ca = one_of("ca_bundle", c.ca_bundle.as_deref().map(str::as_bytes), &c.ca_bundle_file)?;
    let identity_pem = match (cert, key) {
        (None, None) => None,
        (Some(cert), Some(key)) => {
            // reqwest reads the certificate chain and the key from one PEM buffer.
            let mut pem = cert;
            pem.push(b'\n');
            pem.extend_from_slice(&key);
            Some(Secret::new(
                String::from_utf8(pem).map_err(|_| Error::config("client_cert", "is not UTF-8 PEM text"))?,
            ))
        }
        (Some(_), None) => return Err(Error::config("client_key", "is required with client_cert")),
        (None, Some(_)) => return Err(Error::config("client_cert", "is required with client_key")),
    };
    if identity_pem.is_none() && ca.is_none() {
        return Ok(None);
    }
    let identity = match &identity_pem {
        Some(pem) => Some(reqwest::Identity::from_pem(pem.expose().as_bytes()).map_err(|_| {
            Error::config(
                "client_cert",
                "and client_key are not a PEM certificate chain and a matching PKCS#8, PKCS#1 or SEC1 private key",
            )
        })?),
        None => None,
    };
    let roots = match &ca {
        Some(pem) => reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|_| Error::config("ca_bundle", "is not a bundle of PEM certificates"))?,
        None => Vec::new(),
    };
    if ca.is_some() && roots.is_empty() {
        return Err(Error::config("ca_bundle", "holds no certificate"));
    }
    let mut all = identity_pem.as_ref().map(|s| s.expose().to_owned()).unwrap_or_default();
    all.push_str(&String::from_utf8_lossy(ca.as_deref().unwrap_or_default()));
    Ok(Some(Arc::new(Tls { identity, roots, fingerprint: Secret::new(all).fingerprint(), identity_pem })))
}

/// The inline value or the file's content of one setting; both at once is an error.
fn one_of(name: &str, inline: Option<&[u8]>, file: &Option<PathBuf>) -> Result<Option<Vec<u8>>> {
    match (inline, file) {
        (Some(_), Some(_)) => Err(Error::config(name, format!("and {name}_file are both set; set one"))),
        (Some(v), None) => Ok(Some(v.to_vec())),
        (None, Some(path)) => read_small_file(path, &format!("{name}_file")).map(Some),
        (None, None) => Ok(None),
    }
}
