//! Finding the token endpoint from an issuer identifier: OpenID Connect
//! Discovery 1.0 §4 and RFC 8414 §3. The document's `issuer` must equal the
//! configured one (RFC 8414 §3.3), which stops a document served from one
//! place from redirecting credentials to another issuer's endpoint.

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use serde_json::Value;
use url::Url;

use crate::clock::{self, Nanos};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{self, describe_url};
use crate::settings::{Endpoint, Settings, check_url};

/// Metadata is re-read after this long, so a moved endpoint is eventually followed.
const METADATA_TTL: Duration = Duration::from_secs(24 * 3600);

/// What we keep of an authorization server's metadata.
#[derive(Debug)]
pub(crate) struct Metadata {
    /// The endpoint to use: `mtls_endpoint_aliases.token_endpoint` (RFC 8705
    /// §5) for a client with a certificate when the server lists one, else
    /// `token_endpoint`.
    pub token_endpoint: Url,
    /// `token_endpoint_auth_methods_supported`, when the server lists them.
    pub auth_methods: Option<Vec<String>>,
    /// `registration_endpoint` (RFC 8414 §2), when the server has one and it
    /// is a usable URL.
    pub registration_endpoint: Option<Url>,
    fetched_at: Nanos,
}

/// The token endpoint to use now: the configured one, or the discovered one
/// (from `cache`, or fetched and cached). Returns fresh metadata when it was
/// just fetched, so the caller can act on it once.
pub(crate) async fn token_endpoint(
    http: &reqwest::Client,
    s: &Settings,
    cache: &ArcSwapOption<Metadata>,
) -> Result<(Url, Option<Arc<Metadata>>)> {
    let issuer = match &s.endpoint {
        Endpoint::Token(u) => return Ok((u.clone(), None)),
        Endpoint::Issuer(issuer) => issuer,
    };
    if let Some(m) = cache.load_full()
        && clock::now().saturating_duration_since(m.fetched_at) < METADATA_TTL
    {
        return Ok((m.token_endpoint.clone(), None));
    }
    let m = Arc::new(discover(http, s, issuer).await?);
    cache.store(Some(Arc::clone(&m)));
    tracing::debug!(issuer = %issuer, token_endpoint = %describe_url(&m.token_endpoint), "discovered the token endpoint");
    Ok((m.token_endpoint.clone(), Some(m)))
}

/// The well-known locations for `issuer`, in the order tried: OpenID Connect
/// (`{issuer}/.well-known/openid-configuration`), then RFC 8414 (the well-known
/// segment inserted before the issuer's path).
fn candidates(issuer: &Url) -> Vec<Url> {
    let path = issuer.path().trim_end_matches('/');
    let mut out = Vec::with_capacity(2);
    let mut oidc = issuer.clone();
    oidc.set_path(&format!("{path}/.well-known/openid-configuration"));
    out.push(oidc);
    let mut rfc8414 = issuer.clone();
    rfc8414.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
    out.push(rfc8414);
    out
}

async fn discover(http: &reqwest::Client, s: &Settings, issuer: &Url) -> Result<Metadata> {
    let mut last = None;
    for url in candidates(issuer) {
        let raw = http::get(http, s, &url).await?;
        if raw.status == 404 {
            last = Some(describe_url(&url));
            continue;
        }
        if !(200..300).contains(&raw.status) {
            return Err(Error::new(
                ErrorKind::HttpStatus,
                format!("discovery document {} answered HTTP {}", describe_url(&url), raw.status),
            )
            .with_http_status(raw.status)
            .with_retry_after(raw.retry_after));
        }
        let mtls = s.tls.as_ref().is_some_and(|t| t.identity.is_some());
        return parse(&raw.body, issuer, s.allow_insecure_http, mtls, &describe_url(&url));
    }
    Err(Error::new(
        ErrorKind::HttpStatus,
        format!("no discovery document for issuer {issuer} (404 at {})", last.unwrap_or_default()),
    )
    .with_http_status(404))
}

/// Reads a metadata document; `at` names where it came from in errors.
pub(crate) fn parse(body: &[u8], issuer: &Url, allow_insecure_http: bool, mtls: bool, at: &str) -> Result<Metadata> {
    let bad = |why: String| Error::new(ErrorKind::MalformedResponse, format!("discovery document {at} {why}"));
    let doc: Value = serde_json::from_slice(body).map_err(|e| bad(format!("is not JSON: {e}")))?;
    let Some(obj) = doc.as_object() else { return Err(bad("is not a JSON object".into())) };
    let declared = obj.get("issuer").and_then(Value::as_str).ok_or_else(|| bad("has no `issuer`".into()))?;
    if declared.trim_end_matches('/') != issuer.as_str().trim_end_matches('/') {
        return Err(bad(format!("declares issuer {declared:?}, not the configured {:?}", issuer.as_str())));
    }
    let alias = obj.get("mtls_endpoint_aliases").and_then(|a| a.get("token_endpoint")).and_then(Value::as_str);
    let endpoint = match (mtls, alias) {
        (true, Some(alias)) => alias,
        _ => obj.get("token_endpoint").and_then(Value::as_str).ok_or_else(|| bad("has no `token_endpoint`".into()))?,
    };
    let token_endpoint = check_url("token_endpoint (discovered)", endpoint, allow_insecure_http)
        .map_err(|e| bad(format!("has an unusable token_endpoint: {}", e.message())))?;
    let auth_methods = obj
        .get("token_endpoint_auth_methods_supported")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect());
    let registration_endpoint = obj
        .get("registration_endpoint")
        .and_then(Value::as_str)
        .and_then(|u| check_url("registration_endpoint (discovered)", u, allow_insecure_http).ok());
    Ok(Metadata { token_endpoint, auth_methods, registration_endpoint, fetched_at: clock::now() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_locations() {
        let c = candidates(&Url::parse("https://idp.example.com").unwrap());
        assert_eq!(c[0].as_str(), "https://idp.example.com/.well-known/openid-configuration");
        assert_eq!(c[1].as_str(), "https://idp.example.com/.well-known/oauth-authorization-server");
        let c = candidates(&Url::parse("https://idp.example.com/realms/a/").unwrap());
        assert_eq!(c[0].as_str(), "https://idp.example.com/realms/a/.well-known/openid-configuration");
        assert_eq!(c[1].as_str(), "https://idp.example.com/.well-known/oauth-authorization-server/realms/a");
    }

    #[test]
    fn documents_are_checked() {
        let issuer = Url::parse("https://idp.example.com").unwrap();
        let ok = br#"{"issuer":"https://idp.example.com","token_endpoint":"https://idp.example.com/t","token_endpoint_auth_methods_supported":["client_secret_post"]}"#;
        let m = parse(ok, &issuer, false, false, "x").unwrap();
        assert_eq!(m.token_endpoint.as_str(), "https://idp.example.com/t");
        assert_eq!(m.auth_methods, Some(vec!["client_secret_post".to_owned()]));
        let aliased = br#"{"issuer":"https://idp.example.com","token_endpoint":"https://idp.example.com/t","mtls_endpoint_aliases":{"token_endpoint":"https://mtls.idp.example.com/t"}}"#;
        assert_eq!(
            parse(aliased, &issuer, false, true, "x").unwrap().token_endpoint.as_str(),
            "https://mtls.idp.example.com/t"
        );
        assert_eq!(
            parse(aliased, &issuer, false, false, "x").unwrap().token_endpoint.as_str(),
            "https://idp.example.com/t"
        );
        let cases: [(&[u8], &str); 5] = [
            (
                br#"{"issuer":"https://evil.example.com","token_endpoint":"https://evil.example.com/t"}"#,
                "declares issuer",
            ),
            (br#"{"issuer":"https://idp.example.com"}"#, "no `token_endpoint`"),
            (br#"{"issuer":"https://idp.example.com","token_endpoint":"http://idp.example.com/t"}"#, "plain http"),
            (br#"[]"#, "not a JSON object"),
            (b"<html>", "not JSON"),
        ];
        for (body, want) in cases {
            let e = parse(body, &issuer, false, false, "x").unwrap_err();
            assert_eq!(e.kind(), ErrorKind::MalformedResponse);
            assert!(e.message().contains(want), "{want}: {e}");
        }
    }
}
