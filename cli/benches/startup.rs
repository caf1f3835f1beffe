//! Whole-process time of `ooauthcc token` with a warm file store, beside the
//! baseline people hand-roll — `curl -d grant_type=client_credentials` — and
//! beside `ooauthcc token --no-store` (a token request of its own), all against
//! the bundled server on 127.0.0.1, interleaved in one run.
//!
//! `cargo bench -p ooauthcc-cli --bench startup` (release build). Prints the
//! minimum, median and maximum of each, the median ratios, and the server's
//! request count (the warm runs must add none). Figures: BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ooauthcc_core::testing::{AuthServer, ClientRegistration};

const ROUNDS: usize = 40;
const SECRET: &str = "bench-secret";

fn main() {
    let server = AuthServer::start().unwrap();
    server.register_client(ClientRegistration::new("bench", SECRET));
    let cache = std::env::temp_dir().join(format!("ooauthcc-bench-startup-{}", std::process::id()));
    let ooauthcc = |extra: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ooauthcc"));
        c.arg("token").args(extra).env("XDG_CACHE_HOME", &cache).env("OOAUTHCC_TOKEN_URL", server.token_url());
        c.env("OOAUTHCC_CLIENT_ID", "bench").env("OOAUTHCC_CLIENT_SECRET", SECRET);
        c
    };
    let curl = || {
        let mut c = Command::new("curl");
        c.args(["-sS", "--fail", "-u", &format!("bench:{SECRET}"), "-d", "grant_type=client_credentials"]);
        c.arg(server.token_url());
        c
    };
    // Warm the store (and the page cache) once.
    run(&mut ooauthcc(&[]));
    run(&mut curl());
    let before = server.total_requests();

    let (mut warm, mut baseline, mut alone) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        warm.push(run(&mut ooauthcc(&[])));
        baseline.push(run(&mut curl()));
        alone.push(run(&mut ooauthcc(&["--no-store"])));
    }
    let requests = server.total_requests() - before;
    std::fs::remove_dir_all(&cache).ok();

    println!("{ROUNDS} rounds, interleaved; whole process, spawn to exit (ms: min / median / max)");
    let w = report("ooauthcc token (warm file store)", &mut warm);
    let b = report("curl -d grant_type=client_credentials (baseline)", &mut baseline);
    let a = report("ooauthcc token --no-store (own token request)", &mut alone);
    println!("median ratios: warm / curl = {:.2}, --no-store / curl = {:.2}", w / b, a / b);
    println!("token requests the server saw: {requests} (expected {}: curl's and --no-store's only)", 2 * ROUNDS);
    assert_eq!(requests, 2 * ROUNDS as u64, "a warm run made a token request");
}

/// Runs `cmd` to completion, checks it succeeded, returns its wall time.
fn run(cmd: &mut Command) -> Duration {
    let start = Instant::now();
    let out = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).output().unwrap();
    let took = start.elapsed();
    assert!(out.status.success(), "{:?}: {}", cmd.get_program(), String::from_utf8_lossy(&out.stderr));
    took
}

/// Prints one row; returns the median in ms.
fn report(what: &str, times: &mut [Duration]) -> f64 {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(times[times.len() / 2]);
    println!("  {what:<52} {:7.2} / {median:7.2} / {:7.2}", ms(times[0]), ms(times[times.len() - 1]));
    median
}
