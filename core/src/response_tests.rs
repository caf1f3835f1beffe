use base64::Engine as _;

use super::*;

const TOKEN: &str = "tok-SECRET-abc123";

fn raw(status: u16, ct: &str, body: &str) -> RawResponse {
    RawResponse {
        status,
        content_type: Some(ct.into()),
        retry_after: None,
        location: None,
        body: body.as_bytes().to_vec().into(),
    }
}

fn ok(r: &RawResponse) -> TokenResponse {
    match parse(r, &[]) {
        Ok(t) => t,
        Err(e) => panic!("expected a token, got {e}"),
    }
}

fn err(r: &RawResponse, path: &[String]) -> Error {
    match parse(r, path) {
        Ok(_) => panic!("expected an error"),
        Err(e) => {
            assert!(!e.to_string().contains(TOKEN), "token leaked into: {e}");
            assert!(!format!("{e:?}").contains(TOKEN), "token leaked into: {e:?}");
            e
        }
    }
}

#[test]
fn plain_json() {
    let t = ok(&raw(
        200,
        "application/json",
        &format!(r#"{{"access_token":"{TOKEN}","token_type":"bearer","expires_in":3600,"scope":"a b","ext":1}}"#),
    ));
    assert_eq!(t.access_token.expose(), TOKEN);
    assert_eq!(t.token_type, "Bearer");
    assert_eq!(t.lifetime, Some(Duration::from_secs(3600)));
    assert_eq!(t.scope.as_deref(), Some("a b"));
    assert_eq!(t.extra.get("ext"), Some(&Value::from(1)));
}

#[test]
fn lenient_fields() {
    let t = ok(&raw(
        200,
        "application/json; charset=utf-8",
        &format!(r#"{{"access_token":"{TOKEN}","token_type":"BEARER","expires_in":"1800"}}"#),
    ));
    assert_eq!(t.token_type, "Bearer");
    assert_eq!(t.lifetime, Some(Duration::from_secs(1800)));
    let t = ok(&raw(200, "application/json", &format!(r#"{{"access_token":"{TOKEN}"}}"#)));
    assert_eq!(t.token_type, "Bearer");
    assert_eq!(t.lifetime, None);
    let t = ok(&raw(
        200,
        "application/json",
        &format!(r#"{{"access_token":"{TOKEN}","token_type":"DPoP","expires_in":0}}"#),
    ));
    assert_eq!(t.token_type, "DPoP");
    assert_eq!(t.lifetime, None);
}

#[test]
fn form_encoded_body() {
    let t = ok(&raw(
        200,
        "application/x-www-form-urlencoded",
        &format!("access_token={TOKEN}&token_type=bearer&expires_in=60&scope=a+b"),
    ));
    assert_eq!(t.access_token.expose(), TOKEN);
    assert_eq!(t.lifetime, Some(Duration::from_secs(60)));
    assert_eq!(t.scope.as_deref(), Some("a b"));
}

#[test]
fn nested_token() {
    let body = format!(r#"{{"data":{{"access_token":"{TOKEN}","expires_in":10}}}}"#);
    let t = parse(&raw(200, "application/json", &body), &["data".into()]).ok().map(|t| t.lifetime);
    assert_eq!(t, Some(Some(Duration::from_secs(10))));
    let e = err(&raw(200, "application/json", &body), &["result".into()]);
    assert!(e.message().contains("`result`"), "{e}");
}

#[test]
fn jwt_exp_when_expires_in_missing() {
    let exp = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) + 120;
    let enc = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let jwt = format!("{}.{}.sig", enc(r#"{"alg":"none"}"#), enc(&format!(r#"{{"exp":{exp}}}"#)));
    let t = ok(&raw(200, "application/json", &format!(r#"{{"access_token":"{jwt}"}}"#)));
    let life = t.lifetime.map(|d| d.as_secs()).unwrap_or(0);
    assert!((118..=120).contains(&life), "{life}");
}

#[test]
fn oauth_errors_any_4xx_and_200() {
    for status in [400u16, 401, 403] {
        let e = err(
            &raw(
                status,
                "application/json",
                r#"{"error":"invalid_client","error_description":"bad secret","error_uri":"https://x/e"}"#,
            ),
            &[],
        );
        assert_eq!(e.kind(), ErrorKind::OAuth);
        assert_eq!(e.http_status(), Some(status));
        let o = e.oauth().cloned().unwrap_or_else(|| panic!("no oauth body"));
        assert_eq!(o.error, "invalid_client");
        assert_eq!(o.error_description.as_deref(), Some("bad secret"));
        assert_eq!(o.error_uri.as_deref(), Some("https://x/e"));
    }
    let e = err(&raw(200, "application/json", r#"{"error":"invalid_request"}"#), &[]);
    assert_eq!((e.kind(), e.oauth_error()), (ErrorKind::OAuth, Some("invalid_request")));
}

#[test]
fn http_status_errors() {
    let mut r = raw(503, "text/html", "<html>down</html>");
    r.retry_after = Some(Duration::from_secs(2));
    let e = err(&r, &[]);
    assert_eq!(
        (e.kind(), e.http_status(), e.retry_after()),
        (ErrorKind::HttpStatus, Some(503), Some(Duration::from_secs(2)))
    );
    assert!(e.is_retryable());
    let mut r = raw(302, "text/html", "");
    r.location = Some("http://127.0.0.1:9/steal?x=1".into());
    let e = err(&r, &[]);
    assert_eq!(e.kind(), ErrorKind::HttpStatus);
    assert!(e.message().contains("redirect") && !e.message().contains("steal"), "{e}");
}

#[test]
fn malformed_bodies_are_typed_and_do_not_echo() {
    let cases: Vec<(RawResponse, &str)> = vec![
        (raw(200, "application/json", ""), "empty body"),
        (raw(200, "application/json", "<html>nope</html>"), "not JSON"),
        (raw(200, "application/json", "[1,2]"), "array"),
        (raw(200, "application/json", &format!(r#"{{"token":"{TOKEN}"}}"#)), "no `access_token`"),
        (raw(200, "application/json", r#"{"access_token":5}"#), "number"),
        (raw(200, "application/json", &format!(r#"{{"access_token":"{TOKEN}","expires_in":"soon"}}"#)), "expires_in"),
        (raw(200, "application/json", &format!(r#"{{"access_token":"{TOKEN}","expires_in":-5}}"#)), "expires_in"),
        (raw(200, "application/json", &"[".repeat(100_000)), "not JSON"),
    ];
    for (r, want) in cases {
        let e = err(&r, &[]);
        assert_eq!(e.kind(), ErrorKind::MalformedResponse, "{e}");
        assert!(e.message().contains(want), "expected {want:?} in {e}");
    }
    let bad_utf8 =
        RawResponse { body: b"{\"access_token\":\"\xff\xfe\"}".to_vec().into(), ..raw(200, "application/json", "") };
    let e = err(&bad_utf8, &[]);
    assert!(e.message().contains("UTF-8"), "{e}");
}

#[test]
fn retry_after_forms() {
    assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
    let later = SystemTime::now() + Duration::from_secs(30);
    let d = parse_retry_after(&httpdate::fmt_http_date(later)).unwrap_or_default();
    assert!(d <= Duration::from_secs(30) && d >= Duration::from_secs(28), "{d:?}");
    assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
    assert_eq!(parse_retry_after("soon"), None);
}
