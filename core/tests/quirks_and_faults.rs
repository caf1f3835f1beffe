//! Every quirk the bundled server can show yields a correct token; every fault
//! yields the right typed error within the caller's deadline — no hang, no panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant, SystemTime};

use ooauthcc_core::testing::{AuthServer, Fault, Quirk};
use ooauthcc_core::{Client, ClientConfig, ErrorKind};

use common::{config, server_for, unique_id};

#[test]
fn every_quirk_yields_a_correct_token() {
    let quirks = [
        (Quirk::None, ""),
        (Quirk::StringExpiresIn, ""),
        (Quirk::MissingExpiresIn, ""),
        (Quirk::NestedToken, "data"),
        (Quirk::FormEncoded, ""),
        (Quirk::UppercaseBearer, ""),
        (Quirk::MissingTokenType, ""),
        (Quirk::JwtAccessToken, ""),
        (Quirk::ExtraFields, ""),
    ];
    for (quirk, path) in quirks {
        let id = unique_id("quirk");
        let server = server_for(&id);
        server.set_token_lifetime(Duration::from_secs(600));
        server.set_quirk(quirk);
        let client =
            Client::new(config(&server, &id).with_token_path(path).with_default_lifetime(Duration::from_secs(120)))
                .unwrap();
        let t = client.get_token_blocking().unwrap_or_else(|e| panic!("{quirk:?}: {e}"));
        assert!(server.is_valid_token(t.access_token()), "{quirk:?}");
        assert_eq!(t.token_type(), "Bearer", "{quirk:?}");
        let expected = if quirk == Quirk::MissingExpiresIn { 120 } else { 600 };
        let life = t.lifetime().as_secs();
        assert!(life.abs_diff(expected) <= 1, "{quirk:?}: lifetime {life}");
        let left = t.expires_at().duration_since(SystemTime::now()).unwrap().as_secs();
        assert!(left.abs_diff(expected) <= 2, "{quirk:?}: expires in {left}");
        if quirk == Quirk::ExtraFields {
            assert_eq!(t.extra("ext_tenant").and_then(|v| v.as_str()), Some("t-1"));
            assert_eq!(t.extra("ext_number").and_then(|v| v.as_i64()), Some(42));
        }
    }
}

/// Runs one fault with a 4 s caller deadline; returns (error, elapsed, requests).
fn fault_case(fault: Fault, tweak: impl Fn(ClientConfig) -> ClientConfig) -> (ooauthcc_core::Error, Duration, u64) {
    let id = unique_id("fault");
    let server = server_for(&id);
    server.set_fault(Some(fault.clone()));
    let client =
        Client::new(tweak(config(&server, &id).with_max_retries(1).with_request_timeout(Duration::from_secs(1))))
            .unwrap();
    let deadline = Duration::from_secs(4);
    let start = Instant::now();
    let err = client.get_token_blocking_with_timeout(deadline).expect_err("the fault must surface as an error");
    let elapsed = start.elapsed();
    assert!(elapsed < deadline + Duration::from_millis(500), "{fault:?} took {elapsed:?}");
    assert!(!err.message().is_empty());
    (err, elapsed, server.request_count(&id))
}

#[test]
fn server_errors_are_retried_then_reported_with_their_status() {
    for status in [500u16, 502, 503, 504] {
        let (e, _, n) = fault_case(Fault::Status(status), |c| c);
        assert_eq!((e.kind(), e.http_status()), (ErrorKind::HttpStatus, Some(status)), "{e}");
        assert!(e.is_retryable());
        assert_eq!(n, 2, "HTTP {status}: one try and one retry");
    }
}

#[test]
fn retry_after_is_honoured_in_both_forms() {
    let (e, elapsed, n) = fault_case(Fault::TooManyRequests { retry_after: Some("1".into()) }, |c| c);
    assert_eq!(
        (e.kind(), e.http_status(), e.retry_after()),
        (ErrorKind::HttpStatus, Some(429), Some(Duration::from_secs(1)))
    );
    assert_eq!(n, 2);
    assert!(elapsed >= Duration::from_secs(1), "the retry waited for Retry-After: {elapsed:?}");

    let date = httpdate_in(Duration::from_secs(1));
    let (e, elapsed, n) = fault_case(Fault::ServiceUnavailableRetryAfter(date), |c| c);
    assert_eq!((e.kind(), e.http_status()), (ErrorKind::HttpStatus, Some(503)));
    assert_eq!(n, 2);
    assert!(elapsed >= Duration::from_millis(900), "the retry waited for the HTTP-date: {elapsed:?}");

    // A server asking for more than retry_max_delay is not retried at once.
    let (e, _, n) = fault_case(Fault::TooManyRequests { retry_after: Some("3600".into()) }, |c| c);
    assert_eq!((e.http_status(), n), (Some(429), 1));

    let (e, _, n) = fault_case(Fault::TooManyRequests { retry_after: None }, |c| c);
    assert_eq!((e.http_status(), n), (Some(429), 2));
}

fn httpdate_in(d: Duration) -> String {
    // HTTP-dates have whole seconds: round up so the wait is at least `d`.
    httpdate::fmt_http_date(SystemTime::now() + d + Duration::from_millis(999))
}

#[test]
fn slow_server_hits_the_request_timeout() {
    let (e, _, n) = fault_case(Fault::Slow(Duration::from_secs(30)), |c| c);
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert_eq!(n, 2, "a timeout is transient: retried once");
    let (e, _, _) = fault_case(Fault::SlowBody(Duration::from_millis(500)), |c| c);
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
}

#[test]
fn caller_deadline_shorter_than_the_fetch() {
    let (e, elapsed, _) =
        fault_case(Fault::Slow(Duration::from_secs(30)), |c| c.with_request_timeout(Duration::from_secs(20)));
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.message().contains("still in progress"), "{e}");
    assert!(elapsed >= Duration::from_secs(4));
}

#[test]
fn broken_bodies_are_malformed_responses() {
    for fault in [Fault::NonJson, Fault::EmptyBody, Fault::InvalidUtf8, Fault::DeeplyNested, Fault::Oversized] {
        let (e, _, n) = fault_case(fault.clone(), |c| c);
        assert_eq!(e.kind(), ErrorKind::MalformedResponse, "{fault:?}: {e}");
        assert_eq!(n, 1, "{fault:?}: an unusable answer is not retried");
    }
    let (e, _, _) = fault_case(Fault::Oversized, |c| c);
    assert!(e.message().contains("larger than"), "{e}");
}

#[test]
fn connection_closed_mid_body_is_a_transport_error() {
    let (e, _, n) = fault_case(Fault::CloseMidBody, |c| c);
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert_eq!(n, 2);
}

#[test]
fn oauth_errors_are_typed_and_not_retried() {
    let (e, _, n) = fault_case(Fault::ErrorIn200, |c| c);
    assert_eq!((e.kind(), e.oauth_error(), e.http_status()), (ErrorKind::OAuth, Some("invalid_request"), Some(200)));
    assert_eq!(n, 1);
    let fault = Fault::OAuthError {
        status: 400,
        error: "invalid_scope".into(),
        description: Some("scope x is unknown".into()),
        uri: Some("https://idp.example.com/errors/scope".into()),
    };
    let (e, _, n) = fault_case(fault, |c| c);
    let o = e.oauth().unwrap();
    assert_eq!((o.error.as_str(), o.error_description.as_deref()), ("invalid_scope", Some("scope x is unknown")));
    assert_eq!(o.error_uri.as_deref(), Some("https://idp.example.com/errors/scope"));
    assert_eq!((e.http_status(), n), (Some(400), 1));
}

#[test]
fn redirects_are_never_followed() {
    let elsewhere = AuthServer::start().unwrap();
    let (e, _, n) = fault_case(Fault::Redirect(elsewhere.token_url()), |c| c);
    assert_eq!((e.kind(), e.http_status(), n), (ErrorKind::HttpStatus, Some(302), 1));
    assert_eq!(elsewhere.total_requests(), 0, "credentials were sent to the redirect target");
}

#[test]
fn connection_refused_is_a_transport_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = Client::new(
        ClientConfig::new(format!("http://127.0.0.1:{port}/token"), unique_id("refused"), "s")
            .with_max_retries(1)
            .with_retry_base_delay(Duration::from_millis(10)),
    )
    .unwrap();
    let e = client.get_token_blocking_with_timeout(Duration::from_secs(5)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert!(e.message().contains("cannot connect"), "{e}");
    assert_eq!(client.stats().token_requests, 2);
}

#[test]
fn a_transient_fault_that_clears_is_absorbed_by_retries() {
    let id = unique_id("recover");
    let server = server_for(&id);
    server.set_fault_times(Fault::Status(503), 2);
    let client = Client::new(config(&server, &id)).unwrap();
    let t = client.get_token_blocking().unwrap();
    assert!(server.is_valid_token(t.access_token()));
    assert_eq!(server.request_count(&id), 3);
    assert_eq!(client.stats().failures, 0);
}

#[test]
fn a_pooled_connection_closed_by_the_server_never_reaches_the_caller() {
    let id = unique_id("idle-close");
    let server = server_for(&id);
    server.set_idle_close(Some(Duration::from_millis(100)));
    let client = Client::new(config(&server, &id)).unwrap();
    for _ in 0..3 {
        let t = client.get_token_blocking().unwrap();
        assert!(client.invalidate(t.access_token()));
        // Long enough for the server to drop the idle pooled connection.
        std::thread::sleep(Duration::from_millis(300));
    }
    let stats = client.stats();
    assert_eq!(stats.failures, 0, "{stats:?}");
    assert_eq!(server.request_count(&id), 3, "each fetch was one request: no retry was needed either");
}
