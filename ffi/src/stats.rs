//! The counters of a client's cache entry, one at a time.
//!
//! Design: one accessor taking a counter number, `ooauthcc_client_stat`,
//! instead of a struct the library fills. A struct's size is part of the ABI:
//! adding a counter to it breaks every program compiled against the old
//! header. A new counter here is a new `ooauthcc_stat` value; a program that
//! asks an older library for it gets `INVALID_ARGUMENT`, and
//! `ooauthcc_stat_name` lets a program list every counter the loaded library
//! has (for metrics) without knowing them in advance.

use std::ffi::{CStr, c_char};

use ooauthcc_core::{Error, ErrorKind, StatCounter, Stats};

use crate::client::{client_ref, ooauthcc_client};
use crate::error::ooauthcc_error;
use crate::handle::Out;
use crate::status::ooauthcc_status;

/// A counter of the cache entry a client shares (every client built from the
/// same settings sees the same numbers), for `ooauthcc_client_stat`.
///
/// The values are stable and never reused; later releases add new ones.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ooauthcc_stat {
    /// HTTP requests sent to the token endpoint (each retry, and each fallback
    /// of the `auto` method, counts).
    TokenRequests = 0,
    /// Calls answered from the cache without waiting (fresh or stale token).
    CacheHits = 1,
    /// Calls that had to wait for a fetch (empty or expired cache).
    Waits = 2,
    /// Fetches started in the background because the token was due for renewal.
    BackgroundRefreshes = 3,
    /// Fetches that ended in an error (after their retries).
    Failures = 4,
    /// Fetches started, in the foreground and in the background (one fetch
    /// may send several requests when it retries).
    Fetches = 5,
    /// Fetches answered from the shared store (`store_url`) with a token
    /// another process had just obtained, instead of a token request.
    StoreHits = 6,
    /// Fetches that waited for another process holding the store's fetch lock.
    StoreWaits = 7,
    /// Store operations that failed or timed out; the fetch went ahead without
    /// the store and the caller still got its token.
    StoreErrors = 8,
    /// Reads of store values that failed authentication (not written with this
    /// client's credential, or tampered with); such values are ignored.
    StoreRejected = 9,
}

/// One counter: its number and its name (core's `Stats::COUNTERS` field, at
/// the same index, reads it).
type Counter = (ooauthcc_stat, &'static CStr);

/// Every counter, in number order: the order of core's `Stats::COUNTERS`.
const STATS: [Counter; 10] = [
    (ooauthcc_stat::TokenRequests, c"token_requests"),
    (ooauthcc_stat::CacheHits, c"cache_hits"),
    (ooauthcc_stat::Waits, c"waits"),
    (ooauthcc_stat::BackgroundRefreshes, c"background_refreshes"),
    (ooauthcc_stat::Failures, c"failures"),
    (ooauthcc_stat::Fetches, c"fetches"),
    (ooauthcc_stat::StoreHits, c"store_hits"),
    (ooauthcc_stat::StoreWaits, c"store_waits"),
    (ooauthcc_stat::StoreErrors, c"store_errors"),
    (ooauthcc_stat::StoreRejected, c"store_rejected"),
];

/// The entry of counter number `which`, with core's reader of it.
fn entry(which: u32) -> Option<(&'static Counter, &'static StatCounter)> {
    let i = STATS.iter().position(|(stat, _)| *stat as u32 == which)?;
    Some((STATS.get(i)?, Stats::COUNTERS.get(i)?))
}

/// Reads one counter (an `ooauthcc_stat` value) of the cache entry this client
/// shares into `*out`. An unknown number (a counter of a later release) gives
/// `OOAUTHCC_STATUS_INVALID_ARGUMENT` and leaves `*out` as it was; NULL
/// `client` or `out`, `NULL_ARGUMENT`. Each call reads the counter anew:
/// counters read one after the other may be from slightly different moments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_stat(
    client: *const ooauthcc_client,
    which: u32,
    out: *mut u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `client` is NULL or a live client reference; `out` NULL or writable (C contract).
        let (c, out) = unsafe { (client_ref(client)?, Out::new(out, "out")?) };
        let (_, counter) = entry(which).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "argument `which`: unknown value {which} (expected an ooauthcc_stat, 0 to {})",
                    STATS.len() - 1
                ),
            )
        })?;
        out.put(counter.read(&c.client.stats()));
        Ok(())
    })
}

/// The name of a counter, e.g. `"token_requests"` for
/// `OOAUTHCC_STAT_TOKEN_REQUESTS` (the names of Rust's `Stats` fields and of
/// Python's `Client.stats()`); NULL for a number that is not a counter of
/// this library. Counters are numbered from 0 without gaps, so looping from 0
/// until NULL lists every counter the loaded library has. Static: never free
/// it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn ooauthcc_stat_name(which: u32) -> *const c_char {
    ffi_panic_boundary! { entry(which).map_or(std::ptr::null(), |((_, name), _)| name.as_ptr()) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Every counter of core's `Stats::COUNTERS` is a C counter, under its own
    /// name and at its index, and the numbers run from 0 without gaps (what
    /// `ooauthcc_stat_name` promises).
    #[test]
    fn every_core_counter_is_a_c_counter() {
        let core: Vec<&str> = Stats::COUNTERS.iter().map(|c| c.field).collect();
        let names: Vec<&str> = STATS.iter().map(|(_, n)| n.to_str().unwrap()).collect();
        assert_eq!(core, names, "core's Stats::COUNTERS and the C counters differ: add an ooauthcc_stat value");
        for (i, (stat, _)) in STATS.iter().enumerate() {
            assert_eq!(*stat as usize, i);
        }
        assert!(ooauthcc_stat_name(STATS.len() as u32).is_null());
        // SAFETY: a static NUL-terminated string.
        let first = unsafe { CStr::from_ptr(ooauthcc_stat_name(0)) };
        assert_eq!(first.to_str().unwrap(), "token_requests");
    }
}
