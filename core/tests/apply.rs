//! Tokens on API requests, through `OAuthMiddleware` (reqwest-middleware),
//! against the bundled server's recording resource: the header and its format,
//! the query parameter, resource headers and cookies, `allowed_hosts`
//! enforced before any token request, and 401 retries that renew once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use ooauthcc_core::testing::AuthServer;
use ooauthcc_core::{Client, ClientConfig, ErrorKind, OAuthMiddleware};
use reqwest_middleware::ClientWithMiddleware;

use common::{config, server_for, unique_id};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

fn http(client: &Client) -> ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(reqwest::Client::new()).with(OAuthMiddleware::new(client.clone())).build()
}

/// `config` with extra settings, and its client.
fn client(server: &AuthServer, id: &str, tweak: impl FnOnce(ClientConfig) -> ClientConfig) -> Client {
    Client::new(tweak(config(server, id))).unwrap()
}

#[test]
fn the_token_its_format_headers_and_cookies_reach_the_api() {
    let id = unique_id("apply-header");
    let server = server_for(&id);
    let c = client(&server, &id, |c| {
        c.with_header_name("X-Api-Token")
            .with_header_format("Token {token}")
            .with_resource_headers([("X-Tenant", "acme")])
            .with_resource_cookies([("session", "s1"), ("region", "eu")])
            .with_extra_headers([("X-Token-Request-Only", "yes")])
    });
    let rt = runtime();
    let resp = rt.block_on(http(&c).get(server.resource_url()).header("Cookie", "mine=1").send()).unwrap();
    assert_eq!(resp.status(), 200);
    let seen = server.resource_requests();
    assert_eq!(seen.len(), 1);
    let token = c.cached_token().unwrap();
    assert_eq!(seen[0].header("x-api-token"), Some(format!("Token {}", token.access_token()).as_str()));
    assert_eq!(seen[0].header("authorization"), None);
    assert_eq!(seen[0].header("x-tenant"), Some("acme"));
    assert_eq!(seen[0].header("x-token-request-only"), None, "token-request headers stay off API requests");
    assert_eq!(
        (seen[0].cookie("mine"), seen[0].cookie("session"), seen[0].cookie("region")),
        (Some("1"), Some("s1"), Some("eu"))
    );
    assert_eq!(seen[0].token_in.as_deref(), Some("header:x-api-token"));
    // ... and resource headers stay off the token request.
    let token_request = server.requests().into_iter().find(|r| r.path == "/token").unwrap();
    assert_eq!(token_request.header("x-token-request-only"), Some("yes"));
    assert_eq!(token_request.header("x-tenant"), None);
}

#[test]
fn the_token_in_a_query_parameter_replaces_one_already_there() {
    let id = unique_id("apply-query");
    let server = server_for(&id);
    let c = client(&server, &id, |c| c.with_query_param("api_key"));
    let url = format!("{}?page=2&api_key=stale", server.resource_url());
    let authorized = c.authorize_blocking(&url).unwrap();
    assert!(authorized.headers().is_empty(), "no token header when the token is in the query");
    let resp = runtime().block_on(http(&c).get(&url).send()).unwrap();
    assert_eq!(resp.status(), 200);
    let seen = &server.resource_requests()[0];
    assert_eq!(seen.query_param("page"), Some("2"));
    assert_eq!(seen.query.iter().filter(|(k, _)| k == "api_key").count(), 1);
    assert_eq!(seen.query_param("api_key"), Some(authorized.token().access_token()));
    assert_eq!(seen.token_in.as_deref(), Some("query:api_key"));
    // Debug shows neither the query nor header values.
    let debug = format!("{authorized:?}");
    assert!(!debug.contains(authorized.token().access_token()) && !debug.contains("page=2"), "{debug}");
}

#[test]
fn a_host_outside_allowed_hosts_gets_no_token_and_no_request() {
    let id = unique_id("apply-hosts");
    let server = server_for(&id);
    let c = client(&server, &id, |c| c.with_allowed_hosts(["api.example.com"]));
    let err = runtime().block_on(http(&c).get(server.resource_url()).send()).unwrap_err();
    let reqwest_middleware::Error::Middleware(inner) = &err else { panic!("{err:?}") };
    let inner = inner.downcast_ref::<ooauthcc_core::Error>().expect("an ooauthcc error");
    assert_eq!(inner.kind(), ErrorKind::Usage);
    assert!(inner.message().contains("127.0.0.1") && inner.message().contains("allowed_hosts"), "{inner}");
    assert_eq!(server.request_count(&id), 0, "no token was fetched for a refused host");
    assert!(server.resource_requests().is_empty());
}

#[test]
fn a_401_invalidates_that_token_and_retries_with_a_new_one() {
    let id = unique_id("apply-401");
    let server = server_for(&id);
    let c = client(&server, &id, |c| c);
    let rt = runtime();
    server.reject_resource_requests(1);
    let resp = rt.block_on(http(&c).get(server.resource_url()).send()).unwrap();
    assert_eq!(resp.status(), 200);
    let seen = server.resource_requests();
    assert_eq!(seen.iter().map(|r| r.status).collect::<Vec<_>>(), [401, 200]);
    assert_ne!(seen[0].header("authorization"), seen[1].header("authorization"), "the retry carries a new token");
    assert_eq!(server.request_count(&id), 2);

    // Still 401 after `unauthorized_retries` (1): the API's answer is returned.
    server.reset_counts();
    server.reject_resource_requests(5);
    let resp = rt.block_on(http(&c).get(server.resource_url()).send()).unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(server.resource_requests().len(), 2);

    // With 0 retries, one request and its 401.
    let id0 = unique_id("apply-401-none");
    server.register_client(ooauthcc_core::testing::ClientRegistration::new(&id0, common::SECRET));
    let none = client(&server, &id0, |c| c.with_unauthorized_retries(0_u32));
    server.reset_counts();
    server.reject_resource_requests(1);
    let resp = rt.block_on(http(&none).get(server.resource_url()).send()).unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(server.resource_requests().len(), 1);
}

#[test]
fn concurrent_401s_on_one_token_renew_it_once() {
    let id = unique_id("apply-401-herd");
    let server = server_for(&id);
    let c = client(&server, &id, |c| c);
    let rt = runtime();
    let http = http(&c);
    let first = rt.block_on(c.get_token()).unwrap();
    server.revoke_token_at_resource(first.access_token());
    let sends: Vec<_> = (0..16).map(|_| rt.spawn(http.get(server.resource_url()).send())).collect();
    let statuses: Vec<u16> =
        sends.into_iter().map(|send| rt.block_on(send).unwrap().unwrap().status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    // The first token, then exactly one renewal for all 16 rejected requests.
    assert_eq!(server.request_count(&id), 2);
    // However many went out with the revoked token before the renewal (at
    // least the first), each was retried: 16 answers of 200.
    let seen = server.resource_requests();
    let rejected = seen.iter().filter(|r| r.status == 401).count();
    assert!(rejected >= 1 && seen.len() == 16 + rejected, "{rejected} rejected of {}", seen.len());
}

#[test]
fn reauthorize_is_the_retry_rule_for_every_integration() {
    // Two retries allowed, the token in the query: each retry is authorized
    // for the caller's URL with the next token (never the rejected one), and
    // the third asks for none and leaves the cache alone.
    let id = unique_id("apply-reauthorize");
    let server = server_for(&id);
    let c = client(&server, &id, |c| c.with_unauthorized_retries(2_u32).with_query_param("access_token"));
    let url = format!("{}?page=2", server.resource_url());
    let first = c.authorize_blocking(&url).unwrap();
    let second = c.reauthorize_blocking(&first, 0).unwrap().expect("a first retry");
    assert_ne!(second.token().access_token(), first.token().access_token());
    assert!(server.is_valid_token(second.token().access_token()));
    let query: Vec<(String, String)> = second.url().query_pairs().into_owned().collect();
    assert_eq!(
        query,
        [("page".to_owned(), "2".to_owned()), ("access_token".to_owned(), second.token().access_token().to_owned())]
    );
    let third = runtime().block_on(c.reauthorize(&second, 1)).unwrap().expect("a second retry");
    assert_eq!(server.request_count(&id), 3);
    assert!(c.reauthorize_blocking(&third, 2).unwrap().is_none(), "unauthorized_retries is 2");
    assert_eq!(
        c.cached_token().unwrap().access_token(),
        third.token().access_token(),
        "no invalidation when giving up"
    );
    assert_eq!(server.request_count(&id), 3);
}

#[test]
fn the_fresh_token_and_header_value_can_be_borrowed_without_a_handle() {
    let id = unique_id("apply-borrow");
    let server = server_for(&id);
    let c = client(&server, &id, |c| c.with_header_format("Token {token}; v=1"));
    assert!(c.with_fresh_token(|t| t.to_owned()).is_none(), "nothing cached: None, and no fetch");
    assert_eq!(server.request_count(&id), 0);
    let token = c.get_token_blocking().unwrap();
    let hits = c.stats().cache_hits;
    assert_eq!(c.with_fresh_token(|t| t.to_owned()).as_deref(), Some(token.access_token()));
    let parts = c.with_fresh_header_value(|[a, b, d]| format!("{a}{b}{d}")).unwrap();
    assert_eq!(parts, c.header_value(&token));
    assert_eq!(parts, format!("Token {}; v=1", token.access_token()));
    assert_eq!(c.stats().cache_hits, hits + 2, "each borrow is a cache hit");
    assert!(c.invalidate(token.access_token()));
    assert!(c.with_fresh_header_value(|_| ()).is_none());
}
