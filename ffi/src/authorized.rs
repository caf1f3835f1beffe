//! `ooauthcc_authorized`: everything to send on one API request — the URL and
//! the header lines — as the client's settings decide (core's
//! `Client::authorize_with`): the token's header in its configured format, or
//! the token as a query parameter; `resource_headers`; a `Cookie` header from
//! `resource_cookies`; and `allowed_hosts` enforced before any token is fetched.
//!
//! Design: one object with borrowed strings, like `ooauthcc_header`, wiped when
//! freed (the URL and the header lines may carry the token). Indexed access to
//! the header lines rather than a NULL-terminated array, so a binding over any
//! FFI can walk it with two calls.

use std::ffi::{CString, c_char};

use ooauthcc_core::Authorized;

use crate::client::{client_ref, ooauthcc_client};
use crate::error::ooauthcc_error;
use crate::handle::{Castable, Out, OwnershipBox, box_free, box_into_ptr, box_ref};
use crate::status::ooauthcc_status;
use crate::strings::{SecretCString, read_str};

/// What to send on one API request: the URL (with the token in it when the
/// config set `query_param`) and the headers to add, each as a name, a value
/// and a `Name: value` line (as curl's `CURLOPT_HTTPHEADER` wants it).
///
/// Thread-safety: immutable; may be read from any thread, freed once with
/// `ooauthcc_authorized_free`. Its strings are borrowed from it, valid until
/// it is freed, and wiped then.
pub struct ooauthcc_authorized {
    _private: [u8; 0],
}

pub(crate) struct AuthorizedObject {
    url: SecretCString,
    headers: Vec<HeaderLine>,
    access_token: SecretCString,
    /// Core's decision, kept for `ooauthcc_client_reauthorize`.
    authorized: Authorized,
}

struct HeaderLine {
    name: CString,
    value: SecretCString,
    line: SecretCString,
}

impl Castable for ooauthcc_authorized {
    type Ownership = OwnershipBox;
    type RustType = AuthorizedObject;
}

fn object_for(a: Authorized) -> AuthorizedObject {
    let headers = a
        .headers()
        .iter()
        .map(|(name, value)| HeaderLine {
            // Header names are checked tokens (no NUL); the fallback is unreachable.
            name: CString::new(name.as_str()).unwrap_or_default(),
            value: SecretCString::new(value),
            line: SecretCString::new(&zeroize::Zeroizing::new(format!("{name}: {value}"))),
        })
        .collect();
    AuthorizedObject {
        url: SecretCString::new(a.url().as_str()),
        headers,
        access_token: SecretCString::new(a.token().access_token()),
        authorized: a,
    }
}

/// Decides what to send on an API request to `url` (an absolute URL):
/// refuses a destination outside `allowed_hosts`, or plain `http` to a
/// non-loopback host (`OOAUTHCC_STATUS_USAGE`, naming the host) before getting
/// any token; then gets a token as `ooauthcc_client_get_token` does (same
/// `timeout_ms` and errors). On success `*out` is a new object you free with
/// `ooauthcc_authorized_free`.
///
/// When the API answers 401, ask `ooauthcc_client_reauthorize` what to send
/// next.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_authorize(
    client: *const ooauthcc_client,
    url: *const c_char,
    timeout_ms: u64,
    out: *mut *mut ooauthcc_authorized,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `client` is NULL or a live client reference, `url` NULL or
        // NUL-terminated, `out` NULL or writable (C contract).
        let (c, url, out) = unsafe { (client_ref(client)?, read_str(url, "url")?, Out::new(out, "out")?) };
        c.client.check_destination(url)?;
        let token = c.get(timeout_ms)?;
        let authorized = c.client.authorize_with(url, token.token.clone())?;
        out.put(box_into_ptr::<ooauthcc_authorized>(object_for(authorized)));
        Ok(())
    })
}

/// After the API answered 401 to `rejected`: what to send on retry number
/// `attempt` (0 after the first 401), or `*out` = NULL to give up and keep the
/// 401. The same rule as every other integration (core's
/// `Client::reauthorize`): NULL once `attempt` reaches
/// `ooauthcc_client_unauthorized_retries`; otherwise exactly `rejected`'s
/// token is invalidated (of many requests rejected together, one renewal), a
/// token is got again (waiting at most the config's `get_timeout`), and NULL
/// when it is the rejected one again. On success with a retry, `*out` is a new
/// object for the same URL that you free with `ooauthcc_authorized_free`;
/// `rejected` stays yours.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_reauthorize(
    client: *const ooauthcc_client,
    rejected: *const ooauthcc_authorized,
    attempt: u32,
    out: *mut *mut ooauthcc_authorized,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `client` and `rejected` are NULL or live objects of this
        // library, `out` NULL or writable (C contract).
        let (c, rejected, out) = unsafe {
            (client_ref(client)?, box_ref::<ooauthcc_authorized>(rejected, "rejected")?, Out::new(out, "out")?)
        };
        let next = c.client.reauthorize_blocking(&rejected.authorized, attempt)?;
        out.put(next.map_or(std::ptr::null_mut(), |a| box_into_ptr::<ooauthcc_authorized>(object_for(a))));
        Ok(())
    })
}

/// How many times to retry an API request with a new token after a 401
/// (the config's `unauthorized_retries`, default 1); 0 when `client` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_unauthorized_retries(client: *const ooauthcc_client) -> u32 {
    // SAFETY: `client` is NULL or a live client reference (C contract).
    ffi_panic_boundary! { unsafe { client_ref(client) }.map_or(0, |c| c.client.unauthorized_retries()) }
}

/// Borrows an authorized request; None for NULL.
///
/// # Safety
/// `authorized` is NULL or a live object from this library.
unsafe fn get<'a>(authorized: *const ooauthcc_authorized) -> Option<&'a AuthorizedObject> {
    // SAFETY: forwarded contract.
    unsafe { box_ref::<ooauthcc_authorized>(authorized, "authorized") }.ok()
}

/// Borrows header `index`; None when out of range or NULL.
///
/// # Safety
/// `authorized` is NULL or a live object from this library.
unsafe fn header_at<'a>(authorized: *const ooauthcc_authorized, index: usize) -> Option<&'a HeaderLine> {
    // SAFETY: forwarded contract.
    unsafe { get(authorized) }.and_then(|o| o.headers.get(index))
}

/// The URL to send the request to. Borrowed; NULL when `authorized` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_authorized_url(authorized: *const ooauthcc_authorized) -> *const c_char {
    // SAFETY: `authorized` is NULL or a live object (C contract).
    ffi_panic_boundary! { unsafe { get(authorized) }.map_or(std::ptr::null(), |o| o.url.as_ptr()) }
}

/// How many headers to add (0 when `authorized` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_authorized_header_count(authorized: *const ooauthcc_authorized) -> usize {
    // SAFETY: `authorized` is NULL or a live object (C contract).
    ffi_panic_boundary! { unsafe { get(authorized) }.map_or(0, |o| o.headers.len()) }
}

/// Header `index` (from 0) as one line without line break, `"Name: value"`.
/// Borrowed; NULL when `authorized` is NULL or `index` is out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_authorized_header_line(
    authorized: *const ooauthcc_authorized,
    index: usize,
) -> *const c_char {
    // SAFETY: `authorized` is NULL or a live object (C contract).
    ffi_panic_boundary! { unsafe { header_at(authorized, index) }.map_or(std::ptr::null(), |h| h.line.as_ptr()) }
}

/// The name of header `index`. Borrowed; NULL when out of range or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_authorized_header_name(
    authorized: *const ooauthcc_authorized,
    index: usize,
) -> *const c_char {
    // SAFETY: `authorized` is NULL or a live object (C contract).
    ffi_panic_boundary! { unsafe { header_at(authorized, index) }.map_or(std::ptr::null(), |h| h.name.as_ptr()) }
}

/// The value of header `index`. Borrowed; NULL when out of range or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_authorized_header_value(
    authorized: *const ooauthcc_authorized,
    index: usize,
) -> *const c_char {
    // SAFETY: `authorized` is NULL or a live object (C contract).
    ffi_panic_boundary! { unsafe { header_at(authorized, index) }.map_or(std::ptr::null(), |h| h.value.as_ptr()) }
}

/// The bare access token this request carries, to pass to
/// `ooauthcc_client_invalidate` when the API answers 401. Borrowed; NULL when
/// `authorized` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_authorized_access_token(authorized: *const ooauthcc_authorized) -> *const c_char {
    // SAFETY: `authorized` is NULL or a live object (C contract).
    ffi_panic_boundary! { unsafe { get(authorized) }.map_or(std::ptr::null(), |o| o.access_token.as_ptr()) }
}

/// Frees the object (wiping its text). NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_authorized_free(authorized: *mut ooauthcc_authorized) {
    // SAFETY: `authorized` is NULL or an object from this library not yet freed (C contract).
    ffi_panic_boundary! { unsafe { box_free::<ooauthcc_authorized>(authorized) } }
}
