//! `ooauthcc_test_redis`: a real `redis-server` for C tests of the shared
//! token store (`ooauthcc_config_set_store_url`).

use std::ffi::{CString, c_char};

use crate::handle::{Boxed, box_free, box_into_ptr, box_mut, box_ref};
use ooauthcc::__support::Out;
use ooauthcc::__support::{c_string, read_str};
use ooauthcc::__support::{ooauthcc_error, ooauthcc_status};
use ooauthcc_core::testing::RedisServer;
use ooauthcc_core::{Error, ErrorKind};

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

impl Boxed for ooauthcc_test_redis {
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
    ooauthcc::ffi_status_boundary!(err, {
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
    ooauthcc::ffi_status_boundary!(err, {
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
    ooauthcc::ffi_panic_boundary! {
        // SAFETY: `redis` is NULL or a live server (C contract).
        unsafe { box_ref::<ooauthcc_test_redis>(redis, "redis") }.map_or(std::ptr::null(), |o| o.url.as_ptr())
    }
}

/// Kills the server (an outage: its data is lost). NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_redis_stop(redis: *mut ooauthcc_test_redis) {
    ooauthcc::ffi_panic_boundary! {
        // SAFETY: `redis` is NULL or a live server used by this thread only (C contract).
        if let Ok(o) = unsafe { box_mut::<ooauthcc_test_redis>(redis, "redis") } {
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
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `redis` is NULL or a live server used by this thread only (C contract).
        let o = unsafe { box_mut::<ooauthcc_test_redis>(redis, "redis")? };
        o.server.start_again().map_err(|e| Error::new(ErrorKind::Transport, e.to_string()))
    })
}

/// Kills the server and frees it. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_redis_free(redis: *mut ooauthcc_test_redis) {
    // SAFETY: `redis` is NULL or a server from this library not yet freed (C contract).
    ooauthcc::ffi_panic_boundary! { unsafe { box_free::<ooauthcc_test_redis>(redis) } }
}
