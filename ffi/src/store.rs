//! The shared token store from C: its counters, and a test Redis server.
//!
//! The store is configured like every setting (`ooauthcc_config_set_store_url`
//! and friends, in `config_store.rs`); this file holds what is specific to it.

use std::ffi::{CString, c_char};

use ooauthcc_core::testing::RedisServer;
use ooauthcc_core::{Error, ErrorKind};

use crate::client::client_ref;
use crate::error::ooauthcc_error;
use crate::handle::{Castable, Out, OwnershipBox, box_free, box_into_ptr, box_ref};
use crate::status::ooauthcc_status;
use crate::strings::{c_string, read_str};

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

/// A real `redis-server` (from `PATH`, or `$OOAUTHCC_REDIS_SERVER`) on
/// 127.0.0.1 on a free port, without persistence, FOR TESTS of the shared
/// store. Killed by `ooauthcc_test_redis_free`.
///
/// Thread-safety: `ooauthcc_test_redis_url` may be called from any thread;
/// `ooauthcc_test_redis_stop`, `ooauthcc_test_redis_restart` and
/// `ooauthcc_test_redis_free` need exclusive use.
pub struct ooauthcc_test_redis {
    _private: [u8; 0],
}

pub(crate) struct RedisObject {
    server: RedisServer,
    url: CString,
}

impl Castable for ooauthcc_test_redis {
    type Ownership = OwnershipBox;
    type RustType = RedisObject;
}

/// Starts a Redis server. On success `*out` is a server you stop and free with
/// `ooauthcc_test_redis_free`. `TRANSPORT` when `redis-server` is missing or
/// does not answer within 10 s.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_redis_start(
    out: *mut *mut ooauthcc_test_redis,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `out` is NULL or writable (C contract).
        let out = unsafe { Out::new(out, "out")? };
        let server = RedisServer::start().map_err(|e| Error::new(ErrorKind::Transport, e.to_string()))?;
        let url = c_string(&server.url());
        out.put(box_into_ptr::<ooauthcc_test_redis>(RedisObject { server, url }));
        Ok(())
    })
}

/// Starts a Redis server that also listens with TLS, with `server.pem`,
/// `server.key.pem` and `ca.pem` of the directory `tls_dir` (a test PKI, such as
/// `core/tests/fixtures/tls`); with `client_certs`, TLS clients must present a
/// certificate issued by that CA. `ooauthcc_test_redis_url` then gives its
/// `rediss://` URL. Errors as `ooauthcc_test_redis_start`, and `NULL_ARGUMENT`
/// / `INVALID_UTF8` for `tls_dir`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_redis_start_tls(
    tls_dir: *const c_char,
    client_certs: bool,
    out: *mut *mut ooauthcc_test_redis,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `tls_dir` is NULL or a NUL-terminated string (C contract).
        let dir = unsafe { read_str(tls_dir, "tls_dir")? };
        // SAFETY: `out` is NULL or writable (C contract).
        let out = unsafe { Out::new(out, "out")? };
        let server = RedisServer::start_tls(std::path::Path::new(dir), client_certs)
            .map_err(|e| Error::new(ErrorKind::Transport, e.to_string()))?;
        let url = c_string(&server.tls_url().unwrap_or_default());
        out.put(box_into_ptr::<ooauthcc_test_redis>(RedisObject { server, url }));
        Ok(())
    })
}

/// The URL to give to `ooauthcc_config_set_store_url`. Borrowed from
/// `redis`; NULL when `redis` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_redis_url(redis: *const ooauthcc_test_redis) -> *const c_char {
    ffi_panic_boundary! {
        // SAFETY: `redis` is NULL or a live server (C contract).
        unsafe { box_ref::<ooauthcc_test_redis>(redis, "redis") }.map_or(std::ptr::null(), |o| o.url.as_ptr())
    }
}

/// Kills the server (an outage: its data is lost). NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_redis_stop(redis: *mut ooauthcc_test_redis) {
    ffi_panic_boundary! {
        // SAFETY: `redis` is NULL or a live server used by this thread only (C contract).
        if let Ok(o) = unsafe { crate::handle::box_mut::<ooauthcc_test_redis>(redis, "redis") } {
            o.server.stop();
        }
    }
}

/// Starts a stopped server again on the same port, empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_redis_restart(
    redis: *mut ooauthcc_test_redis,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `redis` is NULL or a live server used by this thread only (C contract).
        let o = unsafe { crate::handle::box_mut::<ooauthcc_test_redis>(redis, "redis")? };
        o.server.start_again().map_err(|e| Error::new(ErrorKind::Transport, e.to_string()))
    })
}

/// Kills the server and frees it. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_redis_free(redis: *mut ooauthcc_test_redis) {
    // SAFETY: `redis` is NULL or a server from this library not yet freed (C contract).
    ffi_panic_boundary! { unsafe { box_free::<ooauthcc_test_redis>(redis) } }
}
