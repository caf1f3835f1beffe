//! `ooauthcc agent` end to end: the built binary as a process, its Unix
//! socket and loopback HTTP, against the bundled authorization server on
//! 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use common::agent_process::{AgentProcess, Via, get, request, runtime};
use ooauthcc_core::testing::{AuthServer, ClientRegistration, Fault};
use serde_json::Value;

const SECRET: &str = "agent-s3cret-value";

fn server(ids: &[&str]) -> AuthServer {
    let server = AuthServer::start().unwrap();
    for id in ids {
        server.register_client(ClientRegistration::new(*id, SECRET));
    }
    server
}

/// A profiles file with one profile per `(name, client id, extra TOML lines)`.
fn profiles(server: &AuthServer, entries: &[(&str, &str, &str)]) -> String {
    entries
        .iter()
        .map(|(name, id, extra)| {
            format!(
                "[profiles.{name}]\ntoken_url = \"{}\"\nclient_id = \"{id}\"\nclient_secret = \"{SECRET}\"\n{extra}\n",
                server.token_url()
            )
        })
        .collect()
}

fn tempdir(what: &str) -> PathBuf {
    let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    // Short: a Unix socket path is limited to 108 bytes.
    let dir = std::env::temp_dir().join(format!("oa-{what}-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

#[test]
fn two_hundred_concurrent_http_clients_cause_one_token_request() {
    let server = server(&["herd"]);
    let dir = tempdir("herd");
    let agent = AgentProcess::start(&dir, &profiles(&server, &[("billing", "herd", "")]), true, &[]);
    let via = agent.http();
    let replies = runtime().block_on(async {
        let calls: Vec<_> = (0..200)
            .map(|_| {
                let via = via.clone();
                tokio::spawn(async move { request(&via, "GET", "/v1/token/billing").await })
            })
            .collect();
        let mut replies = Vec::new();
        for c in calls {
            replies.push(c.await.unwrap());
        }
        replies
    });
    let issued = server.issued_tokens();
    assert_eq!(server.request_count("herd"), 1, "one token request for the agent's start and 200 callers");
    for reply in &replies {
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.content_type, "application/json");
        let doc = json(&reply.body);
        assert_eq!(doc["access_token"], issued[0].as_str());
        assert_eq!(doc["token_type"], "Bearer");
        assert!(doc["expires_in"].as_u64().unwrap() > 0);
    }
    // The same through the header route and the Unix socket.
    let header = get(&agent.unix(), "/v1/header/billing");
    assert_eq!((header.status, header.body.as_str()), (200, format!("Authorization: Bearer {}\n", issued[0]).as_str()));
    assert_eq!(server.request_count("herd"), 1);
    assert!(!agent.stderr().contains(&issued[0]), "the agent logged a token");
}

#[test]
fn http_needs_the_bearer_secret_and_the_socket_is_private() {
    let server = server(&["guarded"]);
    let dir = tempdir("guard");
    let agent = AgentProcess::start(&dir, &profiles(&server, &[("p", "guarded", "")]), true, &[]);
    let addr = agent.http.unwrap();
    for bearer in [None, Some("wrong-secret-0123456789"), Some("agent-bearer-0123456789abcdeX")] {
        let reply = get(&Via::Http(addr, bearer.map(str::to_owned)), "/v1/token/p");
        assert_eq!(reply.status, 401, "bearer {bearer:?}: {}", reply.body);
        assert_eq!(json(&reply.body)["error"], "unauthorized");
        assert!(!reply.body.contains("agent-bearer"), "the answer shows the secret");
    }
    assert_eq!(get(&agent.http(), "/v1/token/p").status, 200);
    // Only the agent's own user is allowed by default: the file says so too.
    let meta = std::fs::metadata(&agent.socket).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
}

#[test]
fn a_uid_not_on_the_allow_list_is_refused() {
    let server = server(&["uid"]);
    let dir = tempdir("uid");
    let me = std::fs::metadata("/proc/self").unwrap().uid();
    let other = (me + 1).to_string();
    let agent = AgentProcess::start(&dir, &profiles(&server, &[("p", "uid", "")]), true, &["--allow-uid", &other]);
    let reply = get(&agent.unix(), "/v1/token/p");
    assert_eq!(reply.status, 403, "{}", reply.body);
    let doc = json(&reply.body);
    assert_eq!(doc["error"], "forbidden");
    assert!(doc["message"].as_str().unwrap().contains(&format!("uid {me}")), "{doc}");
    // Others may connect (0666); the kernel's credentials decide.
    assert_eq!(std::fs::metadata(&agent.socket).unwrap().permissions().mode() & 0o777, 0o666);
    let metrics = get(&agent.http(), "/metrics").body;
    assert!(metrics.contains("ooauthcc_agent_refused_connections_total 1"), "{metrics}");
    assert!(
        metrics.contains(r#"ooauthcc_agent_requests_total{listener="unix",route="token",code="403"} 1"#),
        "{metrics}"
    );

    // Allowed by group instead: served.
    drop(agent);
    let gid = std::fs::metadata("/proc/self").unwrap().gid().to_string();
    let dir = tempdir("gid");
    let agent = AgentProcess::start(
        &dir,
        &profiles(&server, &[("p", "uid", "")]),
        false,
        &["--allow-uid", &other, "--allow-gid", &gid],
    );
    assert_eq!(get(&agent.unix(), "/v1/token/p").status, 200);
}

#[test]
fn bad_requests_get_4xx_with_a_json_error_and_the_agent_keeps_serving() {
    let server = server(&["bad"]);
    let dir = tempdir("bad");
    let agent = AgentProcess::start(&dir, &profiles(&server, &[("p", "bad", "")]), false, &[]);
    let via = agent.unix();
    let rt = runtime();
    for (method, path, status, error) in [
        ("GET", "/v1/token/nope", 404, "unknown_profile"),
        ("GET", "/v1/token/..", 400, "bad_request"),
        ("GET", "/v1/token/p?min_valid=soon", 400, "bad_request"),
        ("GET", "/v1/token/p?scope=admin", 400, "bad_request"),
        ("GET", "/v2/anything", 404, "not_found"),
        ("GET", "/", 404, "not_found"),
        ("POST", "/v1/token/p", 405, "method_not_allowed"),
        ("DELETE", "/metrics", 405, "method_not_allowed"),
    ] {
        let reply = rt.block_on(request(&via, method, path));
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.body);
        assert_eq!(json(&reply.body)["error"], error, "{method} {path}");
    }
    // Garbage on the socket is the connection's problem, not the agent's.
    {
        use std::io::{Read as _, Write as _};
        let mut raw = std::os::unix::net::UnixStream::connect(&agent.socket).unwrap();
        raw.write_all(b"\x00\xffGARBAGE / HTTP/9\r\n\r\n").unwrap();
        let mut answer = Vec::new();
        let _ = raw.read_to_end(&mut answer);
        assert!(answer.is_empty() || answer.starts_with(b"HTTP/1.1 400"), "{}", String::from_utf8_lossy(&answer));
    }
    let health = get(&via, "/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(json(&health.body)["status"], "serving");
    assert_eq!(get(&via, "/v1/token/p").status, 200);
}

#[test]
fn min_valid_renews_once_or_answers_400_when_the_server_cannot_satisfy_it() {
    let server = server(&["min"]);
    server.set_token_lifetime(Duration::from_secs(600));
    let dir = tempdir("min");
    let agent = AgentProcess::start(&dir, &profiles(&server, &[("p", "min", "")]), false, &[]);
    let first = json(&get(&agent.unix(), "/v1/token/p?min_valid=60").body);
    assert_eq!(server.request_count("min"), 1, "a 600 s token lives 60 s more");
    let reply = get(&agent.unix(), "/v1/token/p?min_valid=3600");
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(reply.body.contains("min_valid 3600"), "{}", reply.body);
    assert_eq!(server.request_count("min"), 2, "it renewed once before refusing");
    let after = json(&get(&agent.unix(), "/v1/token/p").body);
    assert_ne!(after["access_token"], first["access_token"]);
}

#[test]
fn metrics_are_prometheus_text_per_profile_without_tokens() {
    let server = server(&["m1", "m2"]);
    let dir = tempdir("metrics");
    let agent = AgentProcess::start(&dir, &profiles(&server, &[("one", "m1", ""), ("two", "m2", "")]), true, &[]);
    for _ in 0..3 {
        assert_eq!(get(&agent.unix(), "/v1/token/one").status, 200);
    }
    assert_eq!(get(&agent.http(), "/v1/token/two").status, 200);
    let reply = get(&agent.http(), "/metrics");
    assert_eq!(reply.status, 200);
    assert!(reply.content_type.starts_with("application/openmetrics-text"), "{}", reply.content_type);
    let text = reply.body;
    for line in [
        r#"ooauthcc_token_requests_total{profile="one"} 1"#,
        r#"ooauthcc_token_requests_total{profile="two"} 1"#,
        r#"ooauthcc_fetches_total{profile="one"} 1"#,
        r#"ooauthcc_fetch_duration_seconds_count{profile="one"} 1"#,
        r#"ooauthcc_fetch_duration_seconds_bucket{le="+Inf",profile="one"} 1"#,
        r#"ooauthcc_fetch_failures_total{profile="one",kind="oauth"} 0"#,
        r#"ooauthcc_agent_requests_total{listener="unix",route="token",code="200"} 3"#,
        r#"ooauthcc_agent_requests_total{listener="http",route="token",code="200"} 1"#,
        "# TYPE ooauthcc_token_expiry_seconds gauge",
        "# EOF",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    let count = |metric: &str| -> u64 {
        text.lines()
            .find(|l| l.starts_with(&format!("{metric}{{profile=\"one\"}}")))
            .and_then(|l| l.rsplit(' ').next()?.parse().ok())
            .unwrap_or_else(|| panic!("no {metric} in {text}"))
    };
    // Each ask (three callers and the agent's own) was a cache hit or a wait.
    assert_eq!(count("ooauthcc_cache_hits_total") + count("ooauthcc_waits_total"), 4, "{text}");
    for token in server.issued_tokens() {
        assert!(!text.contains(&token), "a token in the metrics");
    }
    assert!(
        !text.contains(SECRET) && !text.contains("m1") && !text.contains("m2"),
        "a client id or secret in the metrics"
    );
}

#[test]
fn during_an_outage_the_valid_token_is_served_and_an_expired_one_never() {
    let server = server(&["outage"]);
    // Served for 2 s (the skew is capped at half the lifetime), stale from ~1.6 s.
    server.set_token_lifetime(Duration::from_secs(4));
    let dir = tempdir("outage");
    let agent = AgentProcess::start(&dir, &profiles(&server, &[("p", "outage", "max_retries = 0")]), false, &[]);
    let first = json(&get(&agent.unix(), "/v1/token/p").body);
    let first_token = first["access_token"].as_str().unwrap().to_owned();
    let expiry = server.token_expiry(&first_token).unwrap();
    server.set_fault(Some(Fault::Status(503)));
    let start = Instant::now();
    let mut served = 0;
    let mut refused = 0;
    while start.elapsed() < Duration::from_millis(3500) {
        let asked_at = std::time::SystemTime::now();
        let reply = get(&agent.unix(), "/v1/token/p");
        match reply.status {
            200 => {
                served += 1;
                assert_eq!(refused, 0, "a token served after the agent had answered the outage's error");
                assert_eq!(json(&reply.body)["access_token"], first_token.as_str());
                assert!(asked_at < expiry, "served a token the server considers expired");
            }
            502 => {
                refused += 1;
                let doc = json(&reply.body);
                assert_eq!(
                    (doc["error"].as_str(), doc["http_status"].as_u64()),
                    (Some("http_status"), Some(503)),
                    "{doc}"
                );
            }
            other => panic!("status {other}: {}", reply.body),
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(served >= 20, "the valid token was served during the outage ({served} times)");
    assert!(refused >= 20, "past its expiry the token was not served ({refused} errors)");
    // The server comes back: the agent recovers by itself, without a caller.
    server.set_fault(None);
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let health = json(&get(&agent.unix(), "/healthz").body);
        if health["profiles"]["p"]["token"] == "valid" {
            break;
        }
        assert!(Instant::now() < deadline, "no new token after the outage: {health}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_agent_keeps_tokens_fresh_without_callers() {
    let server = server(&["fresh"]);
    server.set_token_lifetime(Duration::from_secs(4));
    let dir = tempdir("fresh");
    let agent = AgentProcess::start(&dir, &profiles(&server, &[("p", "fresh", "")]), false, &[]);
    std::thread::sleep(Duration::from_secs(5));
    let requests = server.request_count("fresh");
    assert!(requests >= 3, "a 4 s token (stale at ~1.6 s) renewed without any caller: {requests} requests in 5 s");
    let health = json(&get(&agent.unix(), "/healthz").body);
    assert_eq!(health["profiles"]["p"]["token"], "valid", "{health}");
}

#[test]
fn sigterm_stops_the_agent_cleanly_and_removes_its_socket() {
    let server = server(&["term"]);
    let dir = tempdir("term");
    let mut agent = AgentProcess::start(&dir, &profiles(&server, &[("p", "term", "")]), true, &[]);
    assert_eq!(get(&agent.unix(), "/v1/token/p").status, 200);
    let status = agent.terminate();
    assert!(status.success(), "exit {status}: {}", agent.stderr());
    assert!(!agent.socket.exists(), "the socket file is left behind");
    assert!(agent.stderr().contains("ooauthcc agent: stopped"));
}

#[test]
fn a_bad_start_is_refused_with_a_clear_message_and_nothing_deleted() {
    let server = server(&["start"]);
    let dir = tempdir("start");
    let config = dir.join("profiles.toml");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_ooauthcc")).args(args).env_clear().output().unwrap();
        (out.status.code().unwrap_or(-1), String::from_utf8(out.stderr).unwrap())
    };
    let cfg = config.to_str().unwrap();
    let not_a_socket = dir.join("precious.txt");
    std::fs::write(&not_a_socket, "keep me").unwrap();
    let sock = dir.join("a.sock");
    let sock = sock.to_str().unwrap();

    std::fs::write(&config, profiles(&server, &[("has space", "start", "")]).replace("has space", "\"has space\""))
        .unwrap();
    let (code, err) = run(&["--config", cfg, "agent", "--socket", sock]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("\"has space\""), "{err}");

    std::fs::write(&config, profiles(&server, &[("p", "start", "")])).unwrap();
    let (code, err) = run(&["--config", cfg, "agent", "--socket", not_a_socket.to_str().unwrap()]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("not a socket"), "{err}");
    assert_eq!(std::fs::read_to_string(&not_a_socket).unwrap(), "keep me");

    let bearer = dir.join("bearer");
    std::fs::write(&bearer, "0123456789abcdef0123").unwrap();
    let (code, err) =
        run(&["--config", cfg, "agent", "--http", "0.0.0.0:0", "--bearer-file", bearer.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("loopback"), "{err}");

    let (code, err) = run(&["--config", cfg, "agent", "--http", "127.0.0.1:0"]);
    assert_eq!(code, 2, "--http without --bearer-file: {err}");

    std::fs::write(&bearer, "short").unwrap();
    let (code, err) =
        run(&["--config", cfg, "agent", "--http", "127.0.0.1:0", "--bearer-file", bearer.to_str().unwrap()]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("at least 16"), "{err}");

    let (code, err) = run(&["--config", cfg, "--client-id", "x", "agent", "--socket", sock]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--client-id"), "{err}");
    let (code, err) = run(&["--config", cfg, "agent", "--profile", "p", "--socket", sock]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("every profile"), "{err}");

    // A second agent on a live agent's socket is refused; the first keeps serving.
    let first = AgentProcess::start(&dir, &profiles(&server, &[("p", "start", "")]), false, &[]);
    let (code, err) = run(&["--config", cfg, "agent", "--socket", first.socket.to_str().unwrap()]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("another agent"), "{err}");
    assert_eq!(get(&first.unix(), "/v1/token/p").status, 200);
}

#[test]
fn two_agents_sharing_a_file_store_make_one_token_request() {
    let server = server(&["shared"]);
    let store = tempdir("store");
    let extra = format!("store_url = \"file://{}\"", store.display());
    let toml = profiles(&server, &[("p", "shared", &extra)]);
    let (a_dir, b_dir) = (tempdir("fleet-a"), tempdir("fleet-b"));
    let a = AgentProcess::start(&a_dir, &toml, false, &[]);
    let b = AgentProcess::start(&b_dir, &toml, false, &[]);
    let from_a = json(&get(&a.unix(), "/v1/token/p").body);
    let from_b = json(&get(&b.unix(), "/v1/token/p").body);
    assert_eq!(from_a["access_token"], from_b["access_token"]);
    assert_eq!(server.request_count("shared"), 1, "the second agent took the first one's token from the store");
    let metrics = get(&b.unix(), "/metrics").body;
    assert!(metrics.contains(r#"ooauthcc_store_hits_total{profile="p"} 1"#), "{metrics}");
}
