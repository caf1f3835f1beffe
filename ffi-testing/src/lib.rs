//! # ooauthcc-testing-ffi: the C ABI of ooauthcc's test servers
//!
//! Builds `libooauthcc_testing.so` and `.a`, for C users' own tests;
//! `include/ooauthcc_testing.h` is generated from this crate by cbindgen (and
//! checked by `tests/header.rs`). The production `libooauthcc.so` holds no
//! test code: everything named `ooauthcc_test_*` is here.
//!
//! - [`server`] (with [`server_tls`], [`server_faults`], [`server_record`],
//!   [`server_resource`], [`server_registration`]): core's bundled loopback
//!   authorization server;
//! - [`redis`]: a real `redis-server` for tests of the shared store.
//!
//! The functions follow the C API rules of `libooauthcc` with the same code:
//! panic boundary, handles, strings and the `ooauthcc_error` object come from
//! the `ooauthcc-ffi` rlib (its hidden `__support` module). Its own
//! `ooauthcc_*` functions are linked in but not exported (see `build.rs`).
//! An `ooauthcc_error` from this library is freed with `ooauthcc_error_free`
//! of `libooauthcc`, like any other: both libraries allocate with the C
//! allocator (`malloc`), and they must come from the same build (as
//! `scripts/install-c.sh` installs them), so that the object has one layout.
//!
//! # Safety
//!
//! As for `ooauthcc-ffi`: each pointer argument is NULL or valid (a handle
//! from this library not yet freed, a NUL-terminated string, or writable
//! memory for an output).
// C type names (`ooauthcc_test_server`) are the ABI; they are not Rust style.
#![allow(non_camel_case_types)]
// See "# Safety" above: one contract for all functions.
#![allow(clippy::missing_safety_doc)]

mod handle;
pub mod redis;
pub mod server;
pub mod server_faults;
pub mod server_record;
pub mod server_registration;
pub mod server_resource;
pub mod server_tls;
