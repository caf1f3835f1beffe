//! The text settings of `ooauthcc_config`: endpoint, credentials, request
//! parameters and how the token is applied. Each setter copies its strings;
//! the setting's name in parentheses is its name in JSON, Rust and Python.
//!
//! Every function here: `cfg` and every string must not be NULL
//! (`OOAUTHCC_STATUS_NULL_ARGUMENT`) and strings must be UTF-8
//! (`OOAUTHCC_STATUS_INVALID_ARGUMENT`); values are checked later, by
//! `ooauthcc_client_new` or `ooauthcc_config_validate`.

use std::ffi::c_char;

use crate::config::{ooauthcc_config, set_one, set_pair};
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
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, url, "url", err, |c, v| c.token_url = v) }
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
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, issuer, "issuer", err, |c, v| c.issuer = (!v.is_empty()).then_some(v)) }
}

/// Sets the client identifier (`client_id`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_client_id(
    cfg: *mut ooauthcc_config,
    client_id: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, client_id, "client_id", err, |c, v| c.client_id = v) }
}

/// Adds one scope to request (`scopes`). Order does not matter; duplicates are
/// sent once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_add_scope(
    cfg: *mut ooauthcc_config,
    scope: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, scope, "scope", err, |c, v| c.scopes.push(v)) }
}

/// Sets the form parameter that carries the scopes (`scope_param`, default `scope`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_scope_param(
    cfg: *mut ooauthcc_config,
    name: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, name, "name", err, |c, v| c.scope_param = v) }
}

/// Sets the `audience` parameter (Auth0, Okta, …); the empty string removes it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_audience(
    cfg: *mut ooauthcc_config,
    audience: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, audience, "audience", err, |c, v| c.audience = (!v.is_empty()).then_some(v)) }
}

/// Adds one RFC 8707 resource indicator (`resources`), an absolute URI; each
/// is sent as its own `resource` parameter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_add_resource(
    cfg: *mut ooauthcc_config,
    resource: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, resource, "resource", err, |c, v| c.resources.push(v)) }
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
    // SAFETY: the C contract of this function is that of `set_pair`.
    unsafe {
        set_pair(cfg, name, value, err, |c, n, v| {
            c.extra_params.insert(n, v);
        })
    }
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
    // SAFETY: the C contract of this function is that of `set_pair`.
    unsafe {
        set_pair(cfg, name, value, err, |c, n, v| {
            c.extra_headers.insert(n, v);
        })
    }
}

/// Adds (or replaces) one cookie sent with every token request (`cookies`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_add_cookie(
    cfg: *mut ooauthcc_config,
    name: *const c_char,
    value: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_pair`.
    unsafe {
        set_pair(cfg, name, value, err, |c, n, v| {
            c.cookies.insert(n, v);
        })
    }
}

/// Sets the `grant_type` (`grant_type`, default `client_credentials`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_grant_type(
    cfg: *mut ooauthcc_config,
    grant_type: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, grant_type, "grant_type", err, |c, v| c.grant_type = v) }
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
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, path, "path", err, |c, v| c.token_path = v) }
}

/// Sets the word before the token in the header (`token_prefix`, default
/// `Bearer`); the empty string sends the bare token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_token_prefix(
    cfg: *mut ooauthcc_config,
    prefix: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, prefix, "prefix", err, |c, v| c.token_prefix = v) }
}

/// Sets the header that carries the token (`header_name`, default `Authorization`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_header_name(
    cfg: *mut ooauthcc_config,
    name: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, name, "name", err, |c, v| c.header_name = v) }
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
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, name, "name", err, |c, v| c.query_param = (!v.is_empty()).then_some(v)) }
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
    // SAFETY: the C contract of this function is that of `set_one`.
    unsafe { set_one(cfg, host, "host", err, |c, v| c.allowed_hosts.push(v)) }
}
