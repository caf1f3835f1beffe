//! Every setting of core's schema is checked on the wire from C, or exempt
//! with a reason: `tests/c/test_settings_on_wire.c` has one test per
//! request-shaping setting (its `WIRE(name)` table, each `wire_<name>`
//! function calling that setting's C setter), and `tests/wire_exemptions.txt`
//! lists the settings that shape neither the token request nor how a token is
//! applied. A setting in neither fails here, as does one in both, an entry for
//! a setting that no longer exists, or a test that never calls its setter.
//! `python/tests/test_settings_on_wire.py` checks the Python side against the
//! same exemption list.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use ooauthcc_core::{ClientConfig, SettingInfo, SettingKind};

fn read(path: &str) -> String {
    let full = format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {full}: {e}"))
}

/// The names of `tests/wire_exemptions.txt`, each with a reason.
fn exemptions() -> Vec<String> {
    let mut names = Vec::new();
    for line in read("tests/wire_exemptions.txt").lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let (name, reason) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        assert!(!reason.trim().is_empty(), "tests/wire_exemptions.txt: `{name}` has no reason");
        names.push(name.to_owned());
    }
    names
}

/// The C setter of a setting, as `ffi/tests/coverage.rs` derives it.
fn setter(s: &SettingInfo) -> String {
    let singular = s.name.strip_suffix('s').unwrap_or(s.name);
    match s.kind {
        SettingKind::Seconds => format!("ooauthcc_config_set_{}_ms", s.name),
        SettingKind::List | SettingKind::WordList | SettingKind::Map => format!("ooauthcc_config_add_{singular}"),
        SettingKind::Callback => {
            format!("ooauthcc_config_set_{}_callback", s.name.strip_suffix("_provider").unwrap_or(s.name))
        }
        _ => format!("ooauthcc_config_set_{}", s.name),
    }
}

/// The settings named in the `WIRE(...)` table of the C test.
fn wire_table(source: &str) -> Vec<String> {
    let table = source.split("WIRE_TESTS[] = {").nth(1).expect("the WIRE_TESTS table").split("};").next().unwrap();
    table.split("WIRE(").skip(1).map(|rest| rest.split(')').next().unwrap().trim().to_owned()).collect()
}

/// The body of `static void wire_<name>(void)`.
fn body<'a>(source: &'a str, name: &str) -> Option<&'a str> {
    let start = source.find(&format!("static void wire_{name}(void) {{"))?;
    let rest = &source[start..];
    Some(&rest[..rest.find("\n}\n")?])
}

/// Whether `text` calls or passes the identifier `ident` (not a longer one).
fn mentions(text: &str, ident: &str) -> bool {
    text.match_indices(ident).any(|(i, _)| {
        let after = text[i + ident.len()..].chars().next();
        !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

#[test]
fn every_setting_is_tested_on_the_wire_from_c_or_exempt() {
    let source = read("tests/c/test_settings_on_wire.c");
    let tested = wire_table(&source);
    let exempt = exemptions();
    let schema: BTreeSet<&str> = ClientConfig::SCHEMA.iter().map(|s| s.name).collect();

    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for name in tested.iter().chain(&exempt) {
        if !seen.insert(name.as_str()) {
            problems.push(format!("`{name}` is listed twice (in the WIRE table and/or tests/wire_exemptions.txt)"));
        }
        if !schema.contains(name.as_str()) {
            problems.push(format!("`{name}` is not a setting of core's schema: remove it"));
        }
    }
    for info in ClientConfig::SCHEMA {
        if !seen.contains(info.name) {
            problems.push(format!(
                "setting `{}` has no test in tests/c/test_settings_on_wire.c (a WIRE({}) entry and a \
                 `static void wire_{}(void)` that calls {}) and no line in tests/wire_exemptions.txt",
                info.name,
                info.name,
                info.name,
                setter(info)
            ));
        }
    }
    for name in &tested {
        let Some(info) = ClientConfig::SCHEMA.iter().find(|s| s.name == name) else { continue };
        match body(&source, name) {
            None => problems.push(format!("WIRE({name}) has no `static void wire_{name}(void)` function")),
            Some(text) if !mentions(text, &setter(info)) => {
                problems.push(format!("wire_{name} never calls {}, the setter of `{name}`", setter(info)));
            }
            Some(_) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(tested.len() >= 20, "only {} settings in the WIRE table", tested.len());
}
