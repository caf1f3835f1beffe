//! Agent request latency, p50 and p99, on the Unix socket and on loopback
//! HTTP, each beside two baselines measured in the same run on the same kind
//! of keep-alive connection:
//!
//! - the floor: the agent's own `/healthz` (the same server, routing and
//!   connection, without the token);
//! - a token request straight to the bundled authorization server on
//!   127.0.0.1 (what a caller without the agent, and without a cache, does).
//!
//! `cargo bench -p ooauthcc-cli --bench agent` (release build). Rounds of each
//! kind are interleaved. Figures: BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/common/agent_process.rs"]
mod agent_process;

use std::time::{Duration, Instant};

use agent_process::{AgentProcess, Via, connect, runtime, send, send_request};
use bytes::Bytes;
use http_body_util::Full;
use ooauthcc_core::testing::{AuthServer, ClientRegistration};

const ROUNDS: usize = 20;
const PER_ROUND: usize = 250;
const SECRET: &str = "bench-secret";

fn main() {
    let server = AuthServer::start().unwrap();
    server.register_client(ClientRegistration::new("bench", SECRET));
    let dir = std::env::temp_dir().join(format!("oa-bench-agent-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let profiles = format!(
        "[profiles.p]\ntoken_url = \"{}\"\nclient_id = \"bench\"\nclient_secret = \"{SECRET}\"\n",
        server.token_url()
    );
    let agent = AgentProcess::start(&dir, &profiles, true, &[]);
    let token_server = Via::Http(format!("127.0.0.1:{}", server.port()).parse().unwrap(), None);
    let token_path = server.token_url();
    let rt = runtime();
    let before = server.total_requests();

    let vias = [("unix socket", agent.unix()), ("loopback HTTP", agent.http())];
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); 2 * vias.len() + 1];
    rt.block_on(async {
        let mut conns = Vec::new();
        for (_, via) in &vias {
            conns.push(connect(via).await);
        }
        let mut direct = connect(&token_server).await;
        for round in 0..=ROUNDS {
            let warmup = round == 0;
            for (i, (_, via)) in vias.iter().enumerate() {
                let conn = &mut conns[i];
                for (slot, path) in [(2 * i, "/v1/token/p"), (2 * i + 1, "/healthz")] {
                    for _ in 0..PER_ROUND {
                        let start = Instant::now();
                        let reply = send(conn, via, "GET", path).await;
                        let took = start.elapsed();
                        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
                        if !warmup {
                            samples[slot].push(took);
                        }
                    }
                }
            }
            for _ in 0..PER_ROUND / 5 {
                let req = hyper::Request::post(token_path.as_str())
                    .header("host", "127.0.0.1")
                    .header("content-type", "application/x-www-form-urlencoded")
                    // client_secret_basic: "bench:bench-secret" in base64.
                    .header("authorization", "Basic YmVuY2g6YmVuY2gtc2VjcmV0")
                    .body(Full::new(Bytes::from_static(b"grant_type=client_credentials")))
                    .unwrap();
                let start = Instant::now();
                let reply = send_request(&mut direct, req).await;
                let took = start.elapsed();
                assert_eq!(reply.status, 200, "token request: {}", reply.body);
                if !warmup {
                    samples[2 * vias.len()].push(took);
                }
            }
        }
    });
    let direct_requests = (ROUNDS + 1) * (PER_ROUND / 5);
    let agent_requests = server.total_requests() - before - direct_requests as u64;

    println!("agent request latency, keep-alive connection, {ROUNDS} interleaved rounds (µs: p50 / p99)");
    let direct = report("token request to the authorization server (baseline)", &mut samples[2 * vias.len()]);
    for (i, (name, _)) in vias.iter().enumerate() {
        let token = report(&format!("{name}: GET /v1/token/p"), &mut samples[2 * i]);
        let floor = report(&format!("{name}: GET /healthz (floor)"), &mut samples[2 * i + 1]);
        println!(
            "  {name}: token / floor = {:.2} (p50), {:.2} (p99); token / direct token request = {:.2} (p50)",
            token.0 / floor.0,
            token.1 / floor.1,
            token.0 / direct.0
        );
    }
    println!("token requests the agent made meanwhile: {agent_requests} (expected 0: its token was cached)");
    assert_eq!(agent_requests, 0);
    std::fs::remove_dir_all(&dir).ok();
}

/// Prints and returns (p50, p99) in microseconds.
fn report(name: &str, samples: &mut [Duration]) -> (f64, f64) {
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e6;
    let (p50, p99) = (at(0.50), at(0.99));
    println!("  {name:<58} {p50:>8.1} / {p99:>8.1}   (n = {})", samples.len());
    (p50, p99)
}
