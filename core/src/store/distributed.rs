//! Single flight across processes, on Redis: look in the store, else take the
//! fetch lock and fetch, else wait for whoever holds it.
//!
//! ```text
//! read ──fresh──> done (store hit)
//!   │ none/stale
//!   ▼
//! SET lock NX PX lease ──won──> read again ─> fetch (lease renewed) ─> one script: SET token, DEL lock, PUBLISH
//!   │ lost
//!   ▼
//! SUBSCRIBE ready; until a token appears: wake on a message or every lease/4,
//! read; lock gone with no token (holder failed or died) → try the lock again
//! ```
//!
//! Any store failure before this process fetched ends in a fetch of its own
//! (warning + `store_errors`); after it fetched, in keeping the token locally.
//!
//! Round trips: a hit is one (`MGET` of token and refusal); a fetch adds three
//! (`SET NX`, the second `MGET`, the finishing script).

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use tokio::time::Instant;

use super::outcome::{open_failure, open_fresh, sealed_outcome, wait_limit};
use super::redis::RedisStore;
use super::sealed::Sealer;
use super::{StoreContext, StoreSettings};
use crate::error::{Error, ErrorKind, Result};
use crate::stats::bump;
use crate::token::Token;

/// The fetch of `ctx`, shared through the store `st` with other processes.
pub(super) async fn obtain(ctx: &StoreContext<'_>, st: &StoreSettings) -> Result<Token> {
    // A credential that cannot be read (a missing file, say) fails the fetch
    // itself, with the error the caller needs to see: not a store problem.
    let sealer = Sealer::derive(ctx.settings, &st.identity)?;
    match through_store(ctx, st, &sealer).await {
        Ok(outcome) => outcome,
        Err(e) => {
            bump(&ctx.counters.store_errors);
            tracing::warn!(client_id = %ctx.settings.client_id, error = %e, "token store unavailable; fetching without it");
            (ctx.from_server)().await
        }
    }
}

/// `Ok(outcome)` once the store settled it: a stored token, or the result of
/// the fetch this process made holding the lock. `Err` when the store failed
/// before this process fetched.
async fn through_store(ctx: &StoreContext<'_>, st: &StoreSettings, sealer: &Sealer) -> Result<Result<Token>> {
    let redis = RedisStore::shared(st)?;
    let give_up_at = Instant::now() + wait_limit(ctx, st);
    let mut counted_wait = false;
    loop {
        if let Some(outcome) = look(ctx, st, &redis, sealer).await? {
            return Ok(outcome);
        }
        let owner = random_owner()?;
        if redis.try_lock(&sealer.lock_key, &owner, st.lock_lease, st.timeout).await? {
            tracing::debug!(client_id = %ctx.settings.client_id, "took the store's fetch lock");
            return Ok(fetch_holding_lock(ctx, st, &redis, sealer, owner).await);
        }
        tracing::debug!(client_id = %ctx.settings.client_id, "another process holds the store's fetch lock; waiting");
        if !counted_wait {
            bump(&ctx.counters.store_waits);
            counted_wait = true;
        }
        if let Some(outcome) = wait_for_holder(ctx, st, &redis, sealer, give_up_at).await? {
            return Ok(outcome);
        }
    }
}

async fn fetch_holding_lock(
    ctx: &StoreContext<'_>,
    st: &StoreSettings,
    redis: &Arc<RedisStore>,
    sealer: &Sealer,
    owner: String,
) -> Result<Token> {
    // The previous holder may have stored its token and released the lock
    // between our read and our SET NX.
    match look(ctx, st, redis, sealer).await {
        Ok(Some(outcome)) => {
            finish(ctx, st, redis, sealer, &owner, None).await;
            return outcome;
        }
        Ok(None) => {}
        Err(e) => tracing::debug!(error = %e, "could not look in the store again; fetching"),
    }
    let renewer = spawn_renewer(st, redis, &sealer.lock_key, &owner);
    let result = (ctx.from_server)().await;
    drop(renewer);
    let shared = match sealed_outcome(sealer, &result) {
        Ok(shared) => shared,
        Err(e) => {
            bump(&ctx.counters.store_errors);
            tracing::warn!(client_id = %ctx.settings.client_id, error = %e, "could not seal the fetch's outcome for the store");
            None
        }
    };
    finish(ctx, st, redis, sealer, &owner, shared.as_ref().map(|(k, v, ttl)| (k.as_str(), v.as_str(), *ttl))).await;
    result
}

/// Stores `outcome`, releases our lock and wakes the waiting processes, in one
/// round trip (best effort: a lock we fail to release expires after its lease,
/// and the others fetch themselves).
async fn finish(
    ctx: &StoreContext<'_>,
    st: &StoreSettings,
    redis: &RedisStore,
    sealer: &Sealer,
    owner: &str,
    outcome: Option<(&str, &str, Duration)>,
) {
    match redis.finish(&sealer.lock_key, owner, &sealer.channel, outcome, st.timeout).await {
        Ok(true) => {}
        Ok(false) => tracing::warn!(
            client_id = %ctx.settings.client_id,
            "the store's fetch lock expired before the fetch ended (store_lock_lease too short?); another process may have fetched too"
        ),
        Err(e) => {
            bump(&ctx.counters.store_errors);
            tracing::warn!(client_id = %ctx.settings.client_id, error = %e, "could not share the fetch's outcome through the store");
        }
    }
}

/// Waits until the lock holder publishes a token or a refusal (`Some`) or the
/// lock is gone without either (`None`: the holder died, or failed in a way
/// not shared; the caller tries the lock).
async fn wait_for_holder(
    ctx: &StoreContext<'_>,
    st: &StoreSettings,
    redis: &RedisStore,
    sealer: &Sealer,
    give_up_at: Instant,
) -> Result<Option<Result<Token>>> {
    // Subscribed before looking, so a publish between our look and our wait
    // is not missed. Without a subscription we still poll.
    let mut sub = match redis.subscribe(&sealer.channel, st.timeout).await {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::debug!(error = %e, "no store subscription; polling");
            None
        }
    };
    let poll = (st.lock_lease / 4).clamp(Duration::from_millis(25), Duration::from_millis(500));
    loop {
        if let Some(outcome) = look(ctx, st, redis, sealer).await? {
            return Ok(Some(outcome));
        }
        if !redis.is_locked(&sealer.lock_key, st.timeout).await? {
            return Ok(None);
        }
        if Instant::now() >= give_up_at {
            return Err(Error::new(
                ErrorKind::Store,
                "another process has held the store's fetch lock longer than a fetch can take",
            ));
        }
        let woke = match &mut sub {
            Some(s) => {
                let mut messages = s.on_message();
                tokio::select! {
                    m = messages.next() => m.is_some(),
                    () = tokio::time::sleep(poll) => true,
                }
            }
            None => {
                tokio::time::sleep(poll).await;
                true
            }
        };
        if !woke {
            // The subscription's connection closed: poll from now on.
            sub = None;
        }
    }
}

/// What the store settles for us now, in one round trip: a token fresh for
/// this process (a store hit), or the refusal another process got from the
/// server moments ago; `None` when neither (our turn to fetch, or to wait).
async fn look(
    ctx: &StoreContext<'_>,
    st: &StoreSettings,
    redis: &RedisStore,
    sealer: &Sealer,
) -> Result<Option<Result<Token>>> {
    let [token, failure] = redis.get_two(&sealer.token_key, &sealer.failure_key, st.timeout).await?;
    if let Some(t) = token.and_then(|value| open_fresh(ctx, sealer, &value)) {
        bump(&ctx.counters.store_hits);
        return Ok(Some(Ok(t)));
    }
    Ok(failure.and_then(|value| open_failure(ctx, sealer, &value)).map(Err))
}

/// Keeps our lock alive while the fetch runs: extended to a full lease every
/// third of one. Stops when dropped (the fetch ended) or when the lock is lost.
fn spawn_renewer(st: &StoreSettings, redis: &Arc<RedisStore>, lock_key: &str, owner: &str) -> AbortOnDrop {
    let (redis, key, owner) = (Arc::clone(redis), lock_key.to_owned(), owner.to_owned());
    let (lease, timeout) = (st.lock_lease, st.timeout);
    AbortOnDrop(tokio::spawn(async move {
        loop {
            tokio::time::sleep(lease / 3).await;
            match redis.renew(&key, &owner, lease, timeout).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!("the store's fetch lock expired during the fetch; another process may fetch too");
                    return;
                }
                Err(e) => tracing::debug!(error = %e, "could not extend the store's fetch lock"),
            }
        }
    }))
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A random lock owner: nobody else can release or extend our lock.
fn random_owner() -> Result<String> {
    let mut b = [0u8; 16];
    super::sealed::os_random(&mut b)?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}
