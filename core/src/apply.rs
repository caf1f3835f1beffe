//! Putting a token on an outgoing request: which header or query parameter, and
//! whether the destination may receive it at all.

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

    /// `"<prefix> <token>"` for the header (`"Bearer …"` by default).
    pub fn header_value(&self, token: &Token) -> String {
        token.header_value(&self.settings().token_prefix)
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
            Ok(())
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
        url.query_pairs_mut().append_pair(name, token.access_token());
        Ok(())
    }
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
