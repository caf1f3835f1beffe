//! `ooauthcc` end to end: the built binary, run as a process, against the
//! bundled authorization server on 127.0.0.1 (and `curl`, `sh` and a real
//! `redis-server` where a test says so).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, SystemTime};

use ooauthcc_core::testing::{AuthServer, ClientRegistration, Fault, Quirk, RedisServer};
use ooauthcc_core::{ClientConfig, ErrorKind, SettingKind};
use serde_json::Value;

const SECRET: &str = "cli-s3cret-value";

fn server() -> AuthServer {
    let server = AuthServer::start().unwrap();
    server.register_client(ClientRegistration::new("cli-app", SECRET));
    server
}

/// A finished run: exit code, standard output and standard error as text.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `ooauthcc args…` with only `env` in its environment (and PATH), and
/// `stdin` on its standard input.
fn ooauthcc(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ooauthcc"));
    cmd.args(args).env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    // A cache directory of its own unless the test names one: the default file
    // store must not carry tokens from one test (or one run) to another.
    cmd.env("HOME", tempdir("home"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out: Output = child.wait_with_output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert!(!run.stderr.contains(SECRET), "stderr shows the secret: {}", run.stderr);
    run
}

/// The environment that names the bundled server's client.
fn env_for(server: &AuthServer) -> Vec<(&'static str, String)> {
    let cache = std::env::temp_dir().join(format!("ooauthcc-cli-cache-{}-{}", std::process::id(), server.port()));
    vec![
        // One default file store per server: runs against it share tokens.
        ("XDG_CACHE_HOME", cache.display().to_string()),
        ("OOAUTHCC_TOKEN_URL", server.token_url()),
        ("OOAUTHCC_CLIENT_ID", "cli-app".to_owned()),
        ("OOAUTHCC_CLIENT_SECRET", SECRET.to_owned()),
    ]
}

fn run_with(server: &AuthServer, args: &[&str], extra: &[(&str, &str)]) -> Run {
    let base = env_for(server);
    let mut env: Vec<(&str, &str)> = base.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.extend_from_slice(extra);
    ooauthcc(args, &env, "")
}

fn ok(run: Run) -> Run {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert_eq!(run.stderr, "", "a successful run writes nothing to stderr");
    run
}

fn the_token(server: &AuthServer) -> String {
    let issued = server.issued_tokens();
    assert_eq!(issued.len(), 1, "one token request");
    issued[0].clone()
}

#[test]
fn token_prints_the_token_and_nothing_else() {
    let server = server();
    let run = ok(run_with(&server, &["token"], &[]));
    assert_eq!(run.stdout, format!("{}\n", the_token(&server)));
    assert!(server.is_valid_token(run.stdout.trim()));
}

#[test]
fn flags_override_variables_and_reach_the_token_request() {
    let server = server();
    let run = ok(run_with(
        &server,
        &[
            "token",
            "--scopes",
            "orders.read inventory",
            "--scopes",
            "audit",
            "--extra-headers",
            "X-Tenant=t-1",
            "--audience",
            "api://orders",
        ],
        &[("OOAUTHCC_SCOPES", "ignored.by.flag"), ("OOAUTHCC_AUDIENCE", "api://ignored")],
    ));
    assert!(server.is_valid_token(run.stdout.trim()));
    let req = &server.requests()[0];
    let mut scopes: Vec<&str> = req.param("scope").unwrap().split(' ').collect();
    scopes.sort_unstable();
    assert_eq!(scopes, ["audit", "inventory", "orders.read"]);
    assert_eq!(req.param("audience"), Some("api://orders"));
    assert_eq!(req.header("x-tenant"), Some("t-1"));
}

#[test]
fn a_secret_comes_from_stdin_a_file_or_a_variable_never_a_flag_value() {
    let server = server();
    let url = server.token_url();
    let base = [("OOAUTHCC_TOKEN_URL", url.as_str()), ("OOAUTHCC_CLIENT_ID", "cli-app")];

    let refused = ooauthcc(&["token", "--client-secret", SECRET], &base, "");
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("process list") && refused.stderr.contains("--client-secret-file"),
        "{}",
        refused.stderr
    );
    assert_eq!((refused.stdout.as_str(), server.total_requests()), ("", 0));

    let from_stdin = ok(ooauthcc(&["token", "--client-secret", "-"], &base, &format!("{SECRET}\n")));
    assert!(server.is_valid_token(from_stdin.stdout.trim()));

    let dir = tempdir("secret-file");
    let file = dir.join("secret");
    std::fs::write(&file, format!("{SECRET}\n")).unwrap();
    let from_file = ok(ooauthcc(&["token", "--client-secret-file", file.to_str().unwrap()], &base, ""));
    assert!(server.is_valid_token(from_file.stdout.trim()));
    assert_eq!(server.total_requests(), 2);
}

#[test]
fn a_profile_is_the_base_that_variables_and_flags_complete() {
    let server = server();
    let dir = tempdir("profiles");
    let file = dir.join("profiles.toml");
    let toml = format!(
        "[profiles.orders]\ntoken_url = \"{}\"\nclient_id = \"cli-app\"\nscopes = [\"from.profile\"]\n\n[profiles.other]\nclient_id = \"x\"\n",
        server.token_url()
    );
    std::fs::write(&file, toml).unwrap();
    let config = file.to_str().unwrap();
    // The secret is not in the file: the variable completes the profile.
    let env = [("OOAUTHCC_CLIENT_SECRET", SECRET)];
    ok(ooauthcc(&["token", "--config", config, "--profile", "orders"], &env, ""));
    assert_eq!(server.requests()[0].param("scope"), Some("from.profile"));
    let env = [("OOAUTHCC_CLIENT_SECRET", SECRET), ("OOAUTHCC_CONFIG", config), ("OOAUTHCC_PROFILE", "orders")];
    ok(ooauthcc(&["token", "--scopes", "from.flag"], &env, ""));
    assert_eq!(server.requests()[1].param("scope"), Some("from.flag"));

    let missing = ooauthcc(&["token", "--config", config, "--profile", "nope"], &env, "");
    assert_eq!(missing.code, 3);
    assert!(
        missing.stderr.contains("no profile named \"nope\"") && missing.stderr.contains("orders, other"),
        "{}",
        missing.stderr
    );
}

#[test]
fn header_and_env_follow_the_header_settings() {
    let server = server();
    let run = ok(run_with(&server, &["header", "--token-prefix", "Token", "--header-name", "X-Api-Key"], &[]));
    assert_eq!(run.stdout, format!("X-Api-Key: Token {}\n", the_token(&server)));

    // A second run takes the token the first left in the default file store.
    let env = ok(run_with(&server, &["env", "--prefix", "API_"], &[]));
    let token = the_token(&server);
    // The lines are shell: evaluate them and read the variables back.
    let script =
        format!("{}\nprintf '%s|%s|%s' \"$API_ACCESS_TOKEN\" \"$API_TOKEN_TYPE\" \"$API_AUTHORIZATION\"", env.stdout);
    let shell = Command::new("sh").arg("-c").arg(script).output().unwrap();
    assert_eq!(String::from_utf8(shell.stdout).unwrap(), format!("{token}|Bearer|Bearer {token}"));
    assert!(env.stdout.lines().all(|l| l.starts_with("export API_")), "{}", env.stdout);

    let bad = run_with(&server, &["env", "--prefix", "X;rm"], &[]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

/// Runs `curl -K -` with `config` on standard input against `url`; it must succeed.
fn curl_with_config(config: &str, url: &str) -> std::process::Output {
    let mut curl = Command::new("curl")
        .args(["-sS", "--fail", "-K", "-", url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("curl must be installed");
    curl.stdin.take().unwrap().write_all(config.as_bytes()).unwrap();
    let out = curl.wait_with_output().unwrap();
    assert!(out.status.success(), "curl: {}", String::from_utf8_lossy(&out.stderr));
    out
}

#[test]
fn curl_config_reaches_a_resource_server_by_header_or_query() {
    let server = server();
    for (args, via) in [(vec!["curl"], "header"), (vec!["curl", "--query-param", "access_token"], "query")] {
        let config = ok(run_with(&server, &args, &[]));
        assert!(!config.stdout.contains('\''), "{}", config.stdout);
        let out = curl_with_config(&config.stdout, &server.resource_url());
        let body: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!((body["ok"].as_bool(), body["via"].as_str()), (Some(true), Some(via)));
    }
}

#[test]
fn curl_config_carries_the_header_format_resource_headers_and_cookies() {
    let server = server();
    let args = [
        "curl",
        "--header-name",
        "X-Api-Token",
        "--header-format",
        "Token {token}",
        "--resource-headers",
        "X-Tenant=acme",
        "--resource-cookies",
        "session=s1",
    ];
    let config = ok(run_with(&server, &args, &[]));
    curl_with_config(&config.stdout, &server.resource_url());
    let seen = server.resource_requests();
    let token = server.issued_tokens().pop().unwrap();
    assert_eq!(seen[0].header("x-api-token"), Some(format!("Token {token}").as_str()));
    assert_eq!((seen[0].header("x-tenant"), seen[0].cookie("session")), (Some("acme"), Some("s1")));
}

#[test]
fn exec_credential_is_what_kubectl_reads() {
    let server = server();
    let run = ok(run_with(&server, &["exec-credential"], &[]));
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    // The client.authentication.k8s.io/v1 ExecCredential schema, as kubectl checks it.
    let obj = doc.as_object().unwrap();
    assert_eq!(obj.keys().collect::<Vec<_>>(), ["apiVersion", "kind", "status"]);
    assert_eq!(doc["apiVersion"], "client.authentication.k8s.io/v1");
    assert_eq!(doc["kind"], "ExecCredential");
    let status = doc["status"].as_object().unwrap();
    assert_eq!(status.keys().collect::<Vec<_>>(), ["expirationTimestamp", "token"]);
    let token = status["token"].as_str().unwrap();
    assert_eq!(token, the_token(&server));
    let stamp = status["expirationTimestamp"].as_str().unwrap();
    assert!(stamp.ends_with('Z') && !stamp.contains('.'), "RFC 3339, UTC, whole seconds: {stamp}");
    let parsed = time::OffsetDateTime::parse(stamp, &time::format_description::well_known::Rfc3339).unwrap();
    let expiry = time::OffsetDateTime::from(server.token_expiry(token).unwrap());
    assert!((expiry - parsed).whole_seconds().abs() <= 1, "{stamp} vs the server's {expiry}");
}

#[test]
fn json_has_the_token_type_expiry_and_scope() {
    let server = server();
    let run = ok(run_with(&server, &["json", "--scopes", "a b"], &[]));
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["access_token"].as_str(), Some(the_token(&server).as_str()));
    assert_eq!((doc["token_type"].as_str(), doc["scope"].as_str()), (Some("Bearer"), Some("a b")));
    let expires_in = doc["expires_in"].as_u64().unwrap();
    assert!((3590..=3600).contains(&expires_in), "{expires_in}");
    time::OffsetDateTime::parse(doc["expires_at"].as_str().unwrap(), &time::format_description::well_known::Rfc3339)
        .unwrap();
}

#[test]
fn inspect_decodes_a_jwt_and_says_it_is_not_verified() {
    let server = server();
    server.set_quirk(Quirk::JwtAccessToken);
    let run = run_with(&server, &["inspect"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("NOT verified"), "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["signature_verified"], false);
    assert_eq!(doc["header"]["alg"], "none");
    assert_eq!(doc["claims"]["sub"], "cli-app");
    assert!(doc["claim_times"]["exp"].as_str().unwrap().ends_with('Z'));

    // An opaque token is not a JWT: a clear error, exit 2, nothing on stdout.
    let server = self::server();
    let opaque = run_with(&server, &["inspect"], &[]);
    assert_eq!((opaque.code, opaque.stdout.as_str()), (2, ""));
    assert!(opaque.stderr.contains("three dot-separated parts"), "{}", opaque.stderr);
    let token = the_token(&server);
    assert!(!opaque.stderr.contains(&token), "the error quotes the token");

    let from_stdin = ooauthcc(&["inspect", "--stdin"], &[], "e30.eyJhIjoxfQ.sig\n");
    assert_eq!(from_stdin.code, 0, "{}", from_stdin.stderr);
    assert_eq!(serde_json::from_str::<Value>(&from_stdin.stdout).unwrap()["claims"]["a"], 1);
}

#[test]
fn min_valid_renews_or_refuses_a_token_that_would_not_last() {
    let server = server();
    server.set_token_lifetime(Duration::from_secs(120));
    let run = ok(run_with(&server, &["token", "--min-valid", "100"], &[]));
    assert!(server.is_valid_token(run.stdout.trim()));
    let short = run_with(&server, &["token", "--min-valid", "600"], &[]);
    assert_eq!((short.code, short.stdout.as_str()), (3, ""));
    assert!(short.stderr.contains("--min-valid 600") && short.stderr.contains("valid for only"), "{}", short.stderr);
    // The second run found the first run's token in the default file store,
    // too short-lived: one renewal was tried, then refused.
    assert_eq!(server.total_requests(), 2);
}

#[test]
fn thirty_two_concurrent_runs_make_one_token_request_through_the_default_file_store() {
    let server = server();
    let base = env_for(&server);
    let children: Vec<std::process::Child> = (0..32)
        .map(|_| {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_ooauthcc"));
            cmd.arg("token").env_clear().env("HOME", tempdir("home"));
            for (k, v) in &base {
                cmd.env(k, v);
            }
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
        })
        .collect();
    let outputs: Vec<Output> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    for out in &outputs {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let token = the_token(&server);
    assert!(outputs.iter().all(|o| o.stdout == format!("{token}\n").into_bytes()), "every run printed the one token");
    // A consecutive run shares it too; --no-store does not.
    ok(run_with(&server, &["token"], &[]));
    assert_eq!(server.total_requests(), 1);
    let alone = ok(run_with(&server, &["token", "--no-store"], &[]));
    assert_eq!(server.total_requests(), 2);
    assert_ne!(alone.stdout, format!("{token}\n"));
}

#[test]
fn force_skips_a_token_shared_through_the_store() {
    let redis = RedisServer::start().expect("redis-server must be installed");
    let server = server();
    let store = [("OOAUTHCC_STORE_URL", redis.url())];
    let store: Vec<(&str, &str)> = store.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let first = ok(run_with(&server, &["token"], &store));
    let second = ok(run_with(&server, &["token"], &store));
    assert_eq!(first.stdout, second.stdout, "the second process takes the stored token");
    assert_eq!(server.total_requests(), 1);
    let forced = ok(run_with(&server, &["token", "--force"], &store));
    assert_ne!(forced.stdout, first.stdout);
    assert!(server.is_valid_token(forced.stdout.trim()));
    assert_eq!(server.total_requests(), 2);
    // The forced token replaced the stored one.
    let after = ok(run_with(&server, &["token"], &store));
    assert_eq!(after.stdout, forced.stdout);
}

#[test]
fn the_exit_status_is_the_error_kind() {
    let server = server();
    let code = |args: &[&str], env: &[(&str, &str)]| {
        let run = run_with(&server, args, env);
        assert_eq!(run.stdout, "", "a failed run prints nothing on stdout");
        assert!(run.stderr.starts_with("ooauthcc: ") && run.stderr.ends_with('\n'), "{}", run.stderr);
        run.code
    };
    assert_eq!(code(&["token"], &[("OOAUTHCC_CLIENT_SECRET", "wrong")]), ErrorKind::OAuth.code() as i32);
    assert_eq!(code(&["token"], &[("OOAUTHCC_TOKEN_URL", "")]), ErrorKind::Config.code() as i32);
    // A wrong value is a setting problem whatever its source.
    assert_eq!(code(&["token", "--refresh-ahead", "3"], &[]), ErrorKind::Config.code() as i32);
    assert_eq!(code(&["token", "--max-retries", "many"], &[]), ErrorKind::Config.code() as i32);
    assert_eq!(code(&["token", "--extra-headers", "no-equals-sign"], &[]), ErrorKind::Config.code() as i32);
    assert_eq!(code(&["token"], &[("OOAUTHCC_MAX_RETRIES", "many")]), ErrorKind::Config.code() as i32);
    let closed = format!("http://127.0.0.1:{}/token", closed_port());
    assert_eq!(
        code(&["token", "--max-retries", "0"], &[("OOAUTHCC_TOKEN_URL", &closed)]),
        ErrorKind::Transport.code() as i32
    );
    // Without the default store: a 503 would be shared with the next run.
    server.set_fault(Some(Fault::Status(503)));
    assert_eq!(code(&["token", "--no-store", "--max-retries", "0"], &[]), ErrorKind::HttpStatus.code() as i32);
    server.set_fault(Some(Fault::NonJson));
    assert_eq!(code(&["token", "--no-store"], &[]), ErrorKind::MalformedResponse.code() as i32);
    server.set_fault(Some(Fault::Slow(Duration::from_secs(3))));
    assert_eq!(code(&["token", "--no-store", "--get-timeout", "0.3"], &[]), ErrorKind::Timeout.code() as i32);
    server.set_fault(None);
    // Command-line errors exit 2, with the usage.
    for args in [&["token", "--no-such-flag"][..], &["token", "--auth-method", "telepathy"], &[]] {
        let run = run_with(&server, args, &[]);
        assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{args:?}");
        assert!(run.stderr.contains("Usage: ooauthcc") || run.stderr.contains("try '--help'"), "{}", run.stderr);
    }
}

#[test]
fn help_lists_every_setting_and_every_exit_status() {
    let help = ooauthcc(&["token", "--help"], &[], "");
    assert_eq!(help.code, 0);
    for info in ClientConfig::SCHEMA {
        let flag = format!("--{}", info.name.replace('_', "-"));
        assert_eq!(
            help.stdout.contains(&format!("{flag} ")) || help.stdout.contains(&format!("{flag}[=")),
            info.kind != SettingKind::Callback,
            "{flag} in --help (callbacks have no flag)"
        );
    }
    for kind in ErrorKind::ALL {
        // null_argument is C's alone; store errors never end a fetch.
        if matches!(kind, ErrorKind::NullArgument | ErrorKind::Store) {
            continue;
        }
        let line = format!("\n  {:<3} ", kind.code());
        assert!(
            help.stdout.contains(&line) && help.stdout.contains(&format!("({})", kind.name())),
            "exit status {kind:?}"
        );
    }
}

#[test]
fn the_readme_shows_the_exit_statuses_as_help_does() {
    let help = ooauthcc(&["--help"], &[], "").stdout;
    let block = &help[help.find("Exit status").unwrap()..];
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    assert!(
        readme.contains(block.trim_end()),
        "README.md's exit-status block differs from `ooauthcc --help`:\n{block}"
    );
}

fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A fresh directory under the system's temporary directory.
fn tempdir(what: &str) -> std::path::PathBuf {
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("ooauthcc-cli-{what}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    assert!(Path::new(&dir).is_dir());
    dir
}
