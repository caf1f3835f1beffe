//! Handles: the only place that casts between C pointers and Rust values.
//!
//! Each C type is an opaque zero-sized struct tied by [`Castable`] to the Rust
//! value behind it and to how it is owned (rustls-ffi's model):
//! - [`OwnershipBox`]: one owner (`Box`), freed once by the caller;
//! - [`OwnershipArc`]: shared and refcounted (`Arc`), the pointer C holds is
//!   `Arc::into_raw`; `*_clone` adds a reference and `*_free` drops one.
//!
//! Since the ownership kind is an associated type, a type cannot be cast both
//! ways by mistake. Every cast checks for NULL and reports which argument was.

use std::marker::PhantomData;
use std::ptr::NonNull;
use std::sync::Arc;

use ooauthcc_core::{Error, ErrorKind};

/// Unique ownership (`Box`).
pub(crate) struct OwnershipBox;
/// Shared, refcounted ownership (`Arc`).
pub(crate) struct OwnershipArc;

/// Ties an opaque C type to the Rust value it stands for.
pub(crate) trait Castable {
    /// [`OwnershipBox`] or [`OwnershipArc`].
    type Ownership;
    /// The Rust value behind the pointer.
    type RustType;
}

fn null(arg: &str) -> Error {
    Error::new(ErrorKind::NullArgument, format!("argument `{arg}` is NULL"))
}

/// Moves `value` into a new box and hands its pointer to C.
pub(crate) fn box_into_ptr<C: Castable<Ownership = OwnershipBox>>(value: C::RustType) -> *mut C {
    Box::into_raw(Box::new(value)).cast()
}

/// Borrows the value behind a boxed handle.
///
/// # Safety
/// `p` is NULL or came from [`box_into_ptr`] for `C`, was not freed, and is not
/// mutated by another thread during `'a`.
pub(crate) unsafe fn box_ref<'a, C: Castable<Ownership = OwnershipBox>>(
    p: *const C,
    arg: &str,
) -> Result<&'a C::RustType, Error> {
    // SAFETY: per the contract, a non-NULL `p` points to a live `C::RustType`.
    unsafe { p.cast::<C::RustType>().as_ref() }.ok_or_else(|| null(arg))
}

/// Borrows mutably the value behind a boxed handle.
///
/// # Safety
/// As [`box_ref`], and no other reference to the value exists during `'a`
/// (the types are documented as not for concurrent use).
pub(crate) unsafe fn box_mut<'a, C: Castable<Ownership = OwnershipBox>>(
    p: *mut C,
    arg: &str,
) -> Result<&'a mut C::RustType, Error> {
    // SAFETY: per the contract, a non-NULL `p` points to a live, unaliased value.
    unsafe { p.cast::<C::RustType>().as_mut() }.ok_or_else(|| null(arg))
}

/// Drops the value behind a boxed handle; NULL is a no-op.
///
/// # Safety
/// `p` is NULL or came from [`box_into_ptr`] for `C` and was not freed yet; it
/// is not used afterwards.
pub(crate) unsafe fn box_free<C: Castable<Ownership = OwnershipBox>>(p: *mut C) {
    if !p.is_null() {
        // SAFETY: `p` is a pointer from `Box::into_raw` of a `C::RustType` (contract).
        drop(unsafe { Box::from_raw(p.cast::<C::RustType>()) });
    }
}

/// Hands one reference of `value` to C.
pub(crate) fn arc_into_ptr<C: Castable<Ownership = OwnershipArc>>(value: Arc<C::RustType>) -> *mut C {
    Arc::into_raw(value).cast_mut().cast()
}

/// Borrows the value behind a refcounted handle.
///
/// # Safety
/// `p` is NULL or came from [`arc_into_ptr`] for `C` and the reference it
/// stands for is not dropped during `'a`.
pub(crate) unsafe fn arc_ref<'a, C: Castable<Ownership = OwnershipArc>>(
    p: *const C,
    arg: &str,
) -> Result<&'a C::RustType, Error> {
    // SAFETY: per the contract, a non-NULL `p` points into a live `Arc` allocation.
    unsafe { p.cast::<C::RustType>().as_ref() }.ok_or_else(|| null(arg))
}

/// A new reference to the value behind a refcounted handle.
///
/// # Safety
/// As [`arc_ref`].
pub(crate) unsafe fn arc_clone<C: Castable<Ownership = OwnershipArc>>(
    p: *const C,
    arg: &str,
) -> Result<Arc<C::RustType>, Error> {
    if p.is_null() {
        return Err(null(arg));
    }
    let p = p.cast::<C::RustType>();
    // SAFETY: `p` came from `Arc::into_raw` and its reference is alive (contract),
    // so adding one reference and taking it back as an `Arc` is balanced.
    unsafe {
        Arc::increment_strong_count(p);
        Ok(Arc::from_raw(p))
    }
}

/// Drops the reference a refcounted handle stands for; NULL is a no-op.
///
/// # Safety
/// `p` is NULL or came from [`arc_into_ptr`] for `C`, and this reference was not
/// dropped yet; `p` is not used afterwards.
pub(crate) unsafe fn arc_free<C: Castable<Ownership = OwnershipArc>>(p: *mut C) {
    if !p.is_null() {
        // SAFETY: `p` is an `Arc::into_raw` pointer whose reference we now take back.
        drop(unsafe { Arc::from_raw(p.cast_const().cast::<C::RustType>()) });
    }
}

/// An output parameter (`T *out`), checked for NULL before the call does any
/// work, written only when the call succeeds.
pub struct Out<'a, T> {
    ptr: NonNull<T>,
    _borrow: PhantomData<&'a mut T>,
}

impl<T> Out<'_, T> {
    /// Checks `p`.
    ///
    /// # Safety
    /// `p` is NULL or valid for writing one `T` for the duration of the call.
    pub unsafe fn new(p: *mut T, arg: &str) -> Result<Self, Error> {
        NonNull::new(p).map(|ptr| Out { ptr, _borrow: PhantomData }).ok_or_else(|| null(arg))
    }

    /// Writes the result. Does not read or drop what was there (C memory).
    pub fn put(self, value: T) {
        // SAFETY: checked non-NULL and writable by the contract of `Out::new`.
        unsafe { self.ptr.as_ptr().write(value) };
    }
}
