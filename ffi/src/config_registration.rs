//! Dynamic client registration (RFC 7591) settings of `ooauthcc_config`: with
//! a registration file and no client id, the client registers at the first
//! token request, keeps the issued id and secret in that file (0600), and
//! reuses them on later starts; it registers again when the secret expires or
//! the server forgets the client.
//!
//! The empty string unsets a value. NULL strings give
//! `OOAUTHCC_STATUS_NULL_ARGUMENT`, bad UTF-8 `INVALID_ARGUMENT`.

use std::ffi::c_char;

use crate::config::ooauthcc_config;
use crate::config_set::set_text;
use crate::error::ooauthcc_error;
use crate::status::ooauthcc_status;

/// Registers the client (RFC 7591) and keeps the issued client id and secret
/// in this file (`registration_file`, created 0600 in a 0700 directory when
/// missing). Leave `client_id` and the client secret unset; set
/// `ooauthcc_config_set_registration_endpoint`, or `issuer` whose metadata
/// names it. Processes sharing the file register once between them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_registration_file(
    cfg: *mut ooauthcc_config,
    path: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "registration_file", path, err) }
}

/// The RFC 7591 registration endpoint (`registration_endpoint`; default with
/// `issuer`: the one its metadata names).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_registration_endpoint(
    cfg: *mut ooauthcc_config,
    url: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "registration_endpoint", url, err) }
}

/// The initial access token the registration endpoint asks for
/// (`initial_access_token`), sent as a bearer token with the registration
/// request. The library copies it into memory that is wiped when freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_initial_access_token(
    cfg: *mut ooauthcc_config,
    token: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "initial_access_token", token, err) }
}
