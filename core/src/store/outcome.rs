//! What every shared store does with its records, whatever holds them: open a
//! stored token (fresh for this process, not the one just rejected, sealed by
//! a holder of our credential) or a stored refusal, and seal a fetch's outcome
//! for the others.

use std::time::Duration;

use super::sealed::Sealer;
use super::values::{self, Rejected};
use super::{StoreContext, StoreSettings};
use crate::clock;
use crate::error::{Error, Result};
use crate::retry;
use crate::stats::bump;
use crate::token::Token;

/// What to store for the other processes (key, sealed value, time to live): a
/// new token, or the server's refusal for as long as this process will hold on
/// to it itself (the first step of its backoff, or the server's `Retry-After`):
/// one request for the whole fleet per refusal, not one per process.
pub(super) fn sealed_outcome(sealer: &Sealer, result: &Result<Token>) -> Result<Option<(String, String, Duration)>> {
    match result {
        Ok(t) => {
            let value = sealer.seal(&sealer.token_key, &values::encode_token(t)?)?;
            let ttl = t.expires_at().duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO);
            Ok(Some((sealer.token_key.clone(), value, ttl)))
        }
        Err(e) if values::is_shared_failure(e) => {
            let value = sealer.seal(&sealer.failure_key, &values::encode_failure(e)?)?;
            Ok(Some((sealer.failure_key.clone(), value, retry::failure_hold(e, 1))))
        }
        Err(_) => Ok(None),
    }
}

/// The stored token if it opens and is fresh for this process.
pub(super) fn open_fresh(ctx: &StoreContext<'_>, sealer: &Sealer, value: &[u8]) -> Option<Token> {
    match values::decode_token(sealer.open(&sealer.token_key, value), ctx.settings) {
        // The token a resource server rejected here: fetch a new one (which replaces it).
        Ok(t) if ctx.rejected.is_some_and(|r| t.0.access_token.fingerprint() == r) => None,
        // Stale for us (by our own jittered refresh point) means it is our turn to renew it.
        Ok(t) => (clock::now() < t.0.stale_at).then_some(t),
        Err(Rejected::Expired) => None,
        Err(Rejected::Forged) => {
            bump(&ctx.counters.store_rejected);
            tracing::warn!(
                client_id = %ctx.settings.client_id,
                "a value in the token store failed authentication (written without this client's credential, or corrupted); ignoring it"
            );
            None
        }
    }
}

/// The stored refusal, if it opens.
pub(super) fn open_failure(ctx: &StoreContext<'_>, sealer: &Sealer, value: &[u8]) -> Option<Error> {
    match sealer.open(&sealer.failure_key, value).and_then(|plain| values::decode_failure(&plain)) {
        Some(e) => {
            tracing::debug!(client_id = %ctx.settings.client_id, error = %e, "another process's token request was just refused; sharing its error");
            Some(e)
        }
        None => {
            bump(&ctx.counters.store_rejected);
            tracing::warn!(client_id = %ctx.settings.client_id, "a failure record in the token store failed authentication; ignoring it");
            None
        }
    }
}

/// How long to wait for another process's fetch before fetching ourselves: as
/// long as a fetch with all its retries can take, plus one lease.
pub(super) fn wait_limit(ctx: &StoreContext<'_>, st: &StoreSettings) -> Duration {
    let s = ctx.settings;
    (s.request_timeout + s.retry_max_delay) * (s.max_retries + 1) + st.lock_lease
}
