//! Dynamic client registration (RFC 7591) at the test server, for C: its URL,
//! how many clients registered, requiring an initial access token, secrets
//! that expire, registrations that fail, and clients the server forgets.

use std::ffi::c_char;
use std::time::Duration;

use crate::server::{ooauthcc_test_server, server_ref};
use ooauthcc::__support::Out;
use ooauthcc::__support::ooauthcc_error;
use ooauthcc::__support::ooauthcc_status;
use ooauthcc::__support::read_str;

/// The registration endpoint, `http://127.0.0.1:PORT/register` (`https://`
/// for a server started with `ooauthcc_test_server_start_tls`), also the
/// `registration_endpoint` of the server's metadata. A `POST` of JSON client
/// metadata (`Content-Type: application/json`) is answered 201 with a new
/// `client_id` (`dcr-<n>-<8 hex digits>`) and `client_secret`, usable at once
/// at the token endpoint with the `client_credentials` grant and any scope,
/// by the `token_endpoint_auth_method` asked for: `client_secret_basic` (the
/// default) or `client_secret_post`. Other metadata is answered 400
/// `invalid_client_metadata`. Borrowed from `server`; NULL when `server` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_registration_url(server: *const ooauthcc_test_server) -> *const c_char {
    // SAFETY: `server` is NULL or a live server (C contract).
    ooauthcc::ffi_panic_boundary! { unsafe { server_ref(server) }.map_or(std::ptr::null(), |s| s.registration_url.as_ptr()) }
}

/// Writes to `*out` how many registrations succeeded (were answered 201)
/// since the start or `ooauthcc_test_server_reset_counts`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_registration_count(
    server: *const ooauthcc_test_server,
    out: *mut u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server, `out` NULL or writable (C contract).
        let (s, out) = unsafe { (server_ref(server)?, Out::new(out, "out")?) };
        out.put(s.server.registration_count());
        Ok(())
    })
}

/// Requires registrations to carry `Authorization: Bearer <token>` (an RFC
/// 7591 initial access token) from now on; others are answered 401
/// `invalid_token`. `token` NULL (the default): no token is required.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_require_initial_access_token(
    server: *const ooauthcc_test_server,
    token: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server; `token` NULL or NUL-terminated (C contract).
        let s = unsafe { server_ref(server)? };
        // SAFETY: as above; NULL is allowed here and means "no token".
        let token = if token.is_null() { None } else { Some(unsafe { read_str(token, "token")? }) };
        s.server.require_initial_access_token(token);
        Ok(())
    })
}

/// Makes the client secrets issued by registrations from now on expire `ms`
/// milliseconds after they are issued (rounded up to a whole second, as the
/// response's `client_secret_expires_at` says); the token endpoint then
/// answers 401 `invalid_client` to them. 0 (the default): they never expire,
/// and `client_secret_expires_at` is 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_set_registration_secret_lifetime_ms(
    server: *const ooauthcc_test_server,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server (C contract).
        let s = unsafe { server_ref(server)? };
        s.server.set_registration_secret_lifetime((ms > 0).then(|| Duration::from_millis(ms)));
        Ok(())
    })
}

/// Answers the next `times` registration requests with `status` (e.g. 503)
/// and an empty body, whatever they carry; then normal service resumes.
/// `times` 0 cancels a pending failure; a number that is not an HTTP status
/// is answered 500.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_fail_registrations(
    server: *const ooauthcc_test_server,
    times: u32,
    status: u16,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server (C contract).
        unsafe { server_ref(server)? }.server.fail_registrations(times, status);
        Ok(())
    })
}

/// Unregisters the client `client_id` (registered by the test or by a
/// registration request), as if the server had lost it: the token endpoint
/// then answers 401 `invalid_client` to it. Tokens already issued stay
/// valid. Writes to `*forgotten` whether the client was registered.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_forget_client(
    server: *const ooauthcc_test_server,
    client_id: *const c_char,
    forgotten: *mut bool,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server, `client_id` NULL or
        // NUL-terminated, `forgotten` NULL or writable (C contract).
        let (s, id, forgotten) =
            unsafe { (server_ref(server)?, read_str(client_id, "client_id")?, Out::new(forgotten, "forgotten")?) };
        forgotten.put(s.server.forget_client(id));
        Ok(())
    })
}
