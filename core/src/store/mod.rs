//! Where a token is looked for before it is fetched: this process's memory
//! alone (the default: the cache entry *is* the store), or also a Redis server
//! shared by every process using the same client, so that a whole fleet makes
//! one token request per renewal (DESIGN.md, "Shared store").
//!
//! The store sits behind the in-process single flight: per process, only the
//! one task fetching for a cache entry ever talks to it, and a store that is
//! down, slow or misconfigured only costs that task a warning and a fetch of its
//! own — never a caller's token.

#[cfg(feature = "redis")]
mod distributed;
#[cfg(feature = "redis")]
pub(crate) mod redis;
#[cfg(feature = "redis")]
mod redis_conn;
#[cfg(feature = "redis")]
mod sealed;
mod settings;
mod tls;
#[cfg(feature = "redis")]
mod values;

pub(crate) use settings::StoreSettings;

use std::future::Future;
use std::pin::Pin;

use crate::error::Result;
use crate::settings::Settings;
use crate::stats::Counters;
use crate::token::Token;

/// A token request to the authorization server, as the store's miss path
/// makes it (boxed: it is made at most once per flight, after a round trip).
pub(crate) type ServerFetch<'a> =
    dyn Fn() -> Pin<Box<dyn Future<Output = Result<Token>> + Send + 'a>> + Send + Sync + 'a;

/// What the store reads or updates during one flight. The request to the
/// server is handed in by the caller, so the store sits below `fetch`.
#[cfg_attr(not(feature = "redis"), allow(dead_code))]
pub(crate) struct StoreContext<'a> {
    pub settings: &'a Settings,
    pub counters: &'a Counters,
    /// The fingerprint of the token last invalidated: never taken back from a
    /// shared store.
    pub rejected: Option<[u8; 32]>,
    /// Asks the token endpoint, when the store holds nothing fresh.
    pub from_server: &'a ServerFetch<'a>,
}

/// A token for one flight: from the shared store when another process has
/// just renewed it, else from the token endpoint.
pub(crate) async fn obtain(ctx: &StoreContext<'_>) -> Result<Token> {
    #[cfg(feature = "redis")]
    if let Some(store) = &ctx.settings.store {
        // Boxed: the store's futures nest deeply (Redis client, cluster and
        // Sentinel connections), and this path costs a round trip anyway.
        return Box::pin(distributed::obtain(ctx, store)).await;
    }
    (ctx.from_server)().await
}
