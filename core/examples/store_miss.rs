//! What the Redis store adds to a cache miss in this process: the latency of
//! the first `get_token` of a new client (empty in-process cache) in three
//! cases, each measured in the same run against the bundled server and a real
//! `redis-server` on 127.0.0.1:
//!
//! - no store: the miss is a token request (the baseline);
//! - store, token in Redis: the miss is a Redis read and an AEAD open, no request;
//! - store, Redis empty: the miss is this process's turn to fetch: read, take
//!   the lock, request, seal and store the token, release, publish.
//!
//! The connection to Redis is made once (by a warm-up client) and shared, as
//! in a long-running process. Clients with the same settings share one
//! in-process cache entry, so each miss uses a `refresh_skew` of its own (a
//! few microseconds apart): a new in-process entry, but the same Redis key,
//! which does not depend on lifecycle settings. Needs `redis-server` on PATH.
//!
//!     cargo run --release -p ooauthcc-core --features testing,redis --example store_miss -- 500
//!
//! (misses per case; the default is 500.)

use std::time::{Duration, Instant};

use ooauthcc_core::testing::{AuthServer, ClientRegistration, RedisServer};
use ooauthcc_core::{Client, ClientConfig};

const SECRET: &str = "miss-secret";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let misses: usize = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(500);
    let server = AuthServer::start()?;
    let redis = RedisServer::start()?;
    let mut unique = 0u64;
    let mut config = |id: &str, store: bool| {
        unique += 1;
        let cfg = ClientConfig::new(server.token_url(), id, SECRET)
            .with_refresh_skew(Duration::from_secs(60) + Duration::from_micros(unique));
        if store { cfg.with_store_url(redis.url()) } else { cfg }
    };
    for id in ["miss-none", "miss-hit", "miss-fetch"] {
        server.register_client(ClientRegistration::new(id, SECRET));
    }
    // Warm-up: the runtime, the HTTP connection pool and the Redis connection;
    // and the token the "hit" case finds in Redis.
    Client::new(config("miss-none", false))?.get_token_blocking()?;
    Client::new(config("miss-hit", true))?.get_token_blocking()?;

    println!("{misses} misses per case, each on a new client (empty in-process cache)");
    println!("| miss | p50 | p90 | p99 | token requests |");
    println!("|---|---:|---:|---:|---:|");
    // (case, client id, with the store, empty Redis before each miss)
    let cases = [
        ("no store: token request (baseline)", "miss-none", false, false),
        ("store, token in Redis: Redis read, no request", "miss-hit", true, false),
        ("store, Redis empty: lock, request, store, release", "miss-fetch", true, true),
    ];
    let mut p50s = Vec::new();
    for (name, id, store, flush_first) in cases {
        let before = server.request_count(id);
        let mut times = Vec::with_capacity(misses);
        for _ in 0..misses {
            if flush_first {
                redis.command(&["FLUSHALL"])?;
            }
            let client = Client::new(config(id, store))?;
            let t0 = Instant::now();
            client.get_token_blocking()?;
            times.push(t0.elapsed());
        }
        times.sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
        p50s.push(at(0.5));
        let requests = server.request_count(id) - before;
        println!("| {name} | {:.1?} | {:.1?} | {:.1?} | {requests} |", at(0.5), at(0.9), at(0.99));
    }
    let diff = |a: Duration, b: Duration| a.as_secs_f64() * 1e6 - b.as_secs_f64() * 1e6;
    println!();
    println!("added by the store at p50, against the baseline's token request:");
    println!("- token in Redis: {:+.0} µs", diff(p50s[1], p50s[0]));
    println!("- Redis empty (this process fetches): {:+.0} µs", diff(p50s[2], p50s[0]));
    Ok(())
}
