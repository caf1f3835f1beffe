//! The numeric settings of `ooauthcc_config`: durations (in milliseconds, as
//! their names say), refresh-ahead fractions, retries, and the http opt-in.
//!
//! Durations above one year are refused here with `OOAUTHCC_STATUS_CONFIG`, by
//! core's rule for documents (such values are typos). Everything else is
//! checked by `ooauthcc_client_new` or `ooauthcc_config_validate`.

use std::time::Duration;

use ooauthcc_core::{ClientConfig, Error};

use crate::config::{config_mut, ooauthcc_config};
use crate::error::ooauthcc_error;
use crate::status::ooauthcc_status;

/// Assigns one setting through `set`.
///
/// # Safety
/// `cfg` is NULL or a live config used by this thread only.
pub(crate) unsafe fn set(
    cfg: *mut ooauthcc_config,
    err: *mut *mut ooauthcc_error,
    set: impl FnOnce(&mut ClientConfig) -> Result<(), Error>,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: forwarded contract.
        set(unsafe { config_mut(cfg)? })
    })
}

/// `ms` as a duration for `setting`, under core's rule for every duration
/// setting (at most a year; the same check and message as in documents).
pub(crate) fn millis(setting: &str, ms: u64) -> Result<Duration, Error> {
    ClientConfig::duration_from_secs(setting, ms as f64 / 1000.0)?;
    Ok(Duration::from_millis(ms))
}

/// Sets the lifetime assumed when the response has no `expires_in` and the
/// token is not a JWT with `exp` (`default_lifetime`, default 300 000 ms).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_default_lifetime_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `cfg` is NULL or a live config used by this thread only (C contract).
    unsafe {
        set(cfg, err, |c| {
            c.default_lifetime = millis("default_lifetime", ms)?;
            Ok(())
        })
    }
}

/// Sets the TCP and TLS connect timeout of token requests (`connect_timeout`,
/// default 10 000 ms).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_connect_timeout_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `cfg` is NULL or a live config used by this thread only (C contract).
    unsafe {
        set(cfg, err, |c| {
            c.connect_timeout = millis("connect_timeout", ms)?;
            Ok(())
        })
    }
}

/// Sets the timeout of one whole token request, connect to last byte
/// (`request_timeout`, default 30 000 ms).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_request_timeout_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `cfg` is NULL or a live config used by this thread only (C contract).
    unsafe {
        set(cfg, err, |c| {
            c.request_timeout = millis("request_timeout", ms)?;
            Ok(())
        })
    }
}

/// Sets how long `ooauthcc_client_get_token` waits when called with a timeout
/// of 0 (`get_timeout`, default 30 000 ms).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_get_timeout_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `cfg` is NULL or a live config used by this thread only (C contract).
    unsafe {
        set(cfg, err, |c| {
            c.get_timeout = millis("get_timeout", ms)?;
            Ok(())
        })
    }
}

/// Sets how long before its expiry a token counts as expired (`refresh_skew`,
/// default 60 000 ms; at most half the lifetime of short-lived tokens).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_refresh_skew_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `cfg` is NULL or a live config used by this thread only (C contract).
    unsafe {
        set(cfg, err, |c| {
            c.refresh_skew = millis("refresh_skew", ms)?;
            Ok(())
        })
    }
}

/// Sets how long a client assertion (`client_secret_jwt`, `private_key_jwt`)
/// is valid (`assertion_lifetime`, default 60 000 ms).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_assertion_lifetime_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `cfg` is NULL or a live config used by this thread only (C contract).
    unsafe {
        set(cfg, err, |c| {
            c.assertion_lifetime = millis("assertion_lifetime", ms)?;
            Ok(())
        })
    }
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
    // SAFETY: `cfg` is NULL or a live config used by this thread only (C contract).
    unsafe {
        set(cfg, err, |c| {
            c.refresh_ahead = fraction;
            Ok(())
        })
    }
}

/// Sets the random spread around `refresh_ahead` (`refresh_jitter`, default
/// 0.05, in [0, 0.5) and below `refresh_ahead`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_refresh_jitter(
    cfg: *mut ooauthcc_config,
    fraction: f64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `cfg` is NULL or a live config used by this thread only (C contract).
    unsafe {
        set(cfg, err, |c| {
            c.refresh_jitter = fraction;
            Ok(())
        })
    }
}

/// Sets how many times a transient failure (connect error, timeout, 5xx, 429)
/// is retried within one fetch (`max_retries`, default 3; at most 20 are used).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_max_retries(
    cfg: *mut ooauthcc_config,
    retries: u32,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `cfg` is NULL or a live config used by this thread only (C contract).
    unsafe {
        set(cfg, err, |c| {
            c.max_retries = retries;
            Ok(())
        })
    }
}

/// Sets the first retry delay, doubled each retry with jitter
/// (`retry_base_delay`, default 200 ms).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_retry_base_delay_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `cfg` is NULL or a live config used by this thread only (C contract).
    unsafe {
        set(cfg, err, |c| {
            c.retry_base_delay = millis("retry_base_delay", ms)?;
            Ok(())
        })
    }
}

/// Sets the cap of one retry delay, also of a server's `Retry-After`
/// (`retry_max_delay`, default 10 000 ms).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_retry_max_delay_ms(
    cfg: *mut ooauthcc_config,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `cfg` is NULL or a live config used by this thread only (C contract).
    unsafe {
        set(cfg, err, |c| {
            c.retry_max_delay = millis("retry_max_delay", ms)?;
            Ok(())
        })
    }
}

/// Allows `http://` token endpoints on hosts other than loopback
/// (`allow_insecure_http`, default false): the secret then travels in clear text.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_allow_insecure_http(
    cfg: *mut ooauthcc_config,
    allow: bool,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `cfg` is NULL or a live config used by this thread only (C contract).
    unsafe {
        set(cfg, err, |c| {
            c.allow_insecure_http = allow;
            Ok(())
        })
    }
}
