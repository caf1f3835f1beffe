//! Dynamic client registration (RFC 7591): a client configured with a
//! `registration_file` instead of a client id registers itself at the first
//! fetch, keeps what it was issued in that file, and reuses it on later starts
//! and in the machine's other processes. It registers again when the file is
//! missing, was written for another registration endpoint, holds a secret that
//! has expired (`client_secret_expires_at`), or holds credentials the token
//! endpoint refuses (the server forgot the client).
//!
//! ```text
//! fetch ──> remembered and lasting? ──yes──> token request
//!               │ no
//!               └─> lock <file>.lock ──> file lasting? ──yes──> remember ──> token request
//!                                            │ no
//!                                            └─> POST registration ──> write file ──> remember
//! ```

mod answer;
mod record;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwapOption;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use url::Url;
use zeroize::Zeroizing;

pub(crate) use answer::Issued;

use crate::error::{Error, Result};
use crate::http::{self, describe_url};
use crate::settings::{RegistrationSettings, Settings};

/// A secret this close to its expiry is not used: the registration and the
/// token request that follows must both fit before it.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// Credentials in use, and the registration endpoint that issued them.
pub(crate) struct Current {
    pub endpoint: String,
    pub issued: Issued,
}

/// What a cache entry remembers between fetches, so that only the first fetch
/// (and one after a refusal or an expiry) reads the file.
#[derive(Default)]
pub(crate) struct Registration(ArcSwapOption<Current>);

impl Registration {
    /// The credentials to use for the next token request: remembered, else
    /// from the file, else issued by a new registration (written to the file),
    /// and whether they were issued just now. `refused`: a client id the token
    /// endpoint has just refused; it is registered over rather than used again.
    pub(crate) async fn credentials(
        &self,
        http_client: &reqwest::Client,
        s: &Settings,
        reg: &RegistrationSettings,
        discovered: Option<&Url>,
        refused: Option<&str>,
    ) -> Result<(Arc<Current>, bool)> {
        let endpoint = match (&reg.endpoint, discovered) {
            (Some(u), _) | (None, Some(u)) => u,
            (None, None) => {
                return Err(Error::config(
                    "registration_endpoint",
                    "is not set, and the issuer's metadata names no registration_endpoint",
                ));
            }
        };
        let usable = |c: &Current| {
            c.endpoint == endpoint.as_str()
                && refused != Some(c.issued.client_id.as_str())
                && record::lasts(c.issued.secret_expires_at, SystemTime::now(), EXPIRY_MARGIN)
        };
        if let Some(c) = self.0.load_full()
            && usable(&c)
        {
            return Ok((c, false));
        }
        let _lock = record::lock(&reg.file, s.request_timeout * 3 + EXPIRY_MARGIN).await?;
        // Whoever held the lock before us may have just registered.
        if let Some(r) = record::load(&reg.file)? {
            let on_file = Arc::new(Current { endpoint: r.registration_endpoint, issued: r.issued });
            if usable(&on_file) {
                tracing::debug!(client_id = %on_file.issued.client_id, file = %reg.file.display(), "using the registered client");
                self.0.store(Some(Arc::clone(&on_file)));
                return Ok((on_file, false));
            }
        }
        let issued = register(http_client, s, reg, endpoint).await?;
        record::save(&reg.file, endpoint.as_str(), &issued)?;
        tracing::info!(client_id = %issued.client_id, endpoint = %describe_url(endpoint), "registered the client (RFC 7591)");
        let current = Arc::new(Current { endpoint: endpoint.as_str().to_owned(), issued });
        self.0.store(Some(Arc::clone(&current)));
        Ok((current, true))
    }
}

/// Sends one registration request and reads the answer.
async fn register(
    http_client: &reqwest::Client,
    s: &Settings,
    reg: &RegistrationSettings,
    endpoint: &Url,
) -> Result<Issued> {
    // No `scope`: the registration is shared by every configuration that names
    // the file, each asking for its own scopes at the token endpoint.
    let metadata = serde_json::json!({
        "client_name": "ooauthcc",
        "grant_types": ["client_credentials"],
        "response_types": [],
        "redirect_uris": [],
        "token_endpoint_auth_method": reg.auth_method,
    });
    let mut request = http_client
        .post(endpoint.clone())
        .timeout(s.request_timeout)
        .header(CONTENT_TYPE, "application/json")
        .header(ACCEPT, "application/json")
        .body(metadata.to_string());
    if let Some(token) = &reg.initial_access_token {
        let value = Zeroizing::new(format!("Bearer {}", token.expose()));
        let mut header = HeaderValue::from_str(&value)
            .map_err(|_| Error::config("initial_access_token", "is not usable in an HTTP header"))?;
        header.set_sensitive(true);
        request = request.header(AUTHORIZATION, header);
    }
    let raw = http::send_request(request, s, endpoint, "registration endpoint").await?;
    answer::parse(&raw)
}

/// Reads `data` as a registration endpoint's answer (with `status`) and as a
/// registration file; must never panic.
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz(status: u16, data: &[u8]) {
    let raw = crate::response::RawResponse {
        status,
        content_type: Some("application/json".into()),
        retry_after: None,
        location: None,
        body: data.to_vec().into(),
    };
    if let Err(e) = answer::parse(&raw) {
        let _ = e.to_string();
    }
    if let Some(r) = record::decode(data) {
        let _ = record::encode(&r.registration_endpoint, &r.issued);
    }
}

/// The settings of a token request made with registered credentials.
impl Settings {
    pub(crate) fn registered_as(&self, current: &Current) -> Settings {
        let mut s = self.clone();
        s.client_id.clone_from(&current.issued.client_id);
        s.client_secret = Some(crate::credentials::Source::Inline(current.issued.client_secret.clone()));
        s
    }
}
