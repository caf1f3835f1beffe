//! `ooauthcc_token`: an access token handed to C, immutable and refcounted.
//!
//! C needs NUL-terminated strings, and core's `Token` holds a Rust `str`. So the
//! handle is core's `Token` plus NUL-terminated copies, built once per token
//! *per client* (see `client.rs`: the client, and each calling thread, keep
//! the handle of the token served last and, while core says that token is
//! fresh, hand out new references to it). The cached-token hot path thus costs one reference
//! count, no allocation, no copy.

use std::ffi::{CString, c_char};
use std::sync::{Arc, OnceLock};

use ooauthcc_core::{Error, Token};

use crate::handle::{Castable, OwnershipArc, arc_clone, arc_free, arc_into_ptr, arc_ref};
use crate::strings::{SecretCString, c_string, opt_c_string, opt_ptr};

/// An access token and what the server said about it.
///
/// Immutable and refcounted: `ooauthcc_token_clone` adds a reference,
/// `ooauthcc_token_free` drops one. Thread-safety: every function may be called
/// from any thread at the same time, except that each reference is freed once
/// and not used afterwards. Strings returned by its accessors are borrowed from
/// it and stay valid until the reference you read them through is freed.
///
/// Never log the access token. The library wipes its copies when the last
/// reference is freed.
pub struct ooauthcc_token {
    _private: [u8; 0],
}

/// What an `ooauthcc_token` pointer stands for.
pub(crate) struct TokenHandle {
    pub(crate) token: Token,
    access_token: SecretCString,
    token_type: CString,
    scope: Option<CString>,
    /// Built on first request only: most callers never ask.
    extra_json: OnceLock<CString>,
}

impl Castable for ooauthcc_token {
    type Ownership = OwnershipArc;
    type RustType = TokenHandle;
}

impl TokenHandle {
    pub(crate) fn new(token: Token) -> Arc<TokenHandle> {
        Arc::new(TokenHandle {
            access_token: SecretCString::new(token.access_token()),
            token_type: c_string(token.token_type()),
            scope: opt_c_string(token.scope()),
            extra_json: OnceLock::new(),
            token,
        })
    }

    pub(crate) fn into_ptr(handle: Arc<TokenHandle>) -> *mut ooauthcc_token {
        arc_into_ptr::<ooauthcc_token>(handle)
    }
}

/// Borrows a token; an error naming `arg` for NULL.
///
/// # Safety
/// `token` is NULL or a live token reference from this library.
pub(crate) unsafe fn token_ref<'a>(token: *const ooauthcc_token, arg: &str) -> Result<&'a TokenHandle, Error> {
    // SAFETY: forwarded contract.
    unsafe { arc_ref::<ooauthcc_token>(token, arg) }
}

/// Borrows a token for an accessor; None for NULL.
///
/// # Safety
/// As [`token_ref`].
unsafe fn get<'a>(token: *const ooauthcc_token) -> Option<&'a TokenHandle> {
    // SAFETY: forwarded contract.
    unsafe { token_ref(token, "token") }.ok()
}

/// The access token, NUL-terminated; NULL when `token` is NULL. Borrowed from `token`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_token_access_token(token: *const ooauthcc_token) -> *const c_char {
    // SAFETY: `token` is NULL or a live token reference (C contract).
    ffi_panic_boundary! { unsafe { get(token) }.map_or(std::ptr::null(), |h| h.access_token.as_ptr()) }
}

/// The length in bytes of the access token (without the NUL); 0 when `token` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_token_access_token_len(token: *const ooauthcc_token) -> usize {
    // SAFETY: `token` is NULL or a live token reference (C contract).
    ffi_panic_boundary! { unsafe { get(token) }.map_or(0, |h| h.access_token.len()) }
}

/// The token type: `"Bearer"` when the server said `bearer` in any case or
/// nothing; other types as sent. NULL when `token` is NULL. Borrowed from `token`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_token_token_type(token: *const ooauthcc_token) -> *const c_char {
    // SAFETY: `token` is NULL or a live token reference (C contract).
    ffi_panic_boundary! { unsafe { get(token) }.map_or(std::ptr::null(), |h| h.token_type.as_ptr()) }
}

/// When the token expires on the wall clock, in milliseconds since the Unix
/// epoch (the server's `expires_in` counted from when the request was sent).
/// 0 when `token` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_token_expires_at_unix_ms(token: *const ooauthcc_token) -> i64 {
    // SAFETY: `token` is NULL or a live token reference (C contract).
    ffi_panic_boundary! { unsafe { get(token) }.map_or(0, |h| h.token.expires_at_unix_ms()) }
}

/// The lifetime the server granted (or the one assumed when it said none), in
/// milliseconds. 0 when `token` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_token_lifetime_ms(token: *const ooauthcc_token) -> u64 {
    ffi_panic_boundary! {
        // SAFETY: `token` is NULL or a live token reference (C contract).
        unsafe { get(token) }.map_or(0, |h| u64::try_from(h.token.lifetime().as_millis()).unwrap_or(u64::MAX))
    }
}

/// The scope the server granted; NULL when it sent none (or `token` is NULL).
/// Borrowed from `token`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_token_scope(token: *const ooauthcc_token) -> *const c_char {
    // SAFETY: `token` is NULL or a live token reference (C contract).
    ffi_panic_boundary! { unsafe { get(token) }.map_or(std::ptr::null(), |h| opt_ptr(&h.scope)) }
}

/// The other fields of the token response (`id_token`, vendor fields, …) as a
/// JSON object, `"{}"` when there are none; NULL when `token` is NULL. Borrowed
/// from `token`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_token_extra_json(token: *const ooauthcc_token) -> *const c_char {
    ffi_panic_boundary! {
        // SAFETY: `token` is NULL or a live token reference (C contract).
        unsafe { get(token) }.map_or(std::ptr::null(), |h| {
            h.extra_json
                .get_or_init(|| c_string(&serde_json::Value::Object(h.token.extra_fields().clone()).to_string()))
                .as_ptr()
        })
    }
}

/// Whether the token is past the point where the cache stops serving it (its
/// expiry minus the refresh skew); true when `token` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_token_is_expired(token: *const ooauthcc_token) -> bool {
    // SAFETY: `token` is NULL or a live token reference (C contract).
    ffi_panic_boundary! { unsafe { get(token) }.is_none_or(|h| h.token.is_expired()) }
}

/// A new reference to the same token (free it too); NULL when `token` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_token_clone(token: *const ooauthcc_token) -> *mut ooauthcc_token {
    // SAFETY: `token` is NULL or a live token reference (C contract).
    ffi_panic_boundary! { unsafe { arc_clone::<ooauthcc_token>(token, "token") }.map_or(std::ptr::null_mut(), TokenHandle::into_ptr) }
}

/// Drops one reference to a token; the token is wiped and freed with the last
/// one. NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_token_free(token: *mut ooauthcc_token) {
    // SAFETY: `token` is NULL or a token reference not yet freed (C contract).
    ffi_panic_boundary! { unsafe { arc_free::<ooauthcc_token>(token) } }
}
