//! The shared token store from C: its counters. (The test Redis server is in
//! `libooauthcc_testing`, crate `ooauthcc-testing-ffi`.)
//!
//! The store is configured like every setting (`ooauthcc_config_set_store_url`
//! and friends, in `config_store.rs`); this file holds what is specific to it.

use crate::client::client_ref;
use crate::error::ooauthcc_error;
use crate::handle::Out;
use crate::status::ooauthcc_status;

/// Counters of the shared store (`store_url`) for the cache entry a client
/// uses. Filled by `ooauthcc_client_store_stats`. A struct of its own, so that
/// `ooauthcc_stats` keeps its size.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ooauthcc_store_stats {
    /// Fetches answered from the store with a token another process had just
    /// obtained, instead of a token request.
    pub store_hits: u64,
    /// Fetches that waited for another process holding the store's fetch lock.
    pub store_waits: u64,
    /// Store operations that failed or timed out; the fetch went ahead without
    /// the store and the caller still got its token.
    pub store_errors: u64,
    /// Reads of store values that failed authentication (not written with this
    /// client's credential, or tampered with); such values are ignored.
    pub store_rejected: u64,
}

/// Fills `*out` with the shared-store counters of the cache entry this client
/// uses (all zero when it has no `store_url`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_store_stats(
    client: *const crate::client::ooauthcc_client,
    out: *mut ooauthcc_store_stats,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `client` is NULL or a live client reference; `out` NULL or writable (C contract).
        let (c, out) = unsafe { (client_ref(client)?, Out::new(out, "out")?) };
        let s = c.client.stats();
        out.put(ooauthcc_store_stats {
            store_hits: s.store_hits,
            store_waits: s.store_waits,
            store_errors: s.store_errors,
            store_rejected: s.store_rejected,
        });
        Ok(())
    })
}
