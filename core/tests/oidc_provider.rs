//! The same scenarios against an authorization server nobody on this team wrote:
//! npm `oidc-provider` (pinned in tests/third_party/oidc-provider), started on
//! 127.0.0.1 by this test and stopped when it ends, also on failure.
//!
//! Needs `scripts/oidc-provider-install.sh` to have run (scripts/test-all.sh does);
//! the directory comes from `OOAUTHCC_OIDC_PROVIDER_DIR` or the script's default.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use base64::Engine as _;
use ooauthcc_core::{AuthMethod, Client, ClientConfig, ErrorKind};

const BASIC: (&str, &str) = ("cc-basic", "cc-basic-secret-0123456789");
const POST: (&str, &str) = ("cc-post", "cc-post-secret-0123456789");
const SECRET_JWT: (&str, &str) = ("cc-secret-jwt", "cc-secret-jwt-secret-0123456789abcdef0123456789");

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/keys/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The test PKI of the mTLS tests (RFC 8705), also given to the server.
fn tls_fixture(name: &str) -> String {
    format!("{}/tests/fixtures/tls/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The running oidc-provider; killed on drop.
struct OidcProvider {
    child: Child,
    issuer: String,
    /// The same provider over HTTPS, asking for client certificates.
    mtls_base: String,
}

impl OidcProvider {
    fn start() -> OidcProvider {
        let dir = std::env::var("OOAUTHCC_OIDC_PROVIDER_DIR").unwrap_or_else(|_| {
            let home = std::env::var("HOME").unwrap_or_default();
            format!("{home}/.cache/ooauthcc/oidc-provider-9.13.3")
        });
        let script = format!("{dir}/server.mjs");
        assert!(
            std::path::Path::new(&script).exists(),
            "{script} is missing: run scripts/oidc-provider-install.sh (scripts/test-all.sh does)"
        );
        let mut child = Command::new("node")
            .arg(&script)
            .env("OOAUTHCC_PKJWT_PUBLIC_KEY", fixture("rsa.pub.pem"))
            .env("OOAUTHCC_MTLS_DIR", tls_fixture(""))
            .stdin(Stdio::piped()) // the server exits when this pipe closes
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node (is Node.js installed?)");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = || {
            let mut line = String::new();
            stdout.read_line(&mut line).unwrap();
            line
        };
        let (ready, mtls) = (line(), line());
        let issuer =
            ready.trim().strip_prefix("READY ").unwrap_or_else(|| panic!("oidc-provider said {ready:?}")).to_owned();
        let mtls_base =
            mtls.trim().strip_prefix("MTLS ").unwrap_or_else(|| panic!("oidc-provider said {mtls:?}")).to_owned();
        OidcProvider { child, issuer, mtls_base }
    }

    fn token_url(&self) -> String {
        format!("{}/token", self.issuer)
    }

    /// Token requests the server saw for `client_id`, counted on the server side.
    fn requests(&self, client_id: &str) -> u64 {
        self.stats()["by_client"][client_id].as_u64().unwrap_or(0)
    }

    /// The harness's counters (GET /__ooauthcc/stats).
    fn stats(&self) -> serde_json::Value {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let url = format!("{}/__ooauthcc/stats", self.issuer);
        rt.block_on(async { serde_json::from_slice(&reqwest::get(url).await.unwrap().bytes().await.unwrap()).unwrap() })
    }

    /// Registration requests the server saw (RFC 7591), counted on arrival.
    fn registrations(&self) -> u64 {
        self.stats()["registrations"].as_u64().unwrap_or(0)
    }

    fn config(&self, (id, secret): (&str, &str)) -> ClientConfig {
        ClientConfig::new(self.token_url(), id, secret).with_retry_base_delay(Duration::from_millis(20))
    }

    /// A client of the HTTPS endpoint presenting the fixture certificate `cert`
    /// (with `cert`'s key), trusting the fixture CA for the server's certificate.
    fn mtls_config(&self, id: &str, method: AuthMethod, cert: &str) -> ClientConfig {
        let mut c = ClientConfig::new(format!("{}/token", self.mtls_base), id, "unused")
            .with_auth_method(method)
            .with_client_cert_file(tls_fixture(&format!("{cert}.pem")))
            .with_client_key_file(tls_fixture(&format!("{cert}.key.pem")))
            .with_ca_bundle_file(tls_fixture("ca.pem"))
            .with_retry_base_delay(Duration::from_millis(20));
        c.client_secret = None;
        c
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn jwt_claims(token: &str) -> serde_json::Value {
    let payload = token.split('.').nth(1).expect("a JWT access token");
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[test]
fn oidc_provider_conformance() {
    let op = OidcProvider::start();

    // client_secret_basic (RFC 6749 encoding) and client_secret_post.
    let basic = Client::new(op.config(BASIC).with_scopes(["api:read"])).unwrap();
    let t = basic.get_token_blocking().unwrap();
    assert_eq!(t.token_type(), "Bearer");
    assert_eq!(t.scope(), Some("api:read"));
    assert_eq!(t.lifetime(), Duration::from_secs(3600));
    let claims = jwt_claims(t.access_token());
    assert_eq!(claims["client_id"], "cc-basic");
    assert_eq!(claims["scope"], "api:read");

    let post = Client::new(op.config(POST).with_auth_method(AuthMethod::ClientSecretPost)).unwrap();
    assert_eq!(jwt_claims(post.get_token_blocking().unwrap().access_token())["client_id"], "cc-post");

    // auto: oidc-provider accepts either secret method for a client registered
    // with one of them, so basic (tried first) works and no fallback happens.
    // (The fallback itself is tested against the bundled server, which enforces.)
    let auto = Client::new(op.config(POST).with_auth_method(AuthMethod::Auto).with_scopes(["api:write"])).unwrap();
    let before = op.requests(POST.0);
    let t = auto.get_token_blocking().unwrap();
    assert!(auto.invalidate(t.access_token()));
    auto.get_token_blocking().unwrap();
    assert_eq!(op.requests(POST.0) - before, 2, "one request per fetch");

    // client_secret_jwt and private_key_jwt (RFC 7523), checked by oidc-provider.
    let cs_jwt = Client::new(op.config(SECRET_JWT).with_auth_method(AuthMethod::ClientSecretJwt)).unwrap();
    assert_eq!(jwt_claims(cs_jwt.get_token_blocking().unwrap().access_token())["client_id"], "cc-secret-jwt");
    let mut pk = op
        .config(("cc-private-key-jwt", "unused"))
        .with_auth_method(AuthMethod::PrivateKeyJwt)
        .with_private_key_file(fixture("rsa-pkcs8.pem"))
        .with_key_id("test-key-1");
    pk.client_secret = None;
    let pk_jwt = Client::new(pk).unwrap();
    let t = pk_jwt.get_token_blocking().unwrap();
    assert_eq!(jwt_claims(t.access_token())["client_id"], "cc-private-key-jwt");
    assert!(pk_jwt.invalidate(t.access_token()));
    pk_jwt.get_token_blocking().expect("a second assertion with a fresh jti is accepted");

    // Discovery from the issuer alone.
    let discovered =
        Client::new(ClientConfig::discover(op.issuer.clone(), BASIC.0, BASIC.1).with_scopes(["api:read"])).unwrap();
    assert_eq!(jwt_claims(discovered.get_token_blocking().unwrap().access_token())["iss"], op.issuer.as_str());

    // The RFC 8707 resource is honoured: it becomes the token's audience.
    let res = Client::new(op.config(BASIC).with_resources(["https://orders.example.com"])).unwrap();
    assert_eq!(jwt_claims(res.get_token_blocking().unwrap().access_token())["aud"], "https://orders.example.com");

    // A wrong secret is the server's own typed error, sent once for a herd:
    // under `auto` (the default) Basic already worked for cc-basic above, so
    // the refusal is not answered with a second try in the body.
    let wrong = Client::new(op.config((BASIC.0, "wrong-secret")).with_scopes(["api:write"])).unwrap();
    let before = op.requests(BASIC.0);
    let errors = herd(&wrong, 64);
    for e in errors.iter().map(|r| r.as_ref().unwrap_err()) {
        assert_eq!((e.kind(), e.oauth_error(), e.http_status()), (ErrorKind::OAuth, Some("invalid_client"), Some(401)));
    }
    assert_eq!(op.requests(BASIC.0) - before, 1);

    // Single flight on an empty and on an expired cache: 64 threads, one request each time.
    let short = Client::new(
        op.config(BASIC).with_resources(["urn:ooauthcc:short-lived"]).with_refresh_ahead(1.0).with_refresh_jitter(0.0),
    )
    .unwrap();
    let before = op.requests(BASIC.0);
    let first = distinct_tokens(&herd(&short, 64));
    assert_eq!(first.len(), 1);
    assert_eq!(op.requests(BASIC.0) - before, 1);
    let start = Instant::now();
    while short.cached_token().is_some() {
        assert!(start.elapsed() < Duration::from_secs(5));
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = distinct_tokens(&herd(&short, 64));
    assert_eq!(second.len(), 1);
    assert_ne!(first, second);
    assert_eq!(op.requests(BASIC.0) - before, 2);
}

/// RFC 8705 client authentication, checked by oidc-provider over its HTTPS port:
/// `cc-tls` is registered for the subject of the CA-issued client.pem,
/// `cc-self-signed` for selfsigned.pem (its jwks holds the certificate as x5c).
#[test]
fn oidc_provider_dynamic_registration() {
    // RFC 7591 against oidc-provider: the registration endpoint discovered from
    // its metadata, its initial access token, the issued client's tokens; a
    // second configuration with the same file registers nothing.
    let op = OidcProvider::start();
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("ooauthcc-oidc-dcr-{}-{nanos}", std::process::id()));
    let file = dir.join("client.json");
    let config = |scope: &str| {
        ClientConfig::default()
            .with_issuer(op.issuer.clone())
            .with_registration_file(&file)
            .with_scopes([scope])
            .with_retry_base_delay(Duration::from_millis(20))
    };
    let refused = Client::new(config("api:read").with_max_retries(0)).unwrap().get_token_blocking().unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::OAuth, "{refused}");
    assert_eq!(refused.http_status(), Some(401), "{refused}");
    assert!(!file.exists());

    let iat = "oidc-initial-access-token-0123456789";
    let read = Client::new(config("api:read").with_initial_access_token(iat)).unwrap();
    let write = Client::new(config("api:write").with_initial_access_token(iat)).unwrap();
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap_or_default()).unwrap_or_default();
    assert!(record.is_null(), "nothing registered before the first fetch");
    let claims = jwt_claims(read.get_token_blocking().unwrap().access_token());
    let record: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let client_id = record["client_id"].as_str().unwrap();
    assert_eq!(claims["client_id"], client_id);
    assert_eq!(claims["scope"], "api:read");
    assert_eq!(jwt_claims(write.get_token_blocking().unwrap().access_token())["client_id"], client_id);
    assert_eq!(op.registrations(), 2, "one refused, one registered; the second configuration reused the file");
    assert_eq!(op.requests(client_id), 2);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn oidc_provider_mtls() {
    let op = OidcProvider::start();
    assert!(op.mtls_base.starts_with("https://127.0.0.1:"));

    let tls = Client::new(op.mtls_config("cc-tls", AuthMethod::TlsClientAuth, "client")).unwrap();
    let before = op.requests("cc-tls");
    let t = tls.get_token_blocking().unwrap();
    assert_eq!(t.token_type(), "Bearer");
    assert_eq!(jwt_claims(t.access_token())["client_id"], "cc-tls");
    // A herd on a fresh cache entry: one request, as over plain HTTP.
    assert!(tls.invalidate(t.access_token()));
    assert_eq!(distinct_tokens(&herd(&tls, 32)).len(), 1);
    assert_eq!(op.requests("cc-tls") - before, 2);

    let self_signed =
        Client::new(op.mtls_config("cc-self-signed", AuthMethod::SelfSignedTlsClientAuth, "selfsigned")).unwrap();
    let before = op.requests("cc-self-signed");
    assert_eq!(jwt_claims(self_signed.get_token_blocking().unwrap().access_token())["client_id"], "cc-self-signed");
    assert_eq!(op.requests("cc-self-signed") - before, 1);

    // The wrong certificate for either client is oidc-provider's invalid_client,
    // one request for a herd: a certificate no trusted CA issued for tls_client_auth...
    let wrong = Client::new(op.mtls_config("cc-tls", AuthMethod::TlsClientAuth, "selfsigned")).unwrap();
    let before = op.requests("cc-tls");
    for r in herd(&wrong, 32) {
        let e = r.unwrap_err();
        assert_eq!((e.kind(), e.oauth_error(), e.http_status()), (ErrorKind::OAuth, Some("invalid_client"), Some(401)));
    }
    assert_eq!(op.requests("cc-tls") - before, 1);
    // ...and a certificate other than the registered one for self_signed_tls_client_auth.
    let wrong = Client::new(op.mtls_config("cc-self-signed", AuthMethod::SelfSignedTlsClientAuth, "client")).unwrap();
    let before = op.requests("cc-self-signed");
    let e = wrong.get_token_blocking().unwrap_err();
    assert_eq!((e.kind(), e.oauth_error(), e.http_status()), (ErrorKind::OAuth, Some("invalid_client"), Some(401)));
    assert_eq!(op.requests("cc-self-signed") - before, 1);

    // Without the fixture CA the server's certificate is not trusted: a transport
    // error, and the request never reaches the provider.
    let mut untrusted = op.mtls_config("cc-tls", AuthMethod::TlsClientAuth, "client").with_max_retries(0);
    untrusted.ca_bundle_file = None;
    let before = op.requests("cc-tls");
    let e = Client::new(untrusted).unwrap().get_token_blocking().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert_eq!(op.requests("cc-tls"), before);
}

fn herd(client: &Client, n: usize) -> Vec<Result<ooauthcc_core::Token, ooauthcc_core::Error>> {
    let barrier = Arc::new(Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|_| {
            let (c, b) = (client.clone(), Arc::clone(&barrier));
            std::thread::spawn(move || {
                b.wait();
                c.get_token_blocking()
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn distinct_tokens(results: &[Result<ooauthcc_core::Token, ooauthcc_core::Error>]) -> Vec<String> {
    let mut v: Vec<String> = results.iter().map(|r| r.as_ref().unwrap().access_token().to_owned()).collect();
    v.sort();
    v.dedup();
    v
}
