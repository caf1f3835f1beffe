//! Faults of `ooauthcc_test_server` and the quirks of its successful
//! responses (`ooauthcc_test_server_set_quirk`, by core's names). Faults:
//! every `ooauthcc_core::testing::Fault`,
//! the plain ones by number (`ooauthcc_test_server_set_fault`), the ones with
//! a parameter by a function each. `times` is the same everywhere: the next
//! `times` token requests get the fault, then normal service resumes; 0 means
//! every request until the fault is cleared (or replaced: each call replaces
//! the fault set before).

use std::ffi::c_char;
use std::time::Duration;

use ooauthcc_core::testing::{Fault, Quirk};
use ooauthcc_core::{Error, ErrorKind};

use crate::server::{ServerObject, ooauthcc_test_server, server_ref};
use ooauthcc::__support::ooauthcc_error;
use ooauthcc::__support::ooauthcc_status;
use ooauthcc::__support::read_str;

/// A misbehaviour of the test server, for `ooauthcc_test_server_set_fault`.
/// The faults with a parameter have their own functions
/// (`ooauthcc_test_server_set_fault_status`, `_slow_ms`, `_slow_body_ms`,
/// `_redirect`, `_oauth_error`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ooauthcc_test_fault {
    /// Normal service.
    None = 0,
    /// 500 with a plain-text body: `OOAUTHCC_STATUS_HTTP_STATUS` (retried first).
    ServerError = 1,
    /// 429 without `Retry-After`: `OOAUTHCC_STATUS_HTTP_STATUS` (retried first).
    TooManyRequests = 2,
    /// 200 whose body is not JSON: `OOAUTHCC_STATUS_MALFORMED_RESPONSE`.
    NonJson = 3,
    /// 200 with an empty body: `OOAUTHCC_STATUS_MALFORMED_RESPONSE`.
    EmptyBody = 4,
    /// 200 carrying an OAuth error (`invalid_request`): `OOAUTHCC_STATUS_OAUTH`.
    ErrorIn200 = 5,
    /// 200 cut off mid-body: `OOAUTHCC_STATUS_TRANSPORT` (retried first).
    CloseMidBody = 6,
    /// 200 with a 2 MiB body: `OOAUTHCC_STATUS_MALFORMED_RESPONSE`.
    Oversized = 7,
    /// 200 whose `access_token` is not UTF-8: `OOAUTHCC_STATUS_MALFORMED_RESPONSE`.
    InvalidUtf8 = 8,
    /// 200 whose body is 100 000 `[`: `OOAUTHCC_STATUS_MALFORMED_RESPONSE`.
    DeeplyNested = 9,
}

/// Sets `fault` (None: normal service) for `times` requests (0: until cleared).
fn apply(s: &ServerObject, fault: Option<Fault>, times: u32) {
    match (fault, times) {
        (Some(f), n) if n > 0 => s.server.set_fault_times(f, n),
        (f, _) => s.server.set_fault(f),
    }
}

/// Runs `make` on the server and applies the fault it returns.
///
/// # Safety
/// `server` is NULL or a live server.
unsafe fn set(
    server: *const ooauthcc_test_server,
    times: u32,
    err: *mut *mut ooauthcc_error,
    make: impl FnOnce() -> Result<Option<Fault>, Error>,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: forwarded contract.
        let s = unsafe { server_ref(server)? };
        apply(s, make()?, times);
        Ok(())
    })
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidArgument, message)
}

/// An HTTP status from C: 100 to 999.
fn http_status(status: u32) -> Result<u16, Error> {
    u16::try_from(status)
        .ok()
        .filter(|s| (100..=999).contains(s))
        .ok_or_else(|| invalid(format!("argument `status`: {status} is not an HTTP status (100 to 999)")))
}

/// `None` for the empty string.
fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

/// Makes the next `times` token requests fail with `fault` (an
/// `ooauthcc_test_fault`), or every request until cleared when `times` is 0.
/// `OOAUTHCC_TEST_FAULT_NONE` restores normal service.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_set_fault(
    server: *const ooauthcc_test_server,
    fault: u32,
    times: u32,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `server` is NULL or a live server (C contract).
    unsafe {
        set(server, times, err, || {
            Ok(match fault {
                f if f == ooauthcc_test_fault::None as u32 => None,
                f if f == ooauthcc_test_fault::ServerError as u32 => Some(Fault::Status(500)),
                f if f == ooauthcc_test_fault::TooManyRequests as u32 => {
                    Some(Fault::TooManyRequests { retry_after: None })
                }
                f if f == ooauthcc_test_fault::NonJson as u32 => Some(Fault::NonJson),
                f if f == ooauthcc_test_fault::EmptyBody as u32 => Some(Fault::EmptyBody),
                f if f == ooauthcc_test_fault::ErrorIn200 as u32 => Some(Fault::ErrorIn200),
                f if f == ooauthcc_test_fault::CloseMidBody as u32 => Some(Fault::CloseMidBody),
                f if f == ooauthcc_test_fault::Oversized as u32 => Some(Fault::Oversized),
                f if f == ooauthcc_test_fault::InvalidUtf8 as u32 => Some(Fault::InvalidUtf8),
                f if f == ooauthcc_test_fault::DeeplyNested as u32 => Some(Fault::DeeplyNested),
                v => {
                    return Err(invalid(format!(
                        "argument `fault`: unknown value {v} (expected an ooauthcc_test_fault, 0 to 9)"
                    )));
                }
            })
        })
    }
}

/// Answers token requests with HTTP `status` (100 to 999, else
/// `INVALID_ARGUMENT`) and a plain-text body, with a `Retry-After` header set
/// verbatim to `retry_after` (seconds, or an HTTP-date) unless it is empty;
/// `Retry-After` is only sent with 429 and 503 (`INVALID_ARGUMENT` otherwise).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_set_fault_status(
    server: *const ooauthcc_test_server,
    status: u32,
    retry_after: *const c_char,
    times: u32,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `server` is NULL or a live server, `retry_after` NULL or NUL-terminated (C contract).
    unsafe {
        set(server, times, err, || {
            let retry_after = non_empty(read_str(retry_after, "retry_after")?);
            Ok(Some(match (http_status(status)?, retry_after) {
                (429, retry_after) => Fault::TooManyRequests { retry_after },
                (503, Some(value)) => Fault::ServiceUnavailableRetryAfter(value),
                (code, None) => Fault::Status(code),
                (code, Some(_)) => {
                    return Err(invalid(format!(
                        "argument `retry_after`: the test server sends it with 429 and 503 only, not {code}"
                    )));
                }
            }))
        })
    }
}

/// Waits `delay_ms` before answering token requests normally (a slow
/// server: for timeouts).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_set_fault_slow_ms(
    server: *const ooauthcc_test_server,
    delay_ms: u64,
    times: u32,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `server` is NULL or a live server (C contract).
    unsafe { set(server, times, err, || Ok(Some(Fault::Slow(Duration::from_millis(delay_ms))))) }
}

/// Sends 200 and its headers at once, then a token response one byte every
/// `interval_ms` (slowloris). The token it carries is not valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_set_fault_slow_body_ms(
    server: *const ooauthcc_test_server,
    interval_ms: u64,
    times: u32,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `server` is NULL or a live server (C contract).
    unsafe { set(server, times, err, || Ok(Some(Fault::SlowBody(Duration::from_millis(interval_ms))))) }
}

/// Answers token requests with 302 Found and `Location: location` (a client
/// must not follow it: `OOAUTHCC_STATUS_HTTP_STATUS` with HTTP status 302).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_set_fault_redirect(
    server: *const ooauthcc_test_server,
    location: *const c_char,
    times: u32,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `server` is NULL or a live server, `location` NULL or NUL-terminated (C contract).
    unsafe { set(server, times, err, || Ok(Some(Fault::Redirect(read_str(location, "location")?.to_owned())))) }
}

/// Answers token requests with an RFC 6749 §5.2 error body: HTTP `status`
/// (100 to 999), `error` (e.g. `"invalid_client"`, not empty), and
/// `error_description` and `error_uri` unless they are empty strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_set_fault_oauth_error(
    server: *const ooauthcc_test_server,
    status: u32,
    error: *const c_char,
    description: *const c_char,
    uri: *const c_char,
    times: u32,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: `server` is NULL or a live server, the strings NULL or NUL-terminated (C contract).
    unsafe {
        set(server, times, err, || {
            let (error, description, uri) =
                (read_str(error, "error")?, read_str(description, "description")?, read_str(uri, "uri")?);
            let status = http_status(status)?;
            if error.is_empty() {
                return Err(invalid("argument `error` is empty".to_owned()));
            }
            Ok(Some(Fault::OAuthError {
                status,
                error: error.to_owned(),
                description: non_empty(description),
                uri: non_empty(uri),
            }))
        })
    }
}

/// Sets the shape of successful token responses to one seen at real
/// providers, for every request from now on: `quirk` is `"none"` (or the
/// empty string: a plain RFC 6749 response, the default),
/// `"string_expires_in"` (`"expires_in":"3600"`), `"missing_expires_in"`,
/// `"nested_token"` (the token fields under a `data` key: read them with
/// `token_path` `"data"`), `"form_encoded"` (an
/// `application/x-www-form-urlencoded` body), `"uppercase_bearer"`,
/// `"missing_token_type"`, `"jwt_access_token"` (an unsigned JWT whose `exp`
/// gives the expiry, no `expires_in`) or `"extra_fields"`.
/// `INVALID_ARGUMENT` for another name.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_set_quirk(
    server: *const ooauthcc_test_server,
    quirk: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server, `quirk` NULL or NUL-terminated (C contract).
        let (s, name) = unsafe { (server_ref(server)?, read_str(quirk, "quirk")?) };
        let q = if name.is_empty() { Some(Quirk::None) } else { Quirk::from_name(name) };
        let q = q.ok_or_else(|| {
            let known: Vec<String> = Quirk::ALL.iter().map(|q| format!("{:?}", q.name())).collect();
            invalid(format!("argument `quirk`: unknown value {name:?} (expected one of {})", known.join(", ")))
        })?;
        s.server.set_quirk(q);
        Ok(())
    })
}
