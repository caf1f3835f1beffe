//! The TLS settings of `ooauthcc_config`: a client certificate for mutual TLS
//! (RFC 8705: `tls_client_auth`, `self_signed_tls_client_auth`) and extra trust
//! anchors for a token endpoint under a private PKI. Each comes inline (PEM
//! text) or from a file read when the client is built; the empty string unsets
//! it. NULL strings give `OOAUTHCC_STATUS_NULL_ARGUMENT`, bad UTF-8
//! `INVALID_ARGUMENT`; the PEM itself is checked by `ooauthcc_client_new`.

use std::ffi::c_char;

use crate::config::ooauthcc_config;
use crate::config_set::set_text;
use crate::error::ooauthcc_error;
use crate::status::ooauthcc_status;

/// Sets the client certificate presented to the token endpoint
/// (`client_cert`): PEM, leaf first.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_client_cert(
    cfg: *mut ooauthcc_config,
    pem: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "client_cert", pem, err) }
}

/// Reads the client certificate from this PEM file when the client is built
/// (`client_cert_file`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_client_cert_file(
    cfg: *mut ooauthcc_config,
    path: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "client_cert_file", path, err) }
}

/// Sets the private key of the client certificate (`client_key`): PEM
/// (PKCS#8, PKCS#1 or SEC1). Kept in wiped memory, never printed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_client_key(
    cfg: *mut ooauthcc_config,
    pem: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "client_key", pem, err) }
}

/// Reads the client certificate's private key from this PEM file when the
/// client is built (`client_key_file`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_client_key_file(
    cfg: *mut ooauthcc_config,
    path: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "client_key_file", path, err) }
}

/// Adds these trust anchors (a PEM bundle) to the system's, for a token
/// endpoint under a private PKI (`ca_bundle`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_ca_bundle(
    cfg: *mut ooauthcc_config,
    pem: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "ca_bundle", pem, err) }
}

/// Reads the extra trust anchors from this PEM file when the client is built
/// (`ca_bundle_file`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_ca_bundle_file(
    cfg: *mut ooauthcc_config,
    path: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "ca_bundle_file", path, err) }
}
