//! The shared-store settings of `ooauthcc_config`: a Redis server through which
//! every process using the same client shares one token and one token request
//! per renewal (see the README's "Sharing tokens across processes").

use std::ffi::c_char;

use crate::config::ooauthcc_config;
use crate::config_set::{set_millis, set_text};
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
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "store_url", url, err) }
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
    // SAFETY: the C contract of this function is that of `set_millis`.
    unsafe { set_millis(cfg, "store_lock_lease", ms, err) }
}

/// Sets the deadline of one store operation (`store_timeout`, default 500 ms):
/// a slower or unreachable store is skipped and this process fetches alone.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_store_timeout_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_millis`.
    unsafe { set_millis(cfg, "store_timeout", ms, err) }
}

/// Trusts the certificates of this PEM file for a TLS store (`rediss://…`),
/// instead of the system's (`store_ca_bundle_file`). Read when the client is built.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_store_ca_bundle_file(
    cfg: *mut ooauthcc_config,
    file: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "store_ca_bundle_file", file, err) }
}

/// Presents the certificate of this PEM file to a TLS store that asks for one
/// (`store_client_cert_file`; with `ooauthcc_config_set_store_client_key_file`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_store_client_cert_file(
    cfg: *mut ooauthcc_config,
    file: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "store_client_cert_file", file, err) }
}

/// The private key (PEM file) of the store's client certificate
/// (`store_client_key_file`). Read when the client is built.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_store_client_key_file(
    cfg: *mut ooauthcc_config,
    file: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "store_client_key_file", file, err) }
}
