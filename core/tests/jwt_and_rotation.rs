//! RFC 7523 client authentication (`client_secret_jwt`, `private_key_jwt`) and
//! credentials that rotate (file, environment variable, callback) — against the
//! bundled server, which checks signatures, claims and `jti` replay.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use ooauthcc_core::testing::{AcceptedAuth, AuthServer, ClientRegistration};
use ooauthcc_core::{AuthMethod, Client, ClientConfig, ErrorKind, Secret, SecretProvider};

use common::unique_id;

fn key(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/keys/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn private_key_jwt_with_every_key_form_and_algorithm() {
    let server = AuthServer::start().unwrap();
    let cases = [
        ("rsa-pkcs8.pem", "rsa.pub.pem", "RS256"),
        ("rsa-pkcs1.pem", "rsa.pub.pem", "RS384"),
        ("rsa-pkcs8.pem", "rsa.pub.pem", "PS256"),
        ("ec-pkcs8.pem", "ec.pub.pem", "ES256"),
        ("ed25519.pem", "ed25519.pub.pem", "EdDSA"),
    ];
    for (private, public, alg) in cases {
        let id = unique_id("pkjwt");
        server.register_client(
            ClientRegistration::new(id.clone(), "").with_auth(AcceptedAuth::PrivateKeyJwt).with_public_key(key(public)),
        );
        let mut cfg = ClientConfig::new(server.token_url(), id.clone(), "unused")
            .with_auth_method(AuthMethod::PrivateKeyJwt)
            .with_private_key(key(private))
            .with_signing_alg(alg)
            .with_key_id("test-key-1");
        cfg.client_secret = None;
        let client = Client::new(cfg).unwrap();
        let t = client.get_token_blocking().unwrap_or_else(|e| panic!("{private} {alg}: {e}"));
        assert!(server.is_valid_token(t.access_token()));
        let r = server.requests().pop().unwrap();
        assert_eq!(r.auth_used.as_deref(), Some("private_key_jwt"));
        assert_eq!(r.param("client_assertion_type"), Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
        assert_eq!(r.param("client_id"), Some(id.as_str()));
        assert_eq!(r.param("client_secret"), None);
        assert!(r.header("authorization").is_none());
        // A second fetch signs a new assertion (a replayed jti would be refused).
        assert!(client.invalidate(t.access_token()));
        client.get_token_blocking().unwrap_or_else(|e| panic!("{private} {alg} second fetch: {e}"));
    }
}

#[test]
fn private_key_jwt_with_the_wrong_key_is_invalid_client() {
    let server = AuthServer::start().unwrap();
    let id = unique_id("pkjwt-wrong");
    server.register_client(
        ClientRegistration::new(id.clone(), "")
            .with_auth(AcceptedAuth::PrivateKeyJwt)
            .with_public_key(key("rsa.pub.pem")),
    );
    let mut cfg = ClientConfig::new(server.token_url(), id, "unused")
        .with_auth_method(AuthMethod::PrivateKeyJwt)
        .with_private_key(key("other-rsa.pem"));
    cfg.client_secret = None;
    let e = Client::new(cfg).unwrap().get_token_blocking().unwrap_err();
    assert_eq!((e.kind(), e.oauth_error()), (ErrorKind::OAuth, Some("invalid_client")));
}

#[test]
fn client_secret_jwt_with_each_hmac() {
    let server = AuthServer::start().unwrap();
    for alg in ["HS256", "HS384", "HS512"] {
        let id = unique_id("csjwt");
        let secret = "a-shared-secret-long-enough-for-hs512-0123456789abcdef0123456789";
        server.register_client(ClientRegistration::new(id.clone(), secret).with_auth(AcceptedAuth::ClientSecretJwt));
        let client = Client::new(
            ClientConfig::new(server.token_url(), id, secret)
                .with_auth_method(AuthMethod::ClientSecretJwt)
                .with_signing_alg(alg),
        )
        .unwrap();
        client.get_token_blocking().unwrap_or_else(|e| panic!("{alg}: {e}"));
        assert_eq!(server.requests().pop().unwrap().auth_used.as_deref(), Some("client_secret_jwt"));
    }
}

#[test]
fn bad_jwt_settings_fail_at_build_time() {
    let base = ClientConfig::new("https://idp.example.com/token", "id", "s");
    let e = Client::new(base.clone().with_auth_method(AuthMethod::PrivateKeyJwt)).unwrap_err();
    assert!(e.message().contains("private_key"), "{e}");
    let e = Client::new(
        base.clone()
            .with_auth_method(AuthMethod::PrivateKeyJwt)
            .with_private_key("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"),
    )
    .unwrap_err();
    assert!(e.message().contains("private_key") && !e.message().contains("AAAA"), "{e}");
    let e =
        Client::new(base.clone().with_auth_method(AuthMethod::ClientSecretJwt).with_signing_alg("RS256")).unwrap_err();
    assert!(e.message().contains("signing_alg"), "{e}");
    let e = Client::new(base.clone().with_client_secret_env("X")).unwrap_err();
    assert!(e.message().contains("client_secret_env"), "{e}");
}

#[test]
fn a_rotated_secret_file_takes_effect_at_the_next_fetch() {
    let server = AuthServer::start().unwrap();
    let id = unique_id("rotate-file");
    server.register_client(ClientRegistration::new(id.clone(), "first-secret"));
    let path = std::env::temp_dir().join(format!("{id}-{}.secret", std::process::id()));
    std::fs::write(&path, "first-secret\n").unwrap();
    let mut cfg =
        ClientConfig::new(server.token_url(), id.clone(), "x").with_client_secret_file(&path).with_max_retries(0);
    cfg.client_secret = None;
    let client = Client::new(cfg).unwrap();
    let t1 = client.get_token_blocking().unwrap();

    // The server and the mounted file rotate together; no restart, no new client.
    server.register_client(ClientRegistration::new(id.clone(), "second-secret"));
    std::fs::write(&path, "second-secret\n").unwrap();
    assert!(client.invalidate(t1.access_token()));
    let t2 = client.get_token_blocking().unwrap();
    assert_ne!(t1.access_token(), t2.access_token());
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn env_and_callback_sources_are_read_at_each_fetch() {
    let server = AuthServer::start().unwrap();
    let id = unique_id("rotate-provider");
    server.register_client(ClientRegistration::new(id.clone(), "v0"));
    let version = Arc::new(AtomicU32::new(0));
    let v = Arc::clone(&version);
    let provider = SecretProvider::new(move || Ok(Secret::new(format!("v{}", v.load(Ordering::SeqCst)))));
    let mut cfg = ClientConfig::new(server.token_url(), id.clone(), "x")
        .with_client_secret_provider(provider)
        .with_max_retries(0);
    cfg.client_secret = None;
    let client = Client::new(cfg).unwrap();
    let t = client.get_token_blocking().unwrap();
    version.store(1, Ordering::SeqCst);
    server.register_client(ClientRegistration::new(id.clone(), "v1"));
    client.invalidate(t.access_token());
    client.get_token_blocking().unwrap();

    let env_id = unique_id("rotate-env");
    let var = format!("OOAUTHCC_TEST_SECRET_{}", std::process::id());
    server.register_client(ClientRegistration::new(env_id.clone(), "from-env"));
    // SAFETY: no other thread of this test binary reads this process-unique variable.
    unsafe { std::env::set_var(&var, "from-env") };
    let mut cfg = ClientConfig::new(server.token_url(), env_id, "x").with_client_secret_env(&var);
    cfg.client_secret = None;
    assert!(Client::new(cfg).unwrap().get_token_blocking().is_ok());
}
