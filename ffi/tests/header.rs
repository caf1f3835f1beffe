//! `include/ooauthcc.h` is exactly what cbindgen generates from this crate.
//!
//! The header is checked in, so C users need no Rust tooling to read it, and
//! this test fails when it drifts from the code. To accept a change, rewrite
//! it with `OOAUTHCC_BLESS=1 cargo test -p ooauthcc-ffi --test header`.
//!
//! The version macros are generated here from Cargo's version (the same
//! `CARGO_PKG_VERSION_*` that `ooauthcc_version()` is built from), never typed.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn version_macros() -> String {
    format!(
        "\n/** The version of this header (`ooauthcc_version()` gives the library's). */\n\
         #define OOAUTHCC_VERSION_MAJOR {}\n\
         #define OOAUTHCC_VERSION_MINOR {}\n\
         #define OOAUTHCC_VERSION_PATCH {}\n\
         #define OOAUTHCC_VERSION_STRING \"{}\"\n",
        env!("CARGO_PKG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_PATCH"),
        env!("CARGO_PKG_VERSION"),
    )
}

fn generate(crate_dir: &Path) -> String {
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("read ffi/cbindgen.toml");
    config.after_includes = Some(version_macros());
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen parses the ffi crate");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("the header is UTF-8")
}

#[test]
fn header_is_current() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let header_path = crate_dir.join("../include/ooauthcc.h");
    let generated = generate(&crate_dir);
    if std::env::var_os("OOAUTHCC_BLESS").is_some() {
        std::fs::create_dir_all(header_path.parent().unwrap()).unwrap();
        std::fs::write(&header_path, &generated).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&header_path).unwrap_or_default();
    if checked_in != generated {
        let line = checked_in.lines().zip(generated.lines()).position(|(a, b)| a != b).map_or(0, |i| i + 1);
        panic!(
            "include/ooauthcc.h is stale (first difference near line {line}).\n\
             Regenerate it with: OOAUTHCC_BLESS=1 cargo test -p ooauthcc-ffi --test header"
        );
    }
}

/// Every exported function follows the naming rule, and the header declares it.
#[test]
fn every_symbol_is_prefixed() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let generated = generate(&crate_dir);
    for entry in std::fs::read_dir(crate_dir.join("src")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for (i, _) in text.match_indices("\n#[unsafe(no_mangle)]\n") {
            let rest = &text[i + 1..];
            let name = rest.split("fn ").nth(1).and_then(|s| s.split('(').next()).unwrap().trim();
            assert!(name.starts_with("ooauthcc_"), "exported symbol {name} lacks the ooauthcc_ prefix");
            assert!(generated.contains(&format!("{name}(")), "{name} is missing from the header");
        }
    }
}
