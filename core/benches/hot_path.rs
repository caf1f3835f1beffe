//! The cached-token hot path against its floor and the usual design.
//!
//! - `floor/arcswap_load_full`: `ArcSwap::load_full` of the cached token, the
//!   least any lock-free cache can do (DESIGN.md budget: hot path ≤ 1.5× this).
//! - `ooauthcc/get_token_blocking`: our hot path, a fresh token in the cache.
//! - `floor/arcswap_load`: `ArcSwap::load` (a guard, no reference count
//!   written) and reading the token's length, the floor of a borrowed read.
//! - `ooauthcc/with_fresh_token`: the borrowed hot path, reading the token's
//!   length (no handle taken, no reference count written).
//! - `baseline/mutex_option_token`: a `Mutex<Option<Token>>` checked against
//!   `Instant::now()`, the design most libraries use (golang.org/x/oauth2's
//!   reuseTokenSource, azure_identity, obstore).
//!
//! Each runs on 1 thread and on 2 threads at once (time = wall time per call
//! while both threads call in a loop).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use criterion::{Criterion, criterion_group, criterion_main};
use ooauthcc_core::testing::{AuthServer, ClientRegistration};
use ooauthcc_core::{Client, ClientConfig};
use parking_lot::Mutex;

#[path = "support/concurrent.rs"]
mod concurrent;
use concurrent::concurrent;

struct MutexCache {
    slot: Mutex<Option<(Arc<String>, Instant)>>,
}

impl MutexCache {
    fn get(&self) -> Option<Arc<String>> {
        let g = self.slot.lock();
        match &*g {
            Some((t, exp)) if Instant::now() < *exp => Some(Arc::clone(t)),
            _ => None,
        }
    }
}

fn bench(c: &mut Criterion) {
    let server = AuthServer::start().unwrap();
    server.register_client(ClientRegistration::new("bench", "bench-secret"));
    let client = Client::new(ClientConfig::new(server.token_url(), "bench", "bench-secret")).unwrap();
    let token = client.get_token_blocking().unwrap();
    let value = Arc::new(token.access_token().to_owned());

    let floor = ArcSwap::from(Arc::clone(&value));
    let mutex = MutexCache { slot: Mutex::new(Some((Arc::clone(&value), Instant::now() + Duration::from_secs(3600)))) };

    for threads in [1usize, 2] {
        let mut g = c.benchmark_group(format!("hot_path_{threads}_thread"));
        g.bench_function("floor/arcswap_load_full", |b| {
            b.iter_custom(|iters| concurrent(threads, iters, &|| drop(black_box(floor.load_full()))))
        });
        g.bench_function("ooauthcc/get_token_blocking", |b| {
            b.iter_custom(|iters| concurrent(threads, iters, &|| drop(black_box(client.get_token_blocking().unwrap()))))
        });
        g.bench_function("floor/arcswap_load", |b| {
            b.iter_custom(|iters| {
                concurrent(threads, iters, &|| {
                    black_box(floor.load().len());
                })
            })
        });
        g.bench_function("ooauthcc/with_fresh_token", |b| {
            b.iter_custom(|iters| {
                concurrent(threads, iters, &|| {
                    black_box(client.with_fresh_token(str::len));
                })
            })
        });
        g.bench_function("baseline/mutex_option_token", |b| {
            b.iter_custom(|iters| concurrent(threads, iters, &|| drop(black_box(mutex.get().unwrap()))))
        });
        g.finish();
    }
    assert_eq!(client.stats().token_requests, 1, "the benchmark must run on the cached token");
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
