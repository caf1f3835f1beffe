//! Client configuration: one schema for Rust, JSON, TOML, the C API and Python.
//!
//! Field names here are the names everywhere: the JSON document given to the C
//! API, Python keyword arguments and TOML profiles all use them. Durations are
//! seconds (fractions allowed) in documents and [`Duration`] in Rust.
//! Unknown fields are rejected by name. [`ClientConfig::validate`] (called by
//! [`crate::Client::new`]) checks every setting and names the one that is wrong.

mod auth_method;
mod profiles;
pub(crate) mod secs;
mod validate;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

pub use auth_method::{AuthMethod, BasicEncoding, ScopeDelimiter};
pub use profiles::Profiles;
pub(crate) use validate::{Endpoint, Settings, check_url, is_loopback_host};

use crate::credentials::SecretProvider;
use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;

/// Everything that describes one OAuth client and how its tokens are fetched,
/// cached and applied. Start from [`ClientConfig::new`] and chain `with_*`
/// methods, or deserialize it from JSON/TOML.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ClientConfig {
    /// The token endpoint, an absolute `https://` URL (`http://` only for
    /// loopback hosts unless [`ClientConfig::allow_insecure_http`]). Leave it
    /// empty and set `issuer` to discover it.
    pub token_url: String,
    /// The authorization server's issuer identifier: when set (and `token_url`
    /// is empty) the token endpoint is read from its RFC 8414 / OpenID Connect
    /// discovery document at the first fetch, whose `issuer` must match.
    pub issuer: Option<String>,
    /// The client identifier.
    pub client_id: String,
    /// The client secret (not needed with [`AuthMethod::None`] or
    /// [`AuthMethod::PrivateKeyJwt`]). Set at most one of `client_secret`,
    /// `client_secret_file`, `client_secret_env`, `client_secret_provider`.
    pub client_secret: Option<Secret>,
    /// A file holding the client secret, read at every fetch (so a rotated,
    /// re-mounted secret takes effect at the next token request). Trailing
    /// newlines are ignored.
    pub client_secret_file: Option<PathBuf>,
    /// An environment variable holding the client secret, read at every fetch.
    pub client_secret_env: Option<String>,
    /// A callback returning the client secret, called at every fetch (Rust only;
    /// not part of documents).
    #[serde(skip)]
    pub client_secret_provider: Option<SecretProvider>,
    /// The private key for `private_key_jwt`, PEM (PKCS#8; PKCS#1 RSA and SEC1
    /// EC accepted). Set at most one of `private_key`, `private_key_file`,
    /// `private_key_env`, `private_key_provider`.
    pub private_key: Option<Secret>,
    /// A PEM file holding the private key, read at every fetch.
    pub private_key_file: Option<PathBuf>,
    /// An environment variable holding the PEM private key, read at every fetch.
    pub private_key_env: Option<String>,
    /// A callback returning the PEM private key, called at every fetch (Rust only).
    #[serde(skip)]
    pub private_key_provider: Option<SecretProvider>,
    /// The JWS algorithm of client assertions (`client_secret_jwt`: HS256
    /// (default), HS384, HS512; `private_key_jwt`: RS256 (default), RS384,
    /// RS512, PS256, PS384, PS512, ES256, ES384, EdDSA).
    pub signing_alg: Option<String>,
    /// The `kid` header of client assertions, when the server needs it to pick the key.
    pub key_id: Option<String>,
    /// The `aud` claim of client assertions (default: the token endpoint URL;
    /// some servers want their issuer).
    pub assertion_audience: Option<String>,
    /// How long a client assertion is valid (default 60 s).
    #[serde(deserialize_with = "secs::deserialize")]
    pub assertion_lifetime: Duration,
    /// Client certificate (PEM, leaf first) presented on the TLS connection to
    /// the token endpoint: mutual TLS (RFC 8705).
    pub client_cert: Option<String>,
    /// A file holding `client_cert`, read when the client is built.
    pub client_cert_file: Option<PathBuf>,
    /// The private key of `client_cert` (PEM: PKCS#8, PKCS#1 or SEC1).
    pub client_key: Option<Secret>,
    /// A file holding `client_key`, read when the client is built.
    pub client_key_file: Option<PathBuf>,
    /// Extra trust anchors (PEM bundle) for a token endpoint under a private
    /// PKI, added to the system's.
    pub ca_bundle: Option<String>,
    /// A file holding `ca_bundle`, read when the client is built.
    pub ca_bundle_file: Option<PathBuf>,
    /// Scopes to request; order does not matter for caching.
    pub scopes: Vec<String>,
    /// How scopes are joined in the request (default: space, per RFC 6749).
    pub scope_delimiter: ScopeDelimiter,
    /// The form parameter that carries the scopes (default `scope`).
    pub scope_param: String,
    /// The `audience` parameter (Auth0, Okta and others).
    pub audience: Option<String>,
    /// RFC 8707 `resource` indicators, sent as repeated `resource` parameters.
    pub resources: Vec<String>,
    /// Extra form parameters sent with every token request.
    pub extra_params: BTreeMap<String, String>,
    /// Extra HTTP headers sent with every token request.
    pub extra_headers: BTreeMap<String, String>,
    /// Cookies sent with every token request.
    pub cookies: BTreeMap<String, String>,
    /// The `grant_type` (default `client_credentials`).
    pub grant_type: String,
    /// How the client authenticates to the token endpoint.
    pub auth_method: AuthMethod,
    /// How `client_secret_basic` encodes the id and secret.
    pub basic_encoding: BasicEncoding,
    /// Where the token object sits in the response, as a dot-separated path of
    /// object keys (`"data"` for `{"data": {"access_token": …}}`). Empty: top level.
    pub token_path: String,
    /// Lifetime assumed when the response has no `expires_in` and the token is not
    /// a JWT with `exp` (default 300 s; never "forever").
    #[serde(deserialize_with = "secs::deserialize")]
    pub default_lifetime: Duration,
    /// TCP (and TLS) connect timeout (default 10 s).
    #[serde(deserialize_with = "secs::deserialize")]
    pub connect_timeout: Duration,
    /// Timeout of one whole token request, connect to last body byte (default 30 s).
    #[serde(deserialize_with = "secs::deserialize")]
    pub request_timeout: Duration,
    /// How long a caller waits for a token by default before giving up with a
    /// timeout error (default 30 s). The shared fetch goes on for other callers.
    #[serde(deserialize_with = "secs::deserialize")]
    pub get_timeout: Duration,
    /// A token counts as expired this long before its real expiry (default 60 s;
    /// capped at half the token's lifetime for short-lived tokens).
    #[serde(deserialize_with = "secs::deserialize")]
    pub refresh_skew: Duration,
    /// Fraction of the usable lifetime after which a background refresh starts
    /// while the cached token is still served (default 0.8; 1.0 disables
    /// refresh-ahead).
    pub refresh_ahead: f64,
    /// Random spread around `refresh_ahead`, so a fleet does not refresh in
    /// lock-step (default 0.05: refresh at 75–85 %).
    pub refresh_jitter: f64,
    /// Retries of transient failures (connect errors, timeouts, 5xx, 429) within
    /// one fetch (default 3).
    pub max_retries: u32,
    /// First retry delay; doubled each retry, with full jitter (default 0.2 s).
    #[serde(deserialize_with = "secs::deserialize")]
    pub retry_base_delay: Duration,
    /// Cap of one retry delay, also of a server's `Retry-After` (default 10 s).
    #[serde(deserialize_with = "secs::deserialize")]
    pub retry_max_delay: Duration,
    /// Allow `http://` token endpoints on non-loopback hosts (default false).
    pub allow_insecure_http: bool,
    /// The scheme word before the token in the header (default `Bearer`).
    pub token_prefix: String,
    /// The header that carries the token (default `Authorization`).
    pub header_name: String,
    /// Send the token as this query parameter instead of a header.
    pub query_param: Option<String>,
    /// Hosts the token may be sent to (`api.example.com`, `*.example.com`).
    /// Empty: any host over https, and loopback hosts over http.
    pub allowed_hosts: Vec<String>,
    /// Share tokens with other processes through this Redis server
    /// (`redis://[:password@]host:port[/db]`, `redis+unix:///path.sock`, a
    /// Redis Cluster: `redis+cluster://[:password@]host:port,host:port`, or the
    /// master Sentinel names: `redis+sentinel://[:password@]host:port,…/service[/db]`;
    /// `rediss://`, `rediss+cluster://` and `rediss+sentinel://` over TLS):
    /// a whole fleet then makes one token request per renewal. Unset: tokens
    /// are cached in this process only. Needs the `redis` cargo feature (the C
    /// library and the Python package have it). See DESIGN.md, "Shared store".
    pub store_url: Option<Secret>,
    /// How long the cross-process fetch lock is held without renewal: a holder
    /// that dies lets another process fetch after at most this long. Renewed
    /// while the fetch runs; must be shorter than `request_timeout` (default 5 s).
    #[serde(deserialize_with = "secs::deserialize")]
    pub store_lock_lease: Duration,
    /// Deadline of one store operation; a slower or unreachable store is skipped
    /// (with a warning and `Stats::store_errors`) and the token is fetched by
    /// this process alone (default 0.5 s).
    #[serde(deserialize_with = "secs::deserialize")]
    pub store_timeout: Duration,
    /// Trust anchors (PEM bundle file) for a TLS store (`rediss://…`) under a
    /// private PKI. They replace the system's for the store connection. Read
    /// when the client is built.
    pub store_ca_bundle_file: Option<PathBuf>,
    /// Client certificate (PEM file, leaf first) for a TLS store that asks for
    /// one (Redis's `tls-auth-clients yes`). Read when the client is built.
    pub store_client_cert_file: Option<PathBuf>,
    /// The private key (PEM file) of `store_client_cert_file`.
    pub store_client_key_file: Option<PathBuf>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            token_url: String::new(),
            issuer: None,
            client_id: String::new(),
            client_secret: None,
            client_secret_file: None,
            client_secret_env: None,
            client_secret_provider: None,
            private_key: None,
            private_key_file: None,
            private_key_env: None,
            private_key_provider: None,
            signing_alg: None,
            key_id: None,
            assertion_audience: None,
            assertion_lifetime: Duration::from_secs(60),
            client_cert: None,
            client_cert_file: None,
            client_key: None,
            client_key_file: None,
            ca_bundle: None,
            ca_bundle_file: None,
            scopes: Vec::new(),
            scope_delimiter: ScopeDelimiter::Space,
            scope_param: "scope".into(),
            audience: None,
            resources: Vec::new(),
            extra_params: BTreeMap::new(),
            extra_headers: BTreeMap::new(),
            cookies: BTreeMap::new(),
            grant_type: "client_credentials".into(),
            auth_method: AuthMethod::ClientSecretBasic,
            basic_encoding: BasicEncoding::Rfc6749,
            token_path: String::new(),
            default_lifetime: Duration::from_secs(300),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            get_timeout: Duration::from_secs(30),
            refresh_skew: Duration::from_secs(60),
            refresh_ahead: 0.8,
            refresh_jitter: 0.05,
            max_retries: 3,
            retry_base_delay: Duration::from_millis(200),
            retry_max_delay: Duration::from_secs(10),
            allow_insecure_http: false,
            token_prefix: "Bearer".into(),
            header_name: "Authorization".into(),
            query_param: None,
            allowed_hosts: Vec::new(),
            store_url: None,
            store_lock_lease: Duration::from_secs(5),
            store_timeout: Duration::from_millis(500),
            store_ca_bundle_file: None,
            store_client_cert_file: None,
            store_client_key_file: None,
        }
    }
}

macro_rules! with_setters {
    ($( $(#[$doc:meta])* $name:ident($field:ident: $ty:ty) => $conv:expr; )*) => {
        impl ClientConfig {
            $(
                $(#[$doc])*
                pub fn $name(mut self, $field: $ty) -> Self {
                    self.$field = $conv;
                    self
                }
            )*
        }
    };
}

with_setters! {
    /// Sets the scopes to request.
    with_scopes(scopes: impl IntoIterator<Item = impl Into<String>>) => scopes.into_iter().map(Into::into).collect();
    /// Sets the scope delimiter.
    with_scope_delimiter(scope_delimiter: ScopeDelimiter) => scope_delimiter;
    /// Sets the name of the scope parameter.
    with_scope_param(scope_param: impl Into<String>) => scope_param.into();
    /// Sets the `audience` parameter.
    with_audience(audience: impl Into<String>) => Some(audience.into());
    /// Sets the RFC 8707 resource indicators.
    with_resources(resources: impl IntoIterator<Item = impl Into<String>>) => resources.into_iter().map(Into::into).collect();
    /// Sets the grant type.
    with_grant_type(grant_type: impl Into<String>) => grant_type.into();
    /// Sets the client authentication method.
    with_auth_method(auth_method: AuthMethod) => auth_method;
    /// Reads the client secret from this file at every fetch (instead of `client_secret`).
    with_client_secret_file(client_secret_file: impl Into<PathBuf>) => Some(client_secret_file.into());
    /// Reads the client secret from this environment variable at every fetch.
    with_client_secret_env(client_secret_env: impl Into<String>) => Some(client_secret_env.into());
    /// Asks this callback for the client secret at every fetch.
    with_client_secret_provider(client_secret_provider: SecretProvider) => Some(client_secret_provider);
    /// Sets the PEM private key for `private_key_jwt`.
    with_private_key(private_key: impl Into<Secret>) => Some(private_key.into());
    /// Reads the PEM private key from this file at every fetch.
    with_private_key_file(private_key_file: impl Into<PathBuf>) => Some(private_key_file.into());
    /// Reads the PEM private key from this environment variable at every fetch.
    with_private_key_env(private_key_env: impl Into<String>) => Some(private_key_env.into());
    /// Asks this callback for the PEM private key at every fetch.
    with_private_key_provider(private_key_provider: SecretProvider) => Some(private_key_provider);
    /// Sets the JWS algorithm of client assertions.
    with_signing_alg(signing_alg: impl Into<String>) => Some(signing_alg.into());
    /// Sets the `kid` of client assertions.
    with_key_id(key_id: impl Into<String>) => Some(key_id.into());
    /// Sets the `aud` claim of client assertions.
    with_assertion_audience(assertion_audience: impl Into<String>) => Some(assertion_audience.into());
    /// Sets how long a client assertion is valid.
    with_assertion_lifetime(assertion_lifetime: Duration) => assertion_lifetime;
    /// Presents this certificate (PEM) on the TLS connection (mutual TLS).
    with_client_cert(client_cert: impl Into<String>) => Some(client_cert.into());
    /// Reads the client certificate from this PEM file.
    with_client_cert_file(client_cert_file: impl Into<PathBuf>) => Some(client_cert_file.into());
    /// Sets the client certificate's private key (PEM).
    with_client_key(client_key: impl Into<Secret>) => Some(client_key.into());
    /// Reads the client certificate's private key from this PEM file.
    with_client_key_file(client_key_file: impl Into<PathBuf>) => Some(client_key_file.into());
    /// Trusts these extra CA certificates (PEM bundle) for the token endpoint.
    with_ca_bundle(ca_bundle: impl Into<String>) => Some(ca_bundle.into());
    /// Trusts the extra CA certificates in this PEM file.
    with_ca_bundle_file(ca_bundle_file: impl Into<PathBuf>) => Some(ca_bundle_file.into());
    /// Sets how `client_secret_basic` encodes credentials.
    with_basic_encoding(basic_encoding: BasicEncoding) => basic_encoding;
    /// Sets where the token object sits in the response (dot-separated keys).
    with_token_path(token_path: impl Into<String>) => token_path.into();
    /// Sets the lifetime assumed when the server sends none.
    with_default_lifetime(default_lifetime: Duration) => default_lifetime;
    /// Sets the connect timeout.
    with_connect_timeout(connect_timeout: Duration) => connect_timeout;
    /// Sets the whole-request timeout.
    with_request_timeout(request_timeout: Duration) => request_timeout;
    /// Sets how long callers wait by default.
    with_get_timeout(get_timeout: Duration) => get_timeout;
    /// Sets the refresh skew.
    with_refresh_skew(refresh_skew: Duration) => refresh_skew;
    /// Sets the refresh-ahead fraction (1.0 disables refresh-ahead).
    with_refresh_ahead(refresh_ahead: f64) => refresh_ahead;
    /// Sets the jitter around the refresh-ahead fraction.
    with_refresh_jitter(refresh_jitter: f64) => refresh_jitter;
    /// Sets how many times a transient failure is retried within one fetch.
    with_max_retries(max_retries: u32) => max_retries;
    /// Sets the first retry delay.
    with_retry_base_delay(retry_base_delay: Duration) => retry_base_delay;
    /// Sets the cap of one retry delay.
    with_retry_max_delay(retry_max_delay: Duration) => retry_max_delay;
    /// Allows `http://` token endpoints on non-loopback hosts.
    with_allow_insecure_http(allow_insecure_http: bool) => allow_insecure_http;
    /// Sets the word before the token in the header.
    with_token_prefix(token_prefix: impl Into<String>) => token_prefix.into();
    /// Sets the header that carries the token.
    with_header_name(header_name: impl Into<String>) => header_name.into();
    /// Sends the token as this query parameter instead of a header.
    with_query_param(query_param: impl Into<String>) => Some(query_param.into());
    /// Sets the hosts the token may be sent to.
    with_allowed_hosts(allowed_hosts: impl IntoIterator<Item = impl Into<String>>) => allowed_hosts.into_iter().map(Into::into).collect();
    /// Shares tokens with other processes through this Redis server.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), ooauthcc_core::Error> {
    /// use ooauthcc_core::{Client, ClientConfig};
    /// // A TLS Redis under a private CA that asks for client certificates.
    /// let client = Client::new(
    ///     ClientConfig::new("https://idp.example.com/oauth2/token", "my-service", "the-secret")
    ///         .with_store_url("rediss://redis.internal:6380/0")
    ///         .with_store_ca_bundle_file("/etc/redis-tls/ca.pem")
    ///         .with_store_client_cert_file("/etc/redis-tls/client.pem")
    ///         .with_store_client_key_file("/etc/redis-tls/client.key"),
    /// )?;
    /// let token = client.get_token_blocking()?; // one request per renewal for the whole fleet
    /// # drop(token);
    /// # Ok(())
    /// # }
    /// ```
    with_store_url(store_url: impl Into<Secret>) => Some(store_url.into());
    /// Sets the lease of the cross-process fetch lock.
    with_store_lock_lease(store_lock_lease: Duration) => store_lock_lease;
    /// Sets the deadline of one store operation.
    with_store_timeout(store_timeout: Duration) => store_timeout;
    /// Trusts these certificates (PEM file) for a TLS store, instead of the system's.
    with_store_ca_bundle_file(store_ca_bundle_file: impl Into<PathBuf>) => Some(store_ca_bundle_file.into());
    /// Presents this client certificate (PEM file) to a TLS store.
    with_store_client_cert_file(store_client_cert_file: impl Into<PathBuf>) => Some(store_client_cert_file.into());
    /// The private key (PEM file) of the store's client certificate.
    with_store_client_key_file(store_client_key_file: impl Into<PathBuf>) => Some(store_client_key_file.into());
}

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

    /// The names of every field, as documents and bindings spell them.
    pub const FIELDS: &'static [&'static str] = &[
        "token_url",
        "issuer",
        "client_id",
        "client_secret",
        "client_secret_file",
        "client_secret_env",
        "private_key",
        "private_key_file",
        "private_key_env",
        "signing_alg",
        "key_id",
        "assertion_audience",
        "assertion_lifetime",
        "client_cert",
        "client_cert_file",
        "client_key",
        "client_key_file",
        "ca_bundle",
        "ca_bundle_file",
        "scopes",
        "scope_delimiter",
        "scope_param",
        "audience",
        "resources",
        "extra_params",
        "extra_headers",
        "cookies",
        "grant_type",
        "auth_method",
        "basic_encoding",
        "token_path",
        "default_lifetime",
        "connect_timeout",
        "request_timeout",
        "get_timeout",
        "refresh_skew",
        "refresh_ahead",
        "refresh_jitter",
        "max_retries",
        "retry_base_delay",
        "retry_max_delay",
        "allow_insecure_http",
        "token_prefix",
        "header_name",
        "query_param",
        "allowed_hosts",
        "store_url",
        "store_lock_lease",
        "store_timeout",
        "store_ca_bundle_file",
        "store_client_cert_file",
        "store_client_key_file",
    ];

    /// Fields that only the Rust API can set (callbacks): not in documents.
    pub const RUST_ONLY_FIELDS: &'static [&'static str] = &["client_secret_provider", "private_key_provider"];

    /// The rule every duration setting follows, for bindings that take seconds:
    /// a non-negative number of seconds, at most a year.
    pub fn duration_from_secs(setting: &str, secs: f64) -> Result<Duration> {
        secs::to_duration(secs).map_err(|why| Error::config(setting, why))
    }

    /// Checks every setting; the error names the first one that is wrong.
    pub fn validate(&self) -> Result<()> {
        Settings::from_config(self).map(|_| ())
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("token_url", &self.token_url)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .field("client_secret_file", &self.client_secret_file)
            .field("client_secret_env", &self.client_secret_env)
            .field("private_key", &self.private_key.as_ref().map(|_| "***"))
            .field("private_key_file", &self.private_key_file)
            .field("signing_alg", &self.signing_alg)
            .field("client_cert", &(self.client_cert.is_some() || self.client_cert_file.is_some()))
            .field("client_key", &self.client_key.as_ref().map(|_| "***"))
            .field("client_key_file", &self.client_key_file)
            .field("ca_bundle", &(self.ca_bundle.is_some() || self.ca_bundle_file.is_some()))
            .field("scopes", &self.scopes)
            .field("audience", &self.audience)
            .field("resources", &self.resources)
            .field("extra_params", &self.extra_params.keys().collect::<Vec<_>>())
            .field("extra_headers", &self.extra_headers.keys().collect::<Vec<_>>())
            .field("cookies", &self.cookies.keys().collect::<Vec<_>>())
            .field("grant_type", &self.grant_type)
            .field("auth_method", &self.auth_method)
            .field("store_url", &self.store_url.as_ref().map(|_| "***"))
            .field("store_ca_bundle_file", &self.store_ca_bundle_file)
            .field("store_client_cert_file", &self.store_client_cert_file)
            .field("store_client_key_file", &self.store_client_key_file)
            .finish_non_exhaustive()
    }
}
