//! Dynamic client registration (RFC 7591) at the bundled test authorization
//! server (`ooauthcc_core::testing`), driven over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ooauthcc_core::testing::{AuthServer, ClientRegistration as Reg};
use reqwest::Client;
use serde_json::{Value, json};

use common::got::Got;

fn http() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A registration request (`auth`: an Authorization header, "" for none).
async fn register(server: &AuthServer, auth: &str, content_type: &str, body: &str) -> Got {
    let mut req = http().post(server.registration_url()).body(body.to_owned());
    if !content_type.is_empty() {
        req = req.header("content-type", content_type);
    }
    if !auth.is_empty() {
        req = req.header("authorization", auth);
    }
    Got::read(req.send().await.unwrap()).await
}

async fn register_json(server: &AuthServer, auth: &str, metadata: &Value) -> Got {
    register(server, auth, "application/json", &metadata.to_string()).await
}

/// A client_credentials token request with Basic (`post` false) or the
/// credentials in the body (`post` true).
async fn token(server: &AuthServer, id: &str, secret: &str, post: bool) -> Got {
    let mut req = http().post(server.token_url()).header("content-type", "application/x-www-form-urlencoded");
    if post {
        req = req.body(format!("grant_type=client_credentials&client_id={id}&client_secret={secret}"));
    } else {
        let basic = STANDARD.encode(format!("{id}:{secret}"));
        req = req.header("authorization", format!("Basic {basic}")).body("grant_type=client_credentials");
    }
    Got::read(req.send().await.unwrap()).await
}

/// The issued credentials of a 201 response.
fn credentials(got: &Got) -> (String, String) {
    assert_eq!(got.status, 201, "{}", got.text);
    let body = got.json();
    (body["client_id"].as_str().unwrap().to_owned(), body["client_secret"].as_str().unwrap().to_owned())
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

#[tokio::test]
async fn registered_clients_get_tokens_with_the_method_they_asked_for() {
    let server = AuthServer::start().unwrap();
    let before = unix_now();
    let got = register_json(&server, "", &json!({"client_name": "svc", "scope": "read write"})).await;
    let (id, secret) = credentials(&got);
    assert_eq!(got.header("content-type"), Some("application/json"));
    assert_eq!(got.header("cache-control"), Some("no-store"));
    let body = got.json();
    let issued_at = body["client_id_issued_at"].as_u64().unwrap();
    assert!((before..=unix_now()).contains(&issued_at), "{issued_at}");
    let want = json!({
        "client_id": id, "client_secret": secret, "client_id_issued_at": issued_at,
        "client_secret_expires_at": 0, "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["client_credentials"], "client_name": "svc", "scope": "read write",
    });
    assert_eq!(body, want);
    let (prefix, rest) = id.split_at(6);
    assert_eq!(prefix, "dcr-1-");
    assert!(rest.len() == 8 && rest.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    assert!(secret.len() >= 32, "{secret}");

    assert_eq!(token(&server, &id, &secret, false).await.status, 200);
    assert_eq!(token(&server, &id, &secret, true).await.outcome(), "401 invalid_client");
    assert_eq!(token(&server, &id, "wrong", false).await.outcome(), "401 invalid_client");

    let metadata = json!({"token_endpoint_auth_method": "client_secret_post", "grant_types": ["client_credentials"]});
    let got = register_json(&server, "", &metadata).await;
    let (post_id, post_secret) = credentials(&got);
    assert!(post_id.starts_with("dcr-2-") && post_secret != secret);
    let body = got.json();
    assert_eq!(body["token_endpoint_auth_method"], "client_secret_post");
    assert!(body.get("scope").is_none() && body.get("client_name").is_none());
    assert_eq!(token(&server, &post_id, &post_secret, true).await.status, 200);
    assert_eq!(token(&server, &post_id, &post_secret, false).await.outcome(), "401 invalid_client");

    assert_eq!(server.registration_count(), 2);
    let requests = server.registration_requests();
    assert_eq!(requests.iter().map(|r| r.status).collect::<Vec<_>>(), [201, 201]);
    assert_eq!(requests[1].body, metadata.to_string());
    assert_eq!(requests[0].authorization, None);
    assert_eq!(server.registration_url(), format!("{}/register", server.base_url()));

    server.reset_counts();
    assert_eq!((server.registration_count(), server.registration_requests().len()), (0, 0));
    assert_eq!(token(&server, &id, &secret, false).await.status, 200, "clients outlive reset_counts");
    let (third, _) = credentials(&register_json(&server, "", &json!({})).await);
    assert!(third.starts_with("dcr-3-"), "ids stay unique across resets: {third}");
}

#[tokio::test]
async fn an_initial_access_token_can_be_required() {
    let server = AuthServer::start().unwrap();
    server.require_initial_access_token(Some("iat-123"));
    for auth in ["", "Bearer wrong", "Basic aWF0LTEyMw=="] {
        let got = register_json(&server, auth, &json!({})).await;
        assert_eq!(got.outcome(), "401 invalid_token", "{auth:?}");
        assert_eq!(got.header("www-authenticate"), Some("Bearer error=\"invalid_token\""));
    }
    let got = register_json(&server, "bearer iat-123", &json!({})).await;
    let (id, secret) = credentials(&got);
    assert_eq!(token(&server, &id, &secret, false).await.status, 200);
    assert_eq!(server.registration_count(), 1);
    let requests = server.registration_requests();
    assert_eq!(requests.iter().map(|r| r.status).collect::<Vec<_>>(), [401, 401, 401, 201]);
    assert_eq!(requests[0].authorization, None);
    assert_eq!(requests[3].authorization.as_deref(), Some("bearer iat-123"));
    let debug = format!("{requests:?}");
    assert!(!debug.contains("iat-123") && !debug.contains("wrong") && debug.contains("bearer <redacted>"), "{debug}");

    server.require_initial_access_token(None);
    assert_eq!(register_json(&server, "", &json!({})).await.status, 201);
}

#[tokio::test]
async fn bad_metadata_is_refused() {
    let server = AuthServer::start().unwrap();
    let bad = [
        ("application/json", "[]"),
        ("application/json", "{not json"),
        ("application/x-www-form-urlencoded", "{}"),
        ("", "{}"),
        ("application/json", r#"{"token_endpoint_auth_method": "private_key_jwt"}"#),
        ("application/json", r#"{"token_endpoint_auth_method": 1}"#),
        ("application/json", r#"{"grant_types": ["authorization_code"]}"#),
        ("application/json", r#"{"grant_types": "client_credentials"}"#),
        ("application/json", r#"{"scope": ["a"]}"#),
        ("application/json", r#"{"client_name": null}"#),
    ];
    for (content_type, body) in bad {
        let got = register(&server, "", content_type, body).await;
        assert_eq!(got.outcome(), "400 invalid_client_metadata", "{content_type} {body}");
        assert!(got.json()["error_description"].is_string());
    }
    let got =
        register(&server, "", "application/json; charset=utf-8", r#"{"grant_types": ["client_credentials", "x"]}"#);
    assert_eq!(got.await.status, 201);

    let got = Got::read(http().get(server.registration_url()).send().await.unwrap()).await;
    assert_eq!((got.status, got.header("allow")), (405, Some("POST")));
    let huge = format!("{{\"client_name\": \"{}\"}}", "x".repeat(70 * 1024));
    assert_eq!(register(&server, "", "application/json", &huge).await.status, 413);

    assert_eq!(server.registration_count(), 1);
    let statuses: Vec<u16> = server.registration_requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 201, 405, 413]);
}

#[tokio::test]
async fn registered_secrets_can_expire() {
    let server = AuthServer::start().unwrap();
    server.set_registration_secret_lifetime(Some(Duration::from_millis(500)));
    let got = register_json(&server, "", &json!({})).await;
    let (id, secret) = credentials(&got);
    let body = got.json();
    let expires_at = body["client_secret_expires_at"].as_u64().unwrap();
    let issued_at = body["client_id_issued_at"].as_u64().unwrap();
    assert!(expires_at == issued_at + 1 || expires_at == issued_at + 2, "{issued_at} {expires_at}");
    assert_eq!(token(&server, &id, &secret, false).await.status, 200);

    while unix_now() < expires_at {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let got = token(&server, &id, &secret, false).await;
    assert_eq!(got.outcome(), "401 invalid_client");
    assert!(got.json()["error_description"].as_str().unwrap().contains("expired"), "{}", got.text);
    assert!(got.header("www-authenticate").unwrap().starts_with("Basic"));

    server.set_registration_secret_lifetime(None);
    let got = register_json(&server, "", &json!({})).await;
    assert_eq!(got.json()["client_secret_expires_at"], 0);

    // The same rule for a client registered by the test; a wrong secret is
    // refused as before, without saying that the secret expired.
    let old = Reg::new("old", "s").with_secret_expires_at(UNIX_EPOCH + Duration::from_secs(1));
    assert!(format!("{old:?}").contains("secret_expires_at: Some"));
    server.register_client(old);
    let got = token(&server, "old", "s", true).await;
    assert!(got.text.contains("the client secret has expired"), "{}", got.text);
    assert!(got.header("www-authenticate").is_none());
    let got = token(&server, "old", "wrong", true).await;
    assert_eq!(got.json()["error_description"], "client authentication failed");
    server.register_client(Reg::new("later", "s").with_secret_expires_at(SystemTime::now() + Duration::from_secs(60)));
    assert_eq!(token(&server, "later", "s", false).await.status, 200);
}

#[tokio::test]
async fn a_forgotten_client_is_invalid() {
    let server = AuthServer::start().unwrap();
    let (id, secret) = credentials(&register_json(&server, "", &json!({})).await);
    let issued = token(&server, &id, &secret, false).await.json()["access_token"].as_str().unwrap().to_owned();
    assert!(server.forget_client(&id));
    assert!(!server.forget_client(&id));
    assert_eq!(token(&server, &id, &secret, false).await.outcome(), "401 invalid_client");
    assert!(server.is_valid_token(&issued), "issued tokens stay valid");

    server.register_client(Reg::new("app", "s3cret"));
    assert!(server.forget_client("app"));
    assert_eq!(token(&server, "app", "s3cret", false).await.outcome(), "401 invalid_client");
}

#[tokio::test]
async fn registrations_can_fail_then_recover() {
    let server = AuthServer::start().unwrap();
    server.require_initial_access_token(Some("iat"));
    server.fail_registrations(2, 503);
    for _ in 0..2 {
        let got = register_json(&server, "", &json!({})).await;
        assert_eq!((got.status, got.text.as_str(), got.header("content-type")), (503, "", None));
    }
    assert_eq!(register_json(&server, "Bearer iat", &json!({})).await.status, 201);
    server.fail_registrations(1, 0);
    assert_eq!(register_json(&server, "Bearer iat", &json!({})).await.status, 500, "not a status: 500");
    server.fail_registrations(3, 503);
    server.fail_registrations(0, 503);
    assert_eq!(register_json(&server, "Bearer iat", &json!({})).await.status, 201);
    assert_eq!(server.registration_count(), 2);
    let statuses: Vec<u16> = server.registration_requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [503, 503, 201, 500, 201]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn latency_applies_to_registrations() {
    let server = AuthServer::start().unwrap();
    server.set_latency(Duration::from_millis(400));
    let url = server.registration_url();
    let started = Instant::now();
    let calls: Vec<_> = (0..5)
        .map(|_| {
            let req = http().post(&url).header("content-type", "application/json").body("{}");
            tokio::spawn(async move { req.send().await.unwrap().status().as_u16() })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), 201);
    }
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(400) && elapsed < Duration::from_millis(1900), "{elapsed:?}");
    assert_eq!(server.registration_count(), 5);
}

#[tokio::test]
async fn the_metadata_names_the_registration_endpoint() {
    let server = AuthServer::start().unwrap();
    for path in ["oauth-authorization-server", "openid-configuration"] {
        let url = format!("{}/.well-known/{path}", server.issuer());
        let doc = Got::read(http().get(url).send().await.unwrap()).await.json();
        assert_eq!(doc["registration_endpoint"], server.registration_url());
    }
}
