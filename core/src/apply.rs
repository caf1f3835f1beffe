//! Putting a token on an outgoing API request: which header or query parameter,
//! in which format, with which headers and cookies, and whether the destination
//! may receive it at all. [`Client::authorize`] decides all of it in one place;
//! the Rust, C and Python integrations send what it returns.

use std::fmt;

use url::Url;

use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::settings::is_loopback_host;
use crate::token::Token;

impl Client {
    /// The header that carries the token, as configured (default `Authorization`).
    pub fn header_name(&self) -> &str {
        &self.settings().header_name
    }

    /// The header's value for `token`: `header_format` with the token in
    /// place, or `"<token_prefix> <token>"` (`"Bearer …"` by default).
    pub fn header_value(&self, token: &Token) -> String {
        self.settings().resource.header_format.value(token.access_token())
    }

    /// How many times an API request is retried with a new token after a 401
    /// (`unauthorized_retries`, default 1).
    pub fn unauthorized_retries(&self) -> u32 {
        self.settings().resource.unauthorized_retries
    }

    /// Everything to send on an API request to `url`: checks the destination
    /// ([`Client::check_destination`]) before getting a token, so a refused
    /// host costs no token request; then [`Client::authorize_with`].
    pub async fn authorize(&self, url: &str) -> Result<Authorized> {
        let url = self.destination(url)?;
        Ok(self.authorized(url, self.get_token().await?))
    }

    /// [`Client::authorize`] for synchronous code.
    pub fn authorize_blocking(&self, url: &str) -> Result<Authorized> {
        let url = self.destination(url)?;
        Ok(self.authorized(url, self.get_token_blocking()?))
    }

    /// After the API answered 401 to `rejected`: the token to try next, or
    /// `None` to give up and return the 401. This is the one retry rule of
    /// every integration (the Rust middleware, the Python adapters, C):
    /// `attempt` counts the retries already made (0 after the first 401);
    /// past `unauthorized_retries` it is `None`. Otherwise exactly the rejected
    /// token is invalidated (compare-and-invalidate: of many requests rejected
    /// together, one renewal) and a token is got again; `None` when it is the
    /// same token (the cache could not renew it: retrying would repeat the 401).
    pub async fn token_after_unauthorized(&self, rejected: &Token, attempt: u32) -> Result<Option<Token>> {
        if !self.retry_unauthorized(rejected.access_token(), attempt) {
            return Ok(None);
        }
        let renewed = self.get_token().await?;
        Ok((renewed.access_token() != rejected.access_token()).then_some(renewed))
    }

    /// [`Client::token_after_unauthorized`] for synchronous code.
    pub fn token_after_unauthorized_blocking(&self, rejected: &Token, attempt: u32) -> Result<Option<Token>> {
        if !self.retry_unauthorized(rejected.access_token(), attempt) {
            return Ok(None);
        }
        let renewed = self.get_token_blocking()?;
        Ok((renewed.access_token() != rejected.access_token()).then_some(renewed))
    }

    /// The decision half of [`Client::token_after_unauthorized`], for
    /// integrations that get the next token their own way (an event loop, a
    /// GIL to release): whether retry number `attempt` may be made after a 401
    /// to `rejected` — and if so, `rejected` has been invalidated. Retry with
    /// the next token unless it is `rejected` again.
    pub fn retry_unauthorized(&self, rejected: &str, attempt: u32) -> bool {
        if attempt >= self.unauthorized_retries() {
            return false;
        }
        self.invalidate(rejected);
        true
    }

    /// After the API answered 401 to `rejected`: what to send on the retry
    /// (the same URL, authorized with the next token), or `None` to give up.
    /// See [`Client::token_after_unauthorized`] for the rule.
    pub async fn reauthorize(&self, rejected: &Authorized, attempt: u32) -> Result<Option<Authorized>> {
        let next = self.token_after_unauthorized(&rejected.token, attempt).await?;
        Ok(next.map(|token| self.authorized(rejected.original.clone(), token)))
    }

    /// [`Client::reauthorize`] for synchronous code.
    pub fn reauthorize_blocking(&self, rejected: &Authorized, attempt: u32) -> Result<Option<Authorized>> {
        let next = self.token_after_unauthorized_blocking(&rejected.token, attempt)?;
        Ok(next.map(|token| self.authorized(rejected.original.clone(), token)))
    }

    /// What to send to `url` with `token`, after [`Client::check_destination`]:
    /// the URL (with the token as `query_param` when that is configured) and the
    /// headers — the token's (unless it is in the query), `resource_headers`,
    /// and a `Cookie` header from `resource_cookies`.
    pub fn authorize_with(&self, url: &str, token: Token) -> Result<Authorized> {
        Ok(self.authorized(self.destination(url)?, token))
    }

    /// [`Client::authorize_with`] for a destination already checked.
    fn authorized(&self, original: Url, token: Token) -> Authorized {
        let mut url = original.clone();
        let mut headers = Vec::with_capacity(self.settings().resource.headers.len() + 2);
        match self.query_param() {
            Some(name) => set_query_param(&mut url, name, token.access_token()),
            None => headers.push((self.header_name().to_owned(), self.header_value(&token))),
        }
        headers.extend(self.resource_headers());
        Authorized { url, original, headers, token }
    }

    /// The headers API requests carry besides the token: `resource_headers`,
    /// then a `Cookie` of `resource_cookies` (what [`Client::authorize_with`]
    /// adds after the token's header; for tools that send the token themselves).
    pub fn resource_headers(&self) -> Vec<(String, String)> {
        let resource = &self.settings().resource;
        let mut headers: Vec<(String, String)> = resource
            .headers
            .iter()
            // Checked as valid header text when the client was built.
            .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect();
        if let Some(cookie) = &resource.cookie {
            headers.push(("Cookie".to_owned(), cookie.clone()));
        }
        headers
    }

    /// A token, formatted as the header value.
    pub async fn authorization_header(&self) -> Result<String> {
        Ok(self.header_value(&self.get_token().await?))
    }

    /// [`Client::authorization_header`] for synchronous code.
    pub fn authorization_header_blocking(&self) -> Result<String> {
        Ok(self.header_value(&self.get_token_blocking()?))
    }

    /// The query parameter the token goes in, when configured instead of a header.
    pub fn query_param(&self) -> Option<&str> {
        self.settings().query_param.as_deref()
    }

    /// Whether a token may be sent to `url`: the host is in `allowed_hosts` (any
    /// host when that list is empty), and plain `http` only to loopback hosts
    /// (or anywhere with `allow_insecure_http`).
    pub fn check_destination(&self, url: &str) -> Result<()> {
        self.destination(url).map(drop)
    }

    /// `url` parsed, when a token may be sent there (see [`Client::check_destination`]).
    fn destination(&self, url: &str) -> Result<Url> {
        let u = Url::parse(url)
            .map_err(|e| Error::new(ErrorKind::InvalidArgument, format!("destination is not an absolute URL ({e})")))?;
        let host = u.host_str().unwrap_or("").to_ascii_lowercase();
        match u.scheme() {
            "https" => {}
            "http" if is_loopback_host(u.host()) || self.settings().allow_insecure_http => {}
            other => {
                return Err(Error::new(
                    ErrorKind::Usage,
                    format!(
                        "refusing to send a token over `{other}` to {host}: only https, or http to a loopback host"
                    ),
                ));
            }
        }
        let allowed = &self.settings().allowed_hosts;
        if allowed.is_empty() || allowed.iter().any(|pattern| host_matches(pattern, &host)) {
            Ok(u)
        } else {
            Err(Error::new(ErrorKind::Usage, format!("refusing to send a token to {host}: not in allowed_hosts")))
        }
    }

    /// Adds the token to `url` as the configured query parameter, after
    /// [`Client::check_destination`]. Fails when no `query_param` is configured.
    pub fn apply_to_url(&self, url: &mut Url, token: &Token) -> Result<()> {
        let Some(name) = self.query_param() else {
            return Err(Error::new(ErrorKind::Usage, "no query_param is configured; send the token in the header"));
        };
        self.check_destination(url.as_str())?;
        set_query_param(url, name, token.access_token());
        Ok(())
    }
}

/// Everything to send on one API request: see [`Client::authorize_with`].
///
/// Keeps the token it carries, so that after a 401 exactly that token is
/// invalidated (`client.invalidate(authorized.token().access_token())`) and
/// concurrent callers renew it once. `Debug` shows header names only and the
/// URL without its query.
pub struct Authorized {
    url: Url,
    /// The caller's URL, before the token went into its query: what a retry
    /// is authorized for.
    original: Url,
    headers: Vec<(String, String)>,
    token: Token,
}

impl Authorized {
    /// The URL to send to: the caller's, with the token as a query parameter
    /// when `query_param` is configured.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The headers to add, in order, as (name, value).
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The token these carry.
    pub fn token(&self) -> &Token {
        &self.token
    }
}

impl Drop for Authorized {
    /// The header values carry the token (in `header_format`): wiped, like
    /// every other copy of it the library holds. (The URL, when the token is
    /// in its query, lives in `url::Url`'s own buffer, which is not ours to wipe.)
    fn drop(&mut self) {
        for (_, value) in &mut self.headers {
            zeroize::Zeroize::zeroize(value);
        }
    }
}

impl fmt::Debug for Authorized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.url.clone();
        shown.set_query(None);
        f.debug_struct("Authorized")
            .field("url", &shown.as_str())
            .field("headers", &self.headers.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>())
            .field("token", &self.token)
            .finish()
    }
}

/// Puts `value` in `name`, replacing any value the URL already had there. The
/// query is only rewritten when it had one, so other parameters keep their
/// exact encoding (signed URLs).
fn set_query_param(url: &mut Url, name: &str, value: &str) {
    if url.query_pairs().any(|(k, _)| k == name) {
        let kept: Vec<(String, String)> =
            url.query_pairs().filter(|(k, _)| k != name).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    url.query_pairs_mut().append_pair(name, value);
}

fn host_matches(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(domain) => {
            host.len() > domain.len() + 1 && host.ends_with(domain) && host[..host.len() - domain.len()].ends_with('.')
        }
        None => pattern == host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClientConfig;

    fn client(hosts: &[&str]) -> Client {
        Client::new(
            ClientConfig::new("https://idp.example.com/t", "apply-test", "s").with_allowed_hosts(hosts.iter().copied()),
        )
        .unwrap()
    }

    #[test]
    fn destinations() {
        let any = client(&[]);
        assert!(any.check_destination("https://api.example.com/x").is_ok());
        assert!(any.check_destination("http://127.0.0.1:8080/x").is_ok());
        let e = any.check_destination("http://api.example.com/x").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Usage);
        let some = client(&["api.example.com", "*.svc.example.com"]);
        assert!(some.check_destination("https://api.example.com/x").is_ok());
        assert!(some.check_destination("https://a.svc.example.com/x").is_ok());
        assert!(some.check_destination("https://svc.example.com/x").is_err());
        assert!(some.check_destination("https://evilsvc.example.com/x").is_err());
        assert!(some.check_destination("https://other.example.com/x").is_err());
        assert_eq!(some.check_destination("not a url").unwrap_err().kind(), ErrorKind::InvalidArgument);
    }
}
