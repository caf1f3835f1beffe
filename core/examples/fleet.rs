//! A fleet on one machine: N worker processes × M threads get tokens for S
//! seconds from the bundled authorization server (3 s tokens), first with each
//! process caching on its own (the baseline), then sharing through a real
//! `redis-server` (`store_url`), for each N given. Prints the token requests
//! the server saw in each run. Needs `redis-server` on PATH.
//!
//!     cargo run --release -p ooauthcc-core --features testing,redis --example fleet -- 1,2,4,8 16 30
//!
//! (process counts, threads per process, seconds; the defaults are those.)

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ooauthcc_core::testing::{AuthServer, ClientRegistration, RedisServer};
use ooauthcc_core::{Client, ClientConfig};

const WORKER: &str = "OOAUTHCC_FLEET_WORKER";
const LIFETIME: Duration = Duration::from_secs(3);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Ok(spec) = std::env::var(WORKER) {
        return worker(&spec);
    }
    let mut args = std::env::args().skip(1);
    let fleets: Vec<u64> =
        args.next().unwrap_or_else(|| "1,2,4,8".into()).split(',').map(str::parse).collect::<Result<_, _>>()?;
    let threads: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(16);
    let secs: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(30);
    let server = AuthServer::start()?;
    server.set_token_lifetime(LIFETIME);
    let redis = RedisServer::start()?;
    println!("N processes x {threads} threads, {secs} s, {LIFETIME:?} tokens");
    println!("| N | mode | token requests | per renewal | slowest first call | slowest later call |");
    println!("|---:|---|---:|---:|---:|---:|");
    for processes in fleets {
        for (mode, store) in [("each process alone (baseline)", None), ("shared through Redis", Some(redis.url()))] {
            let id = format!("fleet-{processes}-{}", store.is_some());
            server.register_client(ClientRegistration::new(&id, "fleet-secret"));
            let spec = format!("{}|{id}|{}|{threads}|{secs}", server.token_url(), store.clone().unwrap_or_default());
            let (first, slowest) = run_fleet(processes, &spec)?;
            let requests = server.request_count(&id);
            // Renewals: one per refresh point (75-85 % of the 1.5 s usable life), plus the first fetch.
            let renewals = 1.0 + secs as f64 / (0.8 * 1.5);
            println!(
                "| {processes} | {mode} | {requests} | {:.1} | {first:.1?} | {slowest:.1?} |",
                requests as f64 / renewals
            );
        }
    }
    Ok(())
}

/// Runs `processes` workers with `spec`; their slowest first and later calls.
fn run_fleet(processes: u64, spec: &str) -> Result<(Duration, Duration), Box<dyn std::error::Error>> {
    let children = (0..processes)
        .map(|_| Command::new(std::env::current_exe()?).env(WORKER, spec).stdout(Stdio::piped()).spawn())
        .collect::<Result<Vec<_>, _>>()?;
    let (mut slowest, mut first) = (Duration::ZERO, Duration::ZERO);
    for child in children {
        let out = child.wait_with_output()?;
        if !out.status.success() {
            return Err(format!("a worker failed: {:?}", out.status).into());
        }
        for line in BufReader::new(&out.stdout[..]).lines() {
            let line = line?;
            if let Some(us) = line.strip_prefix("SLOWEST_US ") {
                slowest = slowest.max(Duration::from_micros(us.parse()?));
            }
            if let Some(us) = line.strip_prefix("FIRST_US ") {
                first = first.max(Duration::from_micros(us.parse()?));
            }
        }
    }
    Ok((first, slowest))
}

/// One worker process: threads calling `get_token_blocking` every 5 ms.
fn worker(spec: &str) -> Result<(), Box<dyn std::error::Error>> {
    let parts: Vec<&str> = spec.split('|').collect();
    let [token_url, id, store, threads, secs] = parts[..] else { return Err("bad worker spec".into()) };
    let mut cfg = ClientConfig::new(token_url, id, "fleet-secret").with_store_lock_lease(Duration::from_secs(1));
    if !store.is_empty() {
        cfg = cfg.with_store_url(store);
    }
    let client = Client::new(cfg)?;
    let end = Instant::now() + Duration::from_secs(secs.parse()?);
    let slowest = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads.parse::<usize>().unwrap_or(1))
            .map(|_| {
                s.spawn(|| {
                    let mut slowest = Duration::ZERO;
                    let mut first = true;
                    while Instant::now() < end {
                        let t0 = Instant::now();
                        if client.get_token_blocking().is_err() {
                            return Err("a caller got an error");
                        }
                        if first {
                            println!("FIRST_US {}", t0.elapsed().as_micros());
                            first = false;
                        } else {
                            slowest = slowest.max(t0.elapsed());
                        }
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Ok(slowest)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| "a caller panicked")?)
            .try_fold(Duration::ZERO, |a, r| r.map(|d| a.max(d)))
    })?;
    println!("SLOWEST_US {}", slowest.as_micros());
    Ok(())
}
