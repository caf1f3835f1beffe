//! The main job, end to end: many concurrent callers get tokens through the cache
//! from the bundled authorization server on 127.0.0.1, and the server counts the
//! token requests it saw.
//!
//!     cargo run --release -p ooauthcc-core --features testing --example herd
//!
//! Prints the token's expiry and a fingerprint, never the token itself.

use std::time::{Duration, Instant};

use ooauthcc_core::testing::{AuthServer, ClientRegistration};
use ooauthcc_core::{Client, ClientConfig, Token};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = AuthServer::start()?;
    server.register_client(ClientRegistration::new("demo-service", "demo-secret"));
    server.set_token_lifetime(Duration::from_secs(4));
    server.set_latency(Duration::from_millis(100)); // a realistic identity provider is not instant
    println!("bundled authorization server at {}", server.token_url());

    let client =
        Client::new(ClientConfig::new(server.token_url(), "demo-service", "demo-secret").with_scopes(["orders.read"]))?;

    let rt = tokio::runtime::Runtime::new()?;
    for round in 1..=3 {
        let start = Instant::now();
        let tokens = rt.block_on(async {
            let tasks: Vec<_> = (0..1000)
                .map(|_| {
                    let c = client.clone();
                    tokio::spawn(async move { c.get_token().await })
                })
                .collect();
            let mut out = Vec::with_capacity(tasks.len());
            for t in tasks {
                out.push(t.await??);
            }
            Ok::<_, Box<dyn std::error::Error>>(out)
        })?;
        let threads: Vec<_> = (0..16)
            .map(|_| {
                std::thread::spawn({
                    let c = client.clone();
                    move || c.get_token_blocking()
                })
            })
            .collect();
        let mut all: Vec<Token> = tokens;
        for t in threads {
            all.push(t.join().map_err(|_| "caller thread panicked")??);
        }
        let distinct = all.iter().map(|t| t.access_token()).collect::<std::collections::BTreeSet<_>>().len();
        let t = &all[0];
        let secs_left = t.expires_at().duration_since(std::time::SystemTime::now()).unwrap_or_default().as_secs_f64();
        println!(
            "round {round}: {} callers in {:?}, {distinct} distinct token(s) ({} bytes, expires in {secs_left:.1} s), server has seen {} token request(s)",
            all.len(),
            start.elapsed(),
            t.access_token().len(),
            server.request_count("demo-service"),
        );
        std::thread::sleep(Duration::from_millis(1700));
    }
    println!("stats: {:?}", client.stats());
    Ok(())
}
