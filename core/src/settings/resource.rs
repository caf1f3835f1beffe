//! The settings of API ("resource") requests, checked once when a client is
//! built: how the token is written into its header, which headers and cookies
//! go with it, and how often a 401 is retried. `apply.rs` turns them into what
//! to send; every language's integration asks it, so the rule is written once.

use std::collections::BTreeMap;

use reqwest::header::{HeaderName, HeaderValue};

use crate::config::ClientConfig;
use crate::error::{Error, Result};

/// Where the token goes in the header value: `before` + token + `after`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HeaderFormat {
    before: String,
    after: String,
}

/// The placeholder of `header_format`.
const PLACEHOLDER: &str = "{token}";

impl HeaderFormat {
    /// `Bearer {token}` from `token_prefix`, or `{token}` when it is empty.
    fn from_prefix(prefix: &str) -> HeaderFormat {
        let before = if prefix.is_empty() { String::new() } else { format!("{prefix} ") };
        HeaderFormat { before, after: String::new() }
    }

    /// A pattern with exactly one `{token}`; the rest must be valid in a header value.
    fn parse(pattern: &str) -> Result<HeaderFormat> {
        let Some((before, after)) = pattern.split_once(PLACEHOLDER) else {
            return Err(Error::config(
                "header_format",
                format!("must contain {PLACEHOLDER} once, e.g. \"Token {PLACEHOLDER}\""),
            ));
        };
        if after.contains(PLACEHOLDER) {
            return Err(Error::config("header_format", format!("contains {PLACEHOLDER} more than once")));
        }
        // Visible ASCII and spaces: what every HTTP stack sends unchanged.
        if !pattern.chars().all(|ch| ch == ' ' || ch.is_ascii_graphic()) {
            return Err(Error::config("header_format", "may hold visible ASCII characters and spaces only"));
        }
        Ok(HeaderFormat { before: before.to_owned(), after: after.to_owned() })
    }

    /// The header value carrying `token`, in three parts (nothing allocated).
    pub(crate) fn parts<'a>(&'a self, token: &'a str) -> [&'a str; 3] {
        [&self.before, token, &self.after]
    }

    /// The header value carrying `token`.
    pub(crate) fn value(&self, token: &str) -> String {
        let mut v = String::with_capacity(self.before.len() + token.len() + self.after.len());
        v.push_str(&self.before);
        v.push_str(token);
        v.push_str(&self.after);
        v
    }
}

/// What `apply.rs` needs besides the token, checked.
#[derive(Clone, Debug)]
pub(crate) struct ResourceSettings {
    pub header_format: HeaderFormat,
    /// `resource_headers`, validated; values marked sensitive (they often carry API keys).
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// `resource_cookies` as one `Cookie` header value, when there are any.
    pub cookie: Option<String>,
    pub unauthorized_retries: u32,
}

/// Past this, a 401 is the API's answer, not a stale token.
const MAX_UNAUTHORIZED_RETRIES: u32 = 5;

impl ResourceSettings {
    pub(crate) fn from_config(c: &ClientConfig) -> Result<ResourceSettings> {
        let header_format = match &c.header_format {
            Some(pattern) => HeaderFormat::parse(pattern)?,
            None => HeaderFormat::from_prefix(&c.token_prefix),
        };
        let token_header = c.header_name.to_ascii_lowercase();
        let headers = super::check_headers("resource_headers", &c.resource_headers, |name| {
            name == token_header || (name == "cookie" && !c.resource_cookies.is_empty())
        })?;
        super::check_cookies("resource_cookies", &c.resource_cookies)?;
        let cookie = (!c.resource_cookies.is_empty()).then(|| join_cookies(&c.resource_cookies));
        if c.unauthorized_retries > MAX_UNAUTHORIZED_RETRIES {
            return Err(Error::config(
                "unauthorized_retries",
                format!("must be at most {MAX_UNAUTHORIZED_RETRIES}, got {}", c.unauthorized_retries),
            ));
        }
        Ok(ResourceSettings { header_format, headers, cookie, unauthorized_retries: c.unauthorized_retries })
    }
}

/// `a=1; b=2`: one `Cookie` header (RFC 6265 §5.4).
pub(crate) fn join_cookies(cookies: &BTreeMap<String, String>) -> String {
    cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_places_the_token_and_rejects_what_a_header_cannot_carry() {
        assert_eq!(HeaderFormat::parse("Token {token}").unwrap().value("abc"), "Token abc");
        assert_eq!(HeaderFormat::parse("{token}").unwrap().value("abc"), "abc");
        assert_eq!(HeaderFormat::parse("Bearer {token}; v=2").unwrap().value("t"), "Bearer t; v=2");
        assert_eq!(HeaderFormat::from_prefix("Bearer").value("t"), "Bearer t");
        assert_eq!(HeaderFormat::from_prefix("").value("t"), "t");
        for bad in ["Bearer", "{token} {token}", "Bearer {token}\r\nX-Evil: 1", "é {token}"] {
            let e = HeaderFormat::parse(bad).unwrap_err();
            assert!(e.to_string().contains("header_format"), "{bad:?}: {e}");
        }
    }

    #[test]
    fn resource_headers_may_not_replace_the_token_header_or_the_cookies() {
        let base = ClientConfig::new("https://idp.example.com/t", "id", "s");
        let clash = base.clone().with_resource_headers([("authorization".to_owned(), "x".to_owned())]);
        assert!(ResourceSettings::from_config(&clash).unwrap_err().to_string().contains("resource_headers"));
        let cookie = base
            .clone()
            .with_resource_headers([("Cookie".to_owned(), "a=1".to_owned())])
            .with_resource_cookies([("b".to_owned(), "2".to_owned())]);
        assert!(ResourceSettings::from_config(&cookie).unwrap_err().to_string().contains("resource_headers"));
        let fine = base
            .with_resource_headers([("X-Tenant".to_owned(), "acme".to_owned())])
            .with_resource_cookies([("b".to_owned(), "2".to_owned()), ("a".to_owned(), "1".to_owned())]);
        let r = ResourceSettings::from_config(&fine).unwrap();
        assert_eq!(r.cookie.as_deref(), Some("a=1; b=2"));
        assert_eq!(r.headers[0].0.as_str(), "x-tenant");
    }
}
