//! A secret or a token never appears in a log line (any level, any crate), an
//! error message, or the `Debug`/`Display` of anything we hand out. (That they
//! are wiped from memory when dropped is checked by `zeroize_on_drop.rs`, which
//! needs a binary of its own for its inspecting global allocator.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ooauthcc_core::testing::{AcceptedAuth, ClientRegistration, Fault};
use ooauthcc_core::{AuthMethod, Client, ClientConfig};

use common::{SECRET, config, server_for, unique_id};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The password in `store_url`: like a secret, never printed.
const STORE_PASSWORD: &str = "store-password-that-must-never-leak";

/// The shared store's paths: a store that refuses the password, an unreachable
/// one, a URL that does not parse, and a real one sharing a token and a refusal.
#[cfg(feature = "redis")]
fn store_paths(server: &ooauthcc_core::testing::AuthServer, note: &mut impl FnMut(String)) {
    use ooauthcc_core::testing::RedisServer;
    let redis = RedisServer::start().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let urls = [
        // redis-server has no password here: AUTH is refused, the fetch goes on without the store.
        format!("redis://:{STORE_PASSWORD}@127.0.0.1:{}/0", redis.port()),
        format!("redis://:{STORE_PASSWORD}@127.0.0.1:{closed}/0"),
        redis.url(),
    ];
    for url in urls {
        let id = unique_id("hygiene-store");
        server.register_client(ClientRegistration::new(id.clone(), SECRET));
        let cfg = config(server, &id).with_store_url(url).with_store_timeout(Duration::from_millis(300));
        note(format!("{cfg:?}"));
        let client = Client::new(cfg).unwrap();
        let token = client.get_token_blocking().unwrap();
        note(format!("{client:?} {token:?} {:?}", client.stats()));
        let mut wrong = config(server, &id).with_store_url(redis.url());
        wrong.client_secret = Some(format!("{SECRET}-wrong").into());
        let e = Client::new(wrong).unwrap().get_token_blocking().unwrap_err();
        note(format!("{e} {e:?}"));
    }
    let bad =
        ClientConfig::new(server.token_url(), "x", SECRET).with_store_url(format!("redis://:{STORE_PASSWORD}@[bad"));
    note(format!("{}", Client::new(bad).unwrap_err()));
}

#[test]
fn no_secret_or_token_in_logs_errors_or_debug_output() {
    let logs = Capture::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let id = unique_id("hygiene");
    let server = server_for(&id);
    let post_id = unique_id("hygiene-post");
    server.register_client(ClientRegistration::new(post_id.clone(), SECRET).with_auth(AcceptedAuth::Post));
    let mut out = String::new();
    let mut note = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };

    // Success paths, with every Debug/Display we hand out.
    let cfg = config(&server, &id).with_extra_header("x-api-key", SECRET).with_cookie("c", "cookie-secret-value");
    note(format!("{cfg:?}"));
    let client = Client::new(cfg).unwrap();
    let token = client.get_token_blocking().unwrap();
    note(format!("{client:?} {token:?} {:?}", client.stats()));
    let auto =
        Client::new(ClientConfig::new(server.token_url(), post_id, SECRET).with_auth_method(AuthMethod::Auto)).unwrap();
    note(format!("{:?}", auto.get_token_blocking().unwrap()));

    // Every error path: rejected secret, faults, timeouts, bad config.
    let mut wrong = config(&server, &id);
    wrong.client_secret = Some(format!("{SECRET}-wrong").into());
    let e = Client::new(wrong).unwrap().get_token_blocking().unwrap_err();
    note(format!("{e} {e:?}"));
    for fault in [
        Fault::Status(503),
        Fault::NonJson,
        Fault::Oversized,
        Fault::CloseMidBody,
        Fault::ErrorIn200,
        Fault::Redirect(format!("{}?leak={SECRET}", server.token_url())),
        Fault::Slow(Duration::from_secs(5)),
    ] {
        server.set_fault(Some(fault));
        let c = Client::new(
            config(&server, &unique_id("hygiene-f"))
                .with_max_retries(1)
                .with_request_timeout(Duration::from_millis(300)),
        )
        .unwrap();
        let e = c.get_token_blocking_with_timeout(Duration::from_secs(3)).unwrap_err();
        note(format!("{e} {e:?}"));
    }
    server.set_fault(None);
    let bad = ClientConfig::new("http://idp.example.com/token", "x", SECRET);
    note(format!("{}", Client::new(bad).unwrap_err()));
    let json = format!(r#"{{"client_id":"x","client_secret":"{SECRET}","bogus":1}}"#);
    note(format!("{}", ClientConfig::from_json(&json).unwrap_err()));
    #[cfg(feature = "redis")]
    store_paths(&server, &mut note);
    std::thread::sleep(Duration::from_millis(100)); // let the runtime's last log lines land

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("token request"), "the capture must hold our TRACE/DEBUG events:\n{logs}");
    #[cfg(feature = "redis")]
    assert!(logs.contains("token store unavailable"), "the store's failure paths were logged:\n{logs}");
    let mut needles: Vec<String> = server.issued_tokens();
    assert!(needles.len() >= 2);
    needles.push(SECRET.to_owned());
    needles.push("cookie-secret-value".to_owned());
    needles.push(STORE_PASSWORD.to_owned());
    for needle in &needles {
        assert!(!logs.contains(needle.as_str()), "log output leaks {needle}");
        assert!(!out.contains(needle.as_str()), "debug/error output leaks {needle}:\n{out}");
    }
}
