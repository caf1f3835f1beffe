//! The file token store (`store_url = "file:///dir"`): the processes of one
//! machine sharing one token and one token request per renewal through a
//! directory, files that are private and sealed, corrupt files replaced, and a
//! directory that cannot be used costing a warning, not a token.
//!
//! Real processes (this test binary re-run as a child: `common::fleet`) and
//! the bundled authorization server on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, SystemTime};

use ooauthcc_core::testing::{AuthServer, ClientRegistration};
use ooauthcc_core::{Client, ErrorKind};

use common::fleet::{
    self, ChildReport, config, registered_server, report, small_fleet_shares, spawn_child, spawn_child_at, unix_ms,
};
use common::{SECRET, unique_id};

/// This test binary, re-run as one process of a fleet (`common::fleet`).
#[test]
fn child_process() {
    fleet::child_main();
}

/// A fresh directory, and its `file://` URL.
fn store_dir(what: &str) -> (PathBuf, String) {
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("ooauthcc-file-store-{what}-{}-{nanos}", std::process::id()));
    let url = format!("file://{}", dir.display());
    (dir, url)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut f: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    f.sort();
    f
}

fn the_file(dir: &Path, ext: &str) -> PathBuf {
    let found: Vec<PathBuf> = files(dir).into_iter().filter(|p| p.extension().is_some_and(|e| e == ext)).collect();
    assert_eq!(found.len(), 1, "one .{ext} file in {}", dir.display());
    found[0].clone()
}

/// One process, one call: the tokens it was handed.
fn one_call(server: &AuthServer, id: &str, url: &str) -> ChildReport {
    let r = report(spawn_child(server, id, url, 1, 0.0));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    r
}

#[test]
fn processes_share_one_request_per_renewal_through_a_directory() {
    let id = unique_id("file-fleet");
    let server = registered_server(&id, Duration::from_secs(3));
    let (dir, url) = store_dir("fleet");
    small_fleet_shares("file store", &server, &id, &url);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sixteen_processes_starting_at_once_make_one_request() {
    let id = unique_id("file-herd");
    let server = registered_server(&id, Duration::from_secs(60));
    let (dir, url) = store_dir("herd");
    let start_at = unix_ms(SystemTime::now()) + 2_000;
    let children: Vec<Child> = (0..16).map(|_| spawn_child_at(&server, &id, &url, 2, 0.0, Some(start_at))).collect();
    let reports: Vec<ChildReport> = children.into_iter().map(report).collect();
    assert!(reports.iter().all(|r| r.errors.is_empty() && r.store_errors == 0));
    let tokens: std::collections::HashSet<&String> = reports.iter().flat_map(|r| r.tokens.keys()).collect();
    assert_eq!(tokens.len(), 1, "every process got the same token");
    assert_eq!(server.request_count(&id), 1);
    assert_eq!(reports.iter().map(|r| r.store_hits).sum::<u64>(), 15, "fifteen processes took it from the directory");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn files_are_private_sealed_and_replaced_when_corrupt() {
    let id = unique_id("file-sealed");
    let server = registered_server(&id, Duration::from_secs(60));
    let (dir, url) = store_dir("sealed");
    let first = one_call(&server, &id, &url);
    let token = first.tokens.keys().next().unwrap().clone();
    assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
    for f in files(&dir) {
        assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o600, "{}", f.display());
        let name = f.file_name().unwrap().to_str().unwrap().to_owned();
        assert!(!name.contains(&id), "a file name reveals the client: {name}");
    }
    let token_file = the_file(&dir, "token");
    let sealed = std::fs::read_to_string(&token_file).unwrap();
    assert!(!sealed.contains(&token) && !sealed.contains(&id), "the token file is not sealed");
    assert_eq!(one_call(&server, &id, &url).tokens.keys().next(), Some(&token), "a second process shares it");
    assert_eq!(server.request_count(&id), 1);

    // Truncated, edited, foreign, empty, huge: ignored, fetched again, replaced.
    let corruptions: Vec<Vec<u8>> = vec![
        sealed.as_bytes()[..sealed.len() / 2].to_vec(),
        edited_in_the_middle(&sealed),
        b"ooauthcc1.bm90IG91cnM".to_vec(),
        Vec::new(),
        vec![b'x'; 1024 * 1024],
    ];
    for (i, bad) in corruptions.into_iter().enumerate() {
        std::fs::write(&token_file, bad).unwrap();
        let r = one_call(&server, &id, &url);
        assert_eq!(server.request_count(&id), 2 + i as u64, "corruption {i}: fetched again");
        let fresh = r.tokens.keys().next().unwrap();
        assert!(server.is_valid_token(fresh));
        assert_eq!(one_call(&server, &id, &url).tokens.keys().next(), Some(fresh), "corruption {i}: replaced");
    }
    // A client with another secret cannot read this one's file: it has its own.
    let other = unique_id("file-sealed-other");
    server.register_client(ClientRegistration::new(&other, SECRET));
    one_call(&server, &other, &url);
    assert_eq!(files(&dir).iter().filter(|p| p.extension().is_some_and(|e| e == "token")).count(), 2);
    std::fs::remove_dir_all(dir).unwrap();
}

/// The sealed value with one base64 character in the middle changed: always a
/// different file (a `replace('A', "B")` left it unchanged whenever the random
/// ciphertext held no `A`, about one run in a hundred).
fn edited_in_the_middle(sealed: &str) -> Vec<u8> {
    let mut bytes = sealed.as_bytes().to_vec();
    let middle = bytes.len() / 2;
    bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
    bytes
}

#[test]
fn a_refused_credential_costs_the_machine_one_fetch() {
    let id = unique_id("file-refused");
    let server = AuthServer::start().unwrap();
    server.register_client(ClientRegistration::new(&id, "the-right-secret")); // the children send SECRET
    let (dir, url) = store_dir("refused");
    let start_at = unix_ms(SystemTime::now()) + 2_000;
    let children: Vec<Child> = (0..6).map(|_| spawn_child_at(&server, &id, &url, 2, 0.0, Some(start_at))).collect();
    for r in children.into_iter().map(report) {
        assert!(r.tokens.is_empty());
        assert!(r.errors.len() == 2 && r.errors.iter().all(|e| e.contains("invalid_client")), "{:?}", r.errors);
    }
    assert_eq!(
        server.request_count(&id),
        common::REFUSED_FETCH_REQUESTS,
        "one process asked; the others took its refusal from the directory"
    );
    let record = std::fs::read_to_string(the_file(&dir, "failed")).unwrap();
    assert!(!record.contains("invalid_client"), "the failure record is sealed too");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_directory_that_cannot_be_used_costs_a_warning_not_a_token() {
    let id = unique_id("file-unusable");
    let server = common::server_for(&id);
    let (dir, _) = store_dir("unusable");
    std::fs::write(&dir, b"a regular file where the directory should be").unwrap();
    let url = format!("file://{}/tokens", dir.display());
    let client = Client::new(config(&server.token_url(), &id, &url)).unwrap();
    let token = client.get_token_blocking().unwrap();
    assert!(server.is_valid_token(token.access_token()));
    assert_eq!(client.stats().store_errors, 1);
    std::fs::remove_file(dir).unwrap();
}

#[test]
fn file_urls_are_checked() {
    for bad in ["file:relative/dir", "file://remote-host/dir", "file:"] {
        let e = Client::new(common::config_for_url(bad)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{bad}");
        assert!(
            e.message().contains("store_url") && e.message().contains("file:///absolute"),
            "{bad}: {}",
            e.message()
        );
    }
    Client::new(common::config_for_url("file:///tmp/ooauthcc-ok")).unwrap();
    Client::new(common::config_for_url("file://localhost/tmp/ooauthcc-ok")).unwrap();
}
