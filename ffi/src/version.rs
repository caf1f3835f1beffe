//! The library version, from Cargo (never typed by hand).
//!
//! The header's `OOAUTHCC_VERSION_MAJOR/MINOR/PATCH/STRING` macros are written
//! by `tests/header.rs` from the same `CARGO_PKG_VERSION_*` variables, so the
//! header and the library cannot disagree.

use std::ffi::c_char;

/// The version, NUL-terminated for C.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The version of the library actually loaded, e.g. `"0.2.0"`. Compare it with
/// `OOAUTHCC_VERSION_STRING` (the header you compiled against). Static: never
/// free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn ooauthcc_version() -> *const c_char {
    VERSION.as_ptr().cast()
}
