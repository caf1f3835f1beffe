//! C strings in and out.
//!
//! In: NUL-terminated UTF-8, read during the call and copied (we never keep the
//! caller's pointer). NULL is `NULL_ARGUMENT`, bad UTF-8 `INVALID_ARGUMENT`, and
//! the message names the argument.
//!
//! Out: `const char *` borrowed from the object that owns the bytes. Values that
//! may hold a token are kept in [`SecretCString`], wiped when dropped.

use std::ffi::{CStr, CString, c_char};

use ooauthcc_core::{Error, ErrorKind};
use zeroize::Zeroizing;

/// Borrows the C string `p` as `&str`.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that stays valid and
/// unchanged for `'a` (the duration of the C call).
pub unsafe fn read_str<'a>(p: *const c_char, arg: &str) -> Result<&'a str, Error> {
    if p.is_null() {
        return Err(Error::new(ErrorKind::NullArgument, format!("argument `{arg}` is NULL")));
    }
    // SAFETY: not NULL (checked above) and NUL-terminated (the caller's contract).
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str().map_err(|e| {
        Error::new(
            ErrorKind::InvalidArgument,
            format!("argument `{arg}` is not valid UTF-8 (invalid byte at offset {})", e.valid_up_to()),
        )
    })
}

/// Copies the C string `p` into a `String`.
///
/// # Safety
/// As [`read_str`].
pub unsafe fn read_string(p: *const c_char, arg: &str) -> Result<String, Error> {
    // SAFETY: forwarded contract.
    unsafe { read_str(p, arg) }.map(str::to_owned)
}

/// A C string of text that is not secret. Interior NULs (possible only in text a
/// server sent) become U+FFFD, so the conversion never fails.
pub fn c_string(s: &str) -> CString {
    let bytes: Vec<u8> =
        if s.contains('\0') { s.replace('\0', "\u{FFFD}").into_bytes() } else { s.as_bytes().to_vec() };
    CString::new(bytes).unwrap_or_default()
}

/// [`c_string`] for an optional value; NULL in C when `None`.
pub fn opt_c_string(s: Option<&str>) -> Option<CString> {
    s.map(c_string)
}

/// The pointer C sees for an optional C string.
pub fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |c| c.as_ptr())
}

/// A NUL-terminated copy of text that carries a token, zeroed when dropped.
pub struct SecretCString(Zeroizing<Vec<u8>>);

impl SecretCString {
    /// Copies `s` and appends the NUL. Tokens are printable ASCII (RFC 6749
    /// §A.12), so an interior NUL cannot occur in one that core accepted; if it
    /// did, C would see the text up to it.
    pub fn new(s: &str) -> Self {
        let mut v = Zeroizing::new(Vec::with_capacity(s.len() + 1));
        v.extend_from_slice(s.as_bytes());
        v.push(0);
        SecretCString(v)
    }

    /// The `const char *` for C, valid while `self` lives.
    pub fn as_ptr(&self) -> *const c_char {
        self.0.as_ptr().cast()
    }

    /// The length without the NUL.
    pub fn len(&self) -> usize {
        self.0.len().saturating_sub(1)
    }
}
