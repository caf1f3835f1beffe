//! Reading a token endpoint's answer: a token, an OAuth error, or a typed reason
//! why the answer cannot be used. Error messages describe the body's shape, never
//! its content, so a token can not leak through them.

use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, OAuthErrorBody, Result};
use crate::secret::Secret;

/// What the HTTP layer hands over: status, the headers we use, and the body
/// (already capped in size).
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub retry_after: Option<Duration>,
    pub location: Option<String>,
    /// Wiped on drop: it holds the access token.
    pub body: zeroize::Zeroizing<Vec<u8>>,
}

/// A successful token response, before the cache gives it a life.
pub(crate) struct TokenResponse {
    pub access_token: Secret,
    pub token_type: String,
    /// From `expires_in`, else the JWT `exp`, else `None` (the caller's default applies).
    pub lifetime: Option<Duration>,
    pub scope: Option<String>,
    pub extra: Map<String, Value>,
}

/// Turns `raw` into a token or a typed error. `token_path` walks into nested
/// objects before the token fields are read.
pub(crate) fn parse(raw: &RawResponse, token_path: &[String]) -> Result<TokenResponse> {
    let status = raw.status;
    let fail =
        |kind: ErrorKind, msg: String| Error::new(kind, msg).with_http_status(status).with_retry_after(raw.retry_after);
    if (300..400).contains(&status) {
        let target = raw.location.as_deref().map(describe_location).unwrap_or_else(|| "nowhere".into());
        return Err(fail(
            ErrorKind::HttpStatus,
            format!(
                "token endpoint answered HTTP {status} (a redirect to {target}); redirects are never followed for token requests"
            ),
        ));
    }
    let body = decode_body(raw);
    if !(200..300).contains(&status) {
        if let Ok(obj) = &body
            && let Some(err) = oauth_error(obj)
        {
            return Err(fail(ErrorKind::OAuth, format!("token endpoint rejected the request with HTTP {status}"))
                .with_oauth(err));
        }
        return Err(fail(ErrorKind::HttpStatus, format!("token endpoint answered HTTP {status} {}", reason(status))));
    }
    let mut obj =
        body.map_err(|why| fail(ErrorKind::MalformedResponse, format!("token response (HTTP {status}) {why}")))?;
    if let Some(err) = oauth_error(&obj) {
        return Err(
            fail(ErrorKind::OAuth, format!("token endpoint answered HTTP {status} with an error body")).with_oauth(err)
        );
    }
    for key in token_path {
        obj = match obj.remove(key) {
            Some(Value::Object(inner)) => inner,
            Some(_) => {
                return Err(fail(
                    ErrorKind::MalformedResponse,
                    format!("token response field `{key}` (token_path) is not an object"),
                ));
            }
            None => {
                return Err(fail(
                    ErrorKind::MalformedResponse,
                    format!("token response has no field `{key}` (token_path)"),
                ));
            }
        };
    }
    token_fields(obj).map_err(|why| fail(ErrorKind::MalformedResponse, format!("token response {why}")))
}

fn token_fields(mut obj: Map<String, Value>) -> Result<TokenResponse, String> {
    let access_token = match obj.remove("access_token") {
        Some(Value::String(s)) if !s.is_empty() => Secret::new(s),
        Some(Value::String(_)) => return Err("has an empty `access_token`".into()),
        Some(other) => return Err(format!("has an `access_token` that is a {}, not a string", json_type(&other))),
        None => return Err("has no `access_token`".into()),
    };
    let token_type = match obj.remove("token_type") {
        None | Some(Value::Null) => "Bearer".to_owned(),
        Some(Value::String(t)) if t.eq_ignore_ascii_case("bearer") || t.is_empty() => "Bearer".to_owned(),
        Some(Value::String(t)) => t,
        Some(other) => return Err(format!("has a `token_type` that is a {}, not a string", json_type(&other))),
    };
    let lifetime = match obj.remove("expires_in") {
        None | Some(Value::Null) => None,
        Some(v) => seconds(&v)?,
    };
    let lifetime = lifetime.or_else(|| jwt_lifetime(access_token.expose()));
    let scope = match obj.remove("scope") {
        Some(Value::String(s)) => Some(s),
        Some(Value::Array(items)) => Some(items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" ")),
        _ => None,
    };
    Ok(TokenResponse { access_token, token_type, lifetime, scope, extra: obj })
}

/// `expires_in` as a number or a numeric string (Azure AD v1, PayPal). Zero
/// means "unknown" to several providers, so it is treated like a missing value.
fn seconds(v: &Value) -> Result<Option<Duration>, String> {
    let secs = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match secs {
        Some(s) if s.is_finite() && s > 0.0 => Ok(Some(Duration::from_secs_f64(s.min(10.0 * 365.0 * 86_400.0)))),
        Some(0.0) => Ok(None),
        _ => Err(format!("has an `expires_in` that is not a positive number of seconds (a {})", json_type(v))),
    }
}

/// The remaining lifetime of a JWT access token from its `exp` claim, if it is one.
fn jwt_lifetime(token: &str) -> Option<Duration> {
    let exp = crate::unverified_jwt::UnverifiedJwt::decode(token).ok()?.expires_at_unix()?;
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs_f64();
    // An already-expired `exp` yields a zero lifetime: the token is never served.
    Some(Duration::from_secs_f64((exp - now).max(0.0)))
}

fn decode_body(raw: &RawResponse) -> Result<Map<String, Value>, String> {
    if raw.body.is_empty() {
        return Err("has an empty body".into());
    }
    let text =
        std::str::from_utf8(&raw.body).map_err(|_| format!("body ({} bytes) is not valid UTF-8", raw.body.len()))?;
    let mime = raw.content_type.as_deref().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if mime == "application/x-www-form-urlencoded" || mime == "text/plain" {
        let map: Map<String, Value> = form_urlencoded::parse(text.as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        if map.is_empty() {
            return Err(format!("body ({} bytes, {mime}) has no form fields", raw.body.len()));
        }
        return Ok(map);
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(format!("body is a JSON {}, not an object", json_type(&other))),
        Err(e) => Err(format!(
            "body ({} bytes, content-type {}) is not JSON: {}",
            raw.body.len(),
            if mime.is_empty() { "missing" } else { &mime },
            // serde_json's messages name a position and a category, never the content.
            e
        )),
    }
}

pub(crate) fn oauth_error(obj: &Map<String, Value>) -> Option<OAuthErrorBody> {
    let error = obj.get("error")?.as_str()?.to_owned();
    let text = |k: &str| obj.get(k).and_then(Value::as_str).map(|s| truncate(s, 512));
    Some(OAuthErrorBody {
        error: truncate(&error, 128),
        error_description: text("error_description"),
        error_uri: text("error_uri"),
    })
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

fn describe_location(loc: &str) -> String {
    // Name only where it points, not its query: a misbehaving server could put anything there.
    match url::Url::parse(loc) {
        Ok(u) => format!(
            "{}://{}{}",
            u.scheme(),
            u.host_str().unwrap_or(""),
            u.port().map(|p| format!(":{p}")).unwrap_or_default()
        ),
        Err(_) => "a relative location".into(),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("")
}

/// Reads a `Retry-After` value: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;
