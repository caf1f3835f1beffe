//! The process-wide event hook: one event per fetch (outcome, duration,
//! whether it renewed ahead of expiry, the token's lifetime or the error) and
//! one per caller that waited — and none for a token served from the cache.
//! Its own test binary: the hook is process-wide.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ooauthcc_core::{Client, ErrorKind, Event, EventKind, set_event_hook};

use common::{config, server_for, unique_id};

/// What the test keeps of an event (the hook's argument is borrowed).
#[derive(Debug, Clone)]
struct Seen {
    kind: EventKind,
    client_id: String,
    background: bool,
    duration: Duration,
    error: Option<(ErrorKind, Option<String>)>,
    token_lifetime: Option<Duration>,
}

fn record(into: &Arc<Mutex<Vec<Seen>>>) {
    let into = Arc::clone(into);
    set_event_hook(Some(Arc::new(move |e: &Event<'_>| {
        into.lock().unwrap().push(Seen {
            kind: e.kind,
            client_id: e.client_id.to_owned(),
            background: e.background,
            duration: e.duration,
            error: e.error.map(|err| (err.kind(), err.oauth_error().map(str::to_owned))),
            token_lifetime: e.token_lifetime,
        });
    })));
}

fn of(seen: &Arc<Mutex<Vec<Seen>>>, id: &str) -> Vec<Seen> {
    seen.lock().unwrap().iter().filter(|s| s.client_id == id).cloned().collect()
}

#[test]
fn fetches_and_waits_are_events_and_cache_hits_are_not() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    record(&seen);

    // A herd on an empty cache: one fetch event, one wait event per caller.
    let id = unique_id("events-herd");
    let server = server_for(&id);
    server.set_latency(Duration::from_millis(200));
    let client = Client::new(config(&server, &id)).unwrap();
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| client.get_token_blocking().unwrap());
        }
    });
    let events = of(&seen, &id);
    let fetches: Vec<&Seen> = events.iter().filter(|e| e.kind == EventKind::FetchSucceeded).collect();
    assert_eq!(fetches.len(), 1, "{events:?}");
    assert!(!fetches[0].background && fetches[0].error.is_none());
    assert_eq!(fetches[0].token_lifetime, Some(Duration::from_secs(3600)));
    assert!(fetches[0].duration >= Duration::from_millis(200), "{:?}", fetches[0].duration);
    let waits: Vec<&Seen> = events.iter().filter(|e| e.kind == EventKind::Waited).collect();
    assert_eq!(waits.len() as u64, client.stats().waits);
    assert!(!waits.is_empty() && waits.iter().all(|w| w.error.is_none() && w.duration > Duration::ZERO));

    // Served from the cache: no event.
    let before = of(&seen, &id).len();
    for _ in 0..100 {
        client.get_token_blocking().unwrap();
    }
    assert_eq!(of(&seen, &id).len(), before);

    // A refused client: the fetch's failure, and the waiter's.
    let bad_id = unique_id("events-refused");
    let bad_server = server_for(&bad_id);
    let bad = Client::new(config(&bad_server, &bad_id).with_client_secret("wrong")).unwrap();
    assert!(bad.get_token_blocking().is_err());
    let events = of(&seen, &bad_id);
    let refused = Some((ErrorKind::OAuth, Some("invalid_client".to_owned())));
    assert!(events.iter().any(|e| e.kind == EventKind::FetchFailed && e.error == refused), "{events:?}");
    assert!(events.iter().any(|e| e.kind == EventKind::Waited && e.error == refused), "{events:?}");

    // A renewal ahead of expiry is a background fetch no caller waited for.
    let ahead_id = unique_id("events-ahead");
    let ahead_server = server_for(&ahead_id);
    // 4 s tokens, stale after 2 s: the second call, at 2.4 s, is served the
    // stale token (1.6 s before it expires) and starts the renewal.
    ahead_server.set_token_lifetime(Duration::from_secs(4));
    let ahead = Client::new(
        config(&ahead_server, &ahead_id)
            .with_refresh_ahead(0.5)
            .with_refresh_jitter(0.0)
            .with_refresh_skew(Duration::ZERO),
    )
    .unwrap();
    ahead.get_token_blocking().unwrap();
    std::thread::sleep(Duration::from_millis(2400));
    ahead.get_token_blocking().unwrap(); // stale: served, renewed behind it
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !of(&seen, &ahead_id).iter().any(|e| e.background) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let events = of(&seen, &ahead_id);
    assert!(events.iter().any(|e| e.kind == EventKind::FetchSucceeded && e.background), "{events:?}");
    assert_eq!(events.iter().filter(|e| e.kind == EventKind::Waited).count(), 1, "only the first call waited");

    // Removed: nothing more is seen.
    set_event_hook(None);
    let gone_id = unique_id("events-removed");
    let gone_server = server_for(&gone_id);
    Client::new(config(&gone_server, &gone_id)).unwrap().get_token_blocking().unwrap();
    assert!(of(&seen, &gone_id).is_empty());
}
