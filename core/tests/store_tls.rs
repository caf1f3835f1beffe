//! The token store over TLS (`rediss://`): a real `redis-server` listening
//! with TLS on 127.0.0.1, under the test PKI of `fixtures/tls`, asking for
//! client certificates. Tokens are shared only when the server's certificate
//! checks out and the client presents its own; anything else is a store error
//! (a warning, `store_errors`) and the process fetches alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::PathBuf;
use std::time::Duration;

use ooauthcc_core::testing::{AuthServer, ClientRegistration, RedisCluster, RedisSentinel, RedisServer};
use ooauthcc_core::{Client, ClientConfig, ErrorKind};

use common::{SECRET, unique_id};

fn tls_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls")
}

/// A client of `server` sharing through `url`. Each call gets its own
/// in-process cache entry (a `refresh_skew` of its own: lifecycle settings
/// are not part of the store's key), so a second client looks in Redis.
fn client(server: &AuthServer, id: &str, url: &str, nth: u64, tls: impl Fn(ClientConfig) -> ClientConfig) -> Client {
    let cfg = ClientConfig::new(server.token_url(), id, SECRET)
        .with_store_url(url)
        .with_store_timeout(Duration::from_secs(2))
        .with_refresh_skew(Duration::from_secs(60) + Duration::from_millis(nth));
    Client::new(tls(cfg)).unwrap()
}

fn trusted(cfg: ClientConfig) -> ClientConfig {
    let dir = tls_dir();
    cfg.with_store_ca_bundle_file(dir.join("ca.pem"))
        .with_store_client_cert_file(dir.join("client.pem"))
        .with_store_client_key_file(dir.join("client.key.pem"))
}

/// The bundled server with a client registered for the test `name`.
fn registered(name: &str) -> (AuthServer, String) {
    let id = unique_id(name);
    let server = AuthServer::start().unwrap();
    server.register_client(ClientRegistration::new(&id, SECRET));
    (server, id)
}

/// Two clients configured by `tls` share one token request through `url`:
/// the second takes the first one's token from Redis.
fn two_clients_share_one_request(
    server: &AuthServer,
    id: &str,
    url: &str,
    tls: impl Fn(ClientConfig) -> ClientConfig + Copy,
) {
    let first = client(server, id, url, 1, tls);
    let token = first.get_token_blocking().unwrap();
    assert_eq!(first.stats().store_errors, 0, "{:?}", first.stats());
    assert_eq!(server.request_count(id), 1);
    let second = client(server, id, url, 2, tls);
    assert_eq!(second.get_token_blocking().unwrap().access_token(), token.access_token());
    assert_eq!(second.stats().store_hits, 1, "{:?}", second.stats());
    assert_eq!(second.stats().store_errors, 0);
    assert_eq!(server.request_count(id), 1);
}

#[test]
fn tokens_are_shared_over_tls_with_a_private_ca_and_a_client_certificate() {
    let redis = RedisServer::start_tls(&tls_dir(), true).unwrap();
    let (server, id) = registered("tls-store");
    two_clients_share_one_request(&server, &id, &redis.tls_url().unwrap(), trusted);
}

/// Two clients share one request through the TLS store at `url` (trusting
/// the private CA), and one without the CA fails the store and fetches alone.
fn shares_over_tls_only_with_the_ca(url: &str, name: &str) {
    let (server, id) = registered(name);
    two_clients_share_one_request(&server, &id, url, |cfg| cfg.with_store_ca_bundle_file(tls_dir().join("ca.pem")));
    let untrusted = client(&server, &id, url, 3, |cfg| cfg);
    assert!(server.is_valid_token(untrusted.get_token_blocking().unwrap().access_token()));
    assert!(untrusted.stats().store_errors >= 1, "{:?}", untrusted.stats());
    assert_eq!(server.request_count(&id), 2);
}

/// Whether `node` holds a stored token.
fn holds_a_token(node: &RedisServer) -> bool {
    String::from_utf8_lossy(&node.command(&["KEYS", "ooauthcc:*:token"]).unwrap()).contains(":token")
}

#[test]
fn tokens_are_shared_through_a_sentinel_over_tls() {
    let sentinel = RedisSentinel::start_tls(&tls_dir()).unwrap();
    shares_over_tls_only_with_the_ca(&sentinel.tls_url().unwrap(), "tls-sentinel");
    assert!(holds_a_token(sentinel.master()), "the token is on the master the Sentinel named");
}

#[test]
fn tokens_are_shared_through_a_redis_cluster_over_tls() {
    let cluster = RedisCluster::start_tls(3, &tls_dir()).unwrap();
    shares_over_tls_only_with_the_ca(&cluster.tls_url().unwrap(), "tls-cluster");
    assert_eq!(cluster.nodes().iter().filter(|n| holds_a_token(n)).count(), 1, "the token is on one node");
}

#[test]
fn an_untrusted_server_certificate_or_a_missing_client_certificate_is_a_store_error() {
    let redis = RedisServer::start_tls(&tls_dir(), true).unwrap();
    let url = redis.tls_url().unwrap();
    let (server, id) = registered("tls-refused");
    // Seed Redis through a trusted client, so a store that worked would answer.
    client(&server, &id, &url, 1, trusted).get_token_blocking().unwrap();
    assert_eq!(server.request_count(&id), 1);

    let cases: [(&str, &dyn Fn(ClientConfig) -> ClientConfig); 2] = [
        // The system's trust anchors do not know the test CA.
        ("system roots only", &|cfg: ClientConfig| {
            cfg.with_store_client_cert_file(tls_dir().join("client.pem"))
                .with_store_client_key_file(tls_dir().join("client.key.pem"))
        }),
        // The server asks for a client certificate and gets none.
        ("no client certificate", &|cfg: ClientConfig| cfg.with_store_ca_bundle_file(tls_dir().join("ca.pem"))),
    ];
    for (n, (case, tls)) in cases.iter().enumerate() {
        let c = client(&server, &id, &url, 10 + n as u64, tls);
        let token = c.get_token_blocking().unwrap();
        assert!(server.is_valid_token(token.access_token()), "{case}");
        let stats = c.stats();
        assert!(stats.store_errors >= 1, "{case}: {stats:?}");
        assert_eq!(stats.store_hits, 0, "{case}: {stats:?}");
        assert_eq!(server.request_count(&id), 2 + n as u64, "{case}: fetched alone");
    }
}

#[test]
fn store_tls_settings_are_checked_when_the_client_is_built() {
    let dir = tls_dir();
    let base = || ClientConfig::new("https://idp.example.com/token", "id", "secret");
    let expect = |cfg: ClientConfig, setting: &str| {
        let err = Client::new(cfg).expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::Config, "{err}");
        assert!(err.message().contains(setting), "{setting}: {err}");
    };
    // TLS files with a URL that is not TLS.
    expect(base().with_store_url("redis://127.0.0.1/0").with_store_ca_bundle_file(dir.join("ca.pem")), "store_url");
    // Half a client identity.
    expect(
        base().with_store_url("rediss://127.0.0.1/0").with_store_client_cert_file(dir.join("client.pem")),
        "store_client_key_file",
    );
    // A file that is not there, and one that is not what it should be.
    expect(
        base().with_store_url("rediss://127.0.0.1/0").with_store_ca_bundle_file(dir.join("missing.pem")),
        "store_ca_bundle_file",
    );
    expect(
        base()
            .with_store_url("rediss://127.0.0.1/0")
            .with_store_client_cert_file(dir.join("client.pem"))
            .with_store_client_key_file(dir.join("ca.pem")),
        "store_client_cert_file",
    );
    // And a well-formed TLS configuration is accepted without connecting.
    Client::new(trusted(base().with_store_url("rediss://127.0.0.1:1/0"))).unwrap();
    Client::new(base().with_store_url("rediss+cluster://127.0.0.1:1,127.0.0.1:2")).unwrap();
    Client::new(trusted(base().with_store_url("rediss+sentinel://127.0.0.1:1,127.0.0.1:2/service/1"))).unwrap();
}

#[test]
fn the_store_key_never_shows_in_debug_or_errors() {
    let dir = tls_dir();
    let key = std::fs::read_to_string(dir.join("client.key.pem")).unwrap();
    let key_line = key.lines().nth(1).unwrap();
    let cfg = trusted(ClientConfig::new("https://idp.example.com/token", "id", "secret"))
        .with_store_url("rediss://127.0.0.1/0");
    let client = Client::new(cfg.clone()).unwrap();
    for text in [format!("{cfg:?}"), format!("{client:?}")] {
        assert!(!text.contains(key_line), "{text}");
    }
    let err = Client::new(cfg.with_store_client_cert_file(dir.join("ca.key.pem"))).err().unwrap();
    assert!(!err.to_string().contains(key_line), "{err}");
}
