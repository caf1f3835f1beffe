//! The token request of RFC 6749 §4.4: a form-urlencoded POST, with the client
//! authenticated as the configured method says (§2.3.1).

use base64::Engine as _;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::HeaderValue;
use zeroize::Zeroizing;

use crate::config::BasicEncoding;
use crate::error::{Error, ErrorKind, Result};
use crate::jwt;
use crate::secret::Secret;
use crate::settings::Settings;

/// The method actually used for one request (`auto` resolves to one of the first two).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SentMethod {
    Basic,
    Post,
    None,
    /// `client_secret_jwt` or `private_key_jwt`: a signed client assertion.
    Jwt,
}

/// A token request ready to send. Both fields may carry the secret: they are
/// zeroized on drop and never formatted.
pub(crate) struct TokenRequest {
    pub body: Zeroizing<String>,
    pub authorization: Option<HeaderValue>,
}

/// The application/x-www-form-urlencoded byte set (WHATWG URL §5.2), but with
/// space written `%20`: servers disagree on decoding `+` in Basic credentials.
const FORM_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');

/// Builds the request, reading the credential from its source now (so a rotated
/// secret or key is used as soon as it changes).
pub(crate) fn build(s: &Settings, method: SentMethod, endpoint: &url::Url) -> Result<TokenRequest> {
    // Sized for the worst case (every byte percent-encoded) so the buffer that
    // will hold the secret never grows: growing would free an unwiped copy.
    let mut form = form_urlencoded::Serializer::new(String::with_capacity(body_capacity(s)));
    form.append_pair("grant_type", &s.grant_type);
    if !s.scopes.is_empty() {
        let mut delim = [0u8; 4];
        form.append_pair(&s.scope_param, &s.scopes.join(s.scope_delimiter.as_char().encode_utf8(&mut delim)));
    }
    if let Some(a) = &s.audience {
        form.append_pair("audience", a);
    }
    for r in &s.resources {
        form.append_pair("resource", r);
    }
    for (k, v) in &s.extra_params {
        form.append_pair(k, v);
    }
    let secret = match (&s.client_secret, method) {
        (Some(src), SentMethod::Basic | SentMethod::Post | SentMethod::Jwt) => Some(src.load("client_secret")?),
        _ => None,
    };
    let secret_text = secret.as_ref().map(|x| x.expose()).unwrap_or("");
    let authorization = match method {
        SentMethod::Basic => Some(basic_header(&s.client_id, secret_text, s.basic_encoding)),
        SentMethod::Post => {
            form.append_pair("client_id", &s.client_id);
            form.append_pair("client_secret", secret_text);
            None
        }
        SentMethod::None => {
            form.append_pair("client_id", &s.client_id);
            None
        }
        SentMethod::Jwt => {
            let assertion = client_assertion(s, secret.as_ref(), endpoint)?;
            form.append_pair("client_id", &s.client_id);
            form.append_pair("client_assertion_type", jwt::ASSERTION_TYPE);
            form.append_pair("client_assertion", &assertion);
            None
        }
    };
    Ok(TokenRequest { body: Zeroizing::new(form.finish()), authorization })
}

/// An upper bound of the encoded body: three bytes per input byte, plus room
/// for a client assertion (a signed JWT: a few kilobytes at most).
fn body_capacity(s: &Settings) -> usize {
    let pieces = s.grant_type.len()
        + s.scope_param.len()
        + s.scopes.iter().map(|x| x.len() + 1).sum::<usize>()
        + s.audience.as_ref().map_or(0, |a| a.len() + 9)
        + s.resources.iter().map(|r| r.len() + 9).sum::<usize>()
        + s.extra_params.iter().map(|(k, v)| k.len() + v.len() + 2).sum::<usize>()
        + s.client_id.len();
    3 * pieces + 3 * 1024 + 16 * 1024
}

/// A fresh assertion signed with the secret (`client_secret_jwt`) or the private
/// key (`private_key_jwt`), read from its source now.
fn client_assertion(s: &Settings, secret: Option<&Secret>, endpoint: &url::Url) -> Result<Zeroizing<String>> {
    let Some(signing) = &s.signing else {
        return Err(Error::new(ErrorKind::Internal, "JWT client authentication without signing settings"));
    };
    let material = match (&s.private_key, secret) {
        (Some(src), _) => src.load("private_key")?,
        (None, Some(secret)) => secret.clone(),
        (None, None) => return Err(Error::new(ErrorKind::Internal, "JWT client authentication without a credential")),
    };
    let key = jwt::encoding_key(signing.alg, &material)?;
    let audience = signing.audience.as_deref().unwrap_or(endpoint.as_str());
    jwt::assertion(&s.client_id, audience, signing.lifetime, signing.alg, signing.key_id.as_deref(), &key)
}

/// `Basic base64(id ":" secret)`, each part form-urlencoded first under RFC 6749.
pub(crate) fn basic_header(id: &str, secret: &str, encoding: BasicEncoding) -> HeaderValue {
    let plain = Zeroizing::new(match encoding {
        BasicEncoding::Rfc6749 => {
            format!("{}:{}", utf8_percent_encode(id, FORM_COMPONENT), utf8_percent_encode(secret, FORM_COMPONENT))
        }
        BasicEncoding::Rfc7617 => format!("{id}:{secret}"),
    });
    // Written in place into one buffer sized up front: no intermediate copies.
    let mut value = Zeroizing::new(vec![0u8; 6 + plain.len().div_ceil(3) * 4]);
    value[..6].copy_from_slice(b"Basic ");
    let written =
        base64::engine::general_purpose::STANDARD.encode_slice(plain.as_bytes(), &mut value[6..]).unwrap_or(0);
    value.truncate(6 + written);
    // The header shares this buffer (no copy) and wipes it when the last
    // clone of the header is dropped. Base64 output and "Basic " are always
    // valid header bytes.
    let mut header = HeaderValue::from_maybe_shared(bytes::Bytes::from_owner(value))
        .unwrap_or_else(|_| HeaderValue::from_static("Basic"));
    header.set_sensitive(true);
    header
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ClientConfig, ScopeDelimiter};

    fn url() -> url::Url {
        url::Url::parse("https://idp.example.com/t").unwrap()
    }

    fn decode(h: &HeaderValue) -> String {
        let b64 = h.to_str().unwrap().strip_prefix("Basic ").unwrap();
        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b64).unwrap()).unwrap()
    }

    #[test]
    fn basic_percent_encodes_before_base64() {
        let h = basic_header("id:+%/=& é", "s:+%/=& ü", BasicEncoding::Rfc6749);
        assert_eq!(decode(&h), "id%3A%2B%25%2F%3D%26%20%C3%A9:s%3A%2B%25%2F%3D%26%20%C3%BC");
        assert!(h.is_sensitive());
        let raw = basic_header("id+x", "s e", BasicEncoding::Rfc7617);
        assert_eq!(decode(&raw), "id+x:s e");
    }

    #[test]
    fn form_carries_every_request_setting() {
        let c = ClientConfig::new("https://idp.example.com/t", "my id", "s&=")
            .with_scopes(["b", "a"])
            .with_scope_delimiter(ScopeDelimiter::Comma)
            .with_scope_param("scopes")
            .with_audience("aud")
            .with_resources(["https://r2.example.com", "https://r1.example.com"])
            .with_extra_param("tenant", "t 1");
        let s = Settings::from_config(&c).unwrap();
        let post = build(&s, SentMethod::Post, &url()).unwrap();
        let pairs: Vec<(String, String)> = form_urlencoded::parse(post.body.as_bytes()).into_owned().collect();
        let get = |k: &str| pairs.iter().filter(|(n, _)| n == k).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
        assert_eq!(get("grant_type"), ["client_credentials"]);
        assert_eq!(get("scopes"), ["a,b"]);
        assert_eq!(get("audience"), ["aud"]);
        assert_eq!(get("resource"), ["https://r1.example.com", "https://r2.example.com"]);
        assert_eq!(get("tenant"), ["t 1"]);
        assert_eq!(get("client_id"), ["my id"]);
        assert_eq!(get("client_secret"), ["s&="]);
        assert!(post.authorization.is_none());

        let basic = build(&s, SentMethod::Basic, &url()).unwrap();
        assert!(!basic.body.contains("client_secret") && !basic.body.contains("client_id"));
        assert_eq!(decode(basic.authorization.as_ref().unwrap()), "my%20id:s%26%3D");

        let none = build(&s, SentMethod::None, &url()).unwrap();
        assert!(none.body.contains("client_id=my+id") && !none.body.contains("client_secret"));
    }
}
