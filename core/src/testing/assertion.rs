//! Verifying RFC 7523 client assertions (`client_secret_jwt`,
//! `private_key_jwt`) the way a strict server does: signature, algorithm family,
//! `iss` = `sub` = client id, `aud` naming this server, unexpired, and a `jti`
//! never seen before.

use std::collections::HashSet;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use parking_lot::Mutex;
use serde::Deserialize;

use super::clients::{AuthMethod, ClientRegistration};

/// The `client_assertion_type` of RFC 7523 §2.2.
pub(crate) const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Which JWT method an assertion claims to use and which client it names,
/// read without verifying (verification needs the client's key first).
pub(crate) fn peek(assertion: &str) -> Option<(AuthMethod, String)> {
    let header = jsonwebtoken::decode_header(assertion).ok()?;
    let method = match header.alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => AuthMethod::ClientSecretJwt,
        _ => AuthMethod::PrivateKeyJwt,
    };
    let payload = assertion.split('.').nth(1)?;
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: Peek = serde_json::from_slice(&bytes).ok()?;
    Some((method, claims.sub))
}

#[derive(Deserialize)]
struct Peek {
    sub: String,
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    jti: String,
}

/// `jti`s already used, so a replayed assertion is rejected.
#[derive(Debug, Default)]
pub(crate) struct SeenJtis(Mutex<HashSet<String>>);

/// Whether `assertion` authenticates `client` for a server known as `audiences`.
pub(crate) fn verify(assertion: &str, client: &ClientRegistration, audiences: &[String], seen: &SeenJtis) -> bool {
    let Ok(header) = jsonwebtoken::decode_header(assertion) else { return false };
    let key = match header.alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
            DecodingKey::from_secret(client.client_secret.as_bytes())
        }
        alg => match decoding_key(alg, client.public_key_pem.as_deref()) {
            Some(k) => k,
            None => return false,
        },
    };
    let mut v = Validation::new(header.alg);
    v.set_audience(audiences);
    v.set_issuer(&[client.client_id.as_str()]);
    v.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
    v.leeway = 5;
    let Ok(data) = jsonwebtoken::decode::<Claims>(assertion, &key, &v) else { return false };
    let c = data.claims;
    c.iss == client.client_id && c.sub == client.client_id && !c.jti.is_empty() && seen.0.lock().insert(c.jti)
}

fn decoding_key(alg: Algorithm, pem: Option<&str>) -> Option<DecodingKey> {
    let pem = pem?.as_bytes();
    match alg {
        Algorithm::RS256
        | Algorithm::RS384
        | Algorithm::RS512
        | Algorithm::PS256
        | Algorithm::PS384
        | Algorithm::PS512 => DecodingKey::from_rsa_pem(pem).ok(),
        Algorithm::ES256 | Algorithm::ES384 => DecodingKey::from_ec_pem(pem).ok(),
        Algorithm::EdDSA => DecodingKey::from_ed_pem(pem).ok(),
        _ => None,
    }
}
