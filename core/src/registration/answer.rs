//! Reading a registration endpoint's answer (RFC 7591 §3.2): the issued client
//! id and secret, or a typed error. Like the token response, error messages
//! describe the body's shape, never its content: the answer carries a secret.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result};
use crate::response::{RawResponse, oauth_error};
use crate::secret::Secret;

/// The credentials a registration issued.
#[derive(Clone, Debug)]
pub(crate) struct Issued {
    pub client_id: String,
    pub client_secret: Secret,
    /// `client_secret_expires_at`: `None` when the secret does not expire (0).
    pub secret_expires_at: Option<SystemTime>,
}

/// Turns the registration endpoint's answer into credentials or a typed error
/// (an RFC 7591 §3.2.2 error body is an `OAuth` error; other failures are
/// `HttpStatus`, so 5xx and 429 are retried like a token request's).
pub(crate) fn parse(raw: &RawResponse) -> Result<Issued> {
    let status = raw.status;
    let fail =
        |kind: ErrorKind, msg: String| Error::new(kind, msg).with_http_status(status).with_retry_after(raw.retry_after);
    let body: Option<Map<String, Value>> = serde_json::from_slice::<Value>(&raw.body).ok().and_then(|v| match v {
        Value::Object(m) => Some(m),
        _ => None,
    });
    if !(200..300).contains(&status) {
        if let Some(err) = body.as_ref().and_then(oauth_error) {
            return Err(fail(
                ErrorKind::OAuth,
                format!("registration endpoint refused to register the client (HTTP {status})"),
            )
            .with_oauth(err));
        }
        return Err(fail(ErrorKind::HttpStatus, format!("registration endpoint answered HTTP {status}")));
    }
    let malformed =
        |why: &str| fail(ErrorKind::MalformedResponse, format!("registration response (HTTP {status}) {why}"));
    let obj = body.ok_or_else(|| malformed("is not a JSON object"))?;
    let client_id = match obj.get("client_id") {
        Some(Value::String(id)) if !id.is_empty() && !id.chars().any(char::is_control) => id.clone(),
        Some(Value::String(_)) => return Err(malformed("has an empty `client_id` or one with control characters")),
        Some(_) => return Err(malformed("has a `client_id` that is not a string")),
        None => return Err(malformed("has no `client_id`")),
    };
    let client_secret = match obj.get("client_secret") {
        Some(Value::String(s)) if !s.is_empty() => Secret::from(s.as_str()),
        Some(_) => return Err(malformed("has an empty `client_secret` or one that is not a string")),
        None => {
            return Err(malformed(
                "issued no `client_secret` (only registrations for client_secret_basic or client_secret_post are supported)",
            ));
        }
    };
    let secret_expires_at = match obj.get("client_secret_expires_at") {
        None | Some(Value::Null) => None,
        Some(v) => {
            expiry(v).ok_or_else(|| malformed("has a `client_secret_expires_at` that is not a number of seconds"))?
        }
    };
    Ok(Issued { client_id, client_secret, secret_expires_at })
}

/// `client_secret_expires_at`: 0 means never; else seconds since the epoch.
pub(crate) fn expiry(v: &Value) -> Option<Option<SystemTime>> {
    let secs = v.as_u64()?;
    if secs == 0 {
        return Some(None);
    }
    UNIX_EPOCH.checked_add(Duration::from_secs(secs)).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status,
            content_type: Some("application/json".into()),
            retry_after: None,
            location: None,
            body: body.as_bytes().to_vec().into(),
        }
    }

    #[test]
    fn issued_credentials() {
        let i = parse(&raw(201, r#"{"client_id":"c1","client_secret":"s1","client_secret_expires_at":0}"#)).unwrap();
        assert_eq!((i.client_id.as_str(), i.client_secret.expose(), i.secret_expires_at), ("c1", "s1", None));
        let i = parse(&raw(201, r#"{"client_id":"c1","client_secret":"s1","client_secret_expires_at":2000000000}"#))
            .unwrap();
        assert_eq!(i.secret_expires_at, Some(UNIX_EPOCH + Duration::from_secs(2_000_000_000)));
    }

    #[test]
    fn refusals_and_malformed_answers_are_typed_and_never_show_the_body() {
        let e = parse(&raw(400, r#"{"error":"invalid_client_metadata","error_description":"no"}"#)).unwrap_err();
        assert_eq!(
            (e.kind(), e.oauth_error(), e.http_status()),
            (ErrorKind::OAuth, Some("invalid_client_metadata"), Some(400))
        );
        assert_eq!(parse(&raw(503, "")).unwrap_err().kind(), ErrorKind::HttpStatus);
        for body in [
            "[]",
            "not json",
            r#"{"client_secret":"leaked-secret"}"#,
            r#"{"client_id":"","client_secret":"leaked-secret"}"#,
            r#"{"client_id":7,"client_secret":"leaked-secret"}"#,
            r#"{"client_id":"c1"}"#,
            r#"{"client_id":"c1","client_secret":"leaked-secret","client_secret_expires_at":-1}"#,
            r#"{"client_id":"c1","client_secret":"leaked-secret","client_secret_expires_at":"soon"}"#,
        ] {
            let e = parse(&raw(201, body)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::MalformedResponse, "{body}");
            assert!(!e.to_string().contains("leaked-secret"), "{e}");
        }
    }
}
