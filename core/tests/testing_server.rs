//! The bundled test authorization server (`ooauthcc_core::testing`), driven
//! over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ooauthcc_core::testing::{AcceptedAuth, AuthServer, BasicDecoding, ClientRegistration as Reg, Fault, Quirk};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::{Client, RequestBuilder};
use serde_json::{Value, json};

use common::got::Got;

const CC: &str = "grant_type=client_credentials";

fn server() -> AuthServer {
    let server = AuthServer::start().unwrap();
    server.register_client(Reg::new("app", "s3cret"));
    server
}

fn http() -> Client {
    let policy = reqwest::redirect::Policy::none();
    Client::builder().redirect(policy).build().unwrap()
}

/// RFC 6749 §2.3.1 Basic credentials: form-url-encode (space as %20), then base64.
fn basic(id: &str, secret: &str) -> String {
    let enc = |s| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
    raw_basic(&format!("{}:{}", enc(id), enc(secret)))
}

fn raw_basic(credentials: &str) -> String {
    format!("Basic {}", STANDARD.encode(credentials))
}

/// A POST of a form body (`auth` is an Authorization header, "" for none).
fn request(server: &AuthServer, client: Client, auth: &str, body: &str) -> RequestBuilder {
    let mut req = client.post(server.token_url()).body(body.to_owned());
    req = req.header("content-type", "application/x-www-form-urlencoded");
    if !auth.is_empty() {
        req = req.header("authorization", auth);
    }
    req
}

async fn send(server: &AuthServer, auth: &str, body: &str) -> reqwest::Response {
    request(server, http(), auth, body).send().await.unwrap()
}

async fn post(server: &AuthServer, auth: &str, body: &str) -> Got {
    Got::read(send(server, auth, body).await).await
}

/// A correct client_credentials request for "app" using Basic.
async fn fetch(server: &AuthServer) -> Got {
    post(server, &basic("app", "s3cret"), CC).await
}

#[tokio::test]
async fn basic_and_post_succeed_and_are_recorded() {
    let server = server();
    let got = fetch(&server).await;
    let body = got.json();
    assert_eq!(got.status, 200);
    assert_eq!(got.header("cache-control"), Some("no-store"));
    assert_eq!(got.header("content-type"), Some("application/json"));
    let token = body["access_token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("at_") && token.len() == 35, "{token}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(body.get("scope").is_none());
    assert!(server.is_valid_token(&token) && !server.is_valid_token("at_forged"));

    let form = "client_id=app&client_secret=s3cret&scope=read++write&audience=api";
    let form = format!("{CC}&{form}&resource=https%3A%2F%2Fa&resource=b");
    let body = post(&server, "", &form).await.json();
    assert_eq!(body["scope"], "read write");
    let second = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(server.issued_tokens(), [token, second]);
    assert_eq!(server.request_count("app"), 2);
    assert_eq!(server.total_requests(), 2);

    let reqs = server.requests();
    let used = reqs.iter().map(|r| r.auth_used.as_deref().unwrap());
    let used: Vec<_> = used.collect();
    assert_eq!(used, ["client_secret_basic", "client_secret_post"]);
    assert_eq!((&*reqs[0].method, &*reqs[0].path), ("POST", "/token"));
    let authorization = reqs[0].header("Authorization").unwrap();
    assert_eq!(authorization, basic("app", "s3cret"));
    let content_type = reqs[0].header("CONTENT-TYPE").unwrap();
    assert_eq!(content_type, "application/x-www-form-urlencoded");
    assert_eq!(reqs[1].client_id.as_deref(), Some("app"));
    assert_eq!(reqs[1].param("client_secret"), Some("s3cret"));
    assert_eq!(reqs[1].params("resource"), ["https://a", "b"]);
    assert_eq!(reqs[1].param("audience"), Some("api"));
    assert_eq!(reqs[1].param("missing"), None);
    let debug = format!("{reqs:?}");
    assert!(!debug.contains("s3cret") && !debug.contains(authorization));
    assert_eq!(server.recorded_count(), 2);
    assert_eq!(server.recorded_request(1).as_ref(), Some(&reqs[1]));
    assert_eq!(server.recorded_request(2), None);
    server.reset_counts();
    assert_eq!(server.request_count("app") + server.total_requests(), 0);
    assert!(server.requests().is_empty());
    assert_eq!((server.recorded_count(), server.recorded_request(0)), (0, None));
}

#[tokio::test]
async fn wrong_credentials_are_invalid_client() {
    let server = server();
    let got = post(&server, &basic("app", "wrong-pw"), CC).await;
    assert_eq!(got.outcome(), "401 invalid_client");
    let challenge = got.header("www-authenticate").unwrap();
    assert_eq!(challenge, "Basic realm=\"ooauthcc-test\"");
    let description = &got.json()["error_description"];
    assert_eq!(description, "client authentication failed");
    assert!(!got.text.contains("wrong-pw"));

    let form = format!("{CC}&client_id=app&client_secret=wrong-pw");
    let got = post(&server, "", &form).await;
    assert_eq!(got.outcome(), "401 invalid_client");
    assert!(got.header("www-authenticate").is_none());
    assert_eq!(post(&server, &basic("nobody", "x"), CC).await.status, 401);
    assert_eq!(server.request_count("app"), 2);
    assert_eq!(server.request_count("nobody"), 1);
    assert!(server.issued_tokens().is_empty());
}

#[tokio::test]
async fn basic_credentials_are_form_url_decoded_or_raw() {
    let server = server();
    let (id, secret) = ("id:+%/=& é", "s:+%/=& ü€");
    server.register_client(Reg::new(id, secret));
    assert_eq!(post(&server, &basic(id, secret), CC).await.status, 200);
    assert_eq!(server.requests()[0].client_id.as_deref(), Some(id));
    // '+' is a space in form encoding.
    server.register_client(Reg::new("a b", "c d"));
    assert_eq!(post(&server, &raw_basic("a+b:c+d"), CC).await.status, 200);

    let raw = Reg::new("raw+id", "p:a+s%20s").with_basic_decoding(BasicDecoding::Raw);
    server.register_client(raw);
    let raw_header = raw_basic("raw+id:p:a+s%20s");
    assert_eq!(post(&server, &raw_header, CC).await.status, 200);
    // The same credentials form-encoded do not match a Raw client.
    let encoded = basic("raw+id", "p:a+s%20s");
    assert_eq!(post(&server, &encoded, CC).await.status, 401);
    assert_eq!(server.request_count("raw+id"), 2);
    assert_eq!(post(&server, "Basic !!!not-base64", CC).await.status, 401);
}

#[tokio::test]
async fn request_validation() {
    let server = server();
    server.register_client(Reg::new("b", "pw").with_auth(AcceptedAuth::Basic));
    server.register_client(Reg::new("p", "pw").with_auth(AcceptedAuth::Post));
    server.register_client(Reg::new("pub", "").with_auth(AcceptedAuth::None));
    server.register_client(Reg::new("s", "pw").with_allowed_scopes(["read"]));
    server.register_client(Reg::new("g", "pw").with_grant_type("urn:x:custom"));
    let app = basic("app", "s3cret");
    // (client, body, outcome): client "" sends no Basic header; "cc" is the grant.
    #[rustfmt::skip]
    let cases = [
        ("", "cc&client_id=b&client_secret=pw", "401 invalid_client"),
        ("p", "cc", "401 invalid_client"),
        ("", "cc&client_id=p&client_secret=pw", "200"),
        ("", "cc&client_id=pub", "200"),
        ("", "cc&client_id=app", "401 invalid_client"),
        ("", "cc&client_id=pub&client_secret=x", "401 invalid_client"),
        ("", "cc", "401 invalid_client"),
        ("app", "cc&client_id=app&client_secret=s3cret", "400 invalid_request"),
        ("app", "cc&client_id=other", "400 invalid_request"),
        ("app", "cc&client_id=app", "200"),
        ("app", "", "400 invalid_request"),
        ("app", "grant_type=password", "400 unsupported_grant_type"),
        ("g", "cc", "400 unsupported_grant_type"),
        ("g", "grant_type=urn%3Ax%3Acustom", "200"),
        ("s", "cc&scope=read+write", "400 invalid_scope"),
        ("s", "cc&scope=read", "200"),
        ("app", "cc&cc", "400 invalid_request"),
    ];
    for (client, body, want) in cases {
        let auth = match client {
            "" => String::new(),
            "app" => app.clone(),
            id => basic(id, "pw"),
        };
        let got = post(&server, &auth, &body.replace("cc", CC)).await;
        assert_eq!(got.outcome(), want, "{client} {body}");
    }
    let url = server.token_url();
    let as_json = http().post(&url).header("authorization", &app);
    let as_json = as_json.header("content-type", "application/json");
    let got = Got::read(as_json.body("{}").send().await.unwrap()).await;
    assert_eq!(got.outcome(), "400 invalid_request");
    let big = http().post(&url).body(vec![b'a'; 70_000]).send();
    assert_eq!(big.await.unwrap().status(), 413);
    let get = Got::read(http().get(server.token_url()).send().await.unwrap()).await;
    assert_eq!((get.status, get.header("allow")), (405, Some("POST")));
    let nope = format!("{}/nope", server.base_url());
    assert_eq!(http().get(nope).send().await.unwrap().status(), 404);
    let want = cases.len() as u64 + 3;
    assert_eq!(server.total_requests(), want, "/nope is not counted");
}

#[tokio::test]
async fn quirks_shape_the_response() {
    let server = server();
    let with = async |quirk| {
        server.set_quirk(quirk);
        fetch(&server).await
    };
    let v = with(Quirk::StringExpiresIn).await.json();
    assert_eq!(v["expires_in"], "3600");
    let v = with(Quirk::MissingExpiresIn).await.json();
    assert!(v.get("expires_in").is_none() && v["token_type"] == "Bearer");
    let v = with(Quirk::NestedToken).await.json();
    assert!(v.get("access_token").is_none());
    let data = &v["data"];
    assert_eq!(data["token_type"], "Bearer");
    assert_eq!(data["expires_in"], 3600);
    assert!(server.is_valid_token(data["access_token"].as_str().unwrap()));
    let v = with(Quirk::UppercaseBearer).await.json();
    assert_eq!(v["token_type"], "BEARER");
    let v = with(Quirk::MissingTokenType).await.json();
    assert!(v.get("token_type").is_none() && v["access_token"].is_string());
    let v = with(Quirk::ExtraFields).await.json();
    assert_eq!(v["ext_tenant"], "t-1");
    assert_eq!(v["ext_number"], 42);

    let got = with(Quirk::FormEncoded).await;
    let content_type = got.header("content-type").unwrap();
    assert_eq!(content_type, "application/x-www-form-urlencoded");
    let form = form_urlencoded::parse(got.text.as_bytes()).into_owned();
    let form: Vec<(String, String)> = form.collect();
    let names: Vec<&str> = form.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["access_token", "token_type", "expires_in"]);
    assert!(form[0].1.starts_with("at_"));
    assert_eq!((&*form[1].1, &*form[2].1), ("bearer", "3600"));

    let v = with(Quirk::JwtAccessToken).await.json();
    assert!(v.get("expires_in").is_none());
    let jwt = v["access_token"].as_str().unwrap();
    let segments: Vec<&str> = jwt.split('.').collect();
    assert_eq!((segments.len(), segments[2]), (3, ""));
    let decode = |s| URL_SAFE_NO_PAD.decode(s).unwrap();
    let decode = |s| serde_json::from_slice::<Value>(&decode(s)).unwrap();
    assert_eq!(decode(segments[0]), json!({"alg": "none", "typ": "JWT"}));
    let claims = decode(segments[1]);
    assert_eq!(claims["sub"], "app");
    let (exp, iat) = (claims["exp"].as_u64(), claims["iat"].as_u64());
    assert_eq!(exp.unwrap() - iat.unwrap(), 3600);
    assert!(server.is_valid_token(jwt));
    assert_eq!(with(Quirk::None).await.json()["expires_in"], 3600);
}

#[tokio::test]
async fn faults_answer_whatever_the_credentials() {
    let server = server();
    let with = async |fault| {
        server.set_fault(Some(fault));
        post(&server, &basic("app", "wrong"), CC).await
    };
    let got = with(Fault::Status(502)).await;
    assert_eq!((got.status, got.text.as_str()), (502, "fault"));
    let content_type = got.header("content-type").unwrap();
    assert_eq!(content_type, "text/plain; charset=utf-8");
    let retry_after = Some("2".to_owned());
    let got = with(Fault::TooManyRequests { retry_after }).await;
    assert_eq!((got.status, got.header("retry-after")), (429, Some("2")));
    let got = with(Fault::TooManyRequests { retry_after: None }).await;
    assert_eq!((got.status, got.header("retry-after")), (429, None));
    let date = "Wed, 21 Oct 2015 07:28:00 GMT";
    let got = with(Fault::ServiceUnavailableRetryAfter(date.into())).await;
    assert_eq!((got.status, got.header("retry-after")), (503, Some(date)));
    let to = "http://example.invalid/x";
    let got = with(Fault::Redirect(to.into())).await;
    assert_eq!((got.status, got.header("location")), (302, Some(to)));
    let (error, status) = ("invalid_grant".to_owned(), 400);
    let (description, uri) = (Some("d".to_owned()), Some("u".to_owned()));
    let fault = Fault::OAuthError { status, error, description, uri };
    let got = with(fault).await;
    let want = json!({"error": "invalid_grant", "error_description": "d", "error_uri": "u"});
    assert_eq!((got.status, got.json()), (400, want));
    assert_eq!(with(Fault::NonJson).await.text, "<html>not json</html>");
    let got = with(Fault::ErrorIn200).await;
    assert_eq!(got.outcome(), "200 invalid_request");
    assert_eq!(with(Fault::EmptyBody).await.text, "");
    assert_eq!(with(Fault::DeeplyNested).await.text, "[".repeat(100_000));
    server.set_fault(Some(Fault::InvalidUtf8));
    let bytes = send(&server, "", CC).await.bytes().await.unwrap();
    assert_eq!(&bytes[..20], b"{\"access_token\":\"\xff\xfe\"");
    server.set_fault(Some(Fault::Oversized));
    let resp = send(&server, "", CC).await;
    assert_eq!((resp.status().as_u16(), resp.content_length()), (200, None));
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(bytes.len(), 2 * 1024 * 1024);
    assert!(bytes.starts_with(b"{\"access_token\":\"aaaa") && bytes.ends_with(b"}"));
    server.set_fault(None);
    assert_eq!(fetch(&server).await.status, 200);
    let issued = server.issued_tokens().len();
    assert_eq!(issued, 1, "faulted requests issue no token");
}

#[tokio::test]
async fn broken_bodies() {
    let server = server();
    server.set_fault(Some(Fault::CloseMidBody));
    let mut resp = send(&server, "", CC).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.content_length(), Some(500));
    let mut got = Vec::new();
    let err = loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => got.extend_from_slice(&chunk),
            Ok(None) => panic!("body ended cleanly after {} bytes", got.len()),
            Err(e) => break e,
        }
    };
    assert_eq!(got, b"{\"access_token\":\"at_");
    assert!(err.is_body() || err.is_decode(), "{err:?}");

    server.set_fault(Some(Fault::SlowBody(Duration::from_millis(100))));
    let req = request(&server, http(), &basic("app", "s3cret"), CC);
    let started = Instant::now();
    let mut resp = req.send().await.unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(1), "headers come at once");
    assert!(resp.content_length().unwrap() > 10);
    assert_eq!(&resp.chunk().await.unwrap().unwrap()[..], b"{");
    let rest = tokio::time::timeout(Duration::from_millis(300), resp.bytes()).await;
    assert!(rest.is_err(), "the body trickles");
}

#[tokio::test]
async fn fault_times_then_normal_service() {
    let server = server();
    server.set_fault_times(Fault::Status(500), 2);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(fetch(&server).await.status);
    }
    assert_eq!(statuses, [500, 500, 200, 200]);
    server.set_fault(Some(Fault::Status(504)));
    server.set_fault_times(Fault::Status(503), 1);
    assert_eq!(fetch(&server).await.status, 503);
    let status = fetch(&server).await.status;
    assert_eq!(status, 200, "replaces the persistent fault");
    assert_eq!(server.request_count("app"), 6);
}

#[tokio::test]
async fn metadata_documents() {
    let server = server();
    for path in ["oauth-authorization-server", "openid-configuration"] {
        let url = format!("{}/.well-known/{path}", server.issuer());
        let got = Got::read(http().get(url).send().await.unwrap()).await;
        let want = json!({
            "issuer": server.base_url(),
            "token_endpoint": server.token_url(),
            "registration_endpoint": server.registration_url(),
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported":
                ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt",
                 "tls_client_auth", "self_signed_tls_client_auth", "none"],
        });
        assert_eq!((got.status, got.json()), (200, want));
    }
    let base_url = format!("http://127.0.0.1:{}", server.port());
    assert_eq!(server.base_url(), base_url);
    assert_eq!(server.total_requests(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn latency_piles_up_callers_and_counts_first() {
    let server = server();
    server.set_latency(Duration::from_millis(500));
    let requests: Vec<_> = (0..4).map(|_| request(&server, http(), &basic("app", "s3cret"), CC)).collect();
    let started = Instant::now();
    let calls: Vec<_> =
        requests.into_iter().map(|req| tokio::spawn(async move { req.send().await.unwrap().status() })).collect();
    while server.request_count("app") < 4 && started.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(server.request_count("app"), 4);
    let waiting = calls.iter().all(|call| !call.is_finished());
    assert!(waiting, "counted on arrival, before the latency");
    for call in calls {
        assert_eq!(call.await.unwrap(), 200);
    }
    assert!(started.elapsed() >= Duration::from_millis(500));

    // A request the client gave up on is counted all the same.
    server.set_latency(Duration::ZERO);
    server.set_fault(Some(Fault::Slow(Duration::from_secs(5))));
    let client = Client::builder().timeout(Duration::from_millis(200));
    let call = client.build().unwrap().post(server.token_url()).send();
    assert!(call.await.unwrap_err().is_timeout());
    assert_eq!(server.total_requests(), 5);
}

#[tokio::test]
async fn tokens_expire() {
    let server = server();
    server.set_token_lifetime(Duration::from_secs(1));
    let v = fetch(&server).await.json();
    assert_eq!(v["expires_in"], 1);
    let token = v["access_token"].as_str().unwrap();
    assert!(server.is_valid_token(token));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(!server.is_valid_token(token));
    assert_eq!(server.issued_tokens(), [token]);
}

#[tokio::test]
async fn drop_during_a_slow_fault_does_not_hang() {
    let server = server();
    server.set_fault(Some(Fault::Slow(Duration::from_secs(30))));
    let url = server.token_url();
    let call = tokio::spawn(async move { http().post(url).body("").send().await });
    while server.total_requests() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let started = Instant::now();
    drop(server);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(call.await.unwrap().is_err(), "the cut-off request fails");
}

#[test]
fn starts_and_stops_from_sync_code() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<AuthServer>();
    let servers: Vec<_> = (0..3).map(|_| AuthServer::start().unwrap()).collect();
    assert!(servers[0].port() != servers[1].port() && servers[0].port() != 0);
    assert!(std::net::TcpStream::connect(("127.0.0.1", servers[2].port())).is_ok());
}

#[tokio::test]
async fn the_resource_accepts_its_own_unexpired_tokens_by_header_or_query() {
    let server = server();
    let token = fetch(&server).await.json()["access_token"].as_str().unwrap().to_owned();
    let get = |auth: Option<String>, query: Option<&str>| {
        let mut url = server.resource_url();
        if let Some(q) = query {
            url = format!("{url}?access_token={q}");
        }
        let mut req = http().get(url);
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        async move { Got::read(req.send().await.unwrap()).await }
    };
    let by_header = get(Some(format!("Bearer {token}")), None).await;
    assert_eq!((by_header.status, by_header.json()["via"].as_str()), (200, Some("header")));
    let by_query = get(None, Some(&token)).await;
    assert_eq!((by_query.status, by_query.json()["via"].as_str()), (200, Some("query")));

    let missing = get(None, None).await;
    assert_eq!((missing.status, missing.header("www-authenticate")), (401, Some("Bearer")));
    let forged = get(Some("Bearer at_forged".into()), None).await;
    assert_eq!((forged.status, forged.header("www-authenticate")), (401, Some("Bearer error=\"invalid_token\"")));
    // A token is found as a whole word of a header's value, not inside another word.
    let glued = get(Some(format!("Bearer x{token}")), None).await;
    assert_eq!(glued.status, 401);
    let custom = http().get(server.resource_url()).header("x-api-token", format!("Token {token}; v=2")).send();
    let custom = Got::read(custom.await.unwrap()).await;
    assert_eq!((custom.status, custom.json()["name"].as_str()), (200, Some("x-api-token")));
    // ... and every request is recorded, with the answer it got.
    let recorded: Vec<u16> = server.resource_requests().iter().map(|r| r.status).collect();
    assert_eq!(recorded, [200, 200, 401, 401, 401, 200]);

    server.set_token_lifetime(Duration::from_secs(1));
    let short = fetch(&server).await.json()["access_token"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(get(Some(format!("Bearer {short}")), None).await.status, 401, "an expired token is refused");
    let post = http().post(server.resource_url()).send().await.unwrap();
    assert_eq!(post.status().as_u16(), 405);
}
