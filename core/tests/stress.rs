//! A randomized stress run of the lifecycle: several clients, many threads and
//! async tasks, short token lifetimes, invalidations and injected outages —
//! checking the invariants the whole design rests on:
//!
//! - at most one token request per cache entry in flight (counted by the server);
//! - no caller ever receives a token the server no longer accepts;
//! - every waiter is woken: no call ends in a timeout or an internal error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ooauthcc_core::testing::{ClientRegistration, Fault};
use ooauthcc_core::{Client, ErrorKind};

use common::{SECRET, config, server_for};

#[test]
fn lifecycle_invariants_under_random_load() {
    let server = server_for("stress-0");
    for i in 1..4 {
        server.register_client(ClientRegistration::new(format!("stress-{i}"), SECRET));
    }
    server.set_token_lifetime(Duration::from_secs(2));
    server.set_latency(Duration::from_millis(20));
    let clients: Vec<Client> = (0..4)
        .map(|i| Client::new(config(&server, &format!("stress-{i}")).with_get_timeout(Duration::from_secs(5))).unwrap())
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let (calls, errors) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let run_for = Duration::from_secs(4);

    std::thread::scope(|s| {
        // Chaos: every so often the server fails a few requests.
        s.spawn(|| {
            let start = Instant::now();
            while start.elapsed() < run_for {
                std::thread::sleep(Duration::from_millis(fastrand::u64(200..600)));
                server.set_fault_times(Fault::Status(503), fastrand::u32(1..8));
            }
        });
        for t in 0..16 {
            let (clients, server, stop, calls, errors) = (&clients, &server, &stop, &calls, &errors);
            s.spawn(move || {
                let start = Instant::now();
                while start.elapsed() < run_for && !stop.load(Ordering::Relaxed) {
                    let c = &clients[fastrand::usize(..clients.len())];
                    calls.fetch_add(1, Ordering::Relaxed);
                    match c.get_token_blocking() {
                        Ok(tok) => {
                            assert!(server.is_valid_token(tok.access_token()), "thread {t}: served a dead token");
                            if fastrand::u8(..100) < 5 {
                                c.invalidate(tok.access_token());
                            }
                        }
                        Err(e) => {
                            // Outages surface as their own error; never as a lost waiter.
                            assert!(!matches!(e.kind(), ErrorKind::Timeout | ErrorKind::Internal), "thread {t}: {e}");
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    std::thread::sleep(Duration::from_micros(fastrand::u64(0..2000)));
                }
            });
        }
        // Async callers on a runtime of their own, mixed in.
        s.spawn(|| {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async {
                let start = Instant::now();
                while start.elapsed() < run_for {
                    let tasks: Vec<_> = (0..64)
                        .map(|_| {
                            let c = clients[fastrand::usize(..clients.len())].clone();
                            tokio::spawn(async move { c.get_token().await })
                        })
                        .collect();
                    for t in tasks {
                        if let Err(e) = t.await.unwrap() {
                            assert!(!matches!(e.kind(), ErrorKind::Timeout | ErrorKind::Internal), "async: {e}");
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            });
        });
    });
    stop.store(true, Ordering::Relaxed);

    for i in 0..4 {
        let id = format!("stress-{i}");
        assert_eq!(server.max_concurrent_requests(&id), 1, "{id}: two token requests in flight at once");
        assert!(server.request_count(&id) >= 2, "{id}: the run never renewed a token");
    }
    let calls = calls.load(Ordering::Relaxed);
    assert!(calls > 1000, "too little load to mean anything: {calls} calls");
    eprintln!("stress: {calls} blocking calls, {} errors from injected outages", errors.load(Ordering::Relaxed));
}
