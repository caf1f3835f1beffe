//! The credential settings of `ooauthcc_config`: the client secret or private
//! key (inline, from a file, or from an environment variable) and the client
//! assertion (JWT) options of `client_secret_jwt` and `private_key_jwt`.
//!
//! Set at most one source of each credential; `ooauthcc_client_new` refuses
//! two (`OOAUTHCC_STATUS_CONFIG`). Files and environment variables are read at
//! every token request, so a rotated secret takes effect at the next one.
//! For the optional settings the empty string unsets the value. NULL strings
//! give `OOAUTHCC_STATUS_NULL_ARGUMENT`, bad UTF-8 `INVALID_ARGUMENT`.

use std::ffi::c_char;

use crate::config::ooauthcc_config;
use crate::config_set::set_text;
use crate::error::ooauthcc_error;
use crate::status::ooauthcc_status;

/// Sets the client secret (`client_secret`). The library keeps its copy in
/// memory that is wiped when freed, and never prints it; you may wipe yours
/// as soon as this returns.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_client_secret(
    cfg: *mut ooauthcc_config,
    secret: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "client_secret", secret, err) }
}

/// Reads the client secret from this file at every token request
/// (`client_secret_file`; trailing newlines ignored).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_client_secret_file(
    cfg: *mut ooauthcc_config,
    path: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "client_secret_file", path, err) }
}

/// Reads the client secret from this environment variable at every token
/// request (`client_secret_env`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_client_secret_env(
    cfg: *mut ooauthcc_config,
    name: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "client_secret_env", name, err) }
}

/// Sets the private key of `private_key_jwt` (`private_key`), PEM (PKCS#8;
/// PKCS#1 RSA and SEC1 EC accepted). Kept in wiped memory, never printed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_private_key(
    cfg: *mut ooauthcc_config,
    pem: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "private_key", pem, err) }
}

/// Reads the PEM private key from this file at every token request
/// (`private_key_file`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_private_key_file(
    cfg: *mut ooauthcc_config,
    path: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "private_key_file", path, err) }
}

/// Reads the PEM private key from this environment variable at every token
/// request (`private_key_env`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_private_key_env(
    cfg: *mut ooauthcc_config,
    name: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "private_key_env", name, err) }
}

/// Sets the JWS algorithm of client assertions (`signing_alg`):
/// `client_secret_jwt`: HS256 (default), HS384, HS512; `private_key_jwt`:
/// RS256 (default), RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_signing_alg(
    cfg: *mut ooauthcc_config,
    alg: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "signing_alg", alg, err) }
}

/// Sets the `kid` header of client assertions (`key_id`), for servers that
/// pick the key by it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_key_id(
    cfg: *mut ooauthcc_config,
    key_id: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "key_id", key_id, err) }
}

/// Sets the `aud` claim of client assertions (`assertion_audience`; default:
/// the token endpoint URL — some servers want their issuer).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_assertion_audience(
    cfg: *mut ooauthcc_config,
    audience: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "assertion_audience", audience, err) }
}
