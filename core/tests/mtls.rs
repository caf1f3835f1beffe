//! Mutual TLS client authentication (RFC 8705) and private trust anchors,
//! against the bundled server speaking HTTPS with the test PKI in
//! tests/fixtures/tls.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use ooauthcc_core::testing::{AcceptedAuth, AuthServer, ClientRegistration, ServerTls};
use ooauthcc_core::{AuthMethod, Client, ClientConfig, ErrorKind};

use common::unique_id;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls").join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

fn tls_server() -> AuthServer {
    AuthServer::start_tls(ServerTls {
        cert_chain_pem: read("server.pem"),
        key_pem: read("server.key.pem"),
        client_ca_pem: Some(read("ca.pem")),
    })
    .unwrap()
}

fn mtls_config(server: &AuthServer, id: &str, method: AuthMethod, cert: &str, key: &str) -> ClientConfig {
    let mut c = ClientConfig::new(server.token_url(), id, "unused")
        .with_auth_method(method)
        .with_client_cert_file(fixture(cert))
        .with_client_key_file(fixture(key))
        .with_ca_bundle_file(fixture("ca.pem"))
        .with_max_retries(0);
    c.client_secret = None;
    c
}

#[test]
fn tls_client_auth_with_a_ca_issued_certificate() {
    let server = tls_server();
    assert!(server.token_url().starts_with("https://127.0.0.1:"));
    let id = unique_id("mtls-ca");
    server.register_client(
        ClientRegistration::new(id.clone(), "")
            .with_auth(AcceptedAuth::TlsClientAuth)
            .with_tls_cert(&read("client.pem")),
    );
    let client =
        Client::new(mtls_config(&server, &id, AuthMethod::TlsClientAuth, "client.pem", "client.key.pem")).unwrap();
    let t = client.get_token_blocking().unwrap();
    assert!(server.is_valid_token(t.access_token()));
    let r = server.requests().pop().unwrap();
    assert_eq!(r.auth_used.as_deref(), Some("tls_client_auth"));
    assert_eq!(r.param("client_id"), Some(id.as_str()));
    assert_eq!(r.param("client_secret"), None);
    assert!(r.header("authorization").is_none());
}

#[test]
fn self_signed_tls_client_auth() {
    let server = tls_server();
    let id = unique_id("mtls-self");
    server.register_client(
        ClientRegistration::new(id.clone(), "")
            .with_auth(AcceptedAuth::SelfSignedTlsClientAuth)
            .with_tls_cert(&read("selfsigned.pem")),
    );
    let client = Client::new(mtls_config(
        &server,
        &id,
        AuthMethod::SelfSignedTlsClientAuth,
        "selfsigned.pem",
        "selfsigned.key.pem",
    ))
    .unwrap();
    client.get_token_blocking().unwrap();
    assert_eq!(server.requests().pop().unwrap().auth_used.as_deref(), Some("self_signed_tls_client_auth"));
}

#[test]
fn a_certificate_the_server_does_not_expect_is_invalid_client() {
    let server = tls_server();
    let id = unique_id("mtls-wrong");
    server.register_client(
        ClientRegistration::new(id.clone(), "")
            .with_auth(AcceptedAuth::TlsClientAuth)
            .with_tls_cert(&read("client.pem")),
    );
    // The self-signed certificate chains to no trusted CA: not tls_client_auth.
    let e = Client::new(mtls_config(&server, &id, AuthMethod::TlsClientAuth, "selfsigned.pem", "selfsigned.key.pem"))
        .unwrap()
        .get_token_blocking()
        .unwrap_err();
    assert_eq!((e.kind(), e.oauth_error()), (ErrorKind::OAuth, Some("invalid_client")));
}

#[test]
fn secret_methods_over_https_with_a_private_ca() {
    let server = tls_server();
    let id = unique_id("https-basic");
    server.register_client(ClientRegistration::new(id.clone(), common::SECRET));
    let trusted = Client::new(common::config(&server, &id).with_ca_bundle(read("ca.pem"))).unwrap();
    assert!(trusted.get_token_blocking().is_ok());

    // Without the private CA the server is not trusted: a typed transport error.
    let untrusted = Client::new(common::config(&server, &unique_id("https-untrusted")).with_max_retries(0)).unwrap();
    let e = untrusted.get_token_blocking().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert!(e.message().to_lowercase().contains("certificate"), "{e}");
}

#[test]
fn tls_settings_are_checked_at_build_time() {
    let base = ClientConfig::new("https://idp.example.com/token", "id", "s");
    let e = Client::new(base.clone().with_client_cert(read("client.pem"))).unwrap_err();
    assert!(e.message().contains("client_key"), "{e}");
    let e = Client::new(base.clone().with_client_cert("not pem").with_client_key("not pem")).unwrap_err();
    assert!(e.message().contains("client_cert"), "{e}");
    let e = Client::new(base.clone().with_ca_bundle("nothing here")).unwrap_err();
    assert!(e.message().contains("ca_bundle"), "{e}");
    let e = Client::new(base.clone().with_ca_bundle_file("/nonexistent/ca.pem")).unwrap_err();
    assert!(e.message().contains("ca_bundle_file"), "{e}");
    let mut no_cert = base.with_auth_method(AuthMethod::TlsClientAuth);
    no_cert.client_secret = None;
    assert!(Client::new(no_cert).unwrap_err().message().contains("client_cert"));
}
