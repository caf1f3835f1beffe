//! Every setting of core's schema can be set from C, by a setter whose name
//! and parameter types follow from the setting's name and kind:
//!
//! | kind | C setter |
//! |---|---|
//! | text, secret, PEM, path | `ooauthcc_config_set_<name>(cfg, const char *, err)` |
//! | seconds | `ooauthcc_config_set_<name>_ms(cfg, uint64_t, err)` |
//! | fraction / count / bool / enum | `ooauthcc_config_set_<name>(cfg, double / uint32_t / bool / uint32_t, err)` |
//! | list | `ooauthcc_config_add_<name without the plural s>(cfg, const char *, err)` |
//! | map | `ooauthcc_config_add_<name without the plural s>(cfg, const char *name, const char *value, err)` |
//! | callback | `ooauthcc_config_set_<name without _provider>_callback(cfg, …)` |
//!
//! The list comes from core itself (`ClientConfig::SCHEMA`), so a setting added
//! to core fails this test, naming the C function it needs.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ooauthcc_core::{ClientConfig, SettingInfo, SettingKind};

/// The C declaration prefix a setting's setter must have in the header.
fn expected_declaration(s: &SettingInfo) -> String {
    let singular = s.name.strip_suffix('s').unwrap_or(s.name);
    let cfg = "struct ooauthcc_config *cfg,";
    match s.kind {
        SettingKind::Seconds => format!("ooauthcc_config_set_{}_ms({cfg} uint64_t", s.name),
        SettingKind::Fraction => format!("ooauthcc_config_set_{}({cfg} double", s.name),
        SettingKind::Count | SettingKind::Enum => format!("ooauthcc_config_set_{}({cfg} uint32_t", s.name),
        SettingKind::Bool => format!("ooauthcc_config_set_{}({cfg} bool", s.name),
        SettingKind::List | SettingKind::WordList => format!("ooauthcc_config_add_{singular}({cfg} const char *"),
        SettingKind::Map => format!("ooauthcc_config_add_{singular}({cfg} const char *name, const char *value"),
        SettingKind::Callback => {
            format!("ooauthcc_config_set_{}_callback({cfg}", s.name.strip_suffix("_provider").unwrap_or(s.name))
        }
        _ => format!("ooauthcc_config_set_{}({cfg} const char *", s.name),
    }
}

/// The header with each declaration on one line (cbindgen wraps long ones).
fn header() -> String {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../include/ooauthcc.h")).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace("( ", "(")
}

#[test]
fn every_setting_has_a_c_setter_of_its_kind() {
    let header = header();
    assert!(ClientConfig::SCHEMA.len() >= 30);
    let missing: Vec<String> = ClientConfig::SCHEMA
        .iter()
        .map(expected_declaration)
        .filter(|decl| !header.contains(&format!("ooauthcc_status {decl}")))
        .collect();
    assert!(missing.is_empty(), "settings without a C setter (add one in ffi/src/config_*.rs): {missing:#?}");
}

#[test]
fn every_c_setter_is_a_setting() {
    let header = header();
    let known: Vec<String> = ClientConfig::SCHEMA.iter().map(expected_declaration).collect();
    for decl in header.split("ooauthcc_status ").skip(1) {
        let is_setter = decl.starts_with("ooauthcc_config_set_") || decl.starts_with("ooauthcc_config_add_");
        if is_setter && !known.iter().any(|k| decl.starts_with(k.as_str())) {
            panic!("C setter without a schema setting: {}", &decl[..decl.find(')').unwrap_or(decl.len())]);
        }
    }
}
