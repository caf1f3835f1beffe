//! Single flight: many concurrent callers, one token request — on an empty cache,
//! on an expired one, and when the request fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use ooauthcc_core::{Client, ErrorKind, Token};

use common::{REFUSED_FETCH_REQUESTS, config, server_for, unique_id};

/// 1,000 tasks on the core's callers' runtime plus 32 OS threads, all at once.
fn herd(client: &Client) -> Vec<Result<Token, ooauthcc_core::Error>> {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let barrier = Arc::new(Barrier::new(33));
    let threads: Vec<_> = (0..32)
        .map(|_| {
            let (c, b) = (client.clone(), Arc::clone(&barrier));
            std::thread::spawn(move || {
                b.wait();
                c.get_token_blocking()
            })
        })
        .collect();
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let c = client.clone();
            rt.spawn(async move { c.get_token().await })
        })
        .collect();
    barrier.wait();
    let mut out: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    out.extend(rt.block_on(async {
        let mut v = Vec::new();
        for t in tasks {
            v.push(t.await.unwrap());
        }
        v
    }));
    out
}

fn same_token_everywhere(results: &[Result<Token, ooauthcc_core::Error>]) -> String {
    let first = results[0].as_ref().expect("token").access_token().to_owned();
    for r in results {
        assert_eq!(r.as_ref().expect("token").access_token(), first);
    }
    first
}

#[test]
fn one_request_for_a_herd_on_empty_and_on_expired_cache() {
    let id = unique_id("herd");
    let server = server_for(&id);
    // Latency keeps the request in flight while the whole herd arrives.
    server.set_latency(Duration::from_millis(300));
    server.set_token_lifetime(Duration::from_secs(2));
    // No refresh-ahead: the token must really expire for the second herd.
    let client = Client::new(config(&server, &id).with_refresh_ahead(1.0).with_refresh_jitter(0.0)).unwrap();

    let first = same_token_everywhere(&herd(&client));
    assert_eq!(server.request_count(&id), 1);
    assert!(server.is_valid_token(&first));

    // 2 s lifetime, skew capped at half: served for 1 s.
    let start = Instant::now();
    while client.cached_token().is_some() {
        assert!(start.elapsed() < Duration::from_secs(5), "token never expired");
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = same_token_everywhere(&herd(&client));
    assert_ne!(first, second);
    assert_eq!(server.request_count(&id), 2);
    let stats = client.stats();
    assert_eq!(stats.token_requests, 2);
    assert_eq!(stats.fetches, 2);
    assert_eq!(stats.background_refreshes, 0);
}

#[test]
fn wrong_secret_herd_makes_one_fetch_and_backs_off() {
    let id = unique_id("wrong-secret");
    let server = server_for(&id);
    server.set_latency(Duration::from_millis(200));
    let mut cfg = config(&server, &id);
    cfg.client_secret = Some("not-the-secret".into());
    let client = Client::new(cfg).unwrap();

    let results = herd(&client);
    for r in &results {
        let e = r.as_ref().expect_err("must fail");
        assert_eq!(e.kind(), ErrorKind::OAuth, "{e}");
        assert_eq!(e.oauth_error(), Some("invalid_client"));
        assert_eq!(e.http_status(), Some(401));
    }
    assert_eq!(server.request_count(&id), REFUSED_FETCH_REQUESTS, "one fetch: a rejected secret is not retried");

    // Callers keep asking for a second: the failure is remembered, with backoff.
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) {
        assert!(client.get_token_blocking().is_err());
        std::thread::sleep(Duration::from_millis(10));
    }
    let fetches = server.request_count(&id) / REFUSED_FETCH_REQUESTS;
    assert!(fetches <= 3, "{fetches} fetches in the second after a rejected secret");
}

#[test]
fn a_caller_giving_up_does_not_cancel_the_shared_fetch() {
    let id = unique_id("cancel");
    let server = server_for(&id);
    server.set_latency(Duration::from_millis(600));
    let client = Client::new(config(&server, &id)).unwrap();

    let e = client.get_token_blocking_with_timeout(Duration::from_millis(100)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.message().contains("still in progress"), "{e}");

    // A dropped async future must not cancel it either.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let c = client.clone();
        let _ = tokio::time::timeout(Duration::from_millis(50), c.get_token()).await;
    });

    let t = client.get_token_blocking().unwrap();
    assert!(server.is_valid_token(t.access_token()));
    assert_eq!(server.request_count(&id), 1, "the first request was shared, not repeated");
}

#[test]
fn compare_and_invalidate_refetches_once() {
    let id = unique_id("invalidate");
    let server = server_for(&id);
    let client = Client::new(config(&server, &id)).unwrap();
    let old = client.get_token_blocking().unwrap();
    let hits = client.stats().cache_hits;
    assert!(client.is_fresh(&old));
    assert_eq!(client.stats().cache_hits, hits + 1, "is_fresh counts a hit");
    // Eight callers saw `old` rejected by a resource server.
    let dropped = (0..8).filter(|_| client.invalidate(old.access_token())).count();
    assert_eq!(dropped, 1);
    let new = client.get_token_blocking().unwrap();
    assert_ne!(new.access_token(), old.access_token());
    assert!(!client.is_fresh(&old) && client.is_fresh(&new));
    assert!(!client.invalidate(old.access_token()), "a stale report does not drop the new token");
    assert_eq!(client.get_token_blocking().unwrap().access_token(), new.access_token());
    assert_eq!(server.request_count(&id), 2);
}

#[test]
fn clients_with_equal_settings_share_one_token() {
    let id = unique_id("shared");
    let server = server_for(&id);
    let a = Client::new(config(&server, &id).with_scopes(["x", "y"])).unwrap();
    let b = Client::new(config(&server, &id).with_scopes(["y", "x"])).unwrap();
    let ta = a.get_token_blocking().unwrap();
    let tb = b.get_token_blocking().unwrap();
    assert!(ta.same_as(&tb));
    let mut other = config(&server, &id);
    other.client_secret = Some("other".into());
    let c = Client::new(other).unwrap();
    assert!(c.get_token_blocking().is_err(), "a wrong secret never gets the right secret's token");
    assert_eq!(server.request_count(&id), 2);
}

#[test]
fn blocking_call_inside_a_runtime_is_a_usage_error() {
    let id = unique_id("usage");
    let server = server_for(&id);
    let client = Client::new(config(&server, &id)).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let e = rt.block_on(async { client.get_token_blocking() }).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Usage);
    assert!(e.message().contains("async"), "{e}");
    // The async API works on a foreign runtime, and the blocking one outside it.
    let t = rt.block_on(client.get_token()).unwrap();
    assert_eq!(client.get_token_blocking().unwrap().access_token(), t.access_token());
}

#[test]
fn callback_api_shares_the_flight_and_reports_once() {
    let id = unique_id("callback");
    let server = server_for(&id);
    server.set_latency(Duration::from_millis(200));
    let client = Client::new(config(&server, &id)).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    for _ in 0..50 {
        let tx = tx.clone();
        client.get_token_with_callback(Duration::from_secs(5), move |r| tx.send(r).unwrap()).unwrap();
    }
    let blocking = client.get_token_blocking().unwrap();
    for _ in 0..50 {
        let t = rx.recv_timeout(Duration::from_secs(5)).unwrap().unwrap();
        assert_eq!(t.access_token(), blocking.access_token());
    }
    assert!(rx.try_recv().is_err(), "each callback runs exactly once");
    assert_eq!(server.request_count(&id), 1);
    // With a fresh token cached, the callback runs at once on this thread.
    let here = std::thread::current().id();
    let (tx, rx) = std::sync::mpsc::channel();
    client
        .get_token_with_callback(Duration::from_secs(1), move |r| {
            tx.send((std::thread::current().id(), r.is_ok())).unwrap()
        })
        .unwrap();
    assert_eq!(rx.try_recv().unwrap(), (here, true));
    assert!(client.fresh_token().unwrap().same_as(&blocking));
}
