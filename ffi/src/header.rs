//! `ooauthcc_header`: a token formatted as the HTTP header to send, owned by
//! the caller.
//!
//! Design: an object with borrowed strings rather than a caller buffer, so the
//! caller never sizes a buffer, a value is never truncated, and the header text
//! (which contains the token) is wiped when freed. Building one allocates; the
//! allocation-free hot paths are `ooauthcc_client_get_token` and, into the
//! caller's buffer, `ooauthcc_client_write_header_value`.

use std::ffi::{CString, c_char};

use ooauthcc_core::{Error, ErrorKind, Token};

use crate::client::{ClientHandle, client_ref, ooauthcc_client};
use crate::error::ooauthcc_error;
use crate::handle::{Castable, Out, OwnershipBox, box_free, box_into_ptr, box_ref};
use crate::status::ooauthcc_status;
use crate::strings::SecretCString;
use crate::token::{ooauthcc_token, token_ref};

/// A token formatted as an HTTP header: name (`Authorization` unless
/// configured otherwise), value (`Bearer <token>`, or the configured prefix),
/// and the whole line `Name: value` (as curl's `CURLOPT_HTTPHEADER` wants it).
///
/// Thread-safety: immutable; may be read from any thread, freed once with
/// `ooauthcc_header_free`. Its strings are borrowed from it, valid until it is
/// freed, and wiped then.
pub struct ooauthcc_header {
    _private: [u8; 0],
}

pub(crate) struct HeaderObject {
    name: CString,
    value: SecretCString,
    line: SecretCString,
    access_token: SecretCString,
}

impl Castable for ooauthcc_header {
    type Ownership = OwnershipBox;
    type RustType = HeaderObject;
}

fn header_for(c: &ClientHandle, token: &Token) -> *mut ooauthcc_header {
    let name = c.header_name.to_string_lossy();
    let value = zeroize::Zeroizing::new(c.client.header_value(token));
    let line = zeroize::Zeroizing::new(format!("{name}: {}", value.as_str()));
    box_into_ptr::<ooauthcc_header>(HeaderObject {
        name: c.header_name.clone(),
        value: SecretCString::new(&value),
        line: SecretCString::new(&line),
        access_token: SecretCString::new(token.access_token()),
    })
}

/// Gets a token as `ooauthcc_client_get_token` does (same `timeout_ms`, with
/// `OOAUTHCC_TIMEOUT_CONFIGURED` and `OOAUTHCC_TIMEOUT_FOREVER`, and the same
/// errors) and formats it as the header to send. On success `*out` is a new
/// header you free with `ooauthcc_header_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_get_header(
    client: *const ooauthcc_client,
    timeout_ms: u64,
    out: *mut *mut ooauthcc_header,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `client` is NULL or a live client reference; `out` NULL or writable (C contract).
        let (c, out) = unsafe { (client_ref(client)?, Out::new(out, "out")?) };
        let token = c.get(timeout_ms)?;
        out.put(header_for(c, &token.token));
        Ok(())
    })
}

/// Writes the header value (as `ooauthcc_header_value` gives it: the token
/// in `header_format`, `Bearer <token>` by default) and a NUL into `buf`, and
/// its length (without the NUL) into `*value_len`. With a fresh token cached
/// this is the hot path of all: no allocation, no lock, no reference count
/// (only the calling thread's stripe of the hit counter); otherwise it gets a
/// token as `ooauthcc_client_get_token` does (same `timeout_ms` and errors).
///
/// Buffer too small (`buf_len` < value + 1): `OOAUTHCC_STATUS_INVALID_ARGUMENT`
/// with `*value_len` set to the length needed (without the NUL); nothing is
/// written to `buf`. Size it `*value_len + 1` and call again. `buf` may be
/// NULL only when `buf_len` is 0 (to ask the length). Wipe the buffer when
/// done: it holds the token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_write_header_value(
    client: *const ooauthcc_client,
    timeout_ms: u64,
    buf: *mut c_char,
    buf_len: usize,
    value_len: *mut usize,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `client` is NULL or a live client reference; `value_len` NULL
        // or writable (C contract).
        let (c, value_len) = unsafe { (client_ref(client)?, Out::new(value_len, "value_len")?) };
        if buf.is_null() && buf_len > 0 {
            return Err(Error::new(ErrorKind::NullArgument, "argument `buf` is NULL but `buf_len` is not 0"));
        }
        let out: &mut [u8] = if buf_len == 0 {
            &mut []
        } else {
            // SAFETY: `buf` is not NULL (checked above) and writable for
            // `buf_len` bytes, and nothing else uses it during the call (C contract).
            unsafe { std::slice::from_raw_parts_mut(buf.cast::<u8>(), buf_len) }
        };
        let written = match c.client.with_fresh_header_value(|parts| copy_parts(parts, out)) {
            Some(written) => written,
            None => {
                let token = c.get(timeout_ms)?;
                let value = zeroize::Zeroizing::new(c.client.header_value(&token.token));
                copy_parts([value.as_str(), "", ""], out)
            }
        };
        match written {
            Ok(n) => {
                value_len.put(n);
                Ok(())
            }
            Err(needed) => {
                value_len.put(needed);
                Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!(
                        "argument `buf`: {buf_len} bytes are too small for the header value and its NUL ({} bytes)",
                        needed + 1
                    ),
                ))
            }
        }
    })
}

/// Copies `parts` and a NUL into `out`: `Ok(length)` without the NUL, or
/// `Err(length needed)` when it does not fit (nothing written).
fn copy_parts(parts: [&str; 3], out: &mut [u8]) -> Result<usize, usize> {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    if out.len() <= len {
        return Err(len);
    }
    let mut at = 0;
    for p in parts {
        out[at..at + p.len()].copy_from_slice(p.as_bytes());
        at += p.len();
    }
    out[at] = 0;
    Ok(len)
}

/// Formats a token you already hold as this client's header (no network).
/// On success `*out` is a new header you free with `ooauthcc_header_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_header_for_token(
    client: *const ooauthcc_client,
    token: *const ooauthcc_token,
    out: *mut *mut ooauthcc_header,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `client` and `token` are NULL or live references; `out` NULL or writable (C contract).
        let (c, t, out) = unsafe { (client_ref(client)?, token_ref(token, "token")?, Out::new(out, "out")?) };
        out.put(header_for(c, &t.token));
        Ok(())
    })
}

/// Borrows a header; None for NULL.
///
/// # Safety
/// `header` is NULL or a live header from this library.
unsafe fn get<'a>(header: *const ooauthcc_header) -> Option<&'a HeaderObject> {
    // SAFETY: forwarded contract.
    unsafe { box_ref::<ooauthcc_header>(header, "header") }.ok()
}

/// The header name, e.g. `"Authorization"`. Borrowed; NULL when `header` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_header_name(header: *const ooauthcc_header) -> *const c_char {
    // SAFETY: `header` is NULL or a live header (C contract).
    ffi_panic_boundary! { unsafe { get(header) }.map_or(std::ptr::null(), |o| o.name.as_ptr()) }
}

/// The header value, e.g. `"Bearer eyJ…"`. Borrowed; NULL when `header` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_header_value(header: *const ooauthcc_header) -> *const c_char {
    // SAFETY: `header` is NULL or a live header (C contract).
    ffi_panic_boundary! { unsafe { get(header) }.map_or(std::ptr::null(), |o| o.value.as_ptr()) }
}

/// The whole header line without line break, e.g.
/// `"Authorization: Bearer eyJ…"`. Borrowed; NULL when `header` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_header_line(header: *const ooauthcc_header) -> *const c_char {
    // SAFETY: `header` is NULL or a live header (C contract).
    ffi_panic_boundary! { unsafe { get(header) }.map_or(std::ptr::null(), |o| o.line.as_ptr()) }
}

/// The bare access token in the header, to pass to `ooauthcc_client_invalidate`
/// when a resource server rejects it. Borrowed; NULL when `header` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_header_access_token(header: *const ooauthcc_header) -> *const c_char {
    // SAFETY: `header` is NULL or a live header (C contract).
    ffi_panic_boundary! { unsafe { get(header) }.map_or(std::ptr::null(), |o| o.access_token.as_ptr()) }
}

/// Frees a header (wiping its text). NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_header_free(header: *mut ooauthcc_header) {
    // SAFETY: `header` is NULL or a header from this library not yet freed (C contract).
    ffi_panic_boundary! { unsafe { box_free::<ooauthcc_header>(header) } }
}
