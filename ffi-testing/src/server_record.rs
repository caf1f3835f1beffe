//! The requests `ooauthcc_test_server` recorded, for C: how many there are,
//! and each as an `ooauthcc_test_request` object (core's `RecordedRequest`)
//! whose method, path, headers and form parameters C reads by name.

use std::ffi::{CString, c_char};

use ooauthcc_core::testing::{RecordedRequest, ResourceRequest};
use ooauthcc_core::{Error, ErrorKind};

use crate::handle::{Boxed, box_free, box_into_ptr, box_ref};
use crate::server::{ooauthcc_test_server, server_ref};
use ooauthcc::__support::Out;
use ooauthcc::__support::c_string;
use ooauthcc::__support::ooauthcc_error;
use ooauthcc::__support::ooauthcc_status;
use ooauthcc::__support::read_str;

/// One request to the test server's token endpoint, as the server received
/// it: from `ooauthcc_test_server_recorded_request`, freed with
/// `ooauthcc_test_request_free`. Its strings are borrowed from it and valid
/// until it is freed. It holds credentials verbatim (the `Authorization`
/// header, a `client_secret` parameter) so that tests can check them: never
/// print them.
///
/// Thread-safety: immutable; may be read from any thread at once, freed once.
pub struct ooauthcc_test_request {
    _private: [u8; 0],
}

/// A recorded request with its strings ready for C.
pub(crate) struct RequestObject {
    method: CString,
    path: CString,
    client_id: Option<CString>,
    auth_used: Option<CString>,
    /// Header names in lower case, in the order received.
    headers: Vec<(String, CString)>,
    /// Form parameters of the body (of a token request), or the query
    /// parameters (of a resource request), in order.
    form: Vec<(String, CString)>,
    /// The status a resource request was answered with; 0 for token requests.
    status: u16,
}

impl RequestObject {
    fn new(r: &RecordedRequest) -> Self {
        let pairs = |v: &[(String, String)]| v.iter().map(|(n, x)| (n.clone(), c_string(x))).collect();
        RequestObject {
            method: c_string(&r.method),
            path: c_string(&r.path),
            client_id: r.client_id.as_deref().map(c_string),
            auth_used: r.auth_used.as_deref().map(c_string),
            headers: pairs(&r.headers),
            form: pairs(&r.form),
            status: 0,
        }
    }

    /// A request to the protected resource: its query parameters are read like
    /// form parameters, and it has a status.
    pub(crate) fn from_resource(r: &ResourceRequest) -> Self {
        let pairs = |v: &[(String, String)]| v.iter().map(|(n, x)| (n.clone(), c_string(x))).collect();
        RequestObject {
            method: c_string(&r.method),
            path: c_string(&r.path),
            client_id: None,
            auth_used: None,
            headers: pairs(&r.headers),
            form: pairs(&r.query),
            status: r.status,
        }
    }

    /// The values of form parameter `name`, in order.
    fn params<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a CString> + 'a {
        self.form.iter().filter(move |(n, _)| n == name).map(|(_, v)| v)
    }
}

impl Boxed for ooauthcc_test_request {
    type RustType = RequestObject;
}

fn ptr(s: Option<&CString>) -> *const c_char {
    s.map_or(std::ptr::null(), |c| c.as_ptr())
}

/// A string field of a request; NULL when `request` is NULL or `get` finds none.
///
/// # Safety
/// `request` is NULL or a live request from this library.
unsafe fn field(
    request: *const ooauthcc_test_request,
    get: impl FnOnce(&RequestObject) -> Option<&CString>,
) -> *const c_char {
    // SAFETY: forwarded contract.
    ptr(unsafe { box_ref::<ooauthcc_test_request>(request, "request") }.ok().and_then(get))
}

/// Borrows a request and reads the name a lookup takes; `None` when either is
/// NULL (or the name is not UTF-8), which the lookups answer like a miss.
///
/// # Safety
/// `request` is NULL or a live request from this library, `name` NULL or
/// NUL-terminated.
unsafe fn lookup<'a>(
    request: *const ooauthcc_test_request,
    name: *const c_char,
) -> Option<(&'a RequestObject, &'a str)> {
    // SAFETY: forwarded contract.
    unsafe { Some((box_ref::<ooauthcc_test_request>(request, "request").ok()?, read_str(name, "name").ok()?)) }
}

/// Writes to `*out` how many requests to the token endpoint the server keeps
/// recorded: every one since it started or since
/// `ooauthcc_test_server_reset_counts`, up to the last 10 000.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_recorded_count(
    server: *const ooauthcc_test_server,
    out: *mut usize,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server, `out` NULL or writable (C contract).
        let (s, out) = unsafe { (server_ref(server)?, Out::new(out, "out")?) };
        out.put(s.server.recorded_count());
        Ok(())
    })
}

/// Copies the recorded request number `index` (0 is the oldest kept; the
/// newest is `ooauthcc_test_server_recorded_count` - 1). On success `*out`
/// is a new request you free with `ooauthcc_test_request_free`;
/// `INVALID_ARGUMENT` when `index` is past the end.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_recorded_request(
    server: *const ooauthcc_test_server,
    index: usize,
    out: *mut *mut ooauthcc_test_request,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server, `out` NULL or writable (C contract).
        let (s, out) = unsafe { (server_ref(server)?, Out::new(out, "out")?) };
        let request = s.server.recorded_request(index).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidArgument,
                format!("argument `index`: {index} is past the {} recorded requests", s.server.recorded_count()),
            )
        })?;
        out.put(box_into_ptr::<ooauthcc_test_request>(RequestObject::new(&request)));
        Ok(())
    })
}

/// The HTTP method, e.g. `"POST"`. Borrowed from `request`; NULL when
/// `request` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_request_method(request: *const ooauthcc_test_request) -> *const c_char {
    // SAFETY: `request` is NULL or a live request (C contract).
    ooauthcc::ffi_panic_boundary! { unsafe { field(request, |r| Some(&r.method)) } }
}

/// The path, without the query string, e.g. `"/token"`. Borrowed from
/// `request`; NULL when `request` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_request_path(request: *const ooauthcc_test_request) -> *const c_char {
    // SAFETY: `request` is NULL or a live request (C contract).
    ooauthcc::ffi_panic_boundary! { unsafe { field(request, |r| Some(&r.path)) } }
}

/// The client id the request named (in HTTP Basic, the body or a client
/// assertion), as the server decoded it. Borrowed from `request`; NULL when
/// it named none (or `request` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_request_client_id(request: *const ooauthcc_test_request) -> *const c_char {
    // SAFETY: `request` is NULL or a live request (C contract).
    ooauthcc::ffi_panic_boundary! { unsafe { field(request, |r| r.client_id.as_ref()) } }
}

/// How the client authenticated: `"client_secret_basic"`,
/// `"client_secret_post"`, `"none"`, `"client_secret_jwt"`,
/// `"private_key_jwt"`, `"tls_client_auth"` or
/// `"self_signed_tls_client_auth"`. Borrowed from `request`; NULL when no
/// client was named (or `request` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_request_auth_used(request: *const ooauthcc_test_request) -> *const c_char {
    // SAFETY: `request` is NULL or a live request (C contract).
    ooauthcc::ffi_panic_boundary! { unsafe { field(request, |r| r.auth_used.as_ref()) } }
}

/// The value of the first header called `name` (compared without regard to
/// case), e.g. `ooauthcc_test_request_header(r, "authorization")`. Borrowed
/// from `request`; NULL when there is no such header (or an argument is NULL,
/// or `name` is not UTF-8).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_request_header(
    request: *const ooauthcc_test_request,
    name: *const c_char,
) -> *const c_char {
    ooauthcc::ffi_panic_boundary! {
        // SAFETY: `request` is NULL or a live request, `name` NULL or NUL-terminated (C contract).
        let found = unsafe { lookup(request, name) }
            .and_then(|(r, name)| r.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v));
        ptr(found)
    }
}

/// The value of the first form parameter called `name` in the body (names
/// compared exactly), e.g. `"grant_type"`. Borrowed from `request`; NULL
/// when there is no such parameter (or an argument is NULL, or `name` is not
/// UTF-8).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_request_param(
    request: *const ooauthcc_test_request,
    name: *const c_char,
) -> *const c_char {
    ooauthcc::ffi_panic_boundary! {
        // SAFETY: `request` is NULL or a live request, `name` NULL or NUL-terminated (C contract).
        ptr(unsafe { lookup(request, name) }.and_then(|(r, name)| r.params(name).next()))
    }
}

/// How many form parameters called `name` the body holds (a parameter may
/// repeat, as `resource` does). 0 when an argument is NULL or `name` is not
/// UTF-8.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_request_param_count(
    request: *const ooauthcc_test_request,
    name: *const c_char,
) -> usize {
    ooauthcc::ffi_panic_boundary! {
        // SAFETY: `request` is NULL or a live request, `name` NULL or NUL-terminated (C contract).
        unsafe { lookup(request, name) }.map_or(0, |(r, name)| r.params(name).count())
    }
}

/// The value of the form parameter called `name` number `index` (0 is the
/// first, in the order sent). Borrowed from `request`; NULL when `index` is
/// not below `ooauthcc_test_request_param_count` (or an argument is NULL, or
/// `name` is not UTF-8).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_request_param_at(
    request: *const ooauthcc_test_request,
    name: *const c_char,
    index: usize,
) -> *const c_char {
    ooauthcc::ffi_panic_boundary! {
        // SAFETY: `request` is NULL or a live request, `name` NULL or NUL-terminated (C contract).
        ptr(unsafe { lookup(request, name) }.and_then(|(r, name)| r.params(name).nth(index)))
    }
}

/// The status the protected resource answered a resource request with (200
/// or 401); 0 for a token request, or when `request` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_request_status(request: *const ooauthcc_test_request) -> u16 {
    // SAFETY: `request` is NULL or a live request (C contract).
    ooauthcc::ffi_panic_boundary! { unsafe { box_ref::<ooauthcc_test_request>(request, "request") }.map_or(0, |r| r.status) }
}

/// Frees a request (and the strings borrowed from it). NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_request_free(request: *mut ooauthcc_test_request) {
    // SAFETY: `request` is NULL or a request from this library not yet freed (C contract).
    ooauthcc::ffi_panic_boundary! { unsafe { box_free::<ooauthcc_test_request>(request) } }
}
