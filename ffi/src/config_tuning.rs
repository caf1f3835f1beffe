//! The numeric settings of `ooauthcc_config`: durations (in milliseconds, as
//! their names say), refresh-ahead fractions, retries, and the http opt-in.
//!
//! Durations above one year are refused here with `OOAUTHCC_STATUS_CONFIG`, by
//! core's rule for documents (such values are typos). Everything else is
//! checked by `ooauthcc_client_new` or `ooauthcc_config_validate`.

use crate::config::ooauthcc_config;
use crate::config_set::{set_bool, set_count, set_fraction, set_millis};
use crate::error::ooauthcc_error;
use crate::status::ooauthcc_status;

/// Sets the lifetime assumed when the response has no `expires_in` and the
/// token is not a JWT with `exp` (`default_lifetime`, default 300 000 ms).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_default_lifetime_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_millis`.
    unsafe { set_millis(cfg, "default_lifetime", ms, err) }
}

/// Sets the TCP and TLS connect timeout of token requests (`connect_timeout`,
/// default 10 000 ms).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_connect_timeout_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_millis`.
    unsafe { set_millis(cfg, "connect_timeout", ms, err) }
}

/// Sets the timeout of one whole token request, connect to last byte
/// (`request_timeout`, default 30 000 ms).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_request_timeout_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_millis`.
    unsafe { set_millis(cfg, "request_timeout", ms, err) }
}

/// Sets how long `ooauthcc_client_get_token` waits when called with a timeout
/// of 0 (`get_timeout`, default 30 000 ms).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_get_timeout_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_millis`.
    unsafe { set_millis(cfg, "get_timeout", ms, err) }
}

/// Sets how long before its expiry a token counts as expired (`refresh_skew`,
/// default 60 000 ms; at most half the lifetime of short-lived tokens).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_refresh_skew_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_millis`.
    unsafe { set_millis(cfg, "refresh_skew", ms, err) }
}

/// Sets how long a client assertion (`client_secret_jwt`, `private_key_jwt`)
/// is valid (`assertion_lifetime`, default 60 000 ms).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_assertion_lifetime_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_millis`.
    unsafe { set_millis(cfg, "assertion_lifetime", ms, err) }
}

/// Sets the fraction of the usable lifetime after which one background refresh
/// starts while the token is still served (`refresh_ahead`, default 0.8, in
/// (0, 1]; 1.0 turns refresh-ahead off).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_refresh_ahead(
    cfg: *mut ooauthcc_config,
    fraction: f64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_fraction`.
    unsafe { set_fraction(cfg, "refresh_ahead", fraction, err) }
}

/// Sets the random spread around `refresh_ahead` (`refresh_jitter`, default
/// 0.05, in [0, 0.5) and below `refresh_ahead`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_refresh_jitter(
    cfg: *mut ooauthcc_config,
    fraction: f64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_fraction`.
    unsafe { set_fraction(cfg, "refresh_jitter", fraction, err) }
}

/// Sets how many times a transient failure (connect error, timeout, 5xx, 429)
/// is retried within one fetch (`max_retries`, default 3; at most 20 are used).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_max_retries(
    cfg: *mut ooauthcc_config,
    retries: u32,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_count`.
    unsafe { set_count(cfg, "max_retries", retries, err) }
}

/// Sets how many times an API request the library authorizes is retried with
/// a new token after a 401 (`unauthorized_retries`, default 1, at most 5).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_unauthorized_retries(
    cfg: *mut ooauthcc_config,
    retries: u32,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_count`.
    unsafe { set_count(cfg, "unauthorized_retries", retries, err) }
}

/// Sets the first retry delay, doubled each retry with jitter
/// (`retry_base_delay`, default 200 ms).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_retry_base_delay_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_millis`.
    unsafe { set_millis(cfg, "retry_base_delay", ms, err) }
}

/// Sets the cap of one retry delay, also of a server's `Retry-After`
/// (`retry_max_delay`, default 10 000 ms).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_retry_max_delay_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_millis`.
    unsafe { set_millis(cfg, "retry_max_delay", ms, err) }
}

/// Allows `http://` token endpoints on hosts other than loopback
/// (`allow_insecure_http`, default false): the secret then travels in clear text.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_allow_insecure_http(
    cfg: *mut ooauthcc_config,
    allow: bool,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_bool`.
    unsafe { set_bool(cfg, "allow_insecure_http", allow, err) }
}
