//! Client configuration: one schema for Rust, JSON, TOML, the C API and Python.
//!
//! Field names here are the names everywhere: the JSON document given to the C
//! API, Python keyword arguments and TOML profiles all use them. Durations are
//! seconds (fractions allowed) in documents and [`Duration`] in Rust.
//! Unknown fields are rejected by name. [`ClientConfig::validate`] (called by
//! [`crate::Client::new`]) checks every setting and names the one that is wrong.

mod auth_method;
mod declare;
mod document;
mod into_setting;
mod profiles;
mod rules;
mod schema;
#[cfg(test)]
mod schema_tests;
pub(crate) mod secs;
mod setting;

use std::time::Duration;

pub use auth_method::{AuthMethod, BasicEncoding, ScopeDelimiter};
pub use into_setting::IntoSetting;
pub use profiles::Profiles;
pub use schema::ClientConfig;
pub use setting::{SettingInfo, SettingKind, SettingValue};

use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;

impl ClientConfig {
    /// A configuration for `client_id` with `client_secret` at `token_url`, all
    /// other settings at their defaults.
    pub fn new(token_url: impl Into<String>, client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        ClientConfig {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: Some(client_secret.into()),
            ..ClientConfig::default()
        }
    }

    /// A configuration that discovers the token endpoint from `issuer`'s metadata.
    pub fn discover(issuer: impl Into<String>, client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        ClientConfig {
            issuer: Some(issuer.into()),
            client_id: client_id.into(),
            client_secret: Some(client_secret.into()),
            ..ClientConfig::default()
        }
    }

    /// A configuration that registers itself (RFC 7591) at `registration_endpoint`
    /// at the first fetch, keeping the issued client id and secret in
    /// `registration_file` for later starts (see [`ClientConfig::registration_file`]).
    /// For an issuer whose metadata names the registration endpoint, start
    /// from [`ClientConfig::default`] and set `issuer` and `registration_file`.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), ooauthcc_core::Error> {
    /// use ooauthcc_core::{Client, ClientConfig};
    /// let client = Client::new(ClientConfig::registering(
    ///     "https://idp.example.com/oauth2/token",
    ///     "https://idp.example.com/oauth2/register",
    ///     "/var/lib/my-service/oauth-client.json",
    /// ))?;
    /// let token = client.get_token_blocking()?; // registers once, then reuses the file
    /// # drop(token);
    /// # Ok(())
    /// # }
    /// ```
    pub fn registering(
        token_url: impl Into<String>,
        registration_endpoint: impl Into<String>,
        registration_file: impl Into<std::path::PathBuf>,
    ) -> Self {
        ClientConfig {
            token_url: token_url.into(),
            registration_endpoint: Some(registration_endpoint.into()),
            registration_file: Some(registration_file.into()),
            ..ClientConfig::default()
        }
    }

    /// Adds one extra form parameter.
    pub fn with_extra_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_params.insert(name.into(), value.into());
        self
    }

    /// Adds one extra request header.
    pub fn with_extra_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.insert(name.into(), value.into());
        self
    }

    /// Adds one cookie to token requests.
    pub fn with_cookie(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.cookies.insert(name.into(), value.into());
        self
    }

    /// Parses a JSON document with these field names. Unknown fields are rejected.
    pub fn from_json(json: &str) -> Result<Self> {
        serde_json::from_str(json)
            .map_err(|e| Error::new(ErrorKind::Config, format!("invalid JSON configuration: {e}")))
    }

    /// Parses a TOML document with these field names. Unknown fields are rejected.
    pub fn from_toml(text: &str) -> Result<Self> {
        toml::from_str(text)
            .map_err(|e| Error::new(ErrorKind::Config, format!("invalid TOML configuration: {}", e.message())))
    }

    /// The schema entry of the setting called `name`.
    pub fn setting(name: &str) -> Option<&'static SettingInfo> {
        ClientConfig::SCHEMA.iter().find(|s| s.name == name)
    }

    /// Sets the setting called `name` from text, as an environment variable or
    /// a command-line flag writes it ([`SettingValue::parse_text`]).
    pub fn set_text(&mut self, name: &str, text: &str) -> Result<()> {
        let info = ClientConfig::setting(name)
            .ok_or_else(|| Error::new(ErrorKind::Config, format!("unknown setting `{name}`")))?;
        let value = SettingValue::parse_text(info.kind, text).map_err(|why| Error::config(name, why))?;
        self.set(name, value)
    }

    /// Sets every setting whose `OOAUTHCC_<NAME>` variable ([`SettingInfo::env_var`])
    /// `lookup` finds, each parsed by [`ClientConfig::set_text`]; the others keep
    /// their values. The error names the variable (never its value).
    pub fn set_from_env(&mut self, mut lookup: impl FnMut(&str) -> Option<String>) -> Result<()> {
        for info in ClientConfig::SCHEMA.iter().filter(|s| s.kind.in_documents()) {
            let var = info.env_var();
            if let Some(text) = lookup(&var) {
                self.set_text(info.name, &text).map_err(|e| {
                    Error::new(ErrorKind::Config, format!("environment variable {var}: {}", e.message()))
                })?;
            }
        }
        Ok(())
    }

    /// The rule every duration setting follows, for bindings that take seconds:
    /// a non-negative number of seconds, at most a year.
    pub fn duration_from_secs(setting: &str, secs: f64) -> Result<Duration> {
        secs::to_duration(secs).map_err(|why| Error::config(setting, why))
    }
}
