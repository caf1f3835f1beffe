//! The text settings of `ooauthcc_config`: endpoint, credentials, request
//! parameters and how the token is applied. Each setter copies its strings;
//! the setting's name in parentheses is its name in JSON, Rust and Python.
//!
//! Every function here: `cfg` and every string must not be NULL
//! (`OOAUTHCC_STATUS_NULL_ARGUMENT`) and strings must be UTF-8
//! (`OOAUTHCC_STATUS_INVALID_ARGUMENT`); values are checked later, by
//! `ooauthcc_client_new` or `ooauthcc_config_validate`.

use std::ffi::c_char;

use crate::config::ooauthcc_config;
use crate::config_set::{add_entry, add_item, set_text};
use crate::error::ooauthcc_error;
use crate::status::ooauthcc_status;

/// Sets the token endpoint (`token_url`): an absolute `https://` URL, or
/// `http://` to a loopback host (elsewhere only with `allow_insecure_http`).
/// Leave it unset and set the issuer to discover it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_token_url(
    cfg: *mut ooauthcc_config,
    url: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "token_url", url, err) }
}

/// Sets the authorization server's issuer identifier (`issuer`): with no
/// `token_url`, the token endpoint is read from its RFC 8414 / OpenID Connect
/// discovery document at the first fetch. The empty string unsets it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_issuer(
    cfg: *mut ooauthcc_config,
    issuer: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "issuer", issuer, err) }
}

/// Sets the client identifier (`client_id`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_client_id(
    cfg: *mut ooauthcc_config,
    client_id: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "client_id", client_id, err) }
}

/// Adds one scope to request (`scopes`). Order does not matter; duplicates are
/// sent once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_add_scope(
    cfg: *mut ooauthcc_config,
    scope: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `add_item`.
    unsafe { add_item(cfg, "scopes", scope, err) }
}

/// Sets the form parameter that carries the scopes (`scope_param`, default `scope`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_scope_param(
    cfg: *mut ooauthcc_config,
    name: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "scope_param", name, err) }
}

/// Sets the `audience` parameter (Auth0, Okta, …); the empty string removes it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_audience(
    cfg: *mut ooauthcc_config,
    audience: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "audience", audience, err) }
}

/// Adds one RFC 8707 resource indicator (`resources`), an absolute URI; each
/// is sent as its own `resource` parameter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_add_resource(
    cfg: *mut ooauthcc_config,
    resource: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `add_item`.
    unsafe { add_item(cfg, "resources", resource, err) }
}

/// Adds (or replaces) one extra form parameter sent with every token request
/// (`extra_params`). Parameters the library sets itself are refused.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_add_extra_param(
    cfg: *mut ooauthcc_config,
    name: *const c_char,
    value: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `add_entry`.
    unsafe { add_entry(cfg, "extra_params", name, value, err) }
}

/// Adds (or replaces) one extra HTTP header sent with every token request
/// (`extra_headers`). Headers the library sets itself are refused.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_add_extra_header(
    cfg: *mut ooauthcc_config,
    name: *const c_char,
    value: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `add_entry`.
    unsafe { add_entry(cfg, "extra_headers", name, value, err) }
}

/// Adds (or replaces) one cookie sent with every token request (`cookies`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_add_cookie(
    cfg: *mut ooauthcc_config,
    name: *const c_char,
    value: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `add_entry`.
    unsafe { add_entry(cfg, "cookies", name, value, err) }
}

/// Sets the `grant_type` (`grant_type`, default `client_credentials`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_grant_type(
    cfg: *mut ooauthcc_config,
    grant_type: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "grant_type", grant_type, err) }
}

/// Sets where the token object sits in the response (`token_path`), as
/// dot-separated object keys: `"data"` for `{"data": {"access_token": …}}`.
/// The empty string (the default) means the top level.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_token_path(
    cfg: *mut ooauthcc_config,
    path: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "token_path", path, err) }
}

/// Sets the word before the token in the header (`token_prefix`, default
/// `Bearer`); the empty string sends the bare token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_token_prefix(
    cfg: *mut ooauthcc_config,
    prefix: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "token_prefix", prefix, err) }
}

/// Sets the header that carries the token (`header_name`, default `Authorization`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_header_name(
    cfg: *mut ooauthcc_config,
    name: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "header_name", name, err) }
}

/// Sets the header's value as a pattern with one `{token}` placeholder
/// (`header_format`), e.g. `"Token {token}"`; replaces `token_prefix`. The
/// empty string goes back to `<token_prefix> {token}` (the default).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_header_format(
    cfg: *mut ooauthcc_config,
    pattern: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "header_format", pattern, err) }
}

/// Adds (or replaces) one header put on every API request the library
/// authorizes (`resource_headers`; not on token requests). See
/// `ooauthcc_client_authorize`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_add_resource_header(
    cfg: *mut ooauthcc_config,
    name: *const c_char,
    value: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `add_entry`.
    unsafe { add_entry(cfg, "resource_headers", name, value, err) }
}

/// Adds (or replaces) one cookie put on every API request the library
/// authorizes (`resource_cookies`; not on token requests).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_add_resource_cookie(
    cfg: *mut ooauthcc_config,
    name: *const c_char,
    value: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `add_entry`.
    unsafe { add_entry(cfg, "resource_cookies", name, value, err) }
}

/// Sends the token as this query parameter instead of a header (`query_param`);
/// the empty string goes back to the header (the default). See
/// `ooauthcc_client_query_param`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_query_param(
    cfg: *mut ooauthcc_config,
    name: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_text`.
    unsafe { set_text(cfg, "query_param", name, err) }
}

/// Adds one host the token may be sent to (`allowed_hosts`): `api.example.com`
/// or `*.example.com` for its subdomains. With none (the default), any host
/// over https and loopback hosts over http. See `ooauthcc_client_check_destination`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_add_allowed_host(
    cfg: *mut ooauthcc_config,
    host: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `add_item`.
    unsafe { add_item(cfg, "allowed_hosts", host, err) }
}
