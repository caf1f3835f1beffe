//! Rust and C callers in one program share one cache: a herd of both on an
//! empty cache makes one token request, and so does a herd on an expired one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::time::Duration;

use ooauthcc_core::testing::{AuthServer, ClientRegistration};
use ooauthcc_core::{Client, ClientConfig};
use ooauthcc_example_rust_with_c::herd;

#[test]
fn rust_and_c_callers_make_one_request_per_herd() {
    let server = AuthServer::start().unwrap();
    server.register_client(ClientRegistration::new("rust-and-c", "rust-and-c-secret"));
    server.set_latency(Duration::from_millis(300)); // the herd gathers while the request is in flight
    server.set_token_lifetime(Duration::from_secs(2));
    let settings = format!(
        r#"{{"token_url":"{}","client_id":"rust-and-c","client_secret":"rust-and-c-secret","refresh_ahead":1.0,"refresh_jitter":0,"get_timeout":30}}"#,
        server.token_url()
    );
    // The Rust client from the same document, so both sides have equal settings.
    let client = Client::new(ClientConfig::from_json(&settings).unwrap()).unwrap();

    let first = herd(&client, &settings, 16, 16).unwrap();
    assert!(first.failures.is_empty(), "{:?}", first.failures);
    assert_eq!(first.tokens.len(), 32);
    assert_eq!(first.tokens.iter().collect::<HashSet<_>>().len(), 1, "every caller got the same token");
    assert_eq!(server.request_count("rust-and-c"), 1);
    // One cache entry: the C client's counters are the Rust client's.
    assert_eq!((first.rust_token_requests, first.c_token_requests), (1, 1));

    // Past the token's expiry (no refresh-ahead), the next herd renews it once.
    let waiting = std::time::Instant::now();
    while client.cached_token().is_some() {
        assert!(waiting.elapsed() < Duration::from_secs(10), "the 2 s token never expired");
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = herd(&client, &settings, 16, 16).unwrap();
    assert!(second.failures.is_empty(), "{:?}", second.failures);
    let renewed: HashSet<_> = second.tokens.iter().collect();
    assert_eq!(renewed.len(), 1);
    assert!(!renewed.contains(&first.tokens[0]), "the expired token was served again");
    assert_eq!(server.request_count("rust-and-c"), 2);
    assert_eq!((second.rust_token_requests, second.c_token_requests), (2, 2));
}
