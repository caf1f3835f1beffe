//! A Rust program with C code in it that calls ooauthcc's C API, sharing one
//! token cache with the program's Rust clients.
//!
//! The program depends on `ooauthcc-ffi` (the C API as an rlib) instead of
//! linking `libooauthcc.so`: the `ooauthcc_*` functions are then part of the
//! program, the C code (here `src/herd.c`, compiled by `build.rs`) links to
//! them, and Rust and C clients with the same settings share one cache entry,
//! one single-flight and one set of statistics. A program that also loaded
//! `libooauthcc.so` would hold a second, separate copy of the library.
//!
//! [`herd`] runs Rust threads and C threads together against one empty cache.

// Nothing in Rust calls the C API, so name the crate: otherwise rustc would
// leave it out of the link and herd.c's calls would have nothing to resolve to.
extern crate ooauthcc as _;

use std::ffi::{CStr, CString, c_char, c_int};
use std::sync::atomic::{AtomicI32, Ordering};

use ooauthcc_core::Client;

/// One token slot per C caller (`TOKEN_SLOT` in `herd.c`).
const TOKEN_SLOT: usize = 256;

unsafe extern "C" {
    fn c_herd(
        settings_json: *const c_char,
        callers: c_int,
        gate: *const AtomicI32,
        tokens_out: *mut c_char,
        token_requests: *mut u64,
    ) -> c_int;
}

/// What the herd got.
#[derive(Debug)]
pub struct HerdOutcome {
    /// The access token of every caller that got one (Rust callers first).
    pub tokens: Vec<String>,
    /// Callers that failed, with the reason (C callers print theirs to stderr).
    pub failures: Vec<String>,
    /// Token requests counted by the C client.
    pub c_token_requests: u64,
    /// Token requests counted by the Rust client.
    pub rust_token_requests: u64,
}

/// `rust_callers` threads asking `client` and `c_callers` C threads asking a C
/// client built from `settings_json` (the same settings), released together.
pub fn herd(
    client: &Client,
    settings_json: &str,
    rust_callers: usize,
    c_callers: usize,
) -> Result<HerdOutcome, String> {
    let json = CString::new(settings_json).map_err(|_| "settings JSON has a NUL byte".to_owned())?;
    let c_count = c_int::try_from(c_callers).map_err(|_| "too many C callers".to_owned())?;
    let gate = AtomicI32::new(0);
    let mut slots = vec![0 as c_char; c_callers * TOKEN_SLOT];
    let mut c_token_requests = 0u64;
    let (rust_results, c_ok) = std::thread::scope(|scope| {
        let rust: Vec<_> = (0..rust_callers)
            .map(|_| {
                let gate = &gate;
                scope.spawn(move || {
                    while gate.load(Ordering::Acquire) == 0 {
                        std::thread::yield_now();
                    }
                    client.get_token_blocking().map(|t| t.access_token().to_owned()).map_err(|e| e.to_string())
                })
            })
            .collect();
        let (slots_ptr, requests_ptr, gate_ptr) =
            (SendPtr(slots.as_mut_ptr()), SendPtr(&raw mut c_token_requests), &gate);
        let c = scope.spawn(move || {
            let (slots_ptr, requests_ptr) = (slots_ptr, requests_ptr);
            // SAFETY: `json` is a NUL-terminated string and `gate` an
            // AtomicI32 (layout of C's atomic_int) that outlive the call;
            // `slots` has `c_callers * TOKEN_SLOT` bytes and
            // `c_token_requests` is a u64, both written only by this call
            // while the scope keeps them borrowed.
            unsafe { c_herd(json.as_ptr(), c_count, gate_ptr, slots_ptr.0, requests_ptr.0) }
        });
        gate.store(1, Ordering::Release);
        let rust_results: Vec<Result<String, String>> =
            rust.into_iter().map(|t| t.join().unwrap_or_else(|_| Err("a Rust caller panicked".to_owned()))).collect();
        (rust_results, c.join().unwrap_or(-1))
    });
    if c_ok < 0 {
        return Err("the C herd could not start (see stderr)".to_owned());
    }
    let mut outcome = HerdOutcome {
        tokens: Vec::new(),
        failures: Vec::new(),
        c_token_requests,
        rust_token_requests: client.stats().token_requests,
    };
    for r in rust_results {
        match r {
            Ok(token) => outcome.tokens.push(token),
            Err(e) => outcome.failures.push(e),
        }
    }
    for slot in slots.chunks(TOKEN_SLOT) {
        // SAFETY: each slot is either zeroed or holds a NUL-terminated token
        // shorter than TOKEN_SLOT (herd.c copies only those).
        let text = unsafe { CStr::from_ptr(slot.as_ptr()) };
        match text.to_str() {
            Ok("") => outcome.failures.push("a C caller got no token".to_owned()),
            Ok(t) => outcome.tokens.push(t.to_owned()),
            Err(_) => outcome.failures.push("a C caller's token is not UTF-8".to_owned()),
        }
    }
    Ok(outcome)
}

/// A raw pointer handed to the scoped thread that runs the C herd.
struct SendPtr<T>(*mut T);
// SAFETY: the pointee outlives the scope and only the C herd's thread writes it.
unsafe impl<T> Send for SendPtr<T> {}
