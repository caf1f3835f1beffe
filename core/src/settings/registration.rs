//! Checking the dynamic-registration settings (`registration_file`,
//! `registration_endpoint`, `initial_access_token`) into
//! [`RegistrationSettings`].

use std::path::PathBuf;

use url::Url;

use crate::config::{AuthMethod, ClientConfig};
use crate::error::{Error, Result};
use crate::secret::Secret;

use super::check_url;

/// The registration settings of a client (`registration_file` and company).
#[derive(Clone, Debug)]
pub(crate) struct RegistrationSettings {
    pub file: PathBuf,
    /// `None`: the `registration_endpoint` of the issuer's metadata.
    pub endpoint: Option<Url>,
    pub initial_access_token: Option<Secret>,
    /// The `token_endpoint_auth_method` asked for.
    pub auth_method: &'static str,
}

/// `None` without `registration_file`; the error names the first wrong setting.
pub(crate) fn from_config(c: &ClientConfig) -> Result<Option<RegistrationSettings>> {
    let Some(file) = &c.registration_file else {
        for (name, set) in [
            ("registration_endpoint", c.registration_endpoint.is_some()),
            ("initial_access_token", c.initial_access_token.is_some()),
        ] {
            if set {
                return Err(Error::config(
                    name,
                    "needs registration_file (where the issued client id and secret are kept)",
                ));
            }
        }
        return Ok(None);
    };
    if file.as_os_str().is_empty() {
        return Err(Error::config("registration_file", "must not be empty"));
    }
    if !c.client_id.is_empty() {
        return Err(Error::config("client_id", "must be empty with registration_file: the server issues it"));
    }
    let secret_set = c.client_secret.is_some()
        || c.client_secret_file.is_some()
        || c.client_secret_env.is_some()
        || c.client_secret_provider.is_some();
    if secret_set {
        return Err(Error::config("client_secret", "must not be set with registration_file: the server issues it"));
    }
    let auth_method = match c.auth_method {
        AuthMethod::Auto | AuthMethod::ClientSecretBasic => "client_secret_basic",
        AuthMethod::ClientSecretPost => "client_secret_post",
        other => {
            return Err(Error::config(
                "auth_method",
                format!(
                    "`{other}` is not supported with registration_file (use auto, client_secret_basic or client_secret_post)"
                ),
            ));
        }
    };
    let endpoint = match (&c.registration_endpoint, &c.issuer) {
        (Some(raw), _) => Some(check_url("registration_endpoint", raw, c.allow_insecure_http)?),
        (None, Some(_)) => None,
        (None, None) => {
            return Err(Error::config(
                "registration_endpoint",
                "is required with registration_file unless issuer is set (its metadata names the endpoint)",
            ));
        }
    };
    if c.store_url.is_some() {
        return Err(Error::config(
            "store_url",
            "cannot be combined with registration_file yet: the store seals its records with the client secret, which only the first fetch's registration issues",
        ));
    }
    Ok(Some(RegistrationSettings {
        file: file.clone(),
        endpoint,
        initial_access_token: c.initial_access_token.clone().filter(|t| !t.is_empty()),
        auth_method,
    }))
}
