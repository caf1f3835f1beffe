//! `ooauthcc_error`: the detail of a failed call, owned by the caller.

use std::ffi::{CString, c_char};

use ooauthcc_core::Error;

use crate::handle::{Castable, OwnershipBox, box_free, box_into_ptr, box_ref};
use crate::status::ooauthcc_status;
use crate::strings::{c_string, opt_c_string, opt_ptr};

/// The detail of a failed call: status, message, HTTP status and the OAuth
/// error fields the server sent.
///
/// Every fallible function takes `ooauthcc_error **err` as its last argument.
/// Pass NULL when you need no detail. Otherwise, on failure `*err` is set to a
/// new error object that you own and free with `ooauthcc_error_free`; on
/// success `*err` is not touched (so initialise it to NULL, and free an error
/// before reusing the variable).
///
/// Thread-safety: immutable; it may be read from any thread, and freed once.
/// Strings returned by its accessors are borrowed from it: they stay valid until
/// `ooauthcc_error_free`. No message ever contains a secret or a token.
pub struct ooauthcc_error {
    _private: [u8; 0],
}

/// What an `ooauthcc_error` points to.
pub struct ErrorObject {
    error: Error,
    message: CString,
    oauth_error: Option<CString>,
    oauth_description: Option<CString>,
    oauth_uri: Option<CString>,
}

impl Castable for ooauthcc_error {
    type Ownership = OwnershipBox;
    type RustType = ErrorObject;
}

/// Stores `error` in `*err` when `err` is not NULL.
///
/// # Safety
/// `err` is NULL or valid for writing one pointer.
pub unsafe fn store_error(err: *mut *mut ooauthcc_error, error: Error) {
    if err.is_null() {
        return;
    }
    let oauth = error.oauth();
    let object = ErrorObject {
        message: c_string(&error.to_string()),
        oauth_error: opt_c_string(oauth.map(|o| o.error.as_str())),
        oauth_description: opt_c_string(oauth.and_then(|o| o.error_description.as_deref())),
        oauth_uri: opt_c_string(oauth.and_then(|o| o.error_uri.as_deref())),
        error,
    };
    // SAFETY: `err` is not NULL and writable (contract).
    unsafe { err.write(box_into_ptr::<ooauthcc_error>(object)) };
}

/// Reads an error object; None for NULL.
///
/// # Safety
/// `error` is NULL or an error from this library that has not been freed.
unsafe fn get<'a>(error: *const ooauthcc_error) -> Option<&'a ErrorObject> {
    // SAFETY: forwarded contract.
    unsafe { box_ref::<ooauthcc_error>(error, "error") }.ok()
}

/// The status of the failed call (never `OOAUTHCC_STATUS_OK`);
/// `OOAUTHCC_STATUS_NULL_ARGUMENT` when `error` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_error_status(error: *const ooauthcc_error) -> ooauthcc_status {
    ffi_panic_boundary! {
        // SAFETY: `error` is NULL or a live error from this library (C contract).
        unsafe { get(error) }.map_or(ooauthcc_status::NullArgument, |o| ooauthcc_status::from_kind(o.error.kind()))
    }
}

/// The message: what failed and why, naming the setting, argument or endpoint
/// concerned, followed by the OAuth error code and description when the server
/// sent them. Borrowed from `error`; NULL when `error` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_error_message(error: *const ooauthcc_error) -> *const c_char {
    // SAFETY: `error` is NULL or a live error from this library (C contract).
    ffi_panic_boundary! { unsafe { get(error) }.map_or(std::ptr::null(), |o| o.message.as_ptr()) }
}

/// The HTTP status the token endpoint answered with; 0 when there was no HTTP
/// answer (or `error` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_error_http_status(error: *const ooauthcc_error) -> u16 {
    // SAFETY: `error` is NULL or a live error from this library (C contract).
    ffi_panic_boundary! { unsafe { get(error) }.and_then(|o| o.error.http_status()).unwrap_or(0) }
}

/// The OAuth `error` code the server sent (RFC 6749 §5.2), e.g.
/// `"invalid_client"`; NULL when it sent none. Borrowed from `error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_error_oauth_error(error: *const ooauthcc_error) -> *const c_char {
    // SAFETY: `error` is NULL or a live error from this library (C contract).
    ffi_panic_boundary! { unsafe { get(error) }.map_or(std::ptr::null(), |o| opt_ptr(&o.oauth_error)) }
}

/// The OAuth `error_description` the server sent; NULL when none. Borrowed from `error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_error_oauth_error_description(error: *const ooauthcc_error) -> *const c_char {
    // SAFETY: `error` is NULL or a live error from this library (C contract).
    ffi_panic_boundary! { unsafe { get(error) }.map_or(std::ptr::null(), |o| opt_ptr(&o.oauth_description)) }
}

/// The OAuth `error_uri` the server sent; NULL when none. Borrowed from `error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_error_oauth_error_uri(error: *const ooauthcc_error) -> *const c_char {
    // SAFETY: `error` is NULL or a live error from this library (C contract).
    ffi_panic_boundary! { unsafe { get(error) }.map_or(std::ptr::null(), |o| opt_ptr(&o.oauth_uri)) }
}

/// Whether trying again later may succeed (outages: transport errors, timeouts,
/// 5xx, 429); false for rejected credentials, bad settings, unusable responses,
/// and when `error` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_error_is_retryable(error: *const ooauthcc_error) -> bool {
    // SAFETY: `error` is NULL or a live error from this library (C contract).
    ffi_panic_boundary! { unsafe { get(error) }.is_some_and(|o| o.error.is_retryable()) }
}

/// How long the server asked to wait before retrying (`Retry-After`), in
/// milliseconds; 0 when it did not say (or `error` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_error_retry_after_ms(error: *const ooauthcc_error) -> u64 {
    ffi_panic_boundary! {
        // SAFETY: `error` is NULL or a live error from this library (C contract).
        unsafe { get(error) }.and_then(|o| o.error.retry_after()).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }
}

/// Frees an error. NULL is a no-op. Free each error once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_error_free(error: *mut ooauthcc_error) {
    // SAFETY: `error` is NULL or an error from this library not yet freed (doc above).
    ffi_panic_boundary! { unsafe { box_free::<ooauthcc_error>(error) } }
}
