//! Fuzzes the token endpoint response parser: status, `Content-Type`,
//! `Retry-After`, `token_path` and body.
//!
//! Input layout (see ../README.md): four header lines, then the body as raw
//! bytes (not necessarily UTF-8):
//!
//! ```text
//! <status>\n          decimal u16; anything else is hashed into a u16
//! <content-type>\n    empty line: no Content-Type header
//! <retry-after>\n     empty line: no Retry-After header
//! <token_path>\n      dot-separated keys; empty line: top level
//! <body...>
//! ```

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, rest) = line(data);
    let (content_type, rest) = line(rest);
    let (retry_after, rest) = line(rest);
    let (token_path, body) = line(rest);

    let status = parse_status(status);
    let content_type = header(content_type);
    let retry_after = header(retry_after);
    let token_path: Vec<String> = match std::str::from_utf8(token_path) {
        Ok("") | Err(_) => Vec::new(),
        Ok(p) => p.split('.').map(str::to_owned).collect(),
    };

    ooauthcc_core::fuzzing::token_response(status, content_type, retry_after, body, &token_path);
});

/// The bytes before the first `\n` and the bytes after it (all of `data` and
/// nothing when there is no newline).
fn line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// A decimal status as written in the seeds; any other bytes still map to some
/// status, so no input is wasted.
fn parse_status(raw: &[u8]) -> u16 {
    if let Some(s) = std::str::from_utf8(raw).ok().and_then(|s| s.trim().parse::<u16>().ok()) {
        return s;
    }
    raw.iter().fold(0u16, |acc, &b| acc.wrapping_mul(31).wrapping_add(u16::from(b)))
}

/// A header value; an empty line means the header is absent. Values that are not
/// UTF-8 are skipped by reqwest's `to_str()` in the real fetch path, so they are
/// absent here too.
fn header(raw: &[u8]) -> Option<&str> {
    std::str::from_utf8(raw).ok().filter(|s| !s.is_empty())
}
