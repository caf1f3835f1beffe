//! Client assertions for `client_secret_jwt` and `private_key_jwt`
//! (RFC 7523 §2.2, OpenID Connect Core §9): a short-lived JWT signed with the
//! shared secret (HMAC) or the client's private key, sent instead of the secret.

use std::time::{Duration, SystemTime};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::config::AuthMethod;
use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;

/// The `client_assertion_type` of RFC 7523 §2.2.
pub(crate) const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The signing algorithm for `method`: the configured one, checked to fit the
/// method, or the default (HS256 for a shared secret, RS256 for a private key).
pub(crate) fn algorithm(method: AuthMethod, configured: Option<&str>) -> Result<Algorithm> {
    let alg = match configured {
        None if method == AuthMethod::ClientSecretJwt => Algorithm::HS256,
        None => Algorithm::RS256,
        Some(name) => name.parse::<Algorithm>().map_err(|_| {
            Error::config(
                "signing_alg",
                format!("unknown algorithm `{name}` (HS256/384/512, RS256/384/512, PS256/384/512, ES256/384, EdDSA)"),
            )
        })?,
    };
    let symmetric = matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512);
    match (method, symmetric) {
        (AuthMethod::ClientSecretJwt, false) => Err(Error::config(
            "signing_alg",
            format!("{alg:?} needs a private key; client_secret_jwt signs with HS256/384/512"),
        )),
        (AuthMethod::PrivateKeyJwt, true) => {
            Err(Error::config("signing_alg", format!("{alg:?} is an HMAC; private_key_jwt signs with RS/PS/ES/EdDSA")))
        }
        _ => Ok(alg),
    }
}

/// Reads `material` as a signing key for `alg`: the secret's bytes for HMAC, a
/// PEM private key (PKCS#8, or PKCS#1 RSA / SEC1 EC) otherwise.
pub(crate) fn encoding_key(alg: Algorithm, material: &Secret) -> Result<EncodingKey> {
    let pem = material.expose().as_bytes();
    let key = match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => return Ok(EncodingKey::from_secret(pem)),
        Algorithm::RS256
        | Algorithm::RS384
        | Algorithm::RS512
        | Algorithm::PS256
        | Algorithm::PS384
        | Algorithm::PS512 => EncodingKey::from_rsa_pem(pem),
        Algorithm::ES256 | Algorithm::ES384 => EncodingKey::from_ec_pem(pem),
        Algorithm::EdDSA => EncodingKey::from_ed_pem(pem),
    };
    // The crate's message describes the PEM's structure, never its content.
    key.map_err(|e| {
        let hint = if material.expose().contains("BEGIN EC PRIVATE KEY") {
            "; SEC1 EC keys are not supported, convert to PKCS#8 with `openssl pkcs8 -topk8 -nocrypt -in key.pem`"
        } else {
            ""
        };
        Error::config("private_key", format!("is not a usable {alg:?} private key in PEM form ({e}){hint}"))
    })
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    jti: String,
    iat: u64,
    exp: u64,
}

/// A freshly signed assertion: `iss` = `sub` = `client_id`, `aud` = `audience`
/// (the token endpoint unless configured), a random `jti`, `exp` after `lifetime`.
pub(crate) fn assertion(
    client_id: &str,
    audience: &str,
    lifetime: Duration,
    alg: Algorithm,
    key_id: Option<&str>,
    key: &EncodingKey,
) -> Result<Zeroizing<String>> {
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let claims = Claims {
        iss: client_id,
        sub: client_id,
        aud: audience,
        jti: format!("{:032x}", fastrand::u128(..)),
        iat: now,
        exp: now + lifetime.as_secs().max(1),
    };
    let mut header = Header::new(alg);
    header.kid = key_id.map(str::to_owned);
    header.typ = Some("JWT".into());
    jsonwebtoken::encode(&header, &claims, key)
        .map(Zeroizing::new)
        .map_err(|e| Error::new(ErrorKind::Config, format!("cannot sign the client assertion with {alg:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_fits_method() {
        assert_eq!(algorithm(AuthMethod::ClientSecretJwt, None).unwrap(), Algorithm::HS256);
        assert_eq!(algorithm(AuthMethod::PrivateKeyJwt, None).unwrap(), Algorithm::RS256);
        assert_eq!(algorithm(AuthMethod::PrivateKeyJwt, Some("ES256")).unwrap(), Algorithm::ES256);
        assert!(algorithm(AuthMethod::ClientSecretJwt, Some("RS256")).unwrap_err().to_string().contains("signing_alg"));
        assert!(algorithm(AuthMethod::PrivateKeyJwt, Some("HS512")).is_err());
        assert!(algorithm(AuthMethod::PrivateKeyJwt, Some("XX1")).unwrap_err().to_string().contains("XX1"));
    }

    #[test]
    fn hmac_assertion_has_the_rfc7523_claims() {
        let secret = Secret::new("0123456789abcdef0123456789abcdef");
        let key = encoding_key(Algorithm::HS256, &secret).unwrap();
        let a = assertion(
            "my-client",
            "https://idp.example.com/token",
            Duration::from_secs(60),
            Algorithm::HS256,
            Some("k1"),
            &key,
        )
        .unwrap();
        let mut v = jsonwebtoken::Validation::new(Algorithm::HS256);
        v.set_audience(&["https://idp.example.com/token"]);
        let decoded = jsonwebtoken::decode::<serde_json::Value>(
            a.as_str(),
            &jsonwebtoken::DecodingKey::from_secret(secret.expose().as_bytes()),
            &v,
        )
        .unwrap();
        assert_eq!(decoded.header.kid.as_deref(), Some("k1"));
        assert_eq!(decoded.claims["iss"], "my-client");
        assert_eq!(decoded.claims["sub"], "my-client");
        let (iat, exp) = (decoded.claims["iat"].as_u64().unwrap(), decoded.claims["exp"].as_u64().unwrap());
        assert_eq!(exp - iat, 60);
        let again = assertion("my-client", "aud", Duration::from_secs(60), Algorithm::HS256, None, &key).unwrap();
        assert_ne!(a.as_str(), again.as_str(), "every assertion has a fresh jti");
    }

    #[test]
    fn bad_pem_names_the_setting_without_echoing_it() {
        let e = encoding_key(
            Algorithm::RS256,
            &Secret::new("-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("private_key") && !e.to_string().contains("not-a-key"), "{e}");
    }
}
