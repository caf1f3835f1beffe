//! The shared-store settings of `ooauthcc_config`: a Redis server through which
//! every process using the same client shares one token and one token request
//! per renewal (see the README's "Sharing tokens across processes").

use std::ffi::c_char;
use std::path::PathBuf;

use ooauthcc_core::Secret;

use crate::config::{ooauthcc_config, set_one};
use crate::config_tuning::{millis, set};
use crate::error::ooauthcc_error;
use crate::status::ooauthcc_status;

/// Shares tokens with other processes through this Redis server (`store_url`:
/// `redis://[:password@]host:port[/db]`, `rediss://…` over TLS,
/// `redis+unix:///path/to/socket`, a Redis Cluster:
/// `redis+cluster://[:password@]host:port,host:port` (`rediss+cluster://…`
/// over TLS), or the master Sentinel names:
/// `redis+sentinel://[:password@]host:port,…/service[/db]` (`rediss+sentinel://…`
/// over TLS)).
/// The URL may hold a password: the library keeps it like a secret and never
/// prints it. The empty string unsets it (tokens cached in this process only).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_store_url(
    cfg: *mut ooauthcc_config,
    url: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, url, "url", err, |c, v| c.store_url = (!v.is_empty()).then(|| Secret::new(v))) }
}

/// Sets the lease of the cross-process fetch lock (`store_lock_lease`, default
/// 5 000 ms): a process that dies while fetching holds the lock at most this
/// long. Must be shorter than the request timeout.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_store_lock_lease_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `cfg` is NULL or a live config used by this thread only (C contract).
    unsafe {
        set(cfg, err, |c| {
            c.store_lock_lease = millis("store_lock_lease", ms)?;
            Ok(())
        })
    }
}

/// Sets the deadline of one store operation (`store_timeout`, default 500 ms):
/// a slower or unreachable store is skipped and this process fetches alone.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_store_timeout_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `cfg` is NULL or a live config used by this thread only (C contract).
    unsafe {
        set(cfg, err, |c| {
            c.store_timeout = millis("store_timeout", ms)?;
            Ok(())
        })
    }
}

/// The path of one of the store's TLS files: the empty string unsets it.
fn path(v: String) -> Option<PathBuf> {
    (!v.is_empty()).then(|| PathBuf::from(v))
}

/// Trusts the certificates of this PEM file for a TLS store (`rediss://…`),
/// instead of the system's (`store_ca_bundle_file`). Read when the client is built.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_store_ca_bundle_file(
    cfg: *mut ooauthcc_config,
    file: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, file, "file", err, |c, v| c.store_ca_bundle_file = path(v)) }
}

/// Presents the certificate of this PEM file to a TLS store that asks for one
/// (`store_client_cert_file`; with `ooauthcc_config_set_store_client_key_file`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_store_client_cert_file(
    cfg: *mut ooauthcc_config,
    file: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, file, "file", err, |c, v| c.store_client_cert_file = path(v)) }
}

/// The private key (PEM file) of the store's client certificate
/// (`store_client_key_file`). Read when the client is built.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_store_client_key_file(
    cfg: *mut ooauthcc_config,
    file: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, file, "file", err, |c, v| c.store_client_key_file = path(v)) }
}
