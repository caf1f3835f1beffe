//! The panic boundary that every exported function body runs in.
//!
//! Unwinding out of an `extern "C"` function aborts the process, and a library
//! must never take its host down. So each body runs under `catch_unwind`
//! (rustls-ffi's `ffi_panic_boundary!` pattern): the macro sits *inside* the
//! function, so the `#[unsafe(no_mangle)] pub extern "C" fn` signature stays
//! plain Rust that stable cbindgen reads without expanding macros.
//!
//! - [`ffi_status_boundary!`]: for fallible calls. The body yields
//!   `Result<(), ooauthcc_core::Error>`; an error (or a panic, as
//!   `OOAUTHCC_STATUS_INTERNAL`) becomes the returned status and, when the
//!   caller asked for it, an `ooauthcc_error` in `*err`.
//! - [`ffi_panic_boundary!`]: for calls that cannot fail (accessors, `*_free`):
//!   a panic returns a neutral value ([`PanicDefault`]: NULL, 0, false).

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};

use ooauthcc_core::{Error, ErrorKind};

use crate::error::{ooauthcc_error, store_error};
use crate::status::ooauthcc_status;

/// What an infallible function returns when its body panicked.
pub trait PanicDefault {
    /// The neutral value.
    fn value() -> Self;
}

impl PanicDefault for () {
    fn value() -> Self {}
}

impl PanicDefault for bool {
    fn value() -> Self {
        false
    }
}

impl PanicDefault for u16 {
    fn value() -> Self {
        0
    }
}

impl PanicDefault for u32 {
    fn value() -> Self {
        0
    }
}

impl PanicDefault for u64 {
    fn value() -> Self {
        0
    }
}

impl PanicDefault for i64 {
    fn value() -> Self {
        0
    }
}

impl PanicDefault for usize {
    fn value() -> Self {
        0
    }
}

impl PanicDefault for ooauthcc_status {
    fn value() -> Self {
        ooauthcc_status::Internal
    }
}

impl<T> PanicDefault for *const T {
    fn value() -> Self {
        std::ptr::null()
    }
}

impl<T> PanicDefault for *mut T {
    fn value() -> Self {
        std::ptr::null_mut()
    }
}

/// Runs an infallible body; a panic yields [`PanicDefault::value`].
#[doc(hidden)]
#[macro_export]
macro_rules! ffi_panic_boundary {
    ( $($body:tt)* ) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| { $($body)* })) {
            Ok(ret) => ret,
            Err(_) => $crate::__support::PanicDefault::value(),
        }
    };
}

/// Runs a fallible body (yielding `Result<(), ooauthcc_core::Error>`) and
/// returns its `ooauthcc_status`, storing the error in `*$err` when `$err` is
/// not NULL.
#[doc(hidden)]
#[macro_export]
macro_rules! ffi_status_boundary {
    ( $err:expr, $body:block ) => {
        $crate::__support::run_status($err, || $body)
    };
}

/// The function behind [`ffi_status_boundary!`].
///
/// `AssertUnwindSafe`: after a panic the only state a caller can observe is the
/// object the call was given; our bodies read all their inputs before they
/// change anything, so a panic leaves it as it was or with one field replaced.
///
/// `err` must be NULL or writable: it is the `ooauthcc_error **err` argument
/// of the exported function whose body this runs, and the C contract of every
/// such function says so. Not `unsafe fn`, so that the macro's callers need
/// no `unsafe` block around their whole body; it is public only for
/// `ooauthcc-testing-ffi` (through the hidden `__support` module).
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn run_status(err: *mut *mut ooauthcc_error, body: impl FnOnce() -> Result<(), Error>) -> ooauthcc_status {
    let error = match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return ooauthcc_status::Ok,
        Ok(Err(e)) => e,
        Err(payload) => Error::new(ErrorKind::Internal, panic_message(payload.as_ref())),
    };
    let status = ooauthcc_status::from_kind(error.kind());
    // SAFETY: `err` is NULL or points to writable storage for one pointer, as
    // every function taking `ooauthcc_error **err` documents.
    unsafe { store_error(err, error) };
    status
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    format!("internal error (a bug in ooauthcc, please report it): panic: {what}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn a_panic_becomes_internal_with_an_error_object() {
        let mut err: *mut ooauthcc_error = std::ptr::null_mut();
        let status = ffi_status_boundary!(&mut err, { panic!("boom") });
        assert_eq!(status, ooauthcc_status::Internal);
        assert!(!err.is_null());
        // SAFETY: `err` was just set to a live error object, freed once below.
        unsafe {
            assert_eq!(crate::error::ooauthcc_error_status(err), ooauthcc_status::Internal);
            let message = CStr::from_ptr(crate::error::ooauthcc_error_message(err)).to_str().unwrap();
            assert!(message.contains("boom") && message.contains("bug"), "{message}");
            crate::error::ooauthcc_error_free(err);
        }
        // No detail wanted: still a status, no crash.
        let status = ffi_status_boundary!(std::ptr::null_mut(), { panic!("boom") });
        assert_eq!(status, ooauthcc_status::Internal);
    }

    #[test]
    fn a_panic_in_an_accessor_returns_the_neutral_value() {
        fn accessor() -> *const u8 {
            ffi_panic_boundary! { panic!("boom") }
        }
        fn counter() -> u64 {
            ffi_panic_boundary! { panic!("boom") }
        }
        assert!(accessor().is_null());
        assert_eq!(counter(), 0);
    }
}
