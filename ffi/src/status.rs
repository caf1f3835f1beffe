//! `ooauthcc_status`: the return value of every fallible call.

use std::ffi::c_char;

use ooauthcc_core::ErrorKind;

/// The result of a fallible call: `OOAUTHCC_STATUS_OK` (0) or the kind of error.
///
/// The numbers are stable and never reused; they equal the Rust core's
/// `ErrorKind::code()` and Python's `Error.status`. Test `if (status != 0)` or
/// against the named values; to get the message, HTTP status and OAuth fields of
/// a failure, pass an `ooauthcc_error **err` as the last argument.
///
/// In C the type is `uint32_t`, so a value added in a later release still fits.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ooauthcc_status {
    /// Success. Outputs have been written.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// An argument was invalid: a string that is not UTF-8, an unknown enum value,
    /// a URL that does not parse.
    InvalidArgument = 2,
    /// A setting is invalid; the error message names it.
    Config = 3,
    /// The token endpoint could not be reached (DNS, connect, TLS, reset).
    Transport = 10,
    /// No token within the caller's timeout (or a request timed out).
    Timeout = 11,
    /// The token endpoint answered with an HTTP status that is not an OAuth error
    /// (5xx, 429, a redirect, …); see `ooauthcc_error_http_status`.
    HttpStatus = 12,
    /// The token endpoint answered with an RFC 6749 §5.2 error
    /// (`invalid_client`, …); see `ooauthcc_error_oauth_error`.
    Oauth = 13,
    /// The token endpoint's answer could not be used as a token response.
    MalformedResponse = 14,
    /// Not returned by any function of this library: a shared token store
    /// (`store_url`) that fails is skipped — the token is fetched without it,
    /// a warning is logged and `OOAUTHCC_STAT_STORE_ERRORS` counts it. The
    /// number is kept because it is core's (and Python's `StoreError`'s) code
    /// for that kind of error, and codes are never reused.
    Store = 15,
    /// The API was used in a way it does not support, e.g. a token for a URL
    /// the configuration does not allow, or a blocking call from a library thread.
    Usage = 21,
    /// A bug in ooauthcc (a caught panic). Please report it.
    Internal = 99,
}

impl ooauthcc_status {
    /// The status of an error of `kind`. Core's kinds are `#[non_exhaustive]`: a
    /// kind this crate does not know yet reports as `Internal` (and fails a test).
    pub fn from_kind(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::NullArgument => Self::NullArgument,
            ErrorKind::InvalidArgument => Self::InvalidArgument,
            ErrorKind::Config => Self::Config,
            ErrorKind::Transport => Self::Transport,
            ErrorKind::Timeout => Self::Timeout,
            ErrorKind::HttpStatus => Self::HttpStatus,
            ErrorKind::OAuth => Self::Oauth,
            ErrorKind::MalformedResponse => Self::MalformedResponse,
            ErrorKind::Store => Self::Store,
            ErrorKind::Usage => Self::Usage,
            _ => Self::Internal,
        }
    }
}

/// The short name of a status, e.g. `"oauth"` for 13 and `"ok"` for 0;
/// `"unknown"` for a number that is not a status. Static: never free it.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn ooauthcc_status_name(status: u32) -> *const c_char {
    let name: &'static std::ffi::CStr = match status {
        0 => c"ok",
        1 => c"null_argument",
        2 => c"invalid_argument",
        3 => c"config",
        10 => c"transport",
        11 => c"timeout",
        12 => c"http_status",
        13 => c"oauth",
        14 => c"malformed_response",
        15 => c"store",
        21 => c"usage",
        99 => c"internal",
        _ => c"unknown",
    };
    name.as_ptr()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn values_are_core_codes_and_names() {
        for &kind in ErrorKind::ALL {
            let status = ooauthcc_status::from_kind(kind);
            assert_eq!(status as u32, kind.code(), "{kind:?}");
            // SAFETY: ooauthcc_status_name returns a static NUL-terminated string.
            let name = unsafe { std::ffi::CStr::from_ptr(ooauthcc_status_name(kind.code())) };
            assert_eq!(name.to_str().unwrap(), kind.name());
        }
        assert_eq!(ooauthcc_status::Ok as u32, 0);
    }
}
