//! The reqwest-middleware integration: [`OAuthMiddleware`].

use http::Extensions;
use reqwest::header::{COOKIE, HeaderName, HeaderValue};
use reqwest::{Request, Response, StatusCode};
use reqwest_middleware::{Middleware, Next};

use crate::apply::Authorized;
use crate::client::Client;
use crate::error::{Error, ErrorKind};

/// A [`reqwest_middleware`] layer (cargo feature `reqwest-middleware`) that
/// authorizes every request of a `reqwest` client with a [`Client`]'s token,
/// as [`Client::authorize`] decides: the token's header or query parameter,
/// `resource_headers`, `resource_cookies`, and the `allowed_hosts` check
/// (enforced: a request to another host fails before any token is fetched).
///
/// On 401 it invalidates exactly the token it sent (so concurrent requests
/// renew it once) and sends the request again with a new one, up to
/// `unauthorized_retries` times (default 1); a request whose body cannot be
/// cloned (a stream) is sent once.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use ooauthcc_core::{Client, ClientConfig, OAuthMiddleware};
///
/// let oauth = Client::new(
///     ClientConfig::new("https://idp.example.com/oauth2/token", "my-service", "s3cr3t")
///         .with_allowed_hosts(["api.example.com"]),
/// )?;
/// let http = reqwest_middleware::ClientBuilder::new(reqwest::Client::new()).with(OAuthMiddleware::new(oauth)).build();
/// let orders = http.get("https://api.example.com/orders").send().await?;
/// # drop(orders); Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct OAuthMiddleware {
    client: Client,
}

impl OAuthMiddleware {
    /// Authorizes requests with `client`'s tokens.
    pub fn new(client: Client) -> OAuthMiddleware {
        OAuthMiddleware { client }
    }
}

#[async_trait::async_trait]
impl Middleware for OAuthMiddleware {
    async fn handle(
        &self,
        req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let mut authorized =
            self.client.authorize(req.url().as_str()).await.map_err(reqwest_middleware::Error::middleware)?;
        let mut request = req;
        let mut attempt = 0;
        loop {
            // Keep a copy for a retry while one is still possible.
            let spare = if attempt < self.client.unauthorized_retries() { request.try_clone() } else { None };
            apply(&mut request, &authorized).map_err(reqwest_middleware::Error::middleware)?;
            let response = next.clone().run(request, extensions).await?;
            let Some(spare) = spare.filter(|_| response.status() == StatusCode::UNAUTHORIZED) else {
                return Ok(response);
            };
            // Core's rule: drop exactly the rejected token, get the next one, or give up.
            match self.client.reauthorize(&authorized, attempt).await.map_err(reqwest_middleware::Error::middleware)? {
                Some(next_authorized) => authorized = next_authorized,
                None => return Ok(response),
            }
            request = spare;
            attempt += 1;
        }
    }
}

/// Writes `authorized` into `req`: its URL, and its headers (a `Cookie` joins
/// the request's own cookies; any other header replaces the request's).
fn apply(req: &mut Request, authorized: &Authorized) -> Result<(), Error> {
    *req.url_mut() = authorized.url().clone();
    for (name, value) in authorized.headers() {
        // Both were checked when the client was built; failing here is a bug, reported as one.
        let invalid = || Error::new(ErrorKind::Internal, format!("header {name:?} cannot be sent"));
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
        let joined = match req.headers().get(&name) {
            Some(existing) if name == COOKIE => format!("{}; {value}", String::from_utf8_lossy(existing.as_bytes())),
            _ => value.clone(),
        };
        let mut value = HeaderValue::from_str(&joined).map_err(|_| invalid())?;
        value.set_sensitive(true);
        req.headers_mut().insert(name, value);
    }
    Ok(())
}
