//! Resolved settings: from a user's plain [`ClientConfig`] to checked,
//! normalised [`Settings`] — TLS material loaded, client-assertion keys parsed,
//! the store's settings resolved — and the cache key derived from them
//! ([`key`]). Everything above this layer reads `Settings`, never `ClientConfig`.

pub(crate) mod key;
mod registration;

pub(crate) use registration::RegistrationSettings;
pub(crate) mod resource;

use std::collections::BTreeMap;
use std::time::Duration;

use url::{Host, Url};

use crate::config::{AuthMethod, BasicEncoding, ClientConfig, ScopeDelimiter};
use crate::credentials::Source;
use crate::error::{Error, Result};
use crate::jwt;

/// A validated configuration. Everything the rest of the crate reads comes from
/// here, already checked: scopes sorted and deduplicated, names lower-cased.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    /// The token endpoint, or the issuer to discover it from.
    pub endpoint: Endpoint,
    pub client_id: String,
    /// Where the client secret comes from (absent for `none` and `private_key_jwt`).
    pub client_secret: Option<Source>,
    /// Where the private key comes from (`private_key_jwt` only).
    pub private_key: Option<Source>,
    /// How client assertions are signed (the JWT methods only).
    pub signing: Option<Signing>,
    /// Client certificate and extra trust anchors, when configured.
    pub tls: Option<std::sync::Arc<crate::tls::Tls>>,
    /// Sorted, without duplicates: scope order never changes the token.
    pub scopes: Vec<String>,
    pub scope_delimiter: ScopeDelimiter,
    pub scope_param: String,
    pub audience: Option<String>,
    /// Sorted, without duplicates.
    pub resources: Vec<String>,
    pub extra_params: BTreeMap<String, String>,
    pub extra_headers: Vec<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>,
    pub cookies: BTreeMap<String, String>,
    pub grant_type: String,
    pub auth_method: AuthMethod,
    pub basic_encoding: BasicEncoding,
    /// Keys to walk into the response body before reading the token fields.
    pub token_path: Vec<String>,
    pub default_lifetime: Duration,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub get_timeout: Duration,
    pub refresh_skew: Duration,
    pub refresh_ahead: f64,
    pub refresh_jitter: f64,
    pub max_retries: u32,
    pub retry_base_delay: Duration,
    pub retry_max_delay: Duration,
    /// As configured (validated as a header name; HTTP compares names case-insensitively).
    pub header_name: String,
    pub query_param: Option<String>,
    /// Lower-cased; `*.example.com` entries match subdomains.
    pub allowed_hosts: Vec<String>,
    pub allow_insecure_http: bool,
    /// How API requests carry the token, and what goes with it.
    pub resource: resource::ResourceSettings,
    /// The shared token store, when `store_url` is set.
    pub store: Option<std::sync::Arc<crate::store::StoreSettings>>,
    /// Dynamic client registration, when `registration_file` is set: then
    /// `client_id` is empty and the credentials come from the registration.
    pub registration: Option<std::sync::Arc<RegistrationSettings>>,
}

/// Parameters the library sets itself; an extra parameter may not replace them.
const RESERVED_PARAMS: &[&str] =
    &["grant_type", "client_id", "client_secret", "client_assertion", "client_assertion_type"];

/// Headers the library sets itself; an extra header may not replace them.
const RESERVED_HEADERS: &[&str] =
    &["authorization", "content-type", "content-length", "host", "transfer-encoding", "cookie"];

impl ClientConfig {
    /// Checks every setting; the error names the first one that is wrong.
    ///
    /// (Written here, not in `config`, because checking means resolving: the
    /// plain settings below know nothing of TLS, keys or stores.)
    pub fn validate(&self) -> Result<()> {
        Settings::from_config(self).map(|_| ())
    }
}

impl Settings {
    pub(crate) fn from_config(c: &ClientConfig) -> Result<Settings> {
        let endpoint = match (c.token_url.is_empty(), &c.issuer) {
            (false, None) => Endpoint::Token(check_url("token_url", &c.token_url, c.allow_insecure_http)?),
            (true, Some(issuer)) => Endpoint::Issuer(check_url("issuer", issuer, c.allow_insecure_http)?),
            (false, Some(_)) => {
                return Err(Error::config(
                    "issuer",
                    "set token_url or issuer (to discover the token endpoint), not both",
                ));
            }
            (true, None) => return Err(Error::config("token_url", "must not be empty (or set issuer for discovery)")),
        };
        let registration = registration::from_config(c)?;
        if c.client_id.is_empty() && registration.is_none() {
            return Err(Error::config("client_id", "must not be empty (or set registration_file to register one)"));
        }
        if c.client_id.chars().any(char::is_control) {
            return Err(Error::config("client_id", "must not contain control characters"));
        }
        // A registering client's id and secret come from the registration.
        let (client_secret, private_key, signing) =
            if registration.is_some() { (None, None, None) } else { check_credentials(c)? };
        let tls = crate::tls::from_config(c)?;
        if matches!(c.auth_method, AuthMethod::TlsClientAuth | AuthMethod::SelfSignedTlsClientAuth)
            && tls.as_ref().is_none_or(|t| t.identity.is_none())
        {
            return Err(Error::config(
                "client_cert",
                format!("and client_key are required with auth_method `{}`", c.auth_method),
            ));
        }
        let scope_param = non_empty("scope_param", &c.scope_param)?;
        let scopes = sorted_unique(&c.scopes);
        for s in &scopes {
            if s.is_empty()
                || s.chars().any(|ch| ch.is_whitespace() || ch.is_control() || ch == c.scope_delimiter.as_char())
            {
                return Err(Error::config(
                    "scopes",
                    format!("scope {s:?} is empty or contains whitespace or the delimiter"),
                ));
            }
        }
        let resources = sorted_unique(&c.resources);
        for r in &resources {
            if Url::parse(r).is_err() {
                return Err(Error::config("resources", format!("{r:?} is not an absolute URI (RFC 8707 §2)")));
            }
        }
        for name in c.extra_params.keys() {
            if name.is_empty() || RESERVED_PARAMS.contains(&name.as_str()) || *name == scope_param {
                return Err(Error::config(
                    "extra_params",
                    format!("parameter {name:?} is empty or set by the library itself"),
                ));
            }
        }
        let extra_headers = check_headers("extra_headers", &c.extra_headers, |name| RESERVED_HEADERS.contains(&name))?;
        check_cookies("cookies", &c.cookies)?;
        let token_path = if c.token_path.is_empty() {
            Vec::new()
        } else {
            let parts: Vec<String> = c.token_path.split('.').map(str::to_owned).collect();
            if parts.iter().any(String::is_empty) {
                return Err(Error::config("token_path", "has an empty segment"));
            }
            parts
        };
        positive("default_lifetime", c.default_lifetime, Duration::from_secs(1))?;
        positive("connect_timeout", c.connect_timeout, Duration::from_millis(1))?;
        positive("request_timeout", c.request_timeout, Duration::from_millis(1))?;
        positive("get_timeout", c.get_timeout, Duration::from_millis(1))?;
        if !(c.refresh_ahead > 0.0 && c.refresh_ahead <= 1.0) {
            return Err(Error::config("refresh_ahead", format!("must be in (0, 1], got {}", c.refresh_ahead)));
        }
        if !(0.0..0.5).contains(&c.refresh_jitter) || c.refresh_ahead - c.refresh_jitter <= 0.0 {
            return Err(Error::config(
                "refresh_jitter",
                format!("must be in [0, 0.5) and below refresh_ahead, got {}", c.refresh_jitter),
            ));
        }
        if c.retry_base_delay > c.retry_max_delay {
            return Err(Error::config("retry_base_delay", "must not exceed retry_max_delay"));
        }
        if c.token_prefix.chars().any(|ch| ch.is_whitespace() || ch.is_control()) {
            return Err(Error::config("token_prefix", "must not contain whitespace or control characters"));
        }
        reqwest::header::HeaderName::from_bytes(c.header_name.as_bytes()).map_err(|_| {
            Error::config("header_name", format!("{:?} is not a valid HTTP header name", c.header_name))
        })?;
        if let Some(q) = &c.query_param {
            non_empty("query_param", q)?;
        }
        let mut allowed_hosts = Vec::with_capacity(c.allowed_hosts.len());
        for h in &c.allowed_hosts {
            let h = h.trim().to_ascii_lowercase();
            let bare = h.strip_prefix("*.").unwrap_or(&h);
            if bare.is_empty() || bare.contains(['/', ':', '*', ' ']) {
                return Err(Error::config(
                    "allowed_hosts",
                    format!("{h:?} is not a host name (use `api.example.com` or `*.example.com`)"),
                ));
            }
            allowed_hosts.push(h);
        }
        let mut settings = Settings {
            endpoint,
            client_id: c.client_id.clone(),
            client_secret,
            private_key,
            signing,
            tls,
            scopes,
            scope_delimiter: c.scope_delimiter,
            scope_param,
            audience: c.audience.clone().filter(|a| !a.is_empty()),
            resources,
            extra_params: c.extra_params.clone(),
            extra_headers,
            cookies: c.cookies.clone(),
            grant_type: non_empty("grant_type", &c.grant_type)?,
            auth_method: c.auth_method,
            basic_encoding: c.basic_encoding,
            token_path,
            default_lifetime: c.default_lifetime,
            connect_timeout: c.connect_timeout,
            request_timeout: c.request_timeout,
            get_timeout: c.get_timeout,
            refresh_skew: c.refresh_skew,
            refresh_ahead: c.refresh_ahead,
            refresh_jitter: c.refresh_jitter,
            max_retries: c.max_retries.min(20),
            retry_base_delay: c.retry_base_delay,
            retry_max_delay: c.retry_max_delay,
            header_name: c.header_name.clone(),
            query_param: c.query_param.clone(),
            allowed_hosts,
            allow_insecure_http: c.allow_insecure_http,
            resource: resource::ResourceSettings::from_config(c)?,
            store: None,
            registration: registration.map(std::sync::Arc::new),
        };
        // Last: the store's identity is derived from every other setting.
        let has_credential = settings.client_secret.is_some()
            || settings.private_key.is_some()
            || settings.tls.as_ref().is_some_and(|t| t.identity_pem.is_some());
        let identity = key::CacheKey::new(&settings).store_identity();
        settings.store =
            crate::store::StoreSettings::from_config(c, has_credential, identity)?.map(std::sync::Arc::new);
        Ok(settings)
    }
}

/// How client assertions are signed.
#[derive(Clone, Debug)]
pub(crate) struct Signing {
    pub alg: jsonwebtoken::Algorithm,
    pub key_id: Option<String>,
    /// `None`: the token endpoint URL.
    pub audience: Option<String>,
    pub lifetime: Duration,
}

type Credentials = (Option<Source>, Option<Source>, Option<Signing>);

/// The credential sources the method needs, exactly one source each, and the
/// signing settings of the JWT methods. Inline private keys are parsed now, so a
/// bad key fails at build time rather than at the first fetch.
fn check_credentials(c: &ClientConfig) -> Result<Credentials> {
    let secret = Source::choose(
        "client_secret",
        &c.client_secret,
        &c.client_secret_file,
        &c.client_secret_env,
        &c.client_secret_provider,
    )?;
    let key = Source::choose(
        "private_key",
        &c.private_key,
        &c.private_key_file,
        &c.private_key_env,
        &c.private_key_provider,
    )?;
    if let Some(Source::Inline(s)) = &secret
        && s.is_empty()
    {
        return Err(Error::config("client_secret", "must not be empty"));
    }
    let m = c.auth_method;
    match m {
        AuthMethod::None | AuthMethod::TlsClientAuth | AuthMethod::SelfSignedTlsClientAuth => {
            return Ok((None, None, None));
        }
        AuthMethod::PrivateKeyJwt if key.is_none() => {
            return Err(Error::config(
                "private_key",
                "is required with auth_method `private_key_jwt` (or private_key_file, private_key_env, private_key_provider)",
            ));
        }
        AuthMethod::PrivateKeyJwt => {}
        _ if secret.is_none() => {
            return Err(Error::config(
                "client_secret",
                format!(
                    "is required with auth_method `{m}` (or client_secret_file, client_secret_env, client_secret_provider)"
                ),
            ));
        }
        _ => {}
    }
    if !matches!(m, AuthMethod::ClientSecretJwt | AuthMethod::PrivateKeyJwt) {
        return Ok((secret, None, None));
    }
    let alg = jwt::algorithm(m, c.signing_alg.as_deref())?;
    if let (AuthMethod::PrivateKeyJwt, Some(Source::Inline(pem))) = (m, &key) {
        jwt::encoding_key(alg, pem)?;
    }
    positive("assertion_lifetime", c.assertion_lifetime, Duration::from_secs(1))?;
    let signing = Signing {
        alg,
        key_id: c.key_id.clone().filter(|k| !k.is_empty()),
        audience: c.assertion_audience.clone().filter(|a| !a.is_empty()),
        lifetime: c.assertion_lifetime,
    };
    let secret = if m == AuthMethod::ClientSecretJwt { secret } else { None };
    Ok((secret, key, Some(signing)))
}

/// Whether `host` is a loopback name or address, where plain http is acceptable.
pub(crate) fn is_loopback_host(host: Option<Host<&str>>) -> bool {
    match host {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Where tokens come from: a configured endpoint, or one discovered from the
/// issuer's metadata (RFC 8414 / OpenID Connect Discovery) at the first fetch.
#[derive(Clone, Debug)]
pub(crate) enum Endpoint {
    Token(Url),
    Issuer(Url),
}

impl Endpoint {
    /// The configured URL, token endpoint or issuer.
    pub(crate) fn configured(&self) -> &Url {
        match self {
            Endpoint::Token(u) | Endpoint::Issuer(u) => u,
        }
    }
}

/// Checks an endpoint URL: absolute, https (http only to loopback hosts or with
/// the opt-in), no credentials, no fragment.
pub(crate) fn check_url(setting: &str, raw: &str, allow_insecure_http: bool) -> Result<Url> {
    if raw.is_empty() {
        return Err(Error::config(setting, "must not be empty"));
    }
    let url = Url::parse(raw).map_err(|e| Error::config(setting, format!("is not an absolute URL ({e})")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback_host(url.host()) || allow_insecure_http => {}
        "http" => {
            return Err(Error::config(
                setting,
                "uses plain http to a non-loopback host; use https, or set allow_insecure_http to accept sending credentials in clear text",
            ));
        }
        other => return Err(Error::config(setting, format!("scheme `{other}` is not http or https"))),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(setting, "must not contain credentials; use client_id and client_secret"));
    }
    if url.fragment().is_some() {
        return Err(Error::config(setting, "must not contain a fragment (RFC 6749 §3.2)"));
    }
    Ok(url)
}

/// The headers of `setting`, checked; `reserved` (given lower-case names) says
/// which ones the library sets itself.
fn check_headers(
    setting: &str,
    headers: &BTreeMap<String, String>,
    reserved: impl Fn(&str) -> bool,
) -> Result<Vec<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>> {
    let mut out = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let n = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::config(setting, format!("{name:?} is not a valid header name")))?;
        if reserved(n.as_str()) {
            return Err(Error::config(setting, format!("header {name:?} is set by the library itself")));
        }
        let mut v = reqwest::header::HeaderValue::from_str(value)
            .map_err(|_| Error::config(setting, format!("the value of header {name:?} is not a valid header value")))?;
        // Extra headers often carry API keys: keep them out of any debug output.
        v.set_sensitive(true);
        out.push((n, v));
    }
    Ok(out)
}

/// Cookie names are RFC 6265 tokens, values cookie-octets.
fn check_cookies(setting: &str, cookies: &BTreeMap<String, String>) -> Result<()> {
    for (name, value) in cookies {
        let bad_name =
            name.is_empty() || name.chars().any(|ch| !ch.is_ascii_graphic() || "()<>@,;:\\\"/[]?={}".contains(ch));
        if bad_name
            || value.chars().any(|ch| !ch.is_ascii_graphic() || ch == ';' || ch == ',' || ch == '"' || ch == '\\')
        {
            return Err(Error::config(setting, format!("cookie {name:?} has an invalid name or value")));
        }
    }
    Ok(())
}

fn non_empty(setting: &str, value: &str) -> Result<String> {
    if value.is_empty() { Err(Error::config(setting, "must not be empty")) } else { Ok(value.to_owned()) }
}

fn positive(setting: &str, d: Duration, min: Duration) -> Result<()> {
    if d < min { Err(Error::config(setting, format!("must be at least {min:?}, got {d:?}"))) } else { Ok(()) }
}

fn sorted_unique(items: &[String]) -> Vec<String> {
    let mut v = items.to_vec();
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> ClientConfig {
        ClientConfig::new("https://idp.example.com/token", "id", "secret")
    }

    fn err(c: ClientConfig) -> String {
        match Settings::from_config(&c) {
            Ok(_) => String::from("no error"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn accepts_defaults() {
        assert!(Settings::from_config(&base()).is_ok());
        assert!(Settings::from_config(&ClientConfig::new("http://127.0.0.1:8080/token", "id", "s")).is_ok());
        assert!(Settings::from_config(&ClientConfig::new("http://localhost/token", "id", "s")).is_ok());
        assert!(Settings::from_config(&ClientConfig::new("http://[::1]:9/token", "id", "s")).is_ok());
    }

    #[test]
    fn names_the_bad_setting() {
        let cases: Vec<(ClientConfig, &str)> = vec![
            (ClientConfig { client_id: String::new(), ..base() }, "client_id"),
            (ClientConfig { token_url: "/token".into(), ..base() }, "token_url"),
            (ClientConfig { token_url: String::new(), ..base() }, "token_url"),
            (ClientConfig { token_url: "http://idp.example.com/token".into(), ..base() }, "allow_insecure_http"),
            (ClientConfig { token_url: "ftp://idp.example.com/token".into(), ..base() }, "token_url"),
            (ClientConfig { token_url: "https://u:p@idp.example.com/token".into(), ..base() }, "token_url"),
            (ClientConfig { client_secret: None, ..base() }, "client_secret"),
            (ClientConfig { client_secret: Some(crate::Secret::new("")), ..base() }, "client_secret"),
            (base().with_scopes(["a b"]), "scopes"),
            (base().with_extra_param("grant_type", "x"), "extra_params"),
            (base().with_extra_param("scope", "x"), "extra_params"),
            (base().with_extra_header("Authorization", "x"), "extra_headers"),
            (base().with_extra_header("bad header", "x"), "extra_headers"),
            (base().with_cookie("c", "a;b"), "cookies"),
            (base().with_token_path("data..x"), "token_path"),
            (base().with_refresh_ahead(0.0), "refresh_ahead"),
            (base().with_refresh_ahead(1.5), "refresh_ahead"),
            (base().with_refresh_jitter(0.7), "refresh_jitter"),
            (base().with_request_timeout(Duration::ZERO), "request_timeout"),
            (base().with_header_name("bad name"), "header_name"),
            (base().with_resources(["not a uri"]), "resources"),
            (base().with_allowed_hosts(["https://x.example.com"]), "allowed_hosts"),
            (base().with_grant_type(""), "grant_type"),
        ];
        for (cfg, setting) in cases {
            let e = err(cfg);
            assert!(e.contains(setting), "expected {setting} in {e}");
        }
    }

    #[test]
    fn insecure_http_needs_opt_in() {
        let c =
            ClientConfig { token_url: "http://idp.example.com/token".into(), ..base() }.with_allow_insecure_http(true);
        assert!(Settings::from_config(&c).is_ok());
    }

    #[test]
    fn none_method_needs_no_secret() {
        let c = ClientConfig { client_secret: None, ..base() }.with_auth_method(AuthMethod::None);
        assert!(Settings::from_config(&c).is_ok());
    }

    #[test]
    fn scopes_are_normalised() {
        let s = Settings::from_config(&base().with_scopes(["b", "a", "b"])).ok().map(|s| s.scopes);
        assert_eq!(s, Some(vec!["a".to_string(), "b".to_string()]));
    }
}
