//! The test server's protected resource, for C: its URL, the requests it
//! received (as `ooauthcc_test_request` objects whose parameters are the query
//! parameters, with `ooauthcc_test_request_status`), and rejecting the next
//! requests with 401 as an API does with a revoked token.

use std::ffi::c_char;

use ooauthcc_core::{Error, ErrorKind};

use crate::handle::box_into_ptr;
use crate::server::{ooauthcc_test_server, server_ref};
use crate::server_record::{RequestObject, ooauthcc_test_request};
use ooauthcc::__support::Out;
use ooauthcc::__support::ooauthcc_error;
use ooauthcc::__support::ooauthcc_status;

/// `http://127.0.0.1:PORT/resource`: answers 200 to a request carrying a
/// token this server issued and that has not expired (a word of any header's
/// value, or any query parameter's value), 401 otherwise; records every
/// request. Borrowed from `server`; NULL when `server` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_resource_url(server: *const ooauthcc_test_server) -> *const c_char {
    // SAFETY: `server` is NULL or a live server (C contract).
    ooauthcc::ffi_panic_boundary! { unsafe { server_ref(server) }.map_or(std::ptr::null(), |s| s.resource_url.as_ptr()) }
}

/// Makes the resource answer the next `n` requests 401 `invalid_token`, even
/// with a valid token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_reject_resource_requests(
    server: *const ooauthcc_test_server,
    n: u32,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server (C contract).
        unsafe { server_ref(server)? }.server.reject_resource_requests(n);
        Ok(())
    })
}

/// Writes to `*out` how many requests the resource received (since the
/// start or `ooauthcc_test_server_reset_counts`, up to the last 10 000).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_resource_count(
    server: *const ooauthcc_test_server,
    out: *mut usize,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server, `out` NULL or writable (C contract).
        let (s, out) = unsafe { (server_ref(server)?, Out::new(out, "out")?) };
        out.put(s.server.resource_requests().len());
        Ok(())
    })
}

/// Copies resource request number `index` (0 is the oldest kept). On success
/// `*out` is a new request you free with `ooauthcc_test_request_free`; read
/// its query parameters with `ooauthcc_test_request_param`, its headers with
/// `ooauthcc_test_request_header`, its status with
/// `ooauthcc_test_request_status`. `INVALID_ARGUMENT` when `index` is past the end.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_resource_request(
    server: *const ooauthcc_test_server,
    index: usize,
    out: *mut *mut ooauthcc_test_request,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server, `out` NULL or writable (C contract).
        let (s, out) = unsafe { (server_ref(server)?, Out::new(out, "out")?) };
        let all = s.server.resource_requests();
        let request = all.get(index).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidArgument,
                format!("argument `index`: {index} is past the {} resource requests", all.len()),
            )
        })?;
        out.put(box_into_ptr::<ooauthcc_test_request>(RequestObject::from_resource(request)));
        Ok(())
    })
}
