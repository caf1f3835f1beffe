//! Keeps RELIABILITY.md true: every row of its table is provoked here and the
//! outcome compared with the row.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant, SystemTime};

use ooauthcc_core::testing::{AuthServer, ClientRegistration, Fault, ServerTls};
use ooauthcc_core::{Client, ClientConfig};

use common::{SECRET, unique_id};

struct Row {
    fault: String,
    kind: String,
    status: Option<u16>,
    requests: u64,
    within: Duration,
}

fn rows() -> Vec<Row> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../RELIABILITY.md")).unwrap();
    text.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| fault") && !l.starts_with("|---"))
        .map(|l| {
            let c: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            Row {
                fault: c[0].to_owned(),
                kind: c[1].to_owned(),
                status: c[2].parse().ok(),
                requests: c[3].parse().unwrap(),
                within: Duration::from_secs_f64(c[4].parse().unwrap()),
            }
        })
        .collect()
}

fn tls_fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/tls/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// A server, the URL to use, and the fault to set, for one row.
fn scenario(fault: &str, redirect_target: &AuthServer) -> (AuthServer, Option<String>, Option<Fault>) {
    let plain = || AuthServer::start().unwrap();
    let f = match fault {
        "connection refused" => {
            let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            return (plain(), Some(format!("http://127.0.0.1:{port}/token")), None);
        }
        "TLS: untrusted server certificate" => {
            let tls = ServerTls {
                cert_chain_pem: tls_fixture("server.pem"),
                key_pem: tls_fixture("server.key.pem"),
                client_ca_pem: None,
            };
            return (AuthServer::start_tls(tls).unwrap(), None, None);
        }
        "connection closed mid-body" => Fault::CloseMidBody,
        "slow response (30 s)" => Fault::Slow(Duration::from_secs(30)),
        "slowloris body (1 byte / 0.5 s)" => Fault::SlowBody(Duration::from_millis(500)),
        "HTTP 500" => Fault::Status(500),
        "HTTP 502" => Fault::Status(502),
        "HTTP 503" => Fault::Status(503),
        "HTTP 504" => Fault::Status(504),
        "HTTP 429 without Retry-After" => Fault::TooManyRequests { retry_after: None },
        "HTTP 429, Retry-After: 1" => Fault::TooManyRequests { retry_after: Some("1".into()) },
        "HTTP 503, Retry-After: HTTP-date 1 s ahead" => Fault::ServiceUnavailableRetryAfter(httpdate::fmt_http_date(
            SystemTime::now() + Duration::from_millis(1999),
        )),
        "HTTP 429, Retry-After: 3600 (beyond retry_max_delay)" => {
            Fault::TooManyRequests { retry_after: Some("3600".into()) }
        }
        "oversized body (2 MiB)" => Fault::Oversized,
        "invalid UTF-8 body" => Fault::InvalidUtf8,
        "deeply nested JSON (100,000 `[`)" => Fault::DeeplyNested,
        "200 with empty body" => Fault::EmptyBody,
        "200 with HTML body" => Fault::NonJson,
        "200 carrying an OAuth error" => Fault::ErrorIn200,
        "302 redirect to another loopback port" => Fault::Redirect(redirect_target.token_url()),
        "401 invalid_client (wrong secret)" => return (plain(), None, None),
        other => panic!("RELIABILITY.md names a fault this test does not know: {other}"),
    };
    (plain(), None, Some(f))
}

#[test]
fn reliability_table_holds() {
    let rows = rows();
    assert!(rows.len() >= 20, "the table was not read: {} rows", rows.len());
    let redirect_target = AuthServer::start().unwrap();
    for row in rows {
        let (server, url, fault) = scenario(&row.fault, &redirect_target);
        let id = unique_id("matrix");
        server.register_client(ClientRegistration::new(id.clone(), SECRET));
        server.set_fault(fault);
        let secret = if row.fault.starts_with("401") { "wrong" } else { SECRET };
        let config = ClientConfig::new(url.unwrap_or_else(|| server.token_url()), id.clone(), secret)
            .with_max_retries(1)
            .with_retry_base_delay(Duration::from_millis(20))
            .with_retry_max_delay(Duration::from_secs(2))
            .with_request_timeout(Duration::from_secs(1));
        let client = Client::new(config).unwrap();
        let start = Instant::now();
        let e = client.get_token_blocking_with_timeout(Duration::from_secs(4)).expect_err(&row.fault);
        let elapsed = start.elapsed();
        let what = format!("{}: got {} ({e}) after {elapsed:?}", row.fault, e.kind().name());
        assert_eq!(e.kind().name(), row.kind, "{what}");
        assert_eq!(e.http_status(), row.status, "{what}");
        assert_eq!(client.stats().token_requests, row.requests, "{what}");
        assert!(elapsed <= row.within, "{what}: slower than the table's {:?}", row.within);
        if row.fault.starts_with("302") {
            assert_eq!(redirect_target.total_requests(), 0, "a redirect was followed");
        }
    }
}
