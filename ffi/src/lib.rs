//! # ooauthcc-ffi: the C ABI of ooauthcc
//!
//! Builds `libooauthcc.so` and `libooauthcc.a`; `include/ooauthcc.h` is
//! generated from this crate by cbindgen (and checked by `tests/header.rs`).
//! This crate only translates — pointers, C strings, status codes and handles
//! to and from `ooauthcc_core` types. Every OAuth behaviour lives in core.
//!
//! One concept per file:
//! - `boundary.rs`: the panic boundary every exported function body runs in;
//! - `handle.rs`: the only place that casts between handles and Rust values;
//! - `strings.rs`: C strings in and out;
//! - [`status`], [`error`]: status codes and the `ooauthcc_error` object;
//! - [`config`] (with [`config_text`], [`config_credentials`],
//!   [`config_callback`], [`config_tls`], [`config_store`],
//!   [`config_tuning`]), [`client`], [`stats`], [`token`], [`header`],
//!   [`authorized`], [`profiles`]: the API;
//! - [`log`]: forwarding core's `tracing` events to a C callback;
//! - [`version`].
//!
//! The header is grouped by object, not by file: `tests/header.rs` sorts
//! cbindgen's output into sections (version, status and errors, config,
//! client, token, header, log).
//!
//! No test code: the bundled test servers' C API (`ooauthcc_test_*`) is the
//! separate library `libooauthcc_testing` (crate `ooauthcc-testing-ffi`,
//! header `include/ooauthcc_testing.h`), built on this crate's helpers, which
//! `__support` re-exports for it and is not part of the API.
//!
//! # Safety
//!
//! The functions are `unsafe extern "C"` when they take pointers. From Rust
//! (this crate is also an rlib) a caller must uphold what the C API rules ask
//! of a C caller, the same for every function: each pointer argument is NULL
//! or valid — a handle from this library that has not been freed (and, for a
//! `*mut` builder, not used by another thread during the call), a
//! NUL-terminated string, or writable memory for an output. That one contract
//! is stated here and in the README instead of on each function.
// C type names (`ooauthcc_client`) are the ABI; they are not Rust style.
#![allow(non_camel_case_types)]
// See "# Safety" above: one contract for all functions.
#![allow(clippy::missing_safety_doc)]

#[macro_use]
mod boundary;
mod handle;
mod strings;
mod user_data;

pub mod authorized;
pub mod client;
pub mod client_async;
pub mod config;
pub mod config_callback;
pub mod config_credentials;
pub mod config_registration;
mod config_set;
pub mod config_store;
pub mod config_text;
pub mod config_tls;
pub mod config_tuning;
pub mod error;
pub mod event;
pub mod header;
pub mod log;
pub mod profiles;
pub mod stats;
pub mod status;
pub mod token;
pub mod version;

/// The helpers `ooauthcc-testing-ffi` builds its C functions with (panic
/// boundary, output parameters, strings, the error object), so both libraries follow the
/// same conventions from one implementation. Not part of the API.
#[doc(hidden)]
pub mod __support {
    pub use crate::boundary::{PanicDefault, run_status};
    pub use crate::error::{ooauthcc_error, store_error};
    pub use crate::handle::Out;
    pub use crate::status::ooauthcc_status;
    pub use crate::strings::{c_string, read_str};
}
