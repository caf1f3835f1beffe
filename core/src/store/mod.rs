//! Where a token is looked for before it is fetched: this process's memory
//! alone (the default: the cache entry *is* the store), or also a Redis server
//! shared by every process using the same client, so that a whole fleet makes
//! one token request per renewal (DESIGN.md, "Shared store"), or a directory
//! shared by the processes of one machine (`file.rs`).
//!
//! The store sits behind the in-process single flight: per process, only the
//! one task fetching for a cache entry ever talks to it, and a store that is
//! down, slow or misconfigured only costs that task a warning and a fetch of its
//! own — never a caller's token.

#[cfg(feature = "redis")]
mod distributed;
#[cfg(feature = "store")]
mod file;
#[cfg(feature = "store")]
mod outcome;
#[cfg(feature = "redis")]
pub(crate) mod redis;
#[cfg(feature = "redis")]
mod redis_conn;
#[cfg(feature = "store")]
mod sealed;
mod settings;
mod tls;
#[cfg(feature = "store")]
mod values;

#[cfg(feature = "store")]
pub(crate) use settings::Backend;
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
#[cfg_attr(not(feature = "store"), allow(dead_code))]
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
    #[cfg(feature = "store")]
    if let Some(store) = &ctx.settings.store {
        match &store.backend {
            Backend::File(dir) => return file::obtain(ctx, store, dir).await,
            // Boxed: the store's futures nest deeply (Redis client, cluster and
            // Sentinel connections), and this path costs a round trip anyway.
            #[cfg(feature = "redis")]
            Backend::Redis => return Box::pin(distributed::obtain(ctx, store)).await,
            #[cfg(not(feature = "redis"))]
            Backend::Redis => {}
        }
    }
    (ctx.from_server)().await
}

/// Decodes `plain` as a stored token and as a stored refusal, as a store reads
/// them once unsealed (the `store_record` fuzz target: a file store's directory
/// is as untrusted as a Redis server).
#[cfg(all(feature = "fuzzing", feature = "store"))]
pub(crate) fn decode_records(plain: &[u8], s: &Settings) {
    let _ = values::decode_token(Some(zeroize::Zeroizing::new(plain.to_vec())), s);
    let _ = values::decode_failure(plain);
}
