//! `ooauthcc_set_event_callback`: core's events (one per fetch, with its
//! outcome and duration, and one per caller that waited for a fetch) handed to
//! a C function, for a program's own metrics, traces or logs. Never on the hot
//! path: a token served from the cache is no event (read `ooauthcc_client_stat`
//! for those). An event never carries a token or a secret.
//!
//! `user_data` follows the log callback's rule (`log.rs`): the library owns it
//! once a callback is installed, and `free_user_data` runs once, after the
//! last call of the callback that had it.

use std::ffi::{CString, c_char, c_void};
use std::sync::{Arc, Mutex};

use ooauthcc_core::{Event, EventKind, set_event_hook};

use crate::config_callback::ooauthcc_free_callback;
use crate::error::ooauthcc_error;
use crate::status::ooauthcc_status;
use crate::strings::c_string;
use crate::user_data::UserData;

/// What an event reports (`ooauthcc_event.kind`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ooauthcc_event_kind {
    /// A fetch got a token (from the token endpoint or the shared store).
    FetchSucceeded = 1,
    /// A fetch failed: `status`, `http_status` and `oauth_error` say how.
    FetchFailed = 2,
    /// A caller waited for a fetch (it had no token to be served):
    /// `duration_us` is how long; `status` is not OK when it got an error.
    Waited = 3,
}

/// One event, passed to the event callback. Valid only during the call: copy
/// what you keep. Strings are NUL-terminated UTF-8.
#[repr(C)]
pub struct ooauthcc_event {
    /// An `ooauthcc_event_kind`.
    pub kind: u32,
    /// The client id of the cache entry (empty for a client that registers
    /// itself and has not yet).
    pub client_id: *const c_char,
    /// For fetches: a renewal ahead of expiry, while callers were served the
    /// old token.
    pub background: bool,
    /// How long the fetch took (every request and retry in it), or how long
    /// the caller waited, in microseconds.
    pub duration_us: u64,
    /// `OOAUTHCC_STATUS_OK`, or the failure's status.
    pub status: ooauthcc_status,
    /// The failure's HTTP status, 0 when none.
    pub http_status: u16,
    /// The failure's OAuth `error` code (e.g. `invalid_client`), NULL when none.
    pub oauth_error: *const c_char,
    /// The new token's lifetime in milliseconds (`FETCH_SUCCEEDED`), else 0.
    pub token_lifetime_ms: u64,
}

/// An event callback: receives `user_data` as given to
/// `ooauthcc_set_event_callback` and an event valid only during the call.
///
/// It runs on a library thread (fetches) or on the thread of the call that
/// waited, possibly on several threads at once: it must be thread-safe, return
/// quickly, not throw (C++) or longjmp, and not call back into the library
/// (`ooauthcc_client_get_token` from a library thread returns `USAGE`).
pub type ooauthcc_event_callback = Option<unsafe extern "C" fn(user_data: *mut c_void, event: *const ooauthcc_event)>;

/// One registration: the function and the `user_data` it gets.
struct Sink {
    callback: unsafe extern "C" fn(*mut c_void, *const ooauthcc_event),
    user_data: Arc<UserData>,
}

impl Sink {
    fn deliver(&self, e: &Event<'_>) {
        let client_id = c_string(e.client_id);
        let oauth_error: Option<CString> = e.error.and_then(|err| err.oauth_error()).map(c_string);
        let event = ooauthcc_event {
            kind: c_kind(e.kind) as u32,
            client_id: client_id.as_ptr(),
            background: e.background,
            duration_us: u64::try_from(e.duration.as_micros()).unwrap_or(u64::MAX),
            status: e.error.map_or(ooauthcc_status::Ok, |err| ooauthcc_status::from_kind(err.kind())),
            http_status: e.error.and_then(ooauthcc_core::Error::http_status).unwrap_or(0),
            oauth_error: oauth_error.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
            token_lifetime_ms: e.token_lifetime.map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        };
        // SAFETY: the caller of `ooauthcc_set_event_callback` promised the
        // callback may run with `user_data` on any thread; `event` and the
        // strings it points to live until the call returns.
        unsafe { (self.callback)(self.user_data.ptr, &event) };
    }
}

/// C's kind of a core event. Core's kinds are non-exhaustive: a kind this crate
/// does not know yet reports as a wait, and fails the test below.
fn c_kind(kind: EventKind) -> ooauthcc_event_kind {
    match kind {
        EventKind::FetchSucceeded => ooauthcc_event_kind::FetchSucceeded,
        EventKind::FetchFailed => ooauthcc_event_kind::FetchFailed,
        EventKind::Waited => ooauthcc_event_kind::Waited,
        _ => ooauthcc_event_kind::Waited,
    }
}

/// The registration installed now, to carry its `user_data` over to a new one
/// with the same `user_data` and free function; serialises the setters.
static CURRENT: Mutex<Option<Arc<Sink>>> = Mutex::new(None);

/// Sends every event of the library to `callback` with `user_data`, replacing
/// the callback installed before; NULL `callback` removes it (and events
/// cost nothing again).
///
/// `user_data` ownership: with a callback, the library takes `user_data`, and
/// `free_user_data` (when not NULL) runs exactly once — after the last call of
/// `callback` with it returned, when a later `ooauthcc_set_event_callback`
/// replaced or removed it (possibly on a library thread). Registering the same
/// `user_data` with the same `free_user_data` again carries it over. When the
/// call removes the callback it takes nothing. A callback still installed at
/// exit is not freed. See `ooauthcc_event_callback` for what the callback must
/// not do.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_set_event_callback(
    callback: ooauthcc_event_callback,
    user_data: *mut c_void,
    free_user_data: ooauthcc_free_callback,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        let mut current = CURRENT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let sink = callback.map(|callback| {
            let user_data = match current.as_ref() {
                Some(old) if old.user_data.is(user_data, free_user_data) => Arc::clone(&old.user_data),
                _ => Arc::new(UserData { ptr: user_data, free: free_user_data }),
            };
            Arc::new(Sink { callback, user_data })
        });
        set_event_hook(sink.clone().map(|s| Arc::new(move |e: &Event<'_>| s.deliver(e)) as ooauthcc_core::EventHook));
        let old = std::mem::replace(&mut *current, sink);
        drop(current);
        // Outside the lock: this may run `free_user_data` (unless a call still runs).
        drop(old);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every core kind has a C kind of its own.
    #[test]
    fn every_core_kind_maps_to_its_own_c_kind() {
        let mut seen: Vec<u32> = EventKind::ALL.iter().map(|k| c_kind(*k) as u32).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), EventKind::ALL.len());
    }
}
