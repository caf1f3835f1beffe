//! The Redis token store: OS processes sharing one token and one token request
//! per renewal, a dead lock holder taken over, a Redis outage survived, and a
//! store that reveals nothing and accepts nothing it did not seal.
//!
//! Real processes (this test binary re-run as a child: see `child_process`), a
//! real `redis-server` and the bundled authorization server, all on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Child;
use std::time::{Duration, Instant, SystemTime};

use ooauthcc_core::testing::{AuthServer, ClientRegistration, RedisCluster, RedisSentinel, RedisServer};
use ooauthcc_core::{Client, ClientConfig, ErrorKind};

use common::fleet::{
    self, ChildReport, assert_never_expired, config, issue_times_ms, registered_server, report, small_fleet_shares,
    spawn_child, spawn_child_at, unix_ms,
};
use common::{SECRET, unique_id};

/// This test binary, re-run as one process of a fleet (`common::fleet`).
#[test]
fn child_process() {
    fleet::child_main();
}

#[test]
fn a_fleet_of_processes_makes_one_request_per_renewal() {
    let secs: f64 = std::env::var("OOAUTHCC_FLEET_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(30.0);
    let (processes, threads) = (8, 16);
    let lifetime = Duration::from_secs(3);
    let id = unique_id("fleet");
    let server = registered_server(&id, lifetime);
    let redis = RedisServer::start().unwrap();
    let children: Vec<Child> = (0..processes).map(|_| spawn_child(&server, &id, &redis.url(), threads, secs)).collect();
    let reports: Vec<ChildReport> = children.into_iter().map(report).collect();

    for r in &reports {
        assert!(r.errors.is_empty(), "callers got errors: {:?}", r.errors);
        assert_eq!(r.store_errors, 0);
    }
    assert_never_expired(&server, &reports);
    // A 3 s token is usable for 1.5 s (the skew is capped at half the lifetime)
    // and renewed at 75–85 % of that: a renewal every ≥ 1.1 s. Two requests
    // closer than that would be two processes renewing the same token.
    let issued = issue_times_ms(&server, lifetime);
    let gaps: Vec<u64> = issued.windows(2).map(|w| w[1] - w[0]).collect();
    let requests = server.request_count(&id);
    let shared: u64 = reports.iter().map(|r| r.store_hits).sum();
    println!(
        "{processes} processes x {threads} threads, {secs} s, {lifetime:?} tokens: {requests} token requests, \
         smallest gap {:?} ms, {shared} tokens taken from Redis",
        gaps.iter().min()
    );
    assert!(gaps.iter().all(|g| *g >= 900), "two requests for one renewal: gaps {gaps:?} ms");
    assert!(requests as f64 <= secs / 1.1 + 2.0, "{requests} requests in {secs} s");
    assert!(requests >= 2, "tokens were renewed");
    assert!(shared >= (processes as u64 - 1) * (requests - 1), "processes took renewed tokens from Redis");
}

#[test]
fn processes_share_through_redis_sentinel() {
    let id = unique_id("sentinel");
    let server = registered_server(&id, Duration::from_secs(3));
    let sentinel = RedisSentinel::start().unwrap();
    small_fleet_shares("Redis Sentinel", &server, &id, &sentinel.url());
    assert_eq!(store_keys(sentinel.master()).len(), 1, "the token is on the master the Sentinel names");
}

/// A Sentinel failover (master killed, replica promoted) is followed without
/// a restart: the token stored before it is read from the new master after it.
#[test]
fn a_sentinel_failover_is_followed() {
    let id = unique_id("failover");
    let server = registered_server(&id, Duration::from_secs(3600));
    let mut sentinel = RedisSentinel::start_with_replica().unwrap();
    let url = sentinel.url();
    // Each client its own in-process entry (lifecycle settings are not part of
    // the store's key), so each one looks in Redis.
    let client = |nth: u64| {
        let cfg = config(&server.token_url(), &id, &url)
            .with_refresh_skew(Duration::from_secs(60) + Duration::from_millis(nth));
        Client::new(cfg).unwrap()
    };
    let first = client(1);
    let token = first.get_token_blocking().unwrap();
    assert_eq!(first.stats().store_errors, 0);
    // Replication is asynchronous: the lock's SET may have reached the replica
    // before the script that stored the token.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !store_keys(sentinel.replica().unwrap()).iter().any(|k| k.ends_with(":token")) {
        assert!(Instant::now() < deadline, "the token did not reach the replica");
        std::thread::sleep(Duration::from_millis(20));
    }

    let started = Instant::now();
    sentinel.fail_over().unwrap();
    println!("failover took {:?}", started.elapsed());
    // The shared connection still points at the dead master: the next client
    // may pay one store error (and fetch alone) while it reconnects through
    // the Sentinel; never a caller's error.
    let during = client(2);
    assert!(server.is_valid_token(during.get_token_blocking().unwrap().access_token()));
    let after = client(3);
    assert_eq!(after.get_token_blocking().unwrap().access_token(), token.access_token());
    assert_eq!(after.stats().store_hits, 1, "{:?}", after.stats());
    assert_eq!(after.stats().store_errors, 0, "{:?}", after.stats());
    assert!(server.request_count(&id) <= 2);
}

#[test]
fn processes_share_through_a_redis_cluster() {
    let id = unique_id("cluster");
    let server = registered_server(&id, Duration::from_secs(3));
    let cluster = RedisCluster::start(3).unwrap();
    small_fleet_shares("Redis Cluster", &server, &id, &cluster.url());
    // Token and lock live on one node (the hash tag), and no node shows the client id.
    let holders: Vec<Vec<String>> = cluster.nodes().iter().map(store_keys).collect();
    assert_eq!(holders.iter().filter(|k| !k.is_empty()).count(), 1, "{holders:?}");
    assert!(!holders.concat().concat().contains("cluster-"));
}

#[test]
fn a_refused_credential_costs_the_fleet_one_fetch() {
    let id = unique_id("refused");
    let server = AuthServer::start().unwrap();
    server.register_client(ClientRegistration::new(&id, "the-right-secret")); // the children send SECRET
    let redis = RedisServer::start().unwrap();
    let start_at = unix_ms(SystemTime::now()) + 2_000;
    let children: Vec<Child> =
        (0..8).map(|_| spawn_child_at(&server, &id, &redis.url(), 4, 0.0, Some(start_at))).collect();
    let reports: Vec<ChildReport> = children.into_iter().map(report).collect();
    for r in &reports {
        assert!(r.tokens.is_empty());
        assert_eq!(r.errors.len(), 4, "{:?}", r.errors);
        assert!(r.errors.iter().all(|e| e.starts_with("OAuth") && e.contains("invalid_client")), "{:?}", r.errors);
    }
    // One process asked; the seven others took its refusal from Redis.
    assert_eq!(server.request_count(&id), common::REFUSED_FETCH_REQUESTS);
    let keys = store_keys(&redis);
    assert_eq!(keys.iter().filter(|k| k.ends_with(":failed")).count(), 1, "{keys:?}");
    let record = redis_get(&redis, keys.iter().find(|k| k.ends_with(":failed")).unwrap()).unwrap();
    assert!(!record.contains("invalid_client") && !record.contains(&id), "the failure record is sealed too");
}

#[test]
fn a_lock_holder_killed_mid_fetch_is_taken_over_within_the_lease() {
    let id = unique_id("kill");
    let server = registered_server(&id, Duration::from_secs(60));
    let redis = RedisServer::start().unwrap();
    server.set_latency(Duration::from_secs(30));
    let mut holder = spawn_child(&server, &id, &redis.url(), 1, 0.0);
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.request_count(&id) == 0 {
        assert!(Instant::now() < deadline, "the first process never sent its request");
        std::thread::sleep(Duration::from_millis(10));
    }
    // The holder is inside its fetch (the server sits on the request); a
    // second process now waits for it.
    let waiter = spawn_child(&server, &id, &redis.url(), 4, 0.0);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.request_count(&id), 1, "the second process waits instead of fetching");
    server.set_latency(Duration::ZERO);
    holder.kill().unwrap(); // SIGKILL: no unlock, no goodbye
    holder.wait().unwrap();
    let killed_at = Instant::now();
    let r = report(waiter);
    let took = killed_at.elapsed();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.tokens.len(), 1);
    assert!(server.is_valid_token(r.tokens.keys().next().unwrap()));
    assert_eq!(server.request_count(&id), 2);
    // Lease 1 s, polled every 250 ms, plus the process's own exit.
    assert!(took < Duration::from_secs(3), "took over after {took:?}");
    println!("took over {took:?} after the holder was killed (lease 1 s)");
}

#[test]
fn callers_keep_getting_tokens_while_redis_is_down_and_sharing_resumes() {
    let lifetime = Duration::from_secs(3);
    let id = unique_id("outage");
    let server = registered_server(&id, lifetime);
    let mut redis = RedisServer::start().unwrap();
    let run = 13.0;
    let started = unix_ms(SystemTime::now());
    let children: Vec<Child> = (0..2).map(|_| spawn_child(&server, &id, &redis.url(), 4, run)).collect();
    std::thread::sleep(Duration::from_secs(3));
    redis.stop();
    let down_at = unix_ms(SystemTime::now());
    std::thread::sleep(Duration::from_secs(4));
    redis.start_again().unwrap();
    let up_at = unix_ms(SystemTime::now());
    let reports: Vec<ChildReport> = children.into_iter().map(report).collect();

    for r in &reports {
        assert!(r.errors.is_empty(), "callers got errors: {:?}", r.errors);
    }
    assert_never_expired(&server, &reports);
    assert!(reports.iter().any(|r| r.store_errors > 0), "the outage was noticed");
    let issued = issue_times_ms(&server, lifetime);
    let during: Vec<u64> = issued.iter().copied().filter(|t| *t > down_at && *t < up_at).collect();
    // Once Redis is back (and reconnected, within a renewal), one request per renewal again.
    let after: Vec<u64> = issued.iter().copied().filter(|t| *t > up_at + 2_000).collect();
    let gaps: Vec<u64> = after.windows(2).map(|w| w[1] - w[0]).collect();
    println!(
        "requests: {} before the outage, {} during (4 s), {} after; gaps after: {gaps:?} ms",
        issued.iter().filter(|t| **t >= started && **t <= down_at).count(),
        during.len(),
        after.len()
    );
    assert!(after.len() >= 2, "tokens were renewed after the outage");
    assert!(gaps.iter().all(|g| *g >= 900), "sharing did not resume: gaps {gaps:?} ms");
}

#[test]
fn redis_holds_nothing_readable_and_rejects_values_it_did_not_seal() {
    let id = unique_id("sealed-client");
    let other = unique_id("other-client");
    let server = registered_server(&id, Duration::from_secs(3600));
    server.register_client(ClientRegistration::new(&other, "another-secret"));
    let redis = RedisServer::start().unwrap();
    let client = Client::new(config(&server.token_url(), &id, &redis.url())).unwrap();
    let token = client.get_token_blocking().unwrap();
    let mine = store_keys(&redis);
    assert_eq!(mine.len(), 1, "one token, no lock left behind: {mine:?}");
    let other_client =
        Client::new(ClientConfig::new(server.token_url(), &other, "another-secret").with_store_url(redis.url()))
            .unwrap();
    other_client.get_token_blocking().unwrap();
    let keys = store_keys(&redis);
    assert_eq!(keys.len(), 2, "{keys:?}");
    let (mine, theirs) = (mine[0].clone(), keys.iter().find(|k| **k != mine[0]).unwrap().clone());

    let mut everything = keys.join("\n");
    for k in &keys {
        everything.push_str(&redis_get(&redis, k).unwrap());
    }
    for needle in [token.access_token(), &id, &other, SECRET, "another-secret", "client"] {
        assert!(!everything.contains(needle), "Redis shows {needle:?}");
    }

    // A value sealed for the other client, moved under this client's key, and
    // values written by hand: all refused, and a real token fetched instead.
    let sealed_for_other = redis_get(&redis, &theirs).unwrap();
    let mut tampered = redis_get(&redis, &mine).unwrap();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    for forged in [
        sealed_for_other,
        tampered,
        "ooauthcc1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned(),
        "{\"access_token\":\"x\"}".to_owned(),
    ] {
        redis.command(&["SET", &mine, &forged]).unwrap();
        let before = client.stats();
        let current = client.cached_token().unwrap();
        assert!(client.invalidate(current.access_token()));
        let fresh = client.get_token_blocking().unwrap();
        assert!(server.is_valid_token(fresh.access_token()));
        assert_ne!(fresh.access_token(), current.access_token());
        let after = client.stats();
        assert!(after.store_rejected > before.store_rejected, "the forged value was rejected");
        assert_eq!(after.token_requests, before.token_requests + 1, "a real token was fetched instead");
    }
}

/// Our keys in the store.
fn store_keys(redis: &RedisServer) -> Vec<String> {
    let reply = String::from_utf8(redis.command(&["KEYS", "*"]).unwrap()).unwrap();
    let mut keys: Vec<String> = reply.lines().filter(|l| l.starts_with("ooauthcc:")).map(str::to_owned).collect();
    keys.sort();
    keys
}

#[test]
fn an_invalidated_token_is_not_taken_back_from_the_store() {
    let id = unique_id("invalidate");
    let server = registered_server(&id, Duration::from_secs(3600));
    let redis = RedisServer::start().unwrap();
    let client = Client::new(config(&server.token_url(), &id, &redis.url())).unwrap();
    let rejected = client.get_token_blocking().unwrap();
    // A resource server said 401: the token in Redis is that same token, still
    // "fresh" by its expiry, and must not come back.
    assert!(client.invalidate(rejected.access_token()));
    let fresh = client.get_token_blocking().unwrap();
    assert_ne!(fresh.access_token(), rejected.access_token());
    assert_eq!(server.request_count(&id), 2);
    // The new token replaced it in Redis: another process gets the new one.
    let keys = store_keys(&redis);
    assert_eq!(keys.len(), 1, "{keys:?}");
    let other = spawn_child(&server, &id, &redis.url(), 1, 0.0);
    let r = report(other);
    assert_eq!(r.tokens.keys().collect::<Vec<_>>(), vec![fresh.access_token()]);
    assert_eq!(server.request_count(&id), 2);
}

fn redis_get(redis: &RedisServer, key: &str) -> Option<String> {
    let reply = String::from_utf8(redis.command(&["GET", key]).unwrap()).unwrap();
    reply.lines().nth(1).map(str::to_owned)
}

#[test]
fn an_unreachable_store_costs_a_warning_not_a_token() {
    let id = unique_id("no-redis");
    let server = registered_server(&id, Duration::from_secs(3600));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = Client::new(
        config(&server.token_url(), &id, &format!("redis://127.0.0.1:{closed}/0"))
            .with_store_timeout(Duration::from_millis(200)),
    )
    .unwrap();
    let start = Instant::now();
    let token = client.get_token_blocking().unwrap();
    assert!(server.is_valid_token(token.access_token()));
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
    assert!(client.stats().store_errors >= 1);
    assert_eq!(client.stats().token_requests, 1);
}

#[test]
fn store_settings_are_checked_and_the_url_never_printed() {
    let base = || ClientConfig::new("https://idp.example.com/token", "id", "secret");
    let err = Client::new(base().with_store_url("http://127.0.0.1:6379")).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.message().contains("store_url"), "{err}");
    let err = Client::new(
        base().with_store_url("redis://:hunter2@127.0.0.1/0").with_store_lock_lease(Duration::from_secs(30)),
    )
    .err()
    .unwrap();
    assert!(err.message().contains("store_lock_lease"), "{err}");
    let mut public = base().with_auth_method(ooauthcc_core::AuthMethod::None).with_store_url("redis://127.0.0.1/0");
    public.client_secret = None;
    let err = Client::new(public).err().unwrap();
    assert!(err.message().contains("credential"), "{err}");
    let cfg = base().with_store_url("redis://:hunter2@127.0.0.1/0");
    assert!(!format!("{cfg:?}").contains("hunter2"));
    let err = Client::new(base().with_store_url("redis://:hunter2@[bad")).err().unwrap();
    assert!(!err.to_string().contains("hunter2"), "{err}");
}
