//! What goes on the wire: client authentication (basic with RFC 6749 encoding,
//! raw basic, post, auto, none) and every request setting.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use ooauthcc_core::testing::{AcceptedAuth, AuthServer, BasicDecoding, ClientRegistration};
use ooauthcc_core::{AuthMethod, BasicEncoding, Client, ClientConfig, ErrorKind, ScopeDelimiter};

use common::{config, server_for, unique_id};

#[test]
fn basic_auth_survives_every_special_character() {
    let server = AuthServer::start().unwrap();
    let id = format!("{}:+%/=& é", unique_id("odd"));
    let secret = "s:+%/=& ü€";
    server.register_client(ClientRegistration::new(id.clone(), secret).with_auth(AcceptedAuth::Basic));
    let client = Client::new(ClientConfig::new(server.token_url(), id.clone(), secret)).unwrap();
    let t = client.get_token_blocking().unwrap();
    assert!(server.is_valid_token(t.access_token()));
    let req = server.requests().pop().unwrap();
    assert_eq!(req.auth_used.as_deref(), Some("client_secret_basic"));
    assert_eq!(req.client_id.as_deref(), Some(id.as_str()));
}

#[test]
fn raw_basic_for_servers_that_decode_nothing() {
    let server = AuthServer::start().unwrap();
    let id = unique_id("raw+id");
    let secret = "raw secret+%41";
    server.register_client(
        ClientRegistration::new(id.clone(), secret)
            .with_auth(AcceptedAuth::Basic)
            .with_basic_decoding(BasicDecoding::Raw),
    );
    let rfc6749 = Client::new(ClientConfig::new(server.token_url(), id.clone(), secret)).unwrap();
    let e = rfc6749.get_token_blocking().unwrap_err();
    assert_eq!(e.oauth_error(), Some("invalid_client"), "encoded credentials do not match a raw server");
    let raw =
        Client::new(ClientConfig::new(server.token_url(), id, secret).with_basic_encoding(BasicEncoding::Rfc7617))
            .unwrap();
    assert!(raw.get_token_blocking().is_ok());
}

#[test]
fn post_and_none_methods() {
    let server = AuthServer::start().unwrap();
    let (post_id, public_id) = (unique_id("post"), unique_id("public"));
    server.register_client(ClientRegistration::new(post_id.clone(), "p-secret").with_auth(AcceptedAuth::Post));
    server.register_client(ClientRegistration::new(public_id.clone(), "").with_auth(AcceptedAuth::None));
    let post = Client::new(
        ClientConfig::new(server.token_url(), post_id, "p-secret").with_auth_method(AuthMethod::ClientSecretPost),
    )
    .unwrap();
    assert!(post.get_token_blocking().is_ok());
    assert_eq!(server.requests().pop().unwrap().auth_used.as_deref(), Some("client_secret_post"));
    let mut public = ClientConfig::new(server.token_url(), public_id, "").with_auth_method(AuthMethod::None);
    public.client_secret = None;
    assert!(Client::new(public).unwrap().get_token_blocking().is_ok());
    assert_eq!(server.requests().pop().unwrap().auth_used.as_deref(), Some("none"));
}

#[test]
fn by_default_a_post_only_and_a_basic_only_client_both_get_tokens() {
    // No auth_method set: `auto`. The post-only client costs one extra request
    // once; the basic-only one never does; a wrong secret costs two per fetch.
    assert_eq!(ClientConfig::new("http://127.0.0.1:9/token", "x", "y").auth_method, AuthMethod::Auto);
    let server = AuthServer::start().unwrap();
    let (post_id, basic_id, wrong_id) =
        (unique_id("default-post"), unique_id("default-basic"), unique_id("default-wrong"));
    server.register_client(ClientRegistration::new(post_id.clone(), "a-secret").with_auth(AcceptedAuth::Post));
    server.register_client(ClientRegistration::new(basic_id.clone(), "a-secret").with_auth(AcceptedAuth::Basic));
    server.register_client(ClientRegistration::new(wrong_id.clone(), "the-right-secret"));
    let methods_of = |id: &str| -> Vec<String> {
        server
            .requests()
            .into_iter()
            .filter(|r| r.client_id.as_deref() == Some(id))
            .filter_map(|r| r.auth_used)
            .collect()
    };
    for id in [&post_id, &basic_id] {
        let client = Client::new(ClientConfig::new(server.token_url(), id.clone(), "a-secret")).unwrap();
        for _ in 0..2 {
            let t = client.get_token_blocking().unwrap();
            assert!(server.is_valid_token(t.access_token()));
            assert!(client.invalidate(t.access_token()));
        }
    }
    assert_eq!(methods_of(&post_id), ["client_secret_basic", "client_secret_post", "client_secret_post"]);
    assert_eq!(methods_of(&basic_id), ["client_secret_basic", "client_secret_basic"]);

    let wrong = Client::new(ClientConfig::new(server.token_url(), wrong_id.clone(), "a-wrong-secret")).unwrap();
    let e = wrong.get_token_blocking().unwrap_err();
    assert_eq!((e.kind(), e.oauth_error()), (ErrorKind::OAuth, Some("invalid_client")));
    assert_eq!(methods_of(&wrong_id), ["client_secret_basic", "client_secret_post"]);
    assert!(wrong.get_token_blocking().is_err());
    assert_eq!(server.request_count(&wrong_id), 2, "the refusal is held: no request while it lasts");
}

#[test]
fn auto_falls_back_to_post_once_and_remembers() {
    let server = AuthServer::start().unwrap();
    let id = unique_id("auto");
    server.register_client(ClientRegistration::new(id.clone(), "a-secret").with_auth(AcceptedAuth::Post));
    let client =
        Client::new(ClientConfig::new(server.token_url(), id.clone(), "a-secret").with_auth_method(AuthMethod::Auto))
            .unwrap();
    for _ in 0..3 {
        let t = client.get_token_blocking().unwrap();
        assert!(client.invalidate(t.access_token()));
    }
    let methods: Vec<String> = server.requests().into_iter().filter_map(|r| r.auth_used).collect();
    assert_eq!(methods, ["client_secret_basic", "client_secret_post", "client_secret_post", "client_secret_post"]);
}

#[test]
fn auto_remembers_per_token_endpoint_and_client_across_cache_entries() {
    // Two clients of one client id with different scopes are two cache
    // entries; what the first learned (post) the second uses at once.
    let server = AuthServer::start().unwrap();
    let id = unique_id("auto-shared");
    server.register_client(ClientRegistration::new(id.clone(), "a-secret").with_auth(AcceptedAuth::Post));
    let config = |scope: &str| {
        ClientConfig::new(server.token_url(), id.clone(), "a-secret")
            .with_auth_method(AuthMethod::Auto)
            .with_scopes([scope])
    };
    Client::new(config("orders.read")).unwrap().get_token_blocking().unwrap();
    Client::new(config("invoices.read")).unwrap().get_token_blocking().unwrap();
    let methods: Vec<String> = server.requests().into_iter().filter_map(|r| r.auth_used).collect();
    assert_eq!(methods, ["client_secret_basic", "client_secret_post", "client_secret_post"]);
}

#[test]
fn auto_falls_back_on_a_bare_403_and_learns_post() {
    // Some servers refuse a client they cannot authenticate with 403 and no OAuth body.
    let server = AuthServer::start().unwrap();
    let id = unique_id("auto-403");
    server.register_client(ClientRegistration::new(id.clone(), "a-secret"));
    server.set_fault_times(ooauthcc_core::testing::Fault::Status(403), 1);
    let client =
        Client::new(ClientConfig::new(server.token_url(), id, "a-secret").with_auth_method(AuthMethod::Auto)).unwrap();
    assert!(client.get_token_blocking().is_ok());
    let methods: Vec<String> = server.requests().into_iter().filter_map(|r| r.auth_used).collect();
    assert_eq!(methods, ["client_secret_basic", "client_secret_post"]);
}

#[test]
fn auto_does_not_fall_back_on_an_outage() {
    let server = AuthServer::start().unwrap();
    let id = unique_id("auto-outage");
    server.register_client(ClientRegistration::new(id.clone(), "a-secret"));
    server.set_fault(Some(ooauthcc_core::testing::Fault::Status(503)));
    let client = Client::new(
        ClientConfig::new(server.token_url(), id, "a-secret").with_auth_method(AuthMethod::Auto).with_max_retries(0),
    )
    .unwrap();
    assert_eq!(client.get_token_blocking().unwrap_err().http_status(), Some(503));
    let methods: Vec<String> = server.requests().into_iter().filter_map(|r| r.auth_used).collect();
    assert!(methods.iter().all(|m| m == "client_secret_basic"), "{methods:?}");
    assert_eq!(server.total_requests(), 1);
}

#[test]
fn every_request_setting_reaches_the_server() {
    let id = unique_id("params");
    let server = server_for(&id);
    let client = Client::new(
        config(&server, &id)
            .with_scopes(["write", "read"])
            .with_scope_delimiter(ScopeDelimiter::Comma)
            .with_scope_param("scopes")
            .with_audience("https://api.example.com")
            .with_resources(["https://a.example.com", "https://b.example.com"])
            .with_extra_param("tenant", "t 1")
            .with_extra_header("X-Tenant", "t1")
            .with_cookie("session", "abc")
            .with_cookie("region", "eu"),
    )
    .unwrap();
    client.get_token_blocking().unwrap();
    let r = server.requests().pop().unwrap();
    assert_eq!(r.method, "POST");
    assert_eq!(r.param("grant_type"), Some("client_credentials"));
    assert_eq!(r.param("scopes"), Some("read,write"));
    assert_eq!(r.param("audience"), Some("https://api.example.com"));
    assert_eq!(r.params("resource"), ["https://a.example.com", "https://b.example.com"]);
    assert_eq!(r.param("tenant"), Some("t 1"));
    assert_eq!(r.header("x-tenant"), Some("t1"));
    assert_eq!(r.header("cookie"), Some("region=eu; session=abc"));
    assert_eq!(r.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(r.header("user-agent"), Some(ooauthcc_core::USER_AGENT));
    assert!(ooauthcc_core::USER_AGENT.starts_with("ooauthcc/"));
    assert_eq!(r.param("client_secret"), None, "basic auth keeps the secret out of the body");
}

#[test]
fn custom_grant_type() {
    let server = AuthServer::start().unwrap();
    let id = unique_id("grant");
    server.register_client(ClientRegistration::new(id.clone(), "g").with_grant_type("urn:example:custom"));
    let ok = Client::new(ClientConfig::new(server.token_url(), id.clone(), "g").with_grant_type("urn:example:custom"))
        .unwrap();
    assert!(ok.get_token_blocking().is_ok());
    let plain = Client::new(ClientConfig::new(server.token_url(), id, "g").with_max_retries(0)).unwrap();
    assert_eq!(plain.get_token_blocking().unwrap_err().oauth_error(), Some("unsupported_grant_type"));
}

#[test]
fn applying_a_token() {
    let id = unique_id("apply");
    let server = server_for(&id);
    let client = Client::new(config(&server, &id).with_token_prefix("DPoP").with_header_name("X-Auth")).unwrap();
    let h = client.authorization_header_blocking().unwrap();
    let t = client.get_token_blocking().unwrap();
    assert_eq!(h, format!("DPoP {}", t.access_token()));
    assert_eq!(client.header_name(), "X-Auth");

    let q = Client::new(config(&server, &id).with_query_param("access_token").with_allowed_hosts(["api.example.com"]))
        .unwrap();
    let t = q.get_token_blocking().unwrap();
    let mut url = url::Url::parse("https://api.example.com/v1?x=1").unwrap();
    q.apply_to_url(&mut url, &t).unwrap();
    assert_eq!(
        url.query_pairs().find(|(k, _)| k == "access_token").map(|(_, v)| v.into_owned()),
        Some(t.access_token().to_owned())
    );
    let mut evil = url::Url::parse("https://evil.example.net/").unwrap();
    assert_eq!(q.apply_to_url(&mut evil, &t).unwrap_err().kind(), ErrorKind::Usage);
    assert!(!evil.as_str().contains(t.access_token()));
}

#[test]
fn short_timeouts_from_config_apply() {
    let id = unique_id("cfg-timeout");
    let server = server_for(&id);
    server.set_latency(Duration::from_secs(3));
    let client = Client::new(config(&server, &id).with_get_timeout(Duration::from_millis(200))).unwrap();
    let e = client.get_token_blocking().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
}

#[test]
fn token_endpoint_discovered_from_the_issuer() {
    let id = unique_id("discover");
    let server = server_for(&id);
    let client = Client::new(ClientConfig::discover(server.issuer(), id.clone(), common::SECRET)).unwrap();
    let t = client.get_token_blocking().unwrap();
    assert!(server.is_valid_token(t.access_token()));
    assert!(client.invalidate(t.access_token()));
    client.get_token_blocking().unwrap();
    assert_eq!(server.request_count(&id), 2, "metadata is read once, token requests go to the discovered endpoint");

    // The document must name the issuer we asked for.
    let other_name = format!("http://localhost:{}", server.port());
    let c = Client::new(ClientConfig::discover(other_name, unique_id("discover-mismatch"), "s")).unwrap();
    let e = c.get_token_blocking().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MalformedResponse, "{e}");
    assert!(e.message().contains("declares issuer"), "{e}");

    let mut both = ClientConfig::discover(server.issuer(), "x", "s");
    both.token_url = server.token_url();
    assert!(Client::new(both).unwrap_err().message().contains("issuer"));
}

#[test]
fn discovery_failures_are_typed() {
    let elsewhere = AuthServer::start().unwrap();
    let issuer = format!("{}/tenant-without-metadata", elsewhere.issuer());
    let c = Client::new(ClientConfig::discover(issuer, unique_id("discover-404"), "s")).unwrap();
    let e = c.get_token_blocking().unwrap_err();
    assert_eq!((e.kind(), e.http_status()), (ErrorKind::HttpStatus, Some(404)), "{e}");
    assert!(e.message().contains("no discovery document"), "{e}");
}
