//! Client authentication at the token endpoint (RFC 6749 §2.3): which client
//! a request names, with which method, and whether its credentials hold.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hyper::HeaderMap;
use hyper::header::AUTHORIZATION;

use super::assertion::{self, ASSERTION_TYPE};
use super::clients::{AuthMethod, BasicDecoding, ClientRegistration};
use super::state::Shared;
use super::tls::PeerCert;

/// Why the presented credentials cannot even be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    /// No client named at all.
    NoCredentials,
    /// The Basic header is not base64 of `id:secret` in UTF-8.
    MalformedBasic,
    /// Basic and `client_secret` in the body at once.
    MultipleMethods,
    /// Basic names one client and the body's `client_id` another.
    ClientIdMismatch,
}

/// The credentials a request presented.
#[derive(Debug, Clone, Default)]
pub(crate) struct Credentials {
    /// The client the request named.
    pub client_id: Option<String>,
    /// The authentication method used.
    pub method: Option<AuthMethod>,
    /// The secret presented (decoded).
    pub secret: Option<String>,
    /// The client assertion presented (the JWT methods).
    pub assertion: Option<String>,
    /// SHA-256 of the TLS client certificate presented (the mTLS methods).
    pub leaf_sha256: Option<[u8; 32]>,
    /// Whether an `Authorization: Basic` header was sent.
    pub basic_attempted: bool,
    /// Why the credentials cannot be checked, if they cannot.
    pub problem: Option<Problem>,
}

impl Credentials {
    /// Reads the credentials of a request from its headers and form.
    pub(crate) fn identify(
        headers: &HeaderMap,
        form: &[(String, String)],
        shared: &Shared,
        peer: Option<&PeerCert>,
    ) -> Self {
        let body_id = first(form, "client_id");
        let body_secret = first(form, "client_secret");
        let assertion = (first(form, "client_assertion_type") == Some(ASSERTION_TYPE))
            .then(|| first(form, "client_assertion"))
            .flatten();
        let Some(decoded) = basic_header(headers) else {
            return match assertion {
                Some(a) => Self::from_assertion(body_id, body_secret, a),
                None => Self::from_body(body_id, body_secret, peer),
            };
        };
        let mut creds = Self { method: Some(AuthMethod::Basic), basic_attempted: true, ..Self::default() };
        let split = decoded.as_deref().and_then(|raw| {
            let colon = raw.iter().position(|&b| b == b':')?;
            Some((&raw[..colon], &raw[colon + 1..]))
        });
        let Some((raw_id, raw_secret)) = split else {
            creds.problem = Some(Problem::MalformedBasic);
            return creds;
        };
        let Some((id, secret)) = decode_basic(raw_id, raw_secret, shared) else {
            creds.problem = Some(Problem::MalformedBasic);
            return creds;
        };
        creds.problem = if body_secret.is_some() || assertion.is_some() {
            Some(Problem::MultipleMethods)
        } else if body_id.is_some_and(|b| b != id) {
            Some(Problem::ClientIdMismatch)
        } else if secret.is_none() {
            Some(Problem::MalformedBasic)
        } else {
            None
        };
        creds.client_id = Some(id);
        creds.secret = secret;
        creds
    }

    /// Credentials from the body only: `client_secret_post` or `none`.
    fn from_body(body_id: Option<&str>, body_secret: Option<&str>, peer: Option<&PeerCert>) -> Self {
        match (body_id, body_secret) {
            (Some(id), Some(secret)) => Self {
                client_id: Some(id.to_owned()),
                method: Some(AuthMethod::Post),
                secret: Some(secret.to_owned()),
                ..Self::default()
            },
            // A client id alone on a connection with a client certificate: mTLS.
            (Some(id), None) => {
                let method = match peer {
                    Some(p) if p.ca_verified => AuthMethod::TlsClientAuth,
                    Some(_) => AuthMethod::SelfSignedTlsClientAuth,
                    None => AuthMethod::None,
                };
                let leaf_sha256 = peer.map(|p| p.leaf_sha256);
                Self { client_id: Some(id.to_owned()), method: Some(method), leaf_sha256, ..Self::default() }
            }
            (None, _) => Self { problem: Some(Problem::NoCredentials), ..Self::default() },
        }
    }

    /// Credentials from a client assertion: the JWT methods.
    fn from_assertion(body_id: Option<&str>, body_secret: Option<&str>, assertion: &str) -> Self {
        let Some((method, sub)) = assertion::peek(assertion) else {
            return Self {
                client_id: body_id.map(str::to_owned),
                problem: Some(Problem::MalformedBasic),
                ..Self::default()
            };
        };
        let problem = if body_secret.is_some() {
            Some(Problem::MultipleMethods)
        } else if body_id.is_some_and(|b| b != sub) {
            Some(Problem::ClientIdMismatch)
        } else {
            None
        };
        Self {
            client_id: Some(sub),
            method: Some(method),
            assertion: Some(assertion.to_owned()),
            problem,
            ..Self::default()
        }
    }

    /// Whether these credentials authenticate `client` with a method it accepts.
    /// `audiences` are the names an assertion's `aud` may use for this server.
    pub(crate) fn verify(
        &self,
        client: Option<&ClientRegistration>,
        audiences: &[String],
        seen: &assertion::SeenJtis,
    ) -> bool {
        let (Some(client), Some(method), None) = (client, self.method, self.problem) else {
            return false;
        };
        if !client.auth_methods.accepts(method) {
            return false;
        }
        match method {
            AuthMethod::None => true,
            AuthMethod::Basic | AuthMethod::Post => {
                self.secret.as_deref().is_some_and(|s| constant_time_eq(s.as_bytes(), client.client_secret.as_bytes()))
            }
            AuthMethod::TlsClientAuth | AuthMethod::SelfSignedTlsClientAuth => {
                self.leaf_sha256.is_some() && self.leaf_sha256 == client.tls_cert_sha256
            }
            AuthMethod::ClientSecretJwt | AuthMethod::PrivateKeyJwt => {
                self.assertion.as_deref().is_some_and(|a| assertion::verify(a, client, audiences, seen))
            }
        }
    }
}

/// The first value of a form parameter.
pub(crate) fn first<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// `None` without a Basic `Authorization` header; `Some(None)` when its
/// credentials are not valid base64; else the decoded bytes.
fn basic_header(headers: &HeaderMap) -> Option<Option<Vec<u8>>> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    Some(STANDARD.decode(rest.trim()).ok())
}

/// Decodes the id and secret of a Basic header the way the named client
/// expects (form-url-decoding by default). The secret is `None` when it
/// cannot be decoded.
fn decode_basic(raw_id: &[u8], raw_secret: &[u8], shared: &Shared) -> Option<(String, Option<String>)> {
    let form_id = form_decode(raw_id);
    if let Some(id) = &form_id
        && shared.client(id).is_some_and(|c| c.basic_decoding == BasicDecoding::FormUrlDecode)
    {
        return Some((id.clone(), form_decode(raw_secret)));
    }
    if let Ok(id) = std::str::from_utf8(raw_id)
        && shared.client(id).is_some_and(|c| c.basic_decoding == BasicDecoding::Raw)
    {
        let secret = String::from_utf8(raw_secret.to_vec()).ok();
        return Some((id.to_owned(), secret));
    }
    // An unknown client, or one that expects the other decoding: keep the
    // RFC 6749 reading of the id for the record, and no secret.
    let id = form_id?;
    let secret = if shared.client(&id).is_some() { None } else { form_decode(raw_secret) };
    Some((id, secret))
}

/// `application/x-www-form-urlencoded` decoding of one value: `+` is a
/// space, `%XX` a byte; the result must be UTF-8.
fn form_decode(raw: &[u8]) -> Option<String> {
    let plus_as_space: Vec<u8> = raw.iter().map(|&b| if b == b'+' { b' ' } else { b }).collect();
    let bytes: Vec<u8> = percent_encoding::percent_decode(&plus_as_space).collect();
    String::from_utf8(bytes).ok()
}

/// Compares secrets without an early exit on the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decode_handles_plus_and_percent() {
        assert_eq!(form_decode(b"a+b%20c%3A%2B").as_deref(), Some("a b c:+"));
        assert_eq!(form_decode(b"%C3%A9").as_deref(), Some("é"));
        assert_eq!(form_decode(b"%FF"), None);
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
