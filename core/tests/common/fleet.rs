//! A fleet of OS processes sharing a store: this test binary re-run as a child
//! (each test file that uses it has a `#[test] fn child_process` calling
//! [`child_main`]), getting tokens from the bundled server through `store_url`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ooauthcc_core::testing::{AuthServer, ClientRegistration};
use ooauthcc_core::{Client, ClientConfig};

use super::SECRET;

const CHILD: &str = "OOAUTHCC_STORE_CHILD";

pub fn config(token_url: &str, id: &str, store_url: &str) -> ClientConfig {
    ClientConfig::new(token_url, id, SECRET)
        .with_store_url(store_url)
        .with_store_lock_lease(Duration::from_secs(1))
        .with_request_timeout(Duration::from_secs(20))
        .with_retry_base_delay(Duration::from_millis(20))
        .with_get_timeout(Duration::from_secs(30))
}

pub fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64
}

/// The worker run in each child process: `threads` threads getting tokens
/// for `secs` seconds (or once, with `secs` = 0), then a report on stdout:
/// `TOKEN <token> <last time it was handed out, unix ms>` per distinct token,
/// `ERROR <kind> <message>` per failed call, `STATS <store_hits> <store_errors>`.
pub fn child_main() {
    let Ok(token_url) = std::env::var(CHILD) else { return };
    let var = |n: &str| std::env::var(n).unwrap();
    let client = Client::new(config(&token_url, &var("CHILD_CLIENT_ID"), &var("CHILD_STORE_URL"))).unwrap();
    let threads: usize = var("CHILD_THREADS").parse().unwrap();
    let secs: f64 = var("CHILD_SECS").parse().unwrap();
    let seen: Mutex<HashMap<String, u64>> = Mutex::new(HashMap::new());
    let errors: Mutex<Vec<String>> = Mutex::new(Vec::new());
    println!("READY");
    // All children start calling at once when asked to.
    if let Some(at) = std::env::var("CHILD_START_AT_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        let now = unix_ms(SystemTime::now());
        std::thread::sleep(Duration::from_millis(at.saturating_sub(now)));
    }
    let end = Instant::now() + Duration::from_secs_f64(secs);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    match client.get_token_blocking() {
                        Ok(t) => {
                            let now = unix_ms(SystemTime::now());
                            seen.lock().unwrap().insert(t.access_token().to_owned(), now);
                        }
                        Err(e) => errors.lock().unwrap().push(format!("{:?} {e}", e.kind())),
                    }
                    if Instant::now() >= end {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            });
        }
    });
    for (token, at) in seen.lock().unwrap().iter() {
        println!("TOKEN {token} {at}");
    }
    for e in errors.lock().unwrap().iter() {
        println!("ERROR {e}");
    }
    let st = client.stats();
    println!("STATS {} {}", st.store_hits, st.store_errors);
}

pub struct ChildReport {
    pub tokens: HashMap<String, u64>,
    pub errors: Vec<String>,
    pub store_hits: u64,
    pub store_errors: u64,
}

pub fn spawn_child(server: &AuthServer, id: &str, store_url: &str, threads: usize, secs: f64) -> Child {
    spawn_child_at(server, id, store_url, threads, secs, None)
}

pub fn spawn_child_at(
    server: &AuthServer,
    id: &str,
    store_url: &str,
    threads: usize,
    secs: f64,
    at: Option<u64>,
) -> Child {
    let mut command = Command::new(std::env::current_exe().unwrap());
    if let Some(at) = at {
        command.env("CHILD_START_AT_MS", at.to_string());
    }
    let mut child = command
        .args(["--exact", "child_process", "--nocapture", "--test-threads=1"])
        .env(CHILD, server.token_url())
        .env("CHILD_CLIENT_ID", id)
        .env("CHILD_STORE_URL", store_url)
        .env("CHILD_THREADS", threads.to_string())
        .env("CHILD_SECS", secs.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    // Wait until it runs, so callers can time what follows.
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out);
    let mut line = String::new();
    while lines.read_line(&mut line).unwrap() > 0 && !line.contains("READY") {
        line.clear();
    }
    child.stdout = Some(lines.into_inner());
    child
}

pub fn report(child: Child) -> ChildReport {
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "child failed: {:?}", out.status);
    let text = String::from_utf8(out.stdout).unwrap();
    let mut r = ChildReport { tokens: HashMap::new(), errors: Vec::new(), store_hits: 0, store_errors: 0 };
    for line in text.lines() {
        let parts: Vec<&str> = line.splitn(3, ' ').collect();
        match parts.as_slice() {
            ["TOKEN", t, at] => {
                r.tokens.insert((*t).to_owned(), at.parse().unwrap());
            }
            ["ERROR", rest @ ..] => r.errors.push(rest.join(" ")),
            ["STATS", hits, errors] => {
                r.store_hits = hits.parse().unwrap();
                r.store_errors = errors.parse().unwrap();
            }
            _ => {}
        }
    }
    r
}

/// Every token handed to a caller was, at that moment, valid by the server's clock.
pub fn assert_never_expired(server: &AuthServer, reports: &[ChildReport]) {
    for r in reports {
        for (token, last_seen) in &r.tokens {
            let expiry = server.token_expiry(token).expect("a token the server issued");
            assert!(
                *last_seen < unix_ms(expiry),
                "a caller got a token {} ms after it expired",
                last_seen - unix_ms(expiry)
            );
        }
    }
}

/// When the server issued each token, in order (expiry minus lifetime).
pub fn issue_times_ms(server: &AuthServer, lifetime: Duration) -> Vec<u64> {
    let mut t: Vec<u64> =
        server.issued_tokens().iter().map(|tok| unix_ms(server.token_expiry(tok).unwrap() - lifetime)).collect();
    t.sort_unstable();
    t
}

pub fn registered_server(id: &str, lifetime: Duration) -> AuthServer {
    let server = AuthServer::start().unwrap();
    server.register_client(ClientRegistration::new(id, SECRET));
    server.set_token_lifetime(lifetime);
    server
}

/// 4 processes × 4 threads for 10 s through `url`: one request per renewal,
/// no caller error, no expired token.
pub fn small_fleet_shares(what: &str, server: &AuthServer, id: &str, url: &str) {
    let (processes, threads, secs) = (4, 4, 10.0);
    let lifetime = Duration::from_secs(3);
    let children: Vec<Child> = (0..processes).map(|_| spawn_child(server, id, url, threads, secs)).collect();
    let reports: Vec<ChildReport> = children.into_iter().map(report).collect();
    for r in &reports {
        assert!(r.errors.is_empty(), "callers got errors: {:?}", r.errors);
        assert_eq!(r.store_errors, 0);
    }
    assert_never_expired(server, &reports);
    let issued = issue_times_ms(server, lifetime);
    let gaps: Vec<u64> = issued.windows(2).map(|w| w[1] - w[0]).collect();
    println!(
        "{what}, {processes} processes x {threads} threads, {secs} s: {} requests, gaps {gaps:?} ms",
        issued.len()
    );
    assert!(gaps.iter().all(|g| *g >= 900), "two requests for one renewal: gaps {gaps:?} ms");
    assert!(issued.len() >= 2);
}
