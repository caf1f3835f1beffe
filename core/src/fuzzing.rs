//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`): the parsers
//! that read what a server or a user hands us. Not a public API.

use crate::config::ClientConfig;
use crate::response::{RawResponse, parse, parse_retry_after};

/// Parses a token endpoint answer as the fetch path does; must never panic.
pub fn token_response(
    status: u16,
    content_type: Option<&str>,
    retry_after: Option<&str>,
    body: &[u8],
    token_path: &[String],
) {
    let raw = RawResponse {
        status,
        content_type: content_type.map(str::to_owned),
        retry_after: retry_after.and_then(parse_retry_after),
        location: None,
        body: body.to_vec().into(),
    };
    if let Err(e) = parse(&raw, token_path) {
        // Errors must carry a message and a kind; touching them exercises Display.
        let _ = e.to_string();
    }
}

/// Parses and validates a JSON or TOML client configuration; must never panic.
pub fn config(text: &str) {
    for c in [ClientConfig::from_json(text), ClientConfig::from_toml(text)].into_iter().flatten() {
        let _ = c.validate();
    }
    let _ = crate::config::Profiles::from_json(text);
}

/// Parses a discovery document for a fixed issuer; must never panic.
pub fn discovery_document(body: &[u8], mtls: bool) {
    if let Ok(issuer) = url::Url::parse("https://idp.example.com") {
        let _ = crate::discovery::parse(body, &issuer, false, mtls, "fuzz");
    }
}

/// Decodes an access token as an unverified JWT (`ooauthcc inspect`, the `exp`
/// fallback); must never panic.
pub fn unverified_jwt(token: &str) {
    if let Ok(jwt) = crate::UnverifiedJwt::decode(token) {
        let _ = jwt.expires_at_unix();
    }
}

/// Decodes a shared store's records (token and refusal) after unsealing, for a
/// client at a fixed token endpoint; must never panic.
#[cfg(feature = "store")]
pub fn store_record(plain: &[u8]) {
    static SETTINGS: once_cell::sync::Lazy<Option<crate::settings::Settings>> = once_cell::sync::Lazy::new(|| {
        crate::settings::Settings::from_config(&ClientConfig::new("https://idp.example.com/token", "fuzz", "secret"))
            .ok()
    });
    if let Some(s) = SETTINGS.as_ref() {
        crate::store::decode_records(plain, s);
    }
}

/// Reads a registration endpoint's answer (RFC 7591 §3.2, as a 201 and as a
/// 400) and a registration file; must never panic.
pub fn registration(data: &[u8]) {
    crate::registration::fuzz(201, data);
    crate::registration::fuzz(400, data);
}
