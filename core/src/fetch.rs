//! One fetch: the token request(s) behind a single flight — `auto` method
//! resolution, retries of transient failures, and turning the answer into a
//! cached [`Token`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::SystemTime;

use arc_swap::ArcSwapOption;

use crate::clock;
use crate::config::{AuthMethod, Settings};
use crate::error::{Error, ErrorKind, Result};
use crate::lifecycle;
use crate::request::{self, SentMethod};
use crate::response;
use crate::retry;
use crate::stats::{Counters, bump};
use crate::token::{Token, TokenInner};

/// What `auto` learned about a client: which method the server accepted.
#[derive(Default)]
pub(crate) struct AutoMethod(AtomicU8);

const UNKNOWN: u8 = 0;
const BASIC_WORKS: u8 = 1;
const POST_WORKS: u8 = 2;

/// Everything a fetch reads or updates besides the settings.
pub(crate) struct FetchContext<'a> {
    pub settings: &'a Settings,
    pub counters: &'a Counters,
    pub auto: &'a AutoMethod,
    /// The error of the latest failed attempt, for callers who time out meanwhile.
    pub last_error: &'a ArcSwapOption<Error>,
}

/// Fetches a token, retrying transient failures as the settings allow.
pub(crate) async fn fetch(ctx: &FetchContext<'_>) -> Result<Token> {
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

/// One attempt, which for `auto` may be two requests: basic, then post once.
async fn fetch_once(ctx: &FetchContext<'_>) -> Result<Token> {
    let s = ctx.settings;
    let method = match s.auth_method {
        AuthMethod::ClientSecretBasic => SentMethod::Basic,
        AuthMethod::ClientSecretPost => SentMethod::Post,
        AuthMethod::None => SentMethod::None,
        AuthMethod::ClientSecretJwt | AuthMethod::PrivateKeyJwt => SentMethod::Jwt,
        AuthMethod::Auto if ctx.auto.0.load(Ordering::Relaxed) == POST_WORKS => SentMethod::Post,
        AuthMethod::Auto => SentMethod::Basic,
    };
    let result = request_token(ctx, method).await;
    if s.auth_method != AuthMethod::Auto {
        return result;
    }
    match result {
        Ok(t) => {
            let learned = if method == SentMethod::Basic { BASIC_WORKS } else { POST_WORKS };
            ctx.auto.0.store(learned, Ordering::Relaxed);
            Ok(t)
        }
        // Fall back only when the credentials were rejected, never on an outage,
        // and only while basic is not known to work for this client.
        Err(e)
            if method == SentMethod::Basic
                && e.is_client_rejected()
                && ctx.auto.0.load(Ordering::Relaxed) == UNKNOWN =>
        {
            tracing::info!(client_id = %s.client_id, "client_secret_basic was rejected; trying client_secret_post (auth_method auto)");
            let t = request_token(ctx, SentMethod::Post).await?;
            ctx.auto.0.store(POST_WORKS, Ordering::Relaxed);
            Ok(t)
        }
        Err(e) => Err(e),
    }
}

async fn request_token(ctx: &FetchContext<'_>, method: SentMethod) -> Result<Token> {
    let s = ctx.settings;
    let slot = crate::runtime::slot()?;
    let client = slot.http_client(s.connect_timeout)?;
    let req = request::build(s, method)?;
    let sent_at = clock::now();
    let sent_wall = SystemTime::now();
    bump(&ctx.counters.token_requests);
    tracing::debug!(client_id = %s.client_id, endpoint = %crate::http::describe_url(&s.token_url), ?method, "sending token request");
    let raw = crate::http::send(&client, s, &req).await?;
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
