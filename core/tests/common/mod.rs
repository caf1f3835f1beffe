//! Shared set-up for the integration tests: a bundled server with one client
//! registered, and a client config pointing at it with quick retries.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod fleet;
pub mod got;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use ooauthcc_core::ClientConfig;
use ooauthcc_core::testing::{AuthServer, ClientRegistration};

pub const SECRET: &str = "s3cr3t-value-that-must-never-leak";

/// HTTP requests one fetch of a refused client costs under the default
/// `auth_method`, `auto`: Basic, then once more with the secret in the body.
pub const REFUSED_FETCH_REQUESTS: u64 = 2;

/// A client id no other test in this process uses (the cache is process-wide).
pub fn unique_id(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!("{prefix}-{}", N.fetch_add(1, Ordering::Relaxed))
}

/// A server with `id` registered with [`SECRET`].
pub fn server_for(id: &str) -> AuthServer {
    let server = AuthServer::start().expect("start the bundled server");
    server.register_client(ClientRegistration::new(id, SECRET));
    server
}

/// A config for `id` at `server`, with retries fast enough for tests.
pub fn config(server: &AuthServer, id: &str) -> ClientConfig {
    ClientConfig::new(server.token_url(), id, SECRET)
        .with_retry_base_delay(Duration::from_millis(20))
        .with_retry_max_delay(Duration::from_secs(2))
        .with_get_timeout(Duration::from_secs(10))
}

/// A config with `store_url` set to `url` (for checks that need no server).
pub fn config_for_url(url: &str) -> ClientConfig {
    ClientConfig::new("http://127.0.0.1:9/token", "url-check", SECRET).with_store_url(url)
}
