//! `include/ooauthcc.h` is exactly what this test generates from the crate.
//!
//! The header is checked in, so C users need no Rust tooling to read it, and
//! this test fails when it drifts from the code. To accept a change, rewrite
//! it with `OOAUTHCC_BLESS=1 cargo test -p ooauthcc-ffi --test header`.
//!
//! cbindgen writes every constant and type first and every function after,
//! in the order of the Rust files. A reader wants the API by object, so this
//! test sorts cbindgen's items into the [`SECTIONS`] below — each object's
//! types next to its functions, sections in the order a program uses them —
//! with a heading per section and a table of contents. An item from a file
//! no section lists fails the test: put the file in a section.
//!
//! The version macros are generated here from Cargo's version (the same
//! `CARGO_PKG_VERSION_*` that `ooauthcc_version()` is built from), never typed.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// One section of the header: a title, a few words on the object, and the
/// files of `ffi/src` whose items it holds, each with a sub-heading when the
/// section has several.
struct Section {
    title: &'static str,
    about: &'static str,
    files: &'static [(&'static str, &'static str)],
}

/// The header's sections, in order. Each object's types come before its
/// functions; the opaque handles are declared up front, so any section may
/// take any of them.
const SECTIONS: &[Section] = &[
    Section {
        title: "Version",
        about: "The version of this header and of the library loaded.",
        files: &[("version.rs", "")],
    },
    Section {
        title: "Status and errors",
        about: "Every fallible call returns an ooauthcc_status and, when asked,\n \
                * fills an ooauthcc_error with the detail.",
        files: &[("status.rs", "Status codes"), ("error.rs", "The error object")],
    },
    Section {
        title: "Config",
        about: "ooauthcc_config: the settings a client is built from. One setter per\n \
                * setting, named as in JSON, Rust and Python; durations in milliseconds.",
        files: &[
            ("config.rs", "Creating, parsing, checking, freeing; enumerated settings"),
            ("config_text.rs", "Endpoint, request parameters, how the token is sent"),
            ("config_credentials.rs", "Credentials: client secret, private key, client assertions"),
            ("config_callback.rs", "Credentials from your own callback"),
            ("config_registration.rs", "Dynamic client registration (RFC 7591)"),
            ("config_tls.rs", "Mutual TLS and trust anchors"),
            ("config_tuning.rs", "Durations, renewal, retries"),
            ("config_store.rs", "Sharing tokens across processes (Redis)"),
        ],
    },
    Section {
        title: "Profiles",
        about: "ooauthcc_profiles: named client configurations from one JSON or TOML document.",
        files: &[("profiles.rs", "")],
    },
    Section {
        title: "Client",
        about: "ooauthcc_client: gets tokens for one configuration; thread-safe, refcounted.",
        files: &[
            ("client.rs", "Building a client, getting tokens"),
            ("client_async.rs", "Without blocking a thread: a completion callback"),
            ("stats.rs", "Statistics"),
        ],
    },
    Section {
        title: "Token",
        about: "ooauthcc_token: one access token; immutable, refcounted.",
        files: &[("token.rs", "")],
    },
    Section {
        title: "Header",
        about: "ooauthcc_header: a token formatted as the HTTP header to send.",
        files: &[("header.rs", "")],
    },
    Section {
        title: "Authorized API requests",
        about: "ooauthcc_authorized: the URL and header lines to send on one API request,\n \
                * decided by the client's settings (header format, resource headers and\n \
                * cookies, query parameter, allowed hosts).",
        files: &[("authorized.rs", "")],
    },
    Section { title: "Log", about: "The library's log records, to a callback of yours.", files: &[("log.rs", "")] },
    Section {
        title: "Events",
        about: "One event per fetch and per caller that waited, to a callback of yours:\n \
                * for your own metrics and traces (ooauthcc_client_stat has the counters).",
        files: &[("event.rs", "")],
    },
];

fn version_macros() -> String {
    format!(
        "/** The version of this header (`ooauthcc_version()` gives the library's). */\n\
         #define OOAUTHCC_VERSION_MAJOR {}\n\
         #define OOAUTHCC_VERSION_MINOR {}\n\
         #define OOAUTHCC_VERSION_PATCH {}\n\
         #define OOAUTHCC_VERSION_STRING \"{}\"",
        env!("CARGO_PKG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_PATCH"),
        env!("CARGO_PKG_VERSION"),
    )
}

/// cbindgen's header, as it writes it.
fn cbindgen_output(crate_dir: &Path) -> String {
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("read ffi/cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen parses the ffi crate");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("the header is UTF-8")
}

/// One declaration of cbindgen's output with its doc comment.
struct Item {
    text: String,
    /// The name it declares.
    name: String,
    /// A function (else a type or constant).
    is_function: bool,
}

impl Item {
    /// The declaration without its doc comment.
    fn declaration(&self) -> &str {
        match self.text.strip_prefix("/**") {
            Some(rest) => rest.split_once("*/").map_or(rest, |(_, decl)| decl).trim_start(),
            None => &self.text,
        }
    }
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The name a declaration of cbindgen's declares; None for other text
/// (headings, includes).
fn declared_name(decl: &str) -> Option<String> {
    let word = |rest: &str| Some(rest.split(|c: char| !is_ident(c)).next().unwrap_or("").to_owned());
    let name = if let Some(rest) = decl.strip_prefix("#define ") {
        word(rest)
    } else if let Some(rest) = decl.strip_prefix("enum ") {
        word(rest)
    } else if let Some(rest) = decl.strip_prefix("typedef struct ") {
        word(rest)
    } else if decl.starts_with("typedef ") {
        decl.find("(*").and_then(|i| word(&decl[i + 2..]))
    } else if decl.starts_with("/*") || decl.starts_with('#') {
        None
    } else {
        decl.find('(').and_then(|i| decl[..i].rsplit(|c: char| !is_ident(c)).next()).map(str::to_owned)
    };
    name.filter(|n| !n.is_empty())
}

/// Whether a declaration declares a type or constant (not a function).
fn is_type(decl: &str) -> bool {
    decl.starts_with("typedef ") || decl.starts_with("enum ") || decl.starts_with("#define ")
}

/// The declarations of a part of a header, in order; other text is skipped.
fn items(part: &str) -> Vec<Item> {
    part.split("\n\n")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .filter_map(|text| {
            let mut item = Item { text: text.to_owned(), name: String::new(), is_function: false };
            let decl = item.declaration();
            let (is_function, name) = (!is_type(decl), declared_name(decl)?);
            item.is_function = is_function;
            item.name = name;
            Some(item)
        })
        .collect()
}

/// cbindgen's output in its parts: what comes up to the includes, the
/// constants and types, the functions (inside `extern "C"`), and the end.
struct Parts<'a> {
    preamble: &'a str,
    types: &'a str,
    functions: &'a str,
    tail: &'a str,
}

const OPEN: &str = "#ifdef __cplusplus\nextern \"C\" {\n#endif // __cplusplus\n";
const CLOSE: &str = "#ifdef __cplusplus\n}  // extern \"C\"\n#endif  // __cplusplus\n";

fn parts(raw: &str) -> Parts<'_> {
    let (head, rest) = raw.split_once(OPEN).expect("cbindgen opens an extern \"C\" block");
    let (functions, tail) = rest.split_once(CLOSE).expect("cbindgen closes the extern \"C\" block");
    let includes_end = head.rfind("#include ").and_then(|i| head[i..].find('\n').map(|n| i + n + 1)).unwrap();
    let (preamble, types) = head.split_at(includes_end);
    Parts { preamble, types, functions, tail }
}

/// Every declaration of cbindgen's output (each chunk must be one).
fn cbindgen_items(parts: &Parts<'_>) -> Vec<Item> {
    for chunk in parts.types.split("\n\n").chain(parts.functions.split("\n\n")).map(str::trim) {
        assert!(chunk.is_empty() || !items(chunk).is_empty(), "cannot tell what this declares: {chunk:?}");
    }
    items(parts.types).into_iter().chain(items(parts.functions)).collect()
}

/// The file of `ffi/src` that declares `name`.
fn file_of<'a>(name: &str, sources: &'a [(String, String)]) -> &'a str {
    let patterns = [
        format!("fn {name}("),
        format!("const {name}:"),
        format!("struct {name} {{"),
        format!("enum {name} {{"),
        format!("type {name} ="),
    ];
    let files: Vec<&str> = sources
        .iter()
        .filter(|(_, text)| patterns.iter().any(|p| text.contains(p.as_str())))
        .map(|(file, _)| file.as_str())
        .collect();
    match files.as_slice() {
        [file] => file,
        _ => panic!("`{name}` is declared in {} files of ffi/src ({files:?}), expected one", files.len()),
    }
}

fn heading(text: &str) -> String {
    format!("/* {text} {} */", "-".repeat(72usize.saturating_sub(text.chars().count())))
}

/// cbindgen's header, rewritten by section.
fn generate(crate_dir: &Path) -> String {
    let raw = cbindgen_output(crate_dir);
    let parts = parts(&raw);
    let mut sources: Vec<(String, String)> = std::fs::read_dir(crate_dir.join("src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    sources.sort();
    let all = cbindgen_items(&parts);
    let mut by_file: HashMap<&str, Vec<&Item>> = HashMap::new();
    for item in &all {
        by_file.entry(file_of(&item.name, &sources)).or_default().push(item);
    }
    for file in by_file.keys() {
        assert!(
            SECTIONS.iter().any(|s| s.files.iter().any(|(f, _)| f == file)),
            "ffi/src/{file} declares C items but is in no section of the header: add it to SECTIONS in ffi/tests/header.rs"
        );
    }

    let opaque: Vec<&str> = all
        .iter()
        .filter(|i| i.declaration() == format!("typedef struct {0} {0};", i.name))
        .map(|i| i.name.as_str())
        .collect();
    let mut out = String::from(parts.preamble);
    out.push_str("\n/*\n * Contents, by object:\n");
    for (n, s) in SECTIONS.iter().enumerate() {
        out.push_str(&format!(" *   {}. {}\n", n + 1, s.title));
    }
    out.push_str(" */\n\n");
    out.push_str(
        "/* The library's objects are opaque (used through pointers only); each is\n \
         * described in its section. Declared here so that any section may use any. */\n",
    );
    for name in &opaque {
        out.push_str(&format!("struct {name};\n"));
    }
    out.push('\n');
    out.push_str(OPEN);
    for (n, section) in SECTIONS.iter().enumerate() {
        let rule = "=".repeat(74);
        out.push_str(&format!("\n/* {rule}\n * {}. {}\n * {}\n * {rule} */\n", n + 1, section.title, section.about));
        if section.title == "Version" {
            out.push('\n');
            out.push_str(&version_macros());
            out.push('\n');
        }
        for (file, subheading) in section.files {
            let Some(file_items) = by_file.get(file) else { continue };
            if section.files.len() > 1 {
                out.push('\n');
                out.push_str(&heading(subheading));
                out.push('\n');
            }
            // The object's own type first, then constants and other types, then functions.
            let own = |i: &&&Item| opaque.contains(&i.name.as_str());
            let other_types = |i: &&&Item| !i.is_function && !opaque.contains(&i.name.as_str());
            let functions = |i: &&&Item| i.is_function;
            let ordered = file_items.iter().filter(own).chain(file_items.iter().filter(other_types));
            for item in ordered.chain(file_items.iter().filter(functions)) {
                out.push('\n');
                out.push_str(&item.text);
                out.push('\n');
            }
        }
    }
    out.push('\n');
    out.push_str(CLOSE);
    out.push_str(parts.tail);
    out
}

/// Every type name a declaration uses is declared above it (or, for the
/// opaque handles used as `struct x`, declared up front).
fn check_declaration_order(header: &str) {
    let body = header.split_once(OPEN).unwrap().1;
    let declared = items(body.split_once(CLOSE).unwrap().0);
    let types: BTreeSet<&str> = declared.iter().filter(|i| !i.is_function).map(|i| i.name.as_str()).collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for item in &declared {
        let decl = item.declaration();
        for (i, _) in decl.match_indices("ooauthcc_") {
            let word: String = decl[i..].chars().take_while(|&c| is_ident(c)).collect();
            let forward = decl[..i].ends_with("struct ");
            if types.contains(word.as_str()) && word != item.name && !forward && !seen.contains(word.as_str()) {
                panic!("`{}` uses `{word}` before the header declares it: reorder SECTIONS", item.name);
            }
        }
        seen.insert(&item.name);
    }
}

#[test]
fn header_is_current() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let header_path = crate_dir.join("../include/ooauthcc.h");
    let generated = generate(&crate_dir);
    check_declaration_order(&generated);
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

/// Nothing is lost in the sorting: the sorted header holds every item of
/// cbindgen's, once.
#[test]
fn sections_hold_every_item_once() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let raw = cbindgen_output(&crate_dir);
    let generated = generate(&crate_dir);
    let all = cbindgen_items(&parts(&raw));
    assert!(all.len() > 100, "only {} items", all.len());
    for item in &all {
        assert_eq!(
            generated.matches(item.text.as_str()).count(),
            1,
            "`{}` is not in the header exactly once",
            item.name
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
