//! The two handles of this library (`ooauthcc_test_server`,
//! `ooauthcc_test_redis`): each an opaque C type tied by [`Boxed`] to the Rust
//! value behind it, owned by one `Box` and freed once by the caller. (ffi's
//! `handle.rs` is the model; its `Castable` stays private to that crate.)

use ooauthcc_core::{Error, ErrorKind};

/// Ties an opaque C type to the boxed Rust value it stands for.
pub(crate) trait Boxed {
    /// The Rust value behind the pointer.
    type RustType;
}

/// Moves `value` into a new box and hands its pointer to C.
pub(crate) fn box_into_ptr<C: Boxed>(value: C::RustType) -> *mut C {
    Box::into_raw(Box::new(value)).cast()
}

fn null(arg: &str) -> Error {
    Error::new(ErrorKind::NullArgument, format!("argument `{arg}` is NULL"))
}

/// Borrows the value behind a handle.
///
/// # Safety
/// `p` is NULL or came from [`box_into_ptr`] for `C`, was not freed, and is not
/// mutated by another thread during `'a`.
pub(crate) unsafe fn box_ref<'a, C: Boxed>(p: *const C, arg: &str) -> Result<&'a C::RustType, Error> {
    // SAFETY: per the contract, a non-NULL `p` points to a live `C::RustType`.
    unsafe { p.cast::<C::RustType>().as_ref() }.ok_or_else(|| null(arg))
}

/// Borrows mutably the value behind a handle.
///
/// # Safety
/// As [`box_ref`], and no other reference to the value exists during `'a`.
pub(crate) unsafe fn box_mut<'a, C: Boxed>(p: *mut C, arg: &str) -> Result<&'a mut C::RustType, Error> {
    // SAFETY: per the contract, a non-NULL `p` points to a live, unaliased value.
    unsafe { p.cast::<C::RustType>().as_mut() }.ok_or_else(|| null(arg))
}

/// Drops the value behind a handle; NULL is a no-op.
///
/// # Safety
/// `p` is NULL or came from [`box_into_ptr`] for `C` and was not freed yet; it
/// is not used afterwards.
pub(crate) unsafe fn box_free<C: Boxed>(p: *mut C) {
    if !p.is_null() {
        // SAFETY: `p` is a pointer from `Box::into_raw` of a `C::RustType` (contract).
        drop(unsafe { Box::from_raw(p.cast::<C::RustType>()) });
    }
}
