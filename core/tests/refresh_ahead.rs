//! Refresh-ahead: in steady state no caller waits on the network, and no caller
//! ever receives an expired token.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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
    assert_eq!(stats.fetch_latency.count, stats.fetches);
    assert!(stats.fetch_latency.sum > Duration::ZERO);
    assert!(stats.cache_hits + 1 >= calls.load(Ordering::Relaxed), "{stats:?}");
}

#[test]
fn a_failing_background_refresh_keeps_serving_the_valid_token_and_recovers() {
    let id = unique_id("outage");
    let server = server_for(&id);
    server.set_token_lifetime(Duration::from_secs(4));
    let client = Client::new(config(&server, &id).with_max_retries(0)).unwrap();
    let first = client.get_token_blocking().unwrap();

    // The server goes down; the token turns stale at ~1.6 s and expires (for the cache) at 2 s.
    server.set_fault(Some(ooauthcc_core::testing::Fault::Status(503)));
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(1900) {
        let t = client.get_token_blocking().expect("the still-valid token is served during the outage");
        assert_eq!(t.access_token(), first.access_token());
        std::thread::sleep(Duration::from_millis(5));
    }
    let stats = client.stats();
    assert!(stats.failures >= 1, "a background refresh was tried and failed: {stats:?}");
    assert!(stats.token_requests <= 3, "refresh attempts back off instead of hammering: {stats:?}");
    assert_eq!(stats.waits, 1);
    // Exporters see the failures by kind, and every fetch timed.
    assert_eq!(stats.failures_by_kind.get(ooauthcc_core::ErrorKind::HttpStatus), stats.failures, "{stats:?}");
    assert_eq!(stats.fetch_latency.count, stats.fetches, "{stats:?}");

    // Past the cache's expiry, callers get the outage's error, never the old token.
    std::thread::sleep(Duration::from_millis(200));
    let e = client.get_token_blocking().unwrap_err();
    assert_eq!(e.http_status(), Some(503));

    // The server comes back: the next fetch after the backoff succeeds without any caller action.
    server.set_fault(None);
    let deadline = Instant::now() + Duration::from_secs(5);
    let fresh = loop {
        match client.get_token_blocking() {
            Ok(t) => break t,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("no recovery after the outage: {e}"),
        }
    };
    assert_ne!(fresh.access_token(), first.access_token());
    assert!(server.is_valid_token(fresh.access_token()));
}

/// Polls `try_get_token` until it answers something other than "under way".
fn poll(client: &Client) -> ooauthcc_core::Result<ooauthcc_core::Token> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(t) = client.try_get_token()? {
            return Ok(t);
        }
        assert!(Instant::now() < deadline, "no answer from try_get_token within 10 s");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn try_get_token_never_waits_starts_one_fetch_and_renews_a_stale_token() {
    let id = unique_id("tryget");
    let server = server_for(&id);
    server.set_latency(Duration::from_millis(300));
    server.set_token_lifetime(Duration::from_secs(4));
    // Served for 2 s from the request; stale from exactly 1 s.
    let client = Client::new(config(&server, &id).with_refresh_ahead(0.5).with_refresh_jitter(0.0)).unwrap();

    // An empty cache: every caller hears "under way" (a caller that had waited
    // for the 300 ms fetch would hold its token instead); one fetch between them.
    std::thread::scope(|s| {
        for _ in 0..16 {
            s.spawn(|| assert!(client.try_get_token().unwrap().is_none()));
        }
    });
    let first = poll(&client).unwrap();
    assert_eq!(server.request_count(&id), 1);
    assert_eq!(client.stats().waits, 0, "nobody waited");

    // Stale (~1.4 s after the request was sent): still served, its renewal started.
    std::thread::sleep(Duration::from_millis(1100));
    let stale = client.try_get_token().unwrap().expect("a stale token is still served");
    assert_eq!(stale.access_token(), first.access_token());
    std::thread::sleep(Duration::from_millis(400));
    let renewed = poll(&client).unwrap();
    assert_ne!(renewed.access_token(), first.access_token());
    assert_eq!((server.request_count(&id), client.stats().background_refreshes), (2, 1));
}

#[test]
fn try_get_token_reports_the_failure_of_the_fetch_it_started() {
    let id = unique_id("tryget-fail");
    let server = server_for(&id);
    let client = Client::new(config(&server, &id).with_client_secret("wrong").with_max_retries(0)).unwrap();
    let e = poll(&client).unwrap_err();
    assert_eq!((e.kind(), e.oauth_error()), (ooauthcc_core::ErrorKind::OAuth, Some("invalid_client")));
    // Remembered for its hold time: asking again sends nothing.
    assert!(client.try_get_token().is_err());
    assert_eq!(server.request_count(&id), common::REFUSED_FETCH_REQUESTS);
}

#[test]
fn get_token_lasting_renews_only_a_token_that_would_not_last() {
    let id = unique_id("lasting");
    let server = server_for(&id);
    server.set_token_lifetime(Duration::from_secs(600));
    let client = Client::new(config(&server, &id)).unwrap();
    let first = client.get_token_lasting_blocking(Duration::from_secs(60)).unwrap();
    let same = client.get_token_lasting_blocking(Duration::from_secs(60)).unwrap();
    assert_eq!((same.access_token(), server.request_count(&id)), (first.access_token(), 1));
    // Asked to last longer than any of this server's tokens: renewed once, returned anyway.
    let renewed = client.get_token_lasting_blocking(Duration::from_secs(3600)).unwrap();
    assert_ne!(renewed.access_token(), first.access_token());
    assert_eq!(server.request_count(&id), 2);
    assert!(renewed.valid_for() < Duration::from_secs(3600) && renewed.valid_for() > Duration::from_secs(590));
}

#[test]
fn clients_sharing_nothing_refresh_at_different_points_across_the_window() {
    // 32 clients with their own credentials, tokens fetched at once: their
    // refresh points are drawn apart (refresh_ahead 0.8 ± 0.05 of the usable
    // life), so they do not all renew at the same instant. Without the jitter
    // every refresh_due_in would be the same.
    let server = ooauthcc_core::testing::AuthServer::start().unwrap();
    server.set_token_lifetime(Duration::from_secs(3600));
    let due: Vec<f64> = (0..32)
        .map(|i| {
            let id = unique_id(&format!("jitter-{i}"));
            server.register_client(ooauthcc_core::testing::ClientRegistration::new(id.clone(), common::SECRET));
            let client = Client::new(config(&server, &id)).unwrap();
            client.get_token_blocking().unwrap().refresh_due_in().as_secs_f64()
        })
        .collect();
    // The usable life is 3540 s (an hour minus the 60 s skew): the window is
    // 0.1 × 3540 = 354 s wide. 32 uniform draws cover more than half of it
    // except with probability ~1e-8.
    let spread = due.iter().copied().fold(f64::MIN, f64::max) - due.iter().copied().fold(f64::MAX, f64::min);
    assert!(spread > 177.0, "32 refresh points within {spread:.1} s of each other: {due:?}");
}
