//! Creating and dropping many clients leaves the process-wide registry small:
//! an entry goes once no client uses it and its token can no longer be served;
//! and the process's threads, file descriptors and resident memory stay flat.
//! (A binary of its own, and its tests take turns: they read the registry's
//! size and the process's threads, which other tests would change.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Mutex;
use std::time::Duration;

use ooauthcc_core::testing::ClientRegistration;
use ooauthcc_core::{Client, ClientConfig, registry_len};

/// The tests of this binary run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

#[test]
fn registry_entries_are_released_when_unused_and_expired() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // 1. 100,000 distinct clients, each dropped at once: the registry stays small.
    for i in 0..100_000 {
        drop(Client::new(ClientConfig::new("https://idp.example.com/token", format!("client-{i}"), "s")).unwrap());
        assert!(registry_len() <= 128, "registry grew to {} entries after {i} clients", registry_len());
    }

    // 2. Entries whose token is still servable outlive their clients, so a
    //    one-liner that rebuilds its client per call still hits the cache.
    let server = common::server_for("hygiene-live");
    server.set_token_lifetime(Duration::from_secs(4)); // served for 2 s
    let live = Client::new(common::config(&server, "hygiene-live")).unwrap();
    live.get_token_blocking().unwrap();
    for i in 0..100 {
        let id = format!("hygiene-{i}");
        server.register_client(ClientRegistration::new(id.clone(), common::SECRET));
        Client::new(common::config(&server, &id)).unwrap().get_token_blocking().unwrap();
    }
    Client::new(common::config(&server, "hygiene-7")).unwrap().get_token_blocking().unwrap();
    assert_eq!(server.request_count("hygiene-7"), 1, "a dropped client's valid token was forgotten");
    assert!(registry_len() > 100);

    // 3. Once those tokens expire, the next sweep releases their entries — but
    //    never the entry of a client still in use.
    std::thread::sleep(Duration::from_millis(2100));
    for i in 0..300 {
        drop(Client::new(ClientConfig::new("https://idp.example.com/token", format!("sweep-{i}"), "s")).unwrap());
    }
    assert!(registry_len() <= 128, "expired entries were kept: {}", registry_len());
    live.get_token_blocking().unwrap();
    assert_eq!(live.stats().fetches, 2, "the live client's entry (and its counters) survived the sweeps");
}

/// What the process holds: threads, open file descriptors, resident bytes.
#[derive(Debug, Clone, Copy)]
struct Usage {
    threads: usize,
    fds: usize,
    rss: u64,
}

fn usage() -> Usage {
    let count = |dir: &str| std::fs::read_dir(dir).unwrap().count();
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let resident_pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    // SAFETY: sysconf has no preconditions.
    let page = u64::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap();
    Usage { threads: count("/proc/self/task"), fds: count("/proc/self/fd"), rss: resident_pages * page }
}

#[test]
fn a_hundred_thousand_clients_leave_threads_fds_and_memory_flat() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    const CLIENTS: usize = 100_000;
    const WARM_UP: usize = 10_000;
    const SAMPLE_EVERY: usize = 500; // 200 of them fetch a token over HTTP
    let server = common::server_for("flat-0");
    let mut at_warm_up = None;
    for i in 0..CLIENTS {
        let id = format!("flat-{i}");
        if i % SAMPLE_EVERY == 0 {
            server.register_client(ClientRegistration::new(id.clone(), common::SECRET));
            let client = Client::new(common::config(&server, &id)).unwrap();
            let token = client.get_token_blocking().unwrap();
            // Dropped from the cache so the entry can go too (the other test
            // counts entries).
            assert!(client.invalidate(token.access_token()));
        } else {
            drop(Client::new(ClientConfig::new(server.token_url(), id, common::SECRET)).unwrap());
        }
        if i + 1 == WARM_UP {
            at_warm_up = Some(usage());
        }
    }
    let before = at_warm_up.unwrap();
    let after = usage();
    eprintln!("after {WARM_UP} clients: {before:?}; after {CLIENTS}: {after:?}");
    assert_eq!(server.request_count("flat-500"), 1);
    // The runtime's worker and blocking threads come and go (a blocking thread
    // idles out after 10 s): allow a few, not one per client or per fetch.
    assert!(after.threads <= before.threads + 4, "threads grew: {before:?} -> {after:?}");
    // Pooled keep-alive connections to the one server: a few at most.
    assert!(after.fds <= before.fds + 4, "file descriptors grew: {before:?} -> {after:?}");
    // 90,000 more clients and 180 more tokens: measured growth is well under
    // 1 MiB; 8 MiB is ~90 bytes a client, far below what keeping them would cost.
    assert!(after.rss <= before.rss + 8 * 1024 * 1024, "resident memory grew: {before:?} -> {after:?}");
}
