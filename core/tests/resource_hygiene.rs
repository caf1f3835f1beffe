//! Creating and dropping many clients leaves the process-wide registry small:
//! an entry goes once no client uses it and its token can no longer be served.
//! (One test in its own binary: it reads the registry's size, which other
//! tests running alongside would change.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use ooauthcc_core::testing::ClientRegistration;
use ooauthcc_core::{Client, ClientConfig, registry_len};

#[test]
fn registry_entries_are_released_when_unused_and_expired() {
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
