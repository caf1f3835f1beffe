//! The cached-token hot path through the C ABI, beside the Rust one, in one run.
//!
//! - `rust/get_token_blocking`: core's `Client::get_token_blocking()` with a
//!   fresh token cached, the token dropped (the Rust figure).
//! - `c_abi/get_token+free`: `ooauthcc_client_get_token` + `ooauthcc_token_free`,
//!   called from Rust: the same machine code a C caller runs.
//! - `c_abi/get_token+read+free`: the same, also reading the token's
//!   `const char *` (what a caller does next).
//! - `c_abi/write_header_value`: `ooauthcc_client_write_header_value` into a
//!   caller's buffer (no allocation, no reference count), beside
//!   `rust/with_fresh_header_value` copying the same parts into a buffer.
//!
//! Both clients are built from the same settings, so they share one cache
//! entry. Each runs on 1 thread and on 2 threads at once (time = wall time per
//! call while both threads call in a loop). Target: C ≤ 2× Rust.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::ptr;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ooauthcc::client::{ooauthcc_client, ooauthcc_client_free, ooauthcc_client_get_token, ooauthcc_client_new};
use ooauthcc::config::{ooauthcc_config_free, ooauthcc_config_from_json};
use ooauthcc::header::ooauthcc_client_write_header_value;
use ooauthcc::status::ooauthcc_status;
use ooauthcc::token::{ooauthcc_token, ooauthcc_token_access_token, ooauthcc_token_free};
use ooauthcc_core::testing::{AuthServer, ClientRegistration};
use ooauthcc_core::{Client, ClientConfig};

#[path = "../../core/benches/support/concurrent.rs"]
mod concurrent;
use concurrent::concurrent;

/// A C client handle that may be shared by the benchmark threads (the type is
/// documented thread-safe).
struct CClient(*mut ooauthcc_client);
// SAFETY: `ooauthcc_client` is thread-safe for every call but free, which runs
// after all threads are joined.
unsafe impl Sync for CClient {}

/// One C get-token call (with `read`, the token's text is read too) and its free.
#[inline]
fn c_get(client: &CClient, read: bool) {
    let mut token: *mut ooauthcc_token = ptr::null_mut();
    // SAFETY: a live client, a writable out-pointer, no error object wanted.
    let status = unsafe { ooauthcc_client_get_token(client.0, 0, &mut token, ptr::null_mut()) };
    debug_assert_eq!(status, ooauthcc_status::Ok);
    if read {
        // SAFETY: `token` is a live token reference.
        black_box(unsafe { ooauthcc_token_access_token(token) });
    }
    // SAFETY: the reference returned above, freed once.
    unsafe { ooauthcc_token_free(black_box(token)) };
}

/// The header value into a stack buffer through the C ABI.
#[inline]
fn c_write(client: &CClient) {
    let mut buf = [0u8; 256];
    let mut len = 0usize;
    // SAFETY: a live client, a writable buffer of its length, a writable length.
    let status = unsafe {
        ooauthcc_client_write_header_value(client.0, 0, buf.as_mut_ptr().cast(), buf.len(), &mut len, ptr::null_mut())
    };
    debug_assert_eq!(status, ooauthcc_status::Ok);
    black_box((&buf, len));
}

/// The same from Rust: the borrowed parts copied into a stack buffer.
#[inline]
fn rust_write(client: &Client) {
    let mut buf = [0u8; 256];
    let len = client.with_fresh_header_value(|parts| {
        let mut at = 0;
        for p in parts {
            buf[at..at + p.len()].copy_from_slice(p.as_bytes());
            at += p.len();
        }
        at
    });
    black_box((&buf, len));
}

fn bench(c: &mut Criterion) {
    let server = AuthServer::start().unwrap();
    server.register_client(ClientRegistration::new("bench-c", "bench-secret"));
    let rust = Client::new(ClientConfig::new(server.token_url(), "bench-c", "bench-secret")).unwrap();
    rust.get_token_blocking().unwrap();

    let json = format!(
        "{{\"token_url\": \"{}\", \"client_id\": \"bench-c\", \"client_secret\": \"bench-secret\"}}\0",
        server.token_url()
    );
    let (mut cfg, mut raw) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: a NUL-terminated document and writable out-pointers.
    unsafe {
        assert_eq!(ooauthcc_config_from_json(json.as_ptr().cast(), &mut cfg, ptr::null_mut()), ooauthcc_status::Ok);
        assert_eq!(ooauthcc_client_new(cfg, &mut raw, ptr::null_mut()), ooauthcc_status::Ok);
        ooauthcc_config_free(cfg);
    }
    let cc = CClient(raw);
    c_get(&cc, true);

    for threads in [1usize, 2] {
        let mut g = c.benchmark_group(format!("c_hot_path_{threads}_thread"));
        g.bench_function("rust/get_token_blocking", |b| {
            b.iter_custom(|iters| concurrent(threads, iters, &|| drop(black_box(rust.get_token_blocking().unwrap()))))
        });
        g.bench_function("c_abi/get_token+free", |b| {
            b.iter_custom(|iters| concurrent(threads, iters, &|| c_get(&cc, false)))
        });
        g.bench_function("c_abi/get_token+read+free", |b| {
            b.iter_custom(|iters| concurrent(threads, iters, &|| c_get(&cc, true)))
        });
        g.bench_function("rust/with_fresh_header_value", |b| {
            b.iter_custom(|iters| concurrent(threads, iters, &|| rust_write(&rust)))
        });
        g.bench_function("c_abi/write_header_value", |b| {
            b.iter_custom(|iters| concurrent(threads, iters, &|| c_write(&cc)))
        });
        g.finish();
    }
    assert_eq!(rust.stats().token_requests, 1, "the benchmark must run on the cached token");
    // SAFETY: all threads are done; the one reference is freed once.
    unsafe { ooauthcc_client_free(cc.0) };
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
