//! The settings schema: every setting of a client, declared once — name, Rust
//! type, default, kind (the rule in `rules.rs`), builder name and documentation.
//!
//! Everything else is derived from this list (`declare.rs`): the fields of
//! [`ClientConfig`], its `Default`, the `with_*` builders, [`ClientConfig::SCHEMA`]
//! (which the C and Python bindings and the docs iterate), [`ClientConfig::set`]
//! and the redacting `Debug`. Adding a setting here adds it to documents,
//! Python keyword arguments, `OOAUTHCC_*` variables and the README table; C
//! needs one setter (`ffi/src/config_*.rs`), which a test demands.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use super::declare::declare_settings;
use super::rules;
use super::{AuthMethod, BasicEncoding, ScopeDelimiter};
use crate::credentials::SecretProvider;
use crate::secret::Secret;

declare_settings! {
    /// The token endpoint, an absolute `https://` URL (`http://` only for
    /// loopback hosts unless [`ClientConfig::allow_insecure_http`]). Leave it
    /// empty and set `issuer` to discover it.
    token_url: String = String::new(), Text, with_token_url;
    /// The authorization server's issuer identifier: when set (and `token_url`
    /// is empty) the token endpoint is read from its RFC 8414 / OpenID Connect
    /// discovery document at the first fetch, whose `issuer` must match.
    issuer: Option<String> = None, Text, with_issuer;
    /// The client identifier (leave it empty with `registration_file`: the
    /// server issues one).
    client_id: String = String::new(), Text, with_client_id;
    /// The client secret (not needed with [`AuthMethod::None`] or
    /// [`AuthMethod::PrivateKeyJwt`]). Set at most one of `client_secret`,
    /// `client_secret_file`, `client_secret_env`, `client_secret_provider`.
    client_secret: Option<Secret> = None, SecretText, with_client_secret;
    /// A file holding the client secret, read at every fetch (so a rotated,
    /// re-mounted secret takes effect at the next token request). Trailing
    /// newlines are ignored.
    client_secret_file: Option<PathBuf> = None, Path, with_client_secret_file;
    /// An environment variable holding the client secret, read at every fetch.
    client_secret_env: Option<String> = None, Text, with_client_secret_env;
    /// A callback returning the client secret, called at every fetch (a Rust
    /// closure, a C function pointer, a Python callable; not part of documents).
    client_secret_provider: Option<SecretProvider> = None, Callback, with_client_secret_provider;
    /// The private key for `private_key_jwt`, PEM (PKCS#8; PKCS#1 RSA and SEC1
    /// EC accepted). Set at most one of `private_key`, `private_key_file`,
    /// `private_key_env`, `private_key_provider`.
    private_key: Option<Secret> = None, SecretText, with_private_key;
    /// A PEM file holding the private key, read at every fetch.
    private_key_file: Option<PathBuf> = None, Path, with_private_key_file;
    /// An environment variable holding the PEM private key, read at every fetch.
    private_key_env: Option<String> = None, Text, with_private_key_env;
    /// A callback returning the PEM private key, called at every fetch (not part of documents).
    private_key_provider: Option<SecretProvider> = None, Callback, with_private_key_provider;
    /// Dynamic client registration (RFC 7591): the file where the client id
    /// and secret the server issues are kept (created 0600). Read at the first
    /// fetch and reused; when it is missing, for another registration endpoint,
    /// or its secret has expired (`client_secret_expires_at`), the client
    /// registers and writes it, one process at a time (the file is locked).
    /// Leave `client_id` and the client secret unset.
    registration_file: Option<PathBuf> = None, Path, with_registration_file;
    /// The RFC 7591 registration endpoint (default, with `issuer`: the
    /// `registration_endpoint` of its metadata).
    registration_endpoint: Option<String> = None, Text, with_registration_endpoint;
    /// The initial access token the registration endpoint asks for, if any
    /// (RFC 7591 §3), sent as a bearer token with the registration request.
    initial_access_token: Option<Secret> = None, SecretText, with_initial_access_token;
    /// The JWS algorithm of client assertions (`client_secret_jwt`: HS256
    /// (default), HS384, HS512; `private_key_jwt`: RS256 (default), RS384,
    /// RS512, PS256, PS384, PS512, ES256, ES384, EdDSA).
    signing_alg: Option<String> = None, Text, with_signing_alg;
    /// The `kid` header of client assertions, when the server needs it to pick the key.
    key_id: Option<String> = None, Text, with_key_id;
    /// The `aud` claim of client assertions (default: the token endpoint URL;
    /// some servers want their issuer).
    assertion_audience: Option<String> = None, Text, with_assertion_audience;
    /// How long a client assertion is valid (default 60 s).
    assertion_lifetime: Duration = Duration::from_secs(60), Seconds, with_assertion_lifetime;
    /// Client certificate (PEM, leaf first) presented on the TLS connection to
    /// the token endpoint: mutual TLS (RFC 8705).
    client_cert: Option<String> = None, Pem, with_client_cert;
    /// A file holding `client_cert`, read when the client is built.
    client_cert_file: Option<PathBuf> = None, Path, with_client_cert_file;
    /// The private key of `client_cert` (PEM: PKCS#8, PKCS#1 or SEC1).
    client_key: Option<Secret> = None, SecretText, with_client_key;
    /// A file holding `client_key`, read when the client is built.
    client_key_file: Option<PathBuf> = None, Path, with_client_key_file;
    /// Extra trust anchors (PEM bundle) for a token endpoint under a private
    /// PKI, added to the system's.
    ca_bundle: Option<String> = None, Pem, with_ca_bundle;
    /// A file holding `ca_bundle`, read when the client is built.
    ca_bundle_file: Option<PathBuf> = None, Path, with_ca_bundle_file;
    /// Scopes to request; order does not matter for caching.
    scopes: Vec<String> = Vec::new(), WordList, with_scopes;
    /// How scopes are joined in the request (default: space, per RFC 6749).
    scope_delimiter: ScopeDelimiter = ScopeDelimiter::Space, Enum, with_scope_delimiter;
    /// The form parameter that carries the scopes (default `scope`).
    scope_param: String = "scope".into(), Text, with_scope_param;
    /// The `audience` parameter (Auth0, Okta and others).
    audience: Option<String> = None, Text, with_audience;
    /// RFC 8707 `resource` indicators, sent as repeated `resource` parameters.
    resources: Vec<String> = Vec::new(), List, with_resources;
    /// Extra form parameters sent with every token request.
    extra_params: BTreeMap<String, String> = BTreeMap::new(), Map, with_extra_params;
    /// Extra HTTP headers sent with every token request (for headers on the
    /// API requests, see `resource_headers`; a header meant for both goes in both).
    extra_headers: BTreeMap<String, String> = BTreeMap::new(), Map, with_extra_headers;
    /// Cookies sent with every token request (see `resource_cookies` for API requests).
    cookies: BTreeMap<String, String> = BTreeMap::new(), Map, with_cookies;
    /// The `grant_type` (default `client_credentials`).
    grant_type: String = "client_credentials".into(), Text, with_grant_type;
    /// How the client authenticates to the token endpoint.
    auth_method: AuthMethod = AuthMethod::Auto, Enum, with_auth_method;
    /// How `client_secret_basic` encodes the id and secret.
    basic_encoding: BasicEncoding = BasicEncoding::Rfc6749, Enum, with_basic_encoding;
    /// Where the token object sits in the response, as a dot-separated path of
    /// object keys (`"data"` for `{"data": {"access_token": …}}`). Empty: top level.
    token_path: String = String::new(), Text, with_token_path;
    /// Lifetime assumed when the response has no `expires_in` and the token is not
    /// a JWT with `exp` (default 300 s; never "forever").
    default_lifetime: Duration = Duration::from_secs(300), Seconds, with_default_lifetime;
    /// TCP (and TLS) connect timeout (default 10 s).
    connect_timeout: Duration = Duration::from_secs(10), Seconds, with_connect_timeout;
    /// Timeout of one whole token request, connect to last body byte (default 30 s).
    request_timeout: Duration = Duration::from_secs(30), Seconds, with_request_timeout;
    /// How long a caller waits for a token by default before giving up with a
    /// timeout error (default 30 s). The shared fetch goes on for other callers.
    get_timeout: Duration = Duration::from_secs(30), Seconds, with_get_timeout;
    /// A token counts as expired this long before its real expiry (default 60 s;
    /// capped at half the token's lifetime for short-lived tokens).
    refresh_skew: Duration = Duration::from_secs(60), Seconds, with_refresh_skew;
    /// Fraction of the usable lifetime after which a background refresh starts
    /// while the cached token is still served (default 0.8; 1.0 disables
    /// refresh-ahead).
    refresh_ahead: f64 = 0.8, Fraction, with_refresh_ahead;
    /// Random spread around `refresh_ahead`, so a fleet does not refresh in
    /// lock-step (default 0.05: refresh at 75–85 %).
    refresh_jitter: f64 = 0.05, Fraction, with_refresh_jitter;
    /// Retries of transient failures (connect errors, timeouts, 5xx, 429) within
    /// one fetch (default 3).
    max_retries: u32 = 3, Count, with_max_retries;
    /// First retry delay; doubled each retry, with full jitter (default 0.2 s).
    retry_base_delay: Duration = Duration::from_millis(200), Seconds, with_retry_base_delay;
    /// Cap of one retry delay, also of a server's `Retry-After` (default 10 s).
    retry_max_delay: Duration = Duration::from_secs(10), Seconds, with_retry_max_delay;
    /// Allow `http://` token endpoints on non-loopback hosts (default false).
    allow_insecure_http: bool = false, Bool, with_allow_insecure_http;
    /// The scheme word before the token in the header (default `Bearer`).
    token_prefix: String = "Bearer".into(), Text, with_token_prefix;
    /// The header that carries the token (default `Authorization`).
    header_name: String = "Authorization".into(), Text, with_header_name;
    /// The header's value as a pattern with one `{token}` placeholder, e.g.
    /// `Token {token}` or `{token}`; replaces `token_prefix` when set.
    /// Unset: `<token_prefix> {token}`.
    header_format: Option<String> = None, Text, with_header_format;
    /// HTTP headers put on every API request the library authorizes (not on
    /// token requests: see `extra_headers`).
    resource_headers: BTreeMap<String, String> = BTreeMap::new(), Map, with_resource_headers;
    /// Cookies put on every API request the library authorizes (not on token
    /// requests: see `cookies`).
    resource_cookies: BTreeMap<String, String> = BTreeMap::new(), Map, with_resource_cookies;
    /// How many times an API request the library authorizes is sent again,
    /// with a new token, when the API answers 401 (default 1; 0: never). The
    /// rejected token is invalidated first, so concurrent callers renew it once.
    unauthorized_retries: u32 = 1, Count, with_unauthorized_retries;
    /// Send the token as this query parameter instead of a header.
    query_param: Option<String> = None, Text, with_query_param;
    /// Hosts the token may be sent to (`api.example.com`, `*.example.com`).
    /// Empty: any host over https, and loopback hosts over http.
    allowed_hosts: Vec<String> = Vec::new(), List, with_allowed_hosts;
    /// Share tokens with other processes through this store: a directory of
    /// this machine (`file:///path/to/dir`, for the processes of one machine),
    /// or a Redis server (`redis://[:password@]host:port[/db]`,
    /// `redis+unix:///path.sock`, a Redis Cluster:
    /// `redis+cluster://[:password@]host:port,host:port`, or the master Sentinel
    /// names: `redis+sentinel://[:password@]host:port,…/service[/db]`;
    /// `rediss://`, `rediss+cluster://` and `rediss+sentinel://` over TLS):
    /// they then make one token request per renewal between them. Unset: tokens
    /// are cached in this process only. Needs the `store` (file) or `redis`
    /// cargo feature (the C library, the Python package and the CLI have both).
    /// See DESIGN.md, "Shared store".
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
    store_url: Option<Secret> = None, SecretText, with_store_url;
    /// How long the cross-process fetch lock is held without renewal: a holder
    /// that dies lets another process fetch after at most this long. Renewed
    /// while the fetch runs; must be shorter than `request_timeout` (default 5 s).
    store_lock_lease: Duration = Duration::from_secs(5), Seconds, with_store_lock_lease;
    /// Deadline of one store operation; a slower or unreachable store is skipped
    /// (with a warning and `Stats::store_errors`) and the token is fetched by
    /// this process alone (default 0.5 s).
    store_timeout: Duration = Duration::from_millis(500), Seconds, with_store_timeout;
    /// Trust anchors (PEM bundle file) for a TLS store (`rediss://…`) under a
    /// private PKI. They replace the system's for the store connection. Read
    /// when the client is built.
    store_ca_bundle_file: Option<PathBuf> = None, Path, with_store_ca_bundle_file;
    /// Client certificate (PEM file, leaf first) for a TLS store that asks for
    /// one (Redis's `tls-auth-clients yes`). Read when the client is built.
    store_client_cert_file: Option<PathBuf> = None, Path, with_store_client_cert_file;
    /// The private key (PEM file) of `store_client_cert_file`.
    store_client_key_file: Option<PathBuf> = None, Path, with_store_client_key_file;
}
