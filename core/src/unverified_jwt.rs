//! The header and claims of a JWT access token, read without verifying it.
//!
//! A client-credentials client has no business trusting its access token's
//! contents (the resource server verifies it), but two things are worth
//! reading: the `exp` claim when the server sends no `expires_in`, and the
//! claims a person wants to see while debugging (`ooauthcc inspect`). Both go
//! through [`UnverifiedJwt::decode`]; the name says what it is not.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result};

/// A JWS compact token's header and claims, decoded but **not verified**:
/// anyone could have written them.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UnverifiedJwt {
    /// The JOSE header (`alg`, `kid`, `typ`, …).
    pub header: Map<String, Value>,
    /// The claims (`iss`, `sub`, `aud`, `exp`, `scope`, …).
    pub claims: Map<String, Value>,
}

impl UnverifiedJwt {
    /// Decodes `token` as `header.claims.signature`, each part base64url
    /// (padding tolerated), header and claims JSON objects. The signature is
    /// neither decoded nor checked. The error says which part is wrong and
    /// never quotes the token.
    pub fn decode(token: &str) -> Result<UnverifiedJwt> {
        let parts: Vec<&str> = token.trim().split('.').collect();
        match parts.len() {
            3 => {}
            5 => return Err(refused("it is an encrypted JWT (JWE, five parts), which only its audience can read")),
            n => return Err(refused(&format!("a JWT has three dot-separated parts, this token has {n}"))),
        }
        Ok(UnverifiedJwt { header: object(parts[0], "header")?, claims: object(parts[1], "claims")? })
    }

    /// The `exp` claim, in seconds since the Unix epoch, when it is a number.
    pub fn expires_at_unix(&self) -> Option<f64> {
        self.claims.get("exp")?.as_f64()
    }
}

fn object(part: &str, what: &str) -> Result<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| refused(&format!("its {what} is not base64url")))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(refused(&format!("its {what} is JSON but not an object"))),
        Err(_) => Err(refused(&format!("its {what} is not JSON"))),
    }
}

fn refused(why: &str) -> Error {
    Error::new(ErrorKind::InvalidArgument, format!("the access token cannot be decoded as a JWT: {why}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn part(v: &str) -> String {
        URL_SAFE_NO_PAD.encode(v)
    }

    #[test]
    fn decodes_header_and_claims_and_ignores_the_signature() {
        let t = format!(
            "{}.{}.not-even-base64!",
            part(r#"{"alg":"RS256","kid":"k1"}"#),
            part(r#"{"exp":1700000000,"sub":"app"}"#)
        );
        let jwt = UnverifiedJwt::decode(&t).unwrap();
        assert_eq!(jwt.header["kid"], "k1");
        assert_eq!(jwt.claims["sub"], "app");
        assert_eq!(jwt.expires_at_unix(), Some(1_700_000_000.0));
        // Padding, as some servers emit it, is tolerated.
        let padded = format!("{}==.{}=.x", part(r#"{"alg":"none"}"#), part(r#"{"a":1}"#));
        assert_eq!(UnverifiedJwt::decode(&padded).unwrap().claims["a"], 1);
    }

    #[test]
    fn says_which_part_is_wrong_without_quoting_the_token() {
        let cases = [
            ("at_opaque_token_value", "three dot-separated parts, this token has 1"),
            ("a.b.c.d.e", "encrypted JWT"),
            ("%%%.e30.x", "header is not base64url"),
            (&format!("{}.{}.x", part("{}"), part("[1]")), "claims is JSON but not an object"),
            (&format!("{}.{}.x", part("nope"), part("{}")), "header is not JSON"),
        ];
        for (token, why) in cases {
            let e = UnverifiedJwt::decode(token).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument);
            assert!(e.message().contains(why), "{token}: {}", e.message());
            assert!(!e.message().contains(token), "the message quotes the token: {}", e.message());
        }
    }
}
