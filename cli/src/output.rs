//! What each subcommand prints. Only standard output carries these; each
//! ends with a newline, and none is ever written to standard error.

use std::time::SystemTime;

use ooauthcc_core::{Client, ErrorKind, Token, UnverifiedJwt};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::failure::Failure;

/// `token`: the access token alone.
pub fn token(token: &Token) -> String {
    format!("{}\n", token.access_token())
}

/// `header`: the header line (`Authorization: Bearer …`).
pub fn header(client: &Client, token: &Token) -> Result<String, Failure> {
    let line = format!("{}: {}", client.header_name(), client.header_value(token));
    refuse_line_breaks(&line, "a header line")?;
    Ok(format!("{line}\n"))
}

/// `curl`: a config for `curl -K -`: the header, or the query parameter when
/// `query_param` is set (curl 7.87's `url-query`), then the `resource_headers`
/// and `resource_cookies` (as headers), as core's `authorize` decides them.
pub fn curl(client: &Client, token: &Token) -> Result<String, Failure> {
    let mut out = match client.query_param() {
        Some(param) => format!("url-query = {}\n", curl_quoted(&format!("{param}={}", token.access_token()))),
        None => curl_header(client.header_name(), &client.header_value(token))?,
    };
    for (name, value) in client.resource_headers() {
        out.push_str(&curl_header(&name, &value)?);
    }
    Ok(out)
}

/// One `header = "Name: value"` line of a curl config.
fn curl_header(name: &str, value: &str) -> Result<String, Failure> {
    let header = format!("{name}: {value}");
    refuse_line_breaks(&header, "a header")?;
    Ok(format!("header = {}\n", curl_quoted(&header)))
}

/// A double-quoted curl config string: backslash escapes, so no value can end
/// the string or the line early.
fn curl_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `exec-credential`: what kubectl's exec credential plugins return
/// (client.authentication.k8s.io/v1), with the token's expiry so kubectl asks
/// again in time.
pub fn exec_credential(token: &Token) -> Result<String, Failure> {
    let doc = json!({
        "apiVersion": "client.authentication.k8s.io/v1",
        "kind": "ExecCredential",
        "status": {
            "token": token.access_token(),
            "expirationTimestamp": rfc3339(token.expires_at())?,
        },
    });
    Ok(format!("{doc}\n"))
}

/// `env`: `export NAME='value'` lines, quoted for POSIX shells.
pub fn env(client: &Client, token: &Token, prefix: &str) -> Result<String, Failure> {
    let valid_name = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_name(prefix) || prefix.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(Failure::new(ErrorKind::InvalidArgument, "--prefix: expected letters, digits and underscores"));
    }
    let vars = [
        ("ACCESS_TOKEN", token.access_token().to_owned()),
        ("TOKEN_TYPE", token.token_type().to_owned()),
        ("EXPIRES_AT", rfc3339(token.expires_at())?),
        ("AUTHORIZATION", client.header_value(token)),
    ];
    let mut out = String::new();
    for (name, value) in vars {
        let quoted = shlex::try_quote(&value).map_err(|_| {
            Failure::new(
                ErrorKind::MalformedResponse,
                format!("{prefix}{name} holds a NUL byte; a shell cannot carry it"),
            )
        })?;
        out.push_str(&format!("export {prefix}{name}={quoted}\n"));
    }
    Ok(out)
}

/// `json`: the token and what the server said about it.
pub fn json(token: &Token) -> Result<String, Failure> {
    let remaining = token.valid_for().as_secs();
    let doc = json!({
        "access_token": token.access_token(),
        "token_type": token.token_type(),
        "expires_at": rfc3339(token.expires_at())?,
        "expires_in": remaining,
        "scope": token.scope(),
    });
    Ok(format!("{doc}\n"))
}

/// `inspect`: the JWT's header and claims, marked unverified; times also as
/// RFC 3339 for reading.
pub fn inspect(access_token: &str) -> Result<String, Failure> {
    let jwt = UnverifiedJwt::decode(access_token)?;
    let mut times = serde_json::Map::new();
    for claim in ["exp", "iat", "nbf"] {
        if let Some(secs) = jwt.claims.get(claim).and_then(Value::as_i64)
            && let Ok(at) = OffsetDateTime::from_unix_timestamp(secs)
            && let Ok(text) = at.format(&Rfc3339)
        {
            times.insert(claim.to_owned(), Value::String(text));
        }
    }
    let doc = json!({
        "signature_verified": false,
        "header": jwt.header,
        "claims": jwt.claims,
        "claim_times": times,
    });
    let pretty = serde_json::to_string_pretty(&doc)
        .map_err(|e| Failure::new(ErrorKind::Internal, format!("cannot write the claims as JSON: {e}")))?;
    Ok(format!("{pretty}\n"))
}

/// A time as RFC 3339 in UTC, whole seconds (`2026-12-03T05:00:00Z`).
fn rfc3339(at: SystemTime) -> Result<String, Failure> {
    let at = OffsetDateTime::from(at).replace_nanosecond(0).unwrap_or_else(|_| OffsetDateTime::from(at));
    at.format(&Rfc3339).map_err(|e| Failure::new(ErrorKind::Internal, format!("cannot format a time: {e}")))
}

fn refuse_line_breaks(text: &str, what: &str) -> Result<(), Failure> {
    if text.contains(['\r', '\n']) {
        return Err(Failure::new(
            ErrorKind::MalformedResponse,
            format!("the token would break {what}: it holds a line break"),
        ));
    }
    Ok(())
}
