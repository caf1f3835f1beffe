//! Dynamic client registration (RFC 7591) against the bundled server: register
//! once, keep the credentials in a 0600 file, reuse them (from memory, from the
//! file), and register again when the secret is about to expire, when the
//! token endpoint has forgotten the client, or when the file is not ours.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ooauthcc_core::testing::AuthServer;
use ooauthcc_core::{Client, ClientConfig, ErrorKind};

/// A registration file path in a fresh directory (which does not exist yet:
/// the client creates it, 0700).
fn registration_file(what: &str) -> PathBuf {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    std::env::temp_dir()
        .join(format!("ooauthcc-registration-{what}-{}-{nanos}", std::process::id()))
        .join("client.json")
}

fn registering(server: &AuthServer, file: &PathBuf) -> ClientConfig {
    ClientConfig::registering(server.token_url(), server.registration_url(), file)
        .with_retry_base_delay(Duration::from_millis(20))
        .with_get_timeout(Duration::from_secs(20))
}

fn file_record(file: &PathBuf) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap()
}

#[test]
fn registers_once_then_every_entry_and_start_reuses_the_file() {
    let server = AuthServer::start().unwrap();
    let file = registration_file("once");
    // Eight cache entries (eight scopes) on threads, one registration file:
    // the file's lock lets one register; the others read what it wrote.
    let tokens: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let config = registering(&server, &file).with_scopes([format!("scope-{i}")]);
                scope
                    .spawn(move || Client::new(config).unwrap().get_token_blocking().unwrap().access_token().to_owned())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(server.registration_count(), 1);
    assert!(tokens.iter().all(|t| server.is_valid_token(t)));

    let record = file_record(&file);
    let client_id = record["client_id"].as_str().unwrap().to_owned();
    assert!(client_id.starts_with("dcr-"), "{record}");
    assert_eq!(server.request_count(&client_id), 8, "every entry asked with the registered client");
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::metadata(file.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);

    // What was asked for: a client_credentials client with a secret method.
    let sent: serde_json::Value = serde_json::from_str(&server.registration_requests()[0].body).unwrap();
    assert_eq!(sent["grant_types"], serde_json::json!(["client_credentials"]));
    assert_eq!(sent["token_endpoint_auth_method"], "client_secret_basic");
    assert!(sent.get("scope").is_none(), "one registration serves every entry's scopes: {sent}");

    // A later start: another configuration, same file, no registration.
    let later = Client::new(registering(&server, &file).with_audience("https://api.example.com")).unwrap();
    assert!(server.is_valid_token(later.get_token_blocking().unwrap().access_token()));
    assert_eq!(server.registration_count(), 1);
    std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
}

#[test]
fn the_initial_access_token_goes_as_a_bearer_token_and_a_refusal_is_typed() {
    let server = AuthServer::start().unwrap();
    server.require_initial_access_token(Some("iat-0123456789"));
    let file = registration_file("iat");
    let without = Client::new(registering(&server, &file).with_max_retries(0)).unwrap();
    let e = without.get_token_blocking().unwrap_err();
    assert_eq!((e.kind(), e.http_status(), e.oauth_error()), (ErrorKind::OAuth, Some(401), Some("invalid_token")));
    assert!(e.to_string().contains("registration endpoint"), "{e}");
    assert!(!file.exists(), "nothing is written for a refused registration");

    let with = Client::new(registering(&server, &file).with_initial_access_token("iat-0123456789").with_scopes(["a"]))
        .unwrap();
    assert!(server.is_valid_token(with.get_token_blocking().unwrap().access_token()));
    let requests = server.registration_requests();
    assert_eq!(requests.last().unwrap().authorization.as_deref(), Some("Bearer iat-0123456789"));
    assert!(!format!("{with:?}").contains("iat-0123456789"), "Debug shows the initial access token");
    std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
}

#[test]
fn a_secret_about_to_expire_is_registered_over() {
    let server = AuthServer::start().unwrap();
    // 30 s: inside the 60 s margin, so each fetch finds it about to expire.
    server.set_registration_secret_lifetime(Some(Duration::from_secs(30)));
    let file = registration_file("expiry");
    let client = Client::new(registering(&server, &file)).unwrap();
    let first = client.get_token_blocking().unwrap();
    let first_id = file_record(&file)["client_id"].as_str().unwrap().to_owned();
    let expires_at = file_record(&file)["client_secret_expires_at"].as_u64().unwrap();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    assert!((now + 25..=now + 31).contains(&expires_at), "client_secret_expires_at {expires_at} kept as issued");
    assert!(client.invalidate(first.access_token()));
    let second = client.get_token_blocking().unwrap();
    assert!(server.is_valid_token(second.access_token()));
    assert_eq!(server.registration_count(), 2);
    assert_ne!(file_record(&file)["client_id"].as_str().unwrap(), first_id, "the file holds the new client");

    // Secrets that do not expire (0) are kept.
    server.set_registration_secret_lifetime(None);
    assert!(client.invalidate(second.access_token()));
    client.get_token_blocking().unwrap();
    assert_eq!(file_record(&file)["client_secret_expires_at"], 0);
    assert!(client.invalidate(client.get_token_blocking().unwrap().access_token()));
    client.get_token_blocking().unwrap();
    assert_eq!(server.registration_count(), 3);
    std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
}

#[test]
fn a_forgotten_client_is_registered_again_once() {
    let server = AuthServer::start().unwrap();
    let file = registration_file("forgotten");
    let client = Client::new(registering(&server, &file)).unwrap();
    let t = client.get_token_blocking().unwrap();
    let old_id = file_record(&file)["client_id"].as_str().unwrap().to_owned();
    assert!(server.forget_client(&old_id));
    assert!(client.invalidate(t.access_token()));
    let renewed = client.get_token_blocking().unwrap();
    assert!(server.is_valid_token(renewed.access_token()));
    assert_eq!(server.registration_count(), 2);
    let new_id = file_record(&file)["client_id"].as_str().unwrap().to_owned();
    assert_ne!(new_id, old_id);
    // The refused request was one per method `auto` tries while nothing is known.
    assert!(server.request_count(&old_id) >= 2);
    std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
}

#[test]
fn an_outage_of_the_registration_endpoint_is_retried_like_a_token_request() {
    let server = AuthServer::start().unwrap();
    server.fail_registrations(1, 503);
    let file = registration_file("outage");
    let client = Client::new(registering(&server, &file).with_max_retries(2)).unwrap();
    assert!(server.is_valid_token(client.get_token_blocking().unwrap().access_token()));
    let statuses: Vec<u16> = server.registration_requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [503, 201]);

    server.fail_registrations(5, 503);
    let other = registration_file("outage-fails");
    let failing = Client::new(registering(&server, &other).with_max_retries(1)).unwrap();
    let e = failing.get_token_blocking().unwrap_err();
    assert_eq!((e.kind(), e.http_status()), (ErrorKind::HttpStatus, Some(503)));
    assert!(!other.exists());
    std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
    let _ = std::fs::remove_dir_all(other.parent().unwrap());
}

#[test]
fn a_file_that_is_not_a_record_is_registered_over() {
    let server = AuthServer::start().unwrap();
    let file = registration_file("corrupt");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    for (i, junk) in [&b"{\"client_id\": \"half"[..], b"", b"[1,2,3]", &[0xff; 100]].into_iter().enumerate() {
        std::fs::write(&file, junk).unwrap();
        let client = Client::new(registering(&server, &file).with_scopes([format!("s{i}")])).unwrap();
        assert!(server.is_valid_token(client.get_token_blocking().unwrap().access_token()));
        assert_eq!(server.registration_count(), i as u64 + 1);
        assert!(file_record(&file)["client_id"].as_str().unwrap().starts_with("dcr-"));
    }
    // A record written for another registration endpoint is not used either.
    let other = AuthServer::start().unwrap();
    let client = Client::new(registering(&other, &file)).unwrap();
    assert!(other.is_valid_token(client.get_token_blocking().unwrap().access_token()));
    assert_eq!(other.registration_count(), 1);
    assert_eq!(file_record(&file)["registration_endpoint"], other.registration_url().as_str());
    std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
}

#[test]
fn the_registration_endpoint_is_discovered_from_the_issuer() {
    let server = AuthServer::start().unwrap();
    let file = registration_file("discovered");
    let config = ClientConfig::default().with_issuer(server.issuer()).with_registration_file(&file);
    let client = Client::new(config).unwrap();
    assert!(server.is_valid_token(client.get_token_blocking().unwrap().access_token()));
    assert_eq!(server.registration_count(), 1);
    std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
}

#[test]
fn registration_settings_are_checked_when_the_client_is_built() {
    let file = PathBuf::from("/tmp/never-written.json");
    let base = || ClientConfig::registering("https://idp.example.com/token", "https://idp.example.com/register", &file);
    let cases = [
        (base().with_client_id("mine"), "client_id"),
        (base().with_client_secret("mine"), "client_secret"),
        (base().with_auth_method(ooauthcc_core::AuthMethod::PrivateKeyJwt), "auth_method"),
        (base().with_registration_endpoint("http://idp.example.com/register"), "registration_endpoint"),
        (base().with_store_url("redis://127.0.0.1:6379"), "store_url"),
        (
            ClientConfig::new("https://idp.example.com/token", "id", "s").with_initial_access_token("t"),
            "initial_access_token",
        ),
        (
            ClientConfig::default().with_token_url("https://idp.example.com/token").with_registration_file(&file),
            "registration_endpoint",
        ),
    ];
    for (config, setting) in cases {
        let e = Client::new(config).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{e}");
        assert!(e.message().starts_with(&format!("invalid setting `{setting}`")), "{setting}: {e}");
    }
    assert!(Client::new(base()).is_ok());
}

#[test]
fn the_readme_document_is_a_valid_registering_configuration() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let section = readme.split("### Registering the client itself").nth(1).unwrap();
    let json = section.split("```json").nth(1).unwrap().split("```").next().unwrap();
    let config = ClientConfig::from_json(json).unwrap();
    config.validate().unwrap();
    assert!(config.registration_file.is_some() && config.client_id.is_empty());
}
