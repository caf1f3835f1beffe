//! Getting a token without blocking the calling thread: a completion callback,
//! for event loops (libuv, nginx modules, Node.js, asyncio) and for bindings
//! that must not park a thread per waiting caller.

use std::ffi::c_void;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use ooauthcc_core::{Error, ErrorKind};

use crate::client::{ClientHandle, ooauthcc_client};
use crate::error::{ooauthcc_error, store_error};
use crate::handle::arc_clone;
use crate::status::ooauthcc_status;
use crate::token::{TokenHandle, ooauthcc_token};

/// The completion of `ooauthcc_client_get_token_async`: `user_data` as given,
/// then either `OOAUTHCC_STATUS_OK` with `token` (a reference you free with
/// `ooauthcc_token_free`; `error` is NULL), or the failure's status with
/// `error` (free it with `ooauthcc_error_free`; `token` is NULL).
pub type ooauthcc_token_callback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        status: ooauthcc_status,
        token: *mut ooauthcc_token,
        error: *mut ooauthcc_error,
    ),
>;

/// The callback and its `user_data`, carried to the thread that completes.
struct Completion {
    callback: unsafe extern "C" fn(*mut c_void, ooauthcc_status, *mut ooauthcc_token, *mut ooauthcc_error),
    user_data: *mut c_void,
}

// SAFETY: the C contract of `ooauthcc_client_get_token_async` says the
// callback may run on a library thread with `user_data`; the library never
// dereferences `user_data`, it only hands it back.
unsafe impl Send for Completion {}

impl Completion {
    fn token(self, token: Arc<TokenHandle>) {
        // SAFETY: the caller's callback and user_data, called once; the token
        // reference becomes the callback's.
        unsafe {
            (self.callback)(self.user_data, ooauthcc_status::Ok, TokenHandle::into_ptr(token), std::ptr::null_mut())
        }
    }

    fn error(self, error: Error) {
        let status = ooauthcc_status::from_kind(error.kind());
        let mut object = std::ptr::null_mut();
        // SAFETY: `object` is a local, writable pointer.
        unsafe { store_error(&mut object, error) };
        // SAFETY: as in `token`; the error object becomes the callback's.
        unsafe { (self.callback)(self.user_data, status, std::ptr::null_mut(), object) }
    }
}

/// Gets a token without blocking: `callback` is called exactly once with the
/// token or the error, as `ooauthcc_client_get_token(client, timeout_ms, …)`
/// would have returned them. When the cache can serve a token, the callback
/// runs on the calling thread before this function returns; otherwise on a
/// library thread once the one shared fetch ends (or `timeout_ms` passes:
/// `OOAUTHCC_TIMEOUT_CONFIGURED` (0) is the config's `get_timeout`,
/// `OOAUTHCC_TIMEOUT_FOREVER` no limit). Any number of calls may wait at once
/// without holding a thread each.
///
/// The callback must return quickly and must not block: the library's runtime
/// thread that runs it also drives every fetch in the process, so a callback
/// that waits (say, for another thread's event loop to run a handler, as
/// koffi's cross-thread callbacks do) stalls them all. Hand the result over
/// (a queue, an eventfd, `uv_async_send`) and return. On a library thread it
/// must not call `ooauthcc_client_get_token` (that returns `USAGE` there), but
/// may call this function or `ooauthcc_client_try_get_token`. It must not
/// throw (C++) or `longjmp`. `user_data` stays yours: the library only passes
/// it back (free it in the callback, or after it ran).
///
/// Returns `OOAUTHCC_STATUS_OK` when the callback was called or will be.
/// Otherwise it is never called: `NULL_ARGUMENT` (`client` or `callback`),
/// `INTERNAL` when the library's runtime cannot start.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_get_token_async(
    client: *const ooauthcc_client,
    timeout_ms: u64,
    callback: ooauthcc_token_callback,
    user_data: *mut c_void,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `client` is NULL or a live client reference (C contract); the
        // clone keeps the client alive until the completion ran.
        let handle: Arc<ClientHandle> = unsafe { arc_clone::<ooauthcc_client>(client, "client") }?;
        let Some(callback) = callback else {
            return Err(Error::new(ErrorKind::NullArgument, "callback is NULL"));
        };
        let done = Completion { callback, user_data };
        let timeout = handle.timeout(timeout_ms);
        let client = handle.client.clone();
        client.get_token_with_callback(timeout, move |result| {
            // A panic here would end a runtime task silently and the callback
            // would never run: report it as INTERNAL instead.
            let handed = catch_unwind(AssertUnwindSafe(|| result.map(|token| handle.handle_for(token))));
            match handed {
                Ok(Ok(token)) => done.token(token),
                Ok(Err(e)) => done.error(e),
                Err(_) => done.error(Error::new(ErrorKind::Internal, "a panic while completing the token request")),
            }
        })
    })
}
