//! One fetch: the token request(s) behind a single flight — `auto` method
//! resolution, retries of transient failures, and turning the answer into a
//! cached [`Token`].

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::SystemTime;

use arc_swap::ArcSwapOption;
use parking_lot::Mutex;

use crate::clock;
use url::Url;

use crate::config::AuthMethod;
use crate::discovery::{self, Metadata};
use crate::error::{Error, ErrorKind, Result};
use crate::generation::PerProcess;
use crate::lifecycle;
use crate::registration::Registration;
use crate::request::{self, SentMethod};
use crate::response;
use crate::retry;
use crate::settings::Settings;
use crate::stats::{Counters, bump};
use crate::token::{Token, TokenInner};

/// What `auto` learned about a client: which method the server accepted.
/// Kept per cache entry (read without a lock) and, through [`LEARNED`], per
/// token endpoint and client id for the whole process.
#[derive(Default)]
pub(crate) struct AutoMethod(AtomicU8);

/// What `auto` learned, by token endpoint and client id: a client's other
/// cache entries (other scopes, another audience) start from it instead of
/// learning again. Per fork generation, like the other per-process pools.
static LEARNED: PerProcess<Mutex<HashMap<(String, String), u8>>> = PerProcess::new();

const UNKNOWN: u8 = 0;
const BASIC_WORKS: u8 = 1;
const POST_WORKS: u8 = 2;

impl AutoMethod {
    /// This entry's state, or else what the process learned for `endpoint` and `client_id`.
    fn state(&self, endpoint: &Url, client_id: &str) -> u8 {
        let mine = self.0.load(Ordering::Relaxed);
        if mine != UNKNOWN {
            return mine;
        }
        let learned = LEARNED.get(|| Mutex::new(HashMap::new()));
        let known = learned.value.lock().get(&(endpoint.as_str().to_owned(), client_id.to_owned())).copied();
        let state = known.unwrap_or(UNKNOWN);
        self.0.store(state, Ordering::Relaxed);
        state
    }

    /// Records what worked, for this entry and the process.
    fn learn(&self, endpoint: &Url, client_id: &str, state: u8) {
        self.0.store(state, Ordering::Relaxed);
        let learned = LEARNED.get(|| Mutex::new(HashMap::new()));
        learned.value.lock().insert((endpoint.as_str().to_owned(), client_id.to_owned()), state);
    }

    /// With `auto` and a discovered server that lists its methods, starts with
    /// one it supports: basic when listed (or nothing is listed), else post.
    fn learn_from_metadata(&self, configured: AuthMethod, supported: Option<&[String]>) {
        let Some(supported) = supported else { return };
        if configured != AuthMethod::Auto || supported.iter().any(|m| m == "client_secret_basic") {
            return;
        }
        if supported.iter().any(|m| m == "client_secret_post") {
            self.0.store(POST_WORKS, Ordering::Relaxed);
        }
    }
}

/// Everything a fetch reads or updates besides the settings.
pub(crate) struct FetchContext<'a> {
    pub settings: &'a Settings,
    pub counters: &'a Counters,
    pub auto: &'a AutoMethod,
    /// The error of the latest failed attempt, for callers who time out meanwhile.
    pub last_error: &'a ArcSwapOption<Error>,
    /// The issuer's metadata, when the token endpoint is discovered.
    pub discovered: &'a ArcSwapOption<Metadata>,
    /// The registered credentials in use, with `registration_file`.
    pub registration: &'a Registration,
}

/// Fetches a token from the token endpoint, retrying transient failures as the
/// settings allow.
pub(crate) async fn fetch_from_server(ctx: &FetchContext<'_>) -> Result<Token> {
    let mut attempt = 0;
    loop {
        match fetch_once(ctx).await {
            Ok(t) => return Ok(t),
            Err(e) => {
                let Some(delay) = retry::retry_delay(ctx.settings, attempt, &e) else {
                    return Err(e);
                };
                tracing::debug!(client_id = %ctx.settings.client_id, attempt, ?delay, error = %e, "token request failed; retrying");
                ctx.last_error.store(Some(Arc::new(e)));
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
        }
    }
}

/// One attempt: with a registration, first the credentials (registering when
/// needed, and once more when the token endpoint refuses them); then the token
/// request(s).
async fn fetch_once(ctx: &FetchContext<'_>) -> Result<Token> {
    let s = ctx.settings;
    let http = crate::http::client_for(s)?;
    let (endpoint, fresh_metadata) = discovery::token_endpoint(&http, s, ctx.discovered).await?;
    if let Some(m) = fresh_metadata {
        ctx.auto.learn_from_metadata(s.auth_method, m.auth_methods.as_deref());
    }
    let ep = Endpoint { http: &http, url: &endpoint };
    let Some(reg) = &s.registration else {
        return request_with_method(ctx, s, &ep).await;
    };
    let discovered = ctx.discovered.load_full();
    let discovered = discovered.as_ref().and_then(|m| m.registration_endpoint.as_ref());
    let (current, just_issued) = ctx.registration.credentials(&http, s, reg, discovered, None).await?;
    match request_with_method(ctx, &s.registered_as(&current), &ep).await {
        // The server may have forgotten a client registered earlier (a reset,
        // a deleted registration): register anew, once, rather than fail until
        // the file is removed.
        Err(e) if e.is_client_rejected() && !just_issued => {
            tracing::info!(client_id = %current.issued.client_id, error = %e, "the token endpoint refused the registered client; registering again");
            let (renewed, _) =
                ctx.registration.credentials(&http, s, reg, discovered, Some(&current.issued.client_id)).await?;
            request_with_method(ctx, &s.registered_as(&renewed), &ep).await
        }
        other => other,
    }
}

/// The token request(s) of one attempt with settings `s`: for `auto`, basic
/// and then post once.
async fn request_with_method(ctx: &FetchContext<'_>, s: &Settings, ep: &Endpoint<'_>) -> Result<Token> {
    let endpoint = ep.url;
    let auto_state = if s.auth_method == AuthMethod::Auto { ctx.auto.state(endpoint, &s.client_id) } else { UNKNOWN };
    let method = match s.auth_method {
        AuthMethod::ClientSecretBasic => SentMethod::Basic,
        AuthMethod::ClientSecretPost => SentMethod::Post,
        // mTLS methods authenticate on the connection; the body names the client.
        AuthMethod::None | AuthMethod::TlsClientAuth | AuthMethod::SelfSignedTlsClientAuth => SentMethod::None,
        AuthMethod::ClientSecretJwt | AuthMethod::PrivateKeyJwt => SentMethod::Jwt,
        AuthMethod::Auto if auto_state == POST_WORKS => SentMethod::Post,
        AuthMethod::Auto => SentMethod::Basic,
    };
    let result = request_token(ctx, s, ep, method).await;
    if s.auth_method != AuthMethod::Auto {
        return result;
    }
    match result {
        Ok(t) => {
            let learned = if method == SentMethod::Basic { BASIC_WORKS } else { POST_WORKS };
            ctx.auto.learn(endpoint, &s.client_id, learned);
            Ok(t)
        }
        // Fall back only when the credentials were rejected, never on an outage,
        // and only while basic is not known to work for this client.
        Err(e) if method == SentMethod::Basic && e.is_client_rejected() && auto_state == UNKNOWN => {
            tracing::info!(client_id = %s.client_id, "client_secret_basic was rejected; trying client_secret_post (auth_method auto)");
            let t = request_token(ctx, s, ep, SentMethod::Post).await?;
            ctx.auto.learn(endpoint, &s.client_id, POST_WORKS);
            Ok(t)
        }
        Err(e) => Err(e),
    }
}

/// Where one attempt sends its requests.
struct Endpoint<'a> {
    http: &'a reqwest::Client,
    url: &'a Url,
}

async fn request_token(ctx: &FetchContext<'_>, s: &Settings, ep: &Endpoint<'_>, method: SentMethod) -> Result<Token> {
    let req = request::build(s, method, ep.url)?;
    let sent_at = clock::now();
    let sent_wall = SystemTime::now();
    bump(&ctx.counters.token_requests);
    tracing::debug!(client_id = %s.client_id, endpoint = %crate::http::describe_url(ep.url), ?method, "sending token request");
    let raw = crate::http::send(ep.http, s, ep.url, &req).await?;
    let parsed = response::parse(&raw, &s.token_path)?;
    let lifetime = parsed.lifetime.unwrap_or(s.default_lifetime);
    if lifetime.is_zero() {
        return Err(Error::new(
            ErrorKind::MalformedResponse,
            "token response carries a token that has already expired (JWT `exp` in the past)",
        )
        .with_http_status(raw.status));
    }
    let d = lifecycle::deadlines(sent_at, lifetime, s);
    tracing::debug!(client_id = %s.client_id, lifetime_s = lifetime.as_secs_f64(), "token obtained");
    Ok(Token(Arc::new(TokenInner {
        access_token: parsed.access_token,
        token_type: parsed.token_type,
        expires_at: sent_wall + lifetime,
        lifetime,
        scope: parsed.scope,
        extra: parsed.extra,
        stale_at: d.stale_at,
        expire_at: d.expire_at,
    })))
}
