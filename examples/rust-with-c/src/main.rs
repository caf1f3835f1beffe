//! Runs the mixed herd once against the bundled authorization server and
//! prints what happened: `cargo run -p ooauthcc-example-rust-with-c`.

use std::time::Duration;

use ooauthcc_core::testing::{AuthServer, ClientRegistration};
use ooauthcc_core::{Client, ClientConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = AuthServer::start()?;
    server.register_client(ClientRegistration::new("mixed", "mixed-secret"));
    server.set_latency(Duration::from_millis(200)); // the herd gathers while the request is in flight
    let config = ClientConfig::new(server.token_url(), "mixed", "mixed-secret");
    let client = Client::new(config)?;
    let settings =
        format!(r#"{{"token_url":"{}","client_id":"mixed","client_secret":"mixed-secret"}}"#, server.token_url());
    let outcome = ooauthcc_example_rust_with_c::herd(&client, &settings, 16, 16)?;
    println!(
        "{} callers (16 Rust threads, 16 C threads) got {} distinct token(s) from {} token request(s) at the server; \
         the Rust client counted {}, the C client {}",
        outcome.tokens.len(),
        outcome.tokens.iter().collect::<std::collections::HashSet<_>>().len(),
        server.request_count("mixed"),
        outcome.rust_token_requests,
        outcome.c_token_requests,
    );
    if !outcome.failures.is_empty() {
        return Err(outcome.failures.join("; ").into());
    }
    Ok(())
}
