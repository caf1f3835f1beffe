//! `ooauthcc_test_server`: core's bundled loopback authorization server, so C
//! users can test their own code without an identity provider.

use std::ffi::{CString, c_char};
use std::time::Duration;

use ooauthcc_core::testing::{AuthServer, ClientRegistration, Fault};
use ooauthcc_core::{Error, ErrorKind};

use crate::error::ooauthcc_error;
use crate::handle::{Castable, Out, OwnershipBox, box_free, box_into_ptr, box_ref};
use crate::status::ooauthcc_status;
use crate::strings::{c_string, read_str};

/// A real OAuth 2.0 authorization server (HTTP/1.1, client-credentials token
/// endpoint at `ooauthcc_test_server_token_url`) on 127.0.0.1, FOR TESTS. It
/// runs on its own thread, counts every token request per client id, and can
/// be made slow, short-lived or faulty.
///
/// Thread-safety: every function may be called from any thread at once, except
/// `ooauthcc_test_server_free`, which stops the server (cutting off requests in
/// flight) and must be called once, after every other use.
pub struct ooauthcc_test_server {
    _private: [u8; 0],
}

pub(crate) struct ServerObject {
    server: AuthServer,
    token_url: CString,
}

impl Castable for ooauthcc_test_server {
    type Ownership = OwnershipBox;
    type RustType = ServerObject;
}

/// A misbehaviour of the test server, for `ooauthcc_test_server_set_fault`.
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
}

/// Borrows a server.
///
/// # Safety
/// `server` is NULL or a live server from this library.
unsafe fn server_ref<'a>(server: *const ooauthcc_test_server) -> Result<&'a ServerObject, Error> {
    // SAFETY: forwarded contract.
    unsafe { box_ref::<ooauthcc_test_server>(server, "server") }
}

/// Starts a server on 127.0.0.1 on a free port. On success `*out` is a server
/// you stop and free with `ooauthcc_test_server_free`. `TRANSPORT` when the
/// socket or thread cannot be created.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_start(
    out: *mut *mut ooauthcc_test_server,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `out` is NULL or writable (C contract).
        let out = unsafe { Out::new(out, "out")? };
        let server = AuthServer::start()
            .map_err(|e| Error::new(ErrorKind::Transport, format!("cannot start the test server: {e}")))?;
        let token_url = c_string(&server.token_url());
        out.put(box_into_ptr::<ooauthcc_test_server>(ServerObject { server, token_url }));
        Ok(())
    })
}

/// The token endpoint, `http://127.0.0.1:PORT/token`. Borrowed from `server`; NULL
/// when `server` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_token_url(server: *const ooauthcc_test_server) -> *const c_char {
    // SAFETY: `server` is NULL or a live server (C contract).
    ffi_panic_boundary! { unsafe { server_ref(server) }.map_or(std::ptr::null(), |o| o.token_url.as_ptr()) }
}

/// Registers a client that may authenticate with `client_secret_basic` or
/// `client_secret_post`, ask for any scope, with the `client_credentials`
/// grant. Replaces a client with the same id.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_register_client(
    server: *const ooauthcc_test_server,
    client_id: *const c_char,
    client_secret: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server; the strings NULL or NUL-terminated (C contract).
        let (s, id, secret) = unsafe {
            (server_ref(server)?, read_str(client_id, "client_id")?, read_str(client_secret, "client_secret")?)
        };
        s.server.register_client(ClientRegistration::new(id, secret));
        Ok(())
    })
}

/// Sets the lifetime of tokens issued from now on (default one hour);
/// `expires_in` is its whole seconds.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_set_token_lifetime_ms(
    server: *const ooauthcc_test_server,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server (C contract).
        unsafe { server_ref(server)? }.server.set_token_lifetime(Duration::from_millis(ms));
        Ok(())
    })
}

/// Sets a delay before every token response (default none), so concurrent
/// callers pile up behind one request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_set_latency_ms(
    server: *const ooauthcc_test_server,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server (C contract).
        unsafe { server_ref(server)? }.server.set_latency(Duration::from_millis(ms));
        Ok(())
    })
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
    ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server (C contract).
        let s = unsafe { server_ref(server)? };
        let fault = match fault {
            f if f == ooauthcc_test_fault::None as u32 => None,
            f if f == ooauthcc_test_fault::ServerError as u32 => Some(Fault::Status(500)),
            f if f == ooauthcc_test_fault::TooManyRequests as u32 => Some(Fault::TooManyRequests { retry_after: None }),
            f if f == ooauthcc_test_fault::NonJson as u32 => Some(Fault::NonJson),
            f if f == ooauthcc_test_fault::EmptyBody as u32 => Some(Fault::EmptyBody),
            f if f == ooauthcc_test_fault::ErrorIn200 as u32 => Some(Fault::ErrorIn200),
            f if f == ooauthcc_test_fault::CloseMidBody as u32 => Some(Fault::CloseMidBody),
            f if f == ooauthcc_test_fault::Oversized as u32 => Some(Fault::Oversized),
            v => {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!("argument `fault`: unknown value {v} (expected an ooauthcc_test_fault, 0 to 7)"),
                ));
            }
        };
        match (fault, times) {
            (Some(f), n) if n > 0 => s.server.set_fault_times(f, n),
            (f, _) => s.server.set_fault(f),
        }
        Ok(())
    })
}

/// Writes to `*out` how many token requests named `client_id` (whatever their
/// outcome) since the server started.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_request_count(
    server: *const ooauthcc_test_server,
    client_id: *const c_char,
    out: *mut u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server, `client_id` NULL or NUL-terminated,
        // `out` NULL or writable (C contract).
        let (s, id, out) = unsafe { (server_ref(server)?, read_str(client_id, "client_id")?, Out::new(out, "out")?) };
        out.put(s.server.request_count(id));
        Ok(())
    })
}

/// Writes to `*valid` whether this server issued `access_token` and it has not
/// expired, so a test can play the resource server.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_is_valid_token(
    server: *const ooauthcc_test_server,
    access_token: *const c_char,
    valid: *mut bool,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server, `access_token` NULL or
        // NUL-terminated, `valid` NULL or writable (C contract).
        let (s, token, valid) =
            unsafe { (server_ref(server)?, read_str(access_token, "access_token")?, Out::new(valid, "valid")?) };
        valid.put(s.server.is_valid_token(token));
        Ok(())
    })
}

/// Stops the server (requests in flight are cut off) and frees it. NULL is a
/// no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_free(server: *mut ooauthcc_test_server) {
    // SAFETY: `server` is NULL or a server from this library not yet freed (C contract).
    ffi_panic_boundary! { unsafe { box_free::<ooauthcc_test_server>(server) } }
}
