//! The `user_data` a C program hands over with a callback and its free
//! function: owned by the library from then on, passed back to the callback
//! only, and freed once, when the last registration holding it goes.

use std::ffi::c_void;

use crate::config_callback::ooauthcc_free_callback;

/// The `user_data` of one or more registrations, freed with the last of them
/// (each running call of the callback holds its registration).
pub(crate) struct UserData {
    pub(crate) ptr: *mut c_void,
    pub(crate) free: ooauthcc_free_callback,
}

// SAFETY: `ptr` is only passed back to the callback and to `free`, and the
// caller of the function that registered it (`ooauthcc_set_log_callback`,
// `ooauthcc_set_event_callback`) promises (documented there) that the
// callback may run with it on any thread, concurrently, and `free` once on any
// thread after the last call.
unsafe impl Send for UserData {}
// SAFETY: as for `Send`: nothing here is ever mutated after creation.
unsafe impl Sync for UserData {}

impl UserData {
    /// Whether a new registration passes this very `user_data` and free
    /// function, which then carries it over instead of owning it twice.
    pub(crate) fn is(&self, ptr: *mut c_void, free: ooauthcc_free_callback) -> bool {
        match (self.free, free) {
            (Some(a), Some(b)) => std::ptr::fn_addr_eq(a, b) && self.ptr == ptr,
            _ => false,
        }
    }
}

impl Drop for UserData {
    fn drop(&mut self) {
        if let Some(free) = self.free {
            // SAFETY: the caller handed `ptr` with `free` to the library, and
            // this is the last reference: every registration holding it, and
            // so every call of a callback with it, is gone. It runs once.
            unsafe { free(self.ptr) };
        }
    }
}
