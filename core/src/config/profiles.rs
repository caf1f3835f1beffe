//! Several named client configurations in one document, for processes that use
//! many credential sets.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::ClientConfig;
use crate::error::{Error, ErrorKind, Result};

/// Named [`ClientConfig`]s, read from a document like
///
/// ```toml
/// [profiles.billing]
/// token_url = "https://idp.example.com/token"
/// client_id = "billing"
/// client_secret = "…"
/// scopes = ["invoices.read"]
/// ```
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profiles {
    /// The configurations by name.
    pub profiles: BTreeMap<String, ClientConfig>,
}

impl Profiles {
    /// Parses a JSON document `{"profiles": {"name": {…}, …}}` and validates every profile.
    pub fn from_json(json: &str) -> Result<Self> {
        let p: Profiles = serde_json::from_str(json)
            .map_err(|e| Error::new(ErrorKind::Config, format!("invalid JSON profiles: {e}")))?;
        p.validated()
    }

    /// Parses a TOML document with `[profiles.<name>]` tables and validates every profile.
    pub fn from_toml(text: &str) -> Result<Self> {
        let p: Profiles = toml::from_str(text)
            .map_err(|e| Error::new(ErrorKind::Config, format!("invalid TOML profiles: {}", e.message())))?;
        p.validated()
    }

    /// Reads the document at `path` — TOML, or JSON when the name ends in
    /// `.json` — and validates every profile. A secret belongs in a file or an
    /// environment variable (`client_secret_file`, `client_secret_env`), not in
    /// the document.
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<Self> {
        Self::read_file(path.as_ref())?.validated()
    }

    /// [`Profiles::from_file`] without validating the profiles, for callers
    /// that complete them first (the CLI adds variables and flags).
    pub fn read_file(path: &std::path::Path) -> Result<Self> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::new(ErrorKind::Config, format!("cannot read the profiles file {shown}: {e}")))?;
        let parsed: std::result::Result<Profiles, String> = if path.extension().is_some_and(|x| x == "json") {
            serde_json::from_str(&text).map_err(|e| e.to_string())
        } else {
            toml::from_str(&text).map_err(|e| e.message().to_owned())
        };
        parsed.map_err(|why| Error::new(ErrorKind::Config, format!("profiles file {shown}: {why}")))
    }

    /// The names of the profiles, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }

    /// The profile called `name`.
    pub fn get(&self, name: &str) -> Result<&ClientConfig> {
        self.profiles.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
            Error::new(ErrorKind::Config, format!("no profile named {name:?} (known: {})", known.join(", ")))
        })
    }

    fn validated(self) -> Result<Self> {
        for (name, cfg) in &self.profiles {
            cfg.validate().map_err(|e| Error::new(ErrorKind::Config, format!("profile {name:?}: {}", e.message())))?;
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::config::{AuthMethod, ScopeDelimiter};

    #[test]
    fn json_and_toml_share_field_names() {
        let json = r#"{"token_url":"https://idp.example.com/t","client_id":"a","client_secret":"s3cr3t",
            "scopes":["x","y"],"scope_delimiter":",","auth_method":"client_secret_post",
            "request_timeout":2.5,"extra_params":{"tenant":"t1"},"resources":["https://api.example.com"]}"#;
        let from_json = ClientConfig::from_json(json).unwrap_or_default();
        let toml = r#"
            token_url = "https://idp.example.com/t"
            client_id = "a"
            client_secret = "s3cr3t"
            scopes = ["x", "y"]
            scope_delimiter = ","
            auth_method = "client_secret_post"
            request_timeout = 2.5
            resources = ["https://api.example.com"]
            [extra_params]
            tenant = "t1"
        "#;
        let from_toml = ClientConfig::from_toml(toml).unwrap_or_default();
        for c in [&from_json, &from_toml] {
            assert_eq!(c.client_id, "a");
            assert_eq!(c.auth_method, AuthMethod::ClientSecretPost);
            assert_eq!(c.scope_delimiter, ScopeDelimiter::Comma);
            assert_eq!(c.request_timeout, Duration::from_millis(2500));
            assert_eq!(c.extra_params.get("tenant").map(String::as_str), Some("t1"));
            assert_eq!(c.client_secret.as_ref().map(|s| s.expose()), Some("s3cr3t"));
            assert!(c.validate().is_ok());
        }
    }

    #[test]
    fn unknown_field_errors_list_the_schema() {
        // serde's unknown-field error lists every field a document may set.
        let e = ClientConfig::from_json(r#"{"no_such_field":1}"#).err().map(|e| e.to_string()).unwrap_or_default();
        let listed: Vec<&str> = e.split('`').skip(3).step_by(2).collect();
        let want: Vec<&str> = ClientConfig::SCHEMA.iter().filter(|s| s.kind.in_documents()).map(|s| s.name).collect();
        assert_eq!(listed, want, "{e}");
    }

    #[test]
    fn unknown_fields_are_named() {
        let e = ClientConfig::from_json(r#"{"client_idd":"a"}"#).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("client_idd"), "{e}");
        let e = ClientConfig::from_toml("scopez = []").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("scopez"), "{e}");
        let e = ClientConfig::from_json(r#"{"auth_method":"magic"}"#).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("auth_method") && e.contains("magic"), "{e}");
        let e = ClientConfig::from_json(r#"{"request_timeout":-1}"#).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("non-negative"), "{e}");
    }

    #[test]
    fn profiles_parse_validate_and_hide_secrets() {
        let toml = r#"
            [profiles.billing]
            token_url = "https://idp.example.com/token"
            client_id = "billing"
            client_secret = "billing-secret-xyz"
            [profiles.search]
            token_url = "https://idp.example.com/token"
            client_id = "search"
            client_secret = "search-secret-xyz"
            scopes = ["search.read"]
        "#;
        let p = Profiles::from_toml(toml).unwrap_or_default();
        assert_eq!(p.get("search").map(|c| c.scopes.clone()).unwrap_or_default(), vec!["search.read"]);
        let missing = p.get("nope").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(missing.contains("billing") && missing.contains("nope"), "{missing}");
        let dbg = format!("{p:?}");
        assert!(!dbg.contains("secret-xyz"), "{dbg}");

        let bad = r#"{"profiles":{"x":{"token_url":"https://i/t","client_id":""}}}"#;
        let e = Profiles::from_json(bad).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("\"x\"") && e.contains("client_id"), "{e}");
    }
}
