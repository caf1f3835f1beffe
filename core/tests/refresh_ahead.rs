//! Refresh-ahead: in steady state no caller waits on the network, and no caller
//! ever receives an expired token.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use ooauthcc_core::Client;

use common::{config, server_for, unique_id};

#[test]
fn callers_never_wait_after_the_first_fetch_and_never_get_expired_tokens() {
    let id = unique_id("ahead");
    let server = server_for(&id);
    server.set_token_lifetime(Duration::from_secs(2));
    server.set_latency(Duration::from_millis(50));
    let client = Client::new(config(&server, &id)).unwrap();

    // The first fetch: the only time anyone may wait.
    client.get_token_blocking().unwrap();
    let calls = Arc::new(AtomicU64::new(1));
    let run_for = Duration::from_secs(10);
    let start = Instant::now();
    let mut distinct = std::collections::BTreeSet::new();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let (client, calls, server) = (client.clone(), Arc::clone(&calls), &server);
                scope.spawn(move || {
                    let mut seen = Vec::new();
                    while start.elapsed() < run_for {
                        let t = client.get_token_blocking().unwrap();
                        assert!(t.expires_at() > SystemTime::now(), "an expired token was served");
                        assert!(
                            server.is_valid_token(t.access_token()),
                            "the server no longer accepts the served token"
                        );
                        if seen.last() != Some(&t.access_token().to_owned()) {
                            seen.push(t.access_token().to_owned());
                        }
                        calls.fetch_add(1, Ordering::Relaxed);
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    seen
                })
            })
            .collect();
        for w in workers {
            distinct.extend(w.join().unwrap());
        }
    });
    for t in &distinct {
        assert!(server.issued_tokens().contains(t), "served a token the server never issued");
    }
    let stats = client.stats();
    assert_eq!(stats.waits, 1, "only the very first call may wait: {stats:?}");
    assert!(stats.background_refreshes >= 8, "a 2 s token refreshed for 10 s: {stats:?}");
    assert_eq!(stats.failures, 0);
    assert_eq!(stats.token_requests, stats.fetches);
    assert_eq!(stats.token_requests, server.request_count(&id));
    assert!(stats.cache_hits + 1 >= calls.load(Ordering::Relaxed), "{stats:?}");
}
