//! Issuing access tokens and shaping the successful token response
//! (RFC 6749 §5.1), as modified by the current [`Quirk`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hyper::StatusCode;
use serde_json::{Map, Value, json};

use super::body::{self, Reply};
use super::modes::Quirk;
use super::state::{Arrival, Shared};

/// What a successful request was granted.
#[derive(Debug, Clone)]
pub(crate) struct Grant<'a> {
    /// The authenticated client.
    pub client_id: &'a str,
    /// The granted scope, echoed when one was requested.
    pub scope: Option<String>,
    /// The server's issuer URL (for JWT `iss`).
    pub issuer: &'a str,
}

/// Issues a token for `grant`, remembers it, and builds the response.
pub(crate) fn issue(shared: &Shared, arrival: &Arrival, grant: &Grant<'_>) -> Reply {
    let now = SystemTime::now();
    let expires_at = now.checked_add(arrival.lifetime).unwrap_or(now);
    let token = if arrival.quirk == Quirk::JwtAccessToken {
        unsigned_jwt(grant, now, arrival.lifetime)
    } else {
        opaque_token()
    };
    shared.issue(&token, expires_at);
    respond(arrival, grant, &token)
}

/// An opaque token: `at_` and 32 random hex digits.
pub(crate) fn opaque_token() -> String {
    format!("at_{:032x}", fastrand::u128(..))
}

/// An unsigned JWT (`alg` `none`) carrying `sub`, `iss`, `iat` and `exp`.
fn unsigned_jwt(grant: &Grant<'_>, now: SystemTime, lifetime: Duration) -> String {
    let iat = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let header = json!({"alg": "none", "typ": "JWT"});
    let payload = json!({
        "sub": grant.client_id,
        "iss": grant.issuer,
        "iat": iat,
        "exp": iat.saturating_add(lifetime.as_secs()),
        "jti": format!("{:016x}", fastrand::u64(..)),
    });
    format!("{}.{}.", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(payload.to_string()))
}

/// The response body for a token, shaped by the quirk.
fn respond(arrival: &Arrival, grant: &Grant<'_>, token: &str) -> Reply {
    let secs = arrival.lifetime.as_secs();
    if arrival.quirk == Quirk::FormEncoded {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("access_token", token)
            .append_pair("token_type", "bearer")
            .append_pair("expires_in", &secs.to_string());
        if let Some(scope) = &grant.scope {
            form.append_pair("scope", scope);
        }
        let mut resp = body::reply(StatusCode::OK, "application/x-www-form-urlencoded", form.finish());
        body::no_store(&mut resp);
        return resp;
    }
    let mut fields = Map::new();
    fields.insert("access_token".into(), token.into());
    let token_type = match arrival.quirk {
        Quirk::UppercaseBearer => Some("BEARER"),
        Quirk::MissingTokenType => None,
        _ => Some("Bearer"),
    };
    if let Some(t) = token_type {
        fields.insert("token_type".into(), t.into());
    }
    match arrival.quirk {
        Quirk::MissingExpiresIn | Quirk::JwtAccessToken => {}
        Quirk::StringExpiresIn => {
            fields.insert("expires_in".into(), secs.to_string().into());
        }
        _ => {
            fields.insert("expires_in".into(), secs.into());
        }
    }
    if let Some(scope) = &grant.scope {
        fields.insert("scope".into(), scope.clone().into());
    }
    if arrival.quirk == Quirk::ExtraFields {
        fields.insert("ext_tenant".into(), "t-1".into());
        fields.insert("ext_number".into(), 42.into());
    }
    let value = if arrival.quirk == Quirk::NestedToken { json!({ "data": fields }) } else { Value::Object(fields) };
    body::json(StatusCode::OK, &value)
}
