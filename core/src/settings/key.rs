//! The cache key: everything that changes which token a client gets, or how long
//! it is kept — and a fingerprint of the secret, so a wrong secret never shares a
//! right one's token.

use std::collections::BTreeMap;

use super::{Endpoint, Settings};
use crate::config::{AuthMethod, BasicEncoding};
use crate::credentials::{Source, SourceKey};

/// Two clients with equal keys share one cache entry, whichever language built them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct CacheKey {
    token_url: String,
    client_id: String,
    /// The secret's fingerprint, or where it is read from when it can rotate.
    secret: Option<SourceKey>,
    private_key: Option<SourceKey>,
    /// The client certificate and trust anchors: a certificate-bound token is
    /// only usable with its certificate.
    tls: Option<[u8; 32]>,
    /// Algorithm, `kid` and `aud` of client assertions.
    signing: Option<(String, Option<String>, Option<String>)>,
    auth_method: AuthMethod,
    basic_encoding: BasicEncoding,
    grant_type: String,
    scopes: Vec<String>,
    scope_param: String,
    scope_delimiter: char,
    audience: Option<String>,
    resources: Vec<String>,
    extra_params: BTreeMap<String, String>,
    /// Header names and values: a tenant header can change the token.
    extra_headers: Vec<(String, Vec<u8>)>,
    cookies: BTreeMap<String, String>,
    token_path: Vec<String>,
    /// The lifecycle settings change how long a token is served, so clients that
    /// disagree on them keep separate entries.
    lifecycle: [u64; 4],
    /// The shared store's URL: clients sharing tokens with other processes
    /// keep an entry apart from clients that do not.
    store: Option<[u8; 32]>,
    /// The registration file and endpoint (a registering client's credentials
    /// are whatever that file holds), and the initial access token's
    /// fingerprint: a client given the right one does not share the failure
    /// of one given a wrong one.
    registration: Option<(std::path::PathBuf, Option<String>, Option<SourceKey>)>,
}

impl CacheKey {
    pub(crate) fn new(s: &Settings) -> CacheKey {
        let mut headers: Vec<(String, Vec<u8>)> =
            s.extra_headers.iter().map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec())).collect();
        headers.sort();
        CacheKey {
            token_url: match &s.endpoint {
                Endpoint::Token(u) => format!("token {u}"),
                Endpoint::Issuer(u) => format!("issuer {u}"),
            },
            client_id: s.client_id.clone(),
            secret: s.client_secret.as_ref().map(Source::key),
            private_key: s.private_key.as_ref().map(Source::key),
            tls: s.tls.as_ref().map(|t| t.fingerprint),
            signing: s.signing.as_ref().map(|g| (format!("{:?}", g.alg), g.key_id.clone(), g.audience.clone())),
            auth_method: s.auth_method,
            basic_encoding: s.basic_encoding,
            grant_type: s.grant_type.clone(),
            scopes: s.scopes.clone(),
            scope_param: s.scope_param.clone(),
            scope_delimiter: s.scope_delimiter.as_char(),
            audience: s.audience.clone(),
            resources: s.resources.clone(),
            extra_params: s.extra_params.clone(),
            extra_headers: headers,
            cookies: s.cookies.clone(),
            token_path: s.token_path.clone(),
            lifecycle: [
                u64::try_from(s.refresh_skew.as_nanos()).unwrap_or(u64::MAX),
                u64::try_from(s.default_lifetime.as_nanos()).unwrap_or(u64::MAX),
                s.refresh_ahead.to_bits(),
                s.refresh_jitter.to_bits(),
            ],
            store: s.store.as_ref().map(|st| st.fingerprint),
            registration: s.registration.as_ref().map(|r| {
                let initial_token = r.initial_access_token.as_ref().map(|t| Source::Inline(t.clone()).key());
                (r.file.clone(), r.endpoint.as_ref().map(|u| u.to_string()), initial_token)
            }),
        }
    }

    /// What identifies the token in a store shared between processes: every
    /// field that changes which token the server issues, and nothing that is
    /// local to this process (where the credential is read from, salted
    /// fingerprints, lifecycle settings). The credential itself goes into the
    /// store's key derivation instead (see `store::sealed`). Processes of the
    /// same ooauthcc version derive the same bytes.
    pub(crate) fn store_identity(&self) -> Vec<u8> {
        let shared =
            CacheKey { secret: None, private_key: None, tls: None, lifecycle: [0; 4], store: None, ..self.clone() };
        format!("{shared:?}").into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClientConfig;

    fn key(c: ClientConfig) -> CacheKey {
        CacheKey::new(&Settings::from_config(&c).unwrap())
    }

    fn base() -> ClientConfig {
        ClientConfig::new("https://idp.example.com/token", "id", "secret")
    }

    #[test]
    fn same_settings_same_key_scope_order_ignored() {
        assert_eq!(key(base().with_scopes(["a", "b"])), key(base().with_scopes(["b", "a", "a"])));
        assert_eq!(key(base()), key(base().with_request_timeout(std::time::Duration::from_secs(3))));
    }

    #[test]
    fn everything_that_changes_the_token_changes_the_key() {
        let b = key(base());
        let variants = [
            ClientConfig::new("https://idp.example.com/token", "id", "other-secret"),
            ClientConfig::new("https://idp.example.com/token2", "id", "secret"),
            ClientConfig::new("https://idp.example.com/token", "id2", "secret"),
            base().with_scopes(["a"]),
            base().with_audience("x"),
            base().with_resources(["https://r.example.com"]),
            base().with_extra_param("tenant", "t"),
            base().with_extra_header("x-tenant", "t"),
            base().with_cookie("c", "v"),
            base().with_grant_type("urn:custom"),
            base().with_auth_method(AuthMethod::ClientSecretPost),
            base().with_basic_encoding(BasicEncoding::Rfc7617),
            base().with_token_path("data"),
            base().with_refresh_skew(std::time::Duration::from_secs(5)),
        ];
        for v in variants {
            assert_ne!(key(v.clone()), b, "{v:?}");
        }
    }
}
