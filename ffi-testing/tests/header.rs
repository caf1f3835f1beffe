//! `include/ooauthcc_testing.h` is exactly what cbindgen generates from this
//! crate, as `ffi/tests/header.rs` checks `include/ooauthcc.h`. To accept a
//! change: `OOAUTHCC_BLESS=1 cargo test -p ooauthcc-testing-ffi --test header`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn generate(crate_dir: &Path) -> String {
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("read ffi-testing/cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen parses the ffi-testing crate");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("the header is UTF-8")
}

#[test]
fn header_is_current() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let header_path = crate_dir.join("../include/ooauthcc_testing.h");
    let generated = generate(&crate_dir);
    if std::env::var_os("OOAUTHCC_BLESS").is_some() {
        std::fs::write(&header_path, &generated).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&header_path).unwrap_or_default();
    if checked_in != generated {
        let line = checked_in.lines().zip(generated.lines()).position(|(a, b)| a != b).map_or(0, |i| i + 1);
        panic!(
            "include/ooauthcc_testing.h is stale (first difference near line {line}).\n\
             Regenerate it with: OOAUTHCC_BLESS=1 cargo test -p ooauthcc-testing-ffi --test header"
        );
    }
}

/// Every function of this library is an `ooauthcc_test_*` function (the only
/// ones `exports.map` exports), and the header declares it.
#[test]
fn every_symbol_is_a_test_symbol() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let generated = generate(&crate_dir);
    let mut count = 0;
    for entry in std::fs::read_dir(crate_dir.join("src")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for (i, _) in text.match_indices("\n#[unsafe(no_mangle)]\n") {
            let rest = &text[i + 1..];
            let name = rest.split("fn ").nth(1).and_then(|s| s.split('(').next()).unwrap().trim();
            assert!(name.starts_with("ooauthcc_test_"), "exported symbol {name} lacks the ooauthcc_test_ prefix");
            assert!(generated.contains(&format!("{name}(")), "{name} is missing from the header");
            count += 1;
        }
    }
    assert!(count >= 20, "found only {count} functions");
}

/// The production header declares none of them.
#[test]
fn the_production_header_has_no_test_functions() {
    let main = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../include/ooauthcc.h")).unwrap();
    assert!(!main.contains("ooauthcc_test_"), "include/ooauthcc.h declares ooauthcc_test_* functions");
}
