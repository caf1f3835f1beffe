//! The schema's promises, checked for every setting it declares: a new
//! setting gets these tests without writing any.

use std::collections::BTreeMap;

use super::{ClientConfig, SettingInfo, SettingKind, SettingValue};
use crate::credentials::SecretProvider;
use crate::secret::Secret;

/// A value of `info`'s kind that differs from its default, as a document
/// (JSON) writes it and as an environment variable does.
fn sample(info: &SettingInfo) -> (serde_json::Value, String) {
    let default = ClientConfig::default().show(info.name).unwrap_or_default();
    match info.kind {
        SettingKind::Text | SettingKind::Secret | SettingKind::Pem | SettingKind::Path => {
            (serde_json::json!("sample-value"), "sample-value".into())
        }
        SettingKind::Seconds | SettingKind::Count => (serde_json::json!(7), "7".into()),
        SettingKind::Fraction => (serde_json::json!(0.25), "0.25".into()),
        SettingKind::Bool => {
            let flipped = default != "true";
            (serde_json::json!(flipped), flipped.to_string())
        }
        SettingKind::List | SettingKind::WordList => (serde_json::json!(["a", "b"]), "a b".into()),
        SettingKind::Map => (serde_json::json!({"k": "v"}), r#"{"k": "v"}"#.into()),
        SettingKind::Enum => {
            let other = info.choices.iter().rev().find(|c| format!("{c:?}") != default).copied().unwrap_or("");
            (serde_json::json!(other), other.into())
        }
        _ => (serde_json::Value::Null, String::new()),
    }
}

fn documented() -> impl Iterator<Item = &'static SettingInfo> {
    ClientConfig::SCHEMA.iter().filter(|s| s.kind.in_documents())
}

#[test]
fn names_are_unique_and_documented() {
    let mut names: Vec<&str> = ClientConfig::SCHEMA.iter().map(|s| s.name).collect();
    let n = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), n, "a setting is declared twice");
    for s in ClientConfig::SCHEMA {
        assert!(s.summary().len() > 10, "`{}` has no documentation", s.name);
        assert_eq!(s.kind == SettingKind::Enum, !s.choices.is_empty(), "`{}`: choices only for enums", s.name);
        assert!(ClientConfig::default().show(s.name).is_some());
    }
}

#[test]
fn every_setting_is_reachable_from_json_toml_and_text() {
    let defaults = ClientConfig::default();
    for info in documented() {
        let (json, text) = sample(info);
        let before = defaults.show(info.name);
        let doc = serde_json::json!({ info.name: json.clone() }).to_string();
        let from_json = ClientConfig::from_json(&doc).map(|c| c.show(info.name));
        assert!(matches!(&from_json, Ok(v) if *v != before), "`{}` from JSON {doc}: {from_json:?}", info.name);

        let mut table = toml::Table::new();
        let value: toml::Value = serde_json::from_value(json).unwrap_or(toml::Value::Boolean(false));
        table.insert(info.name.to_owned(), value);
        let from_toml = ClientConfig::from_toml(&table.to_string()).map(|c| c.show(info.name));
        assert_eq!(from_toml.as_ref().ok(), from_json.as_ref().ok(), "`{}` from TOML", info.name);

        let mut cfg = ClientConfig::default();
        let from_text = cfg.set_text(info.name, &text).map(|()| cfg.show(info.name));
        assert_eq!(from_text.as_ref().ok(), from_json.as_ref().ok(), "`{}` from text {text:?}", info.name);
    }
}

#[test]
fn null_and_default_restore_the_default() {
    for info in documented() {
        let (json, _) = sample(info);
        let doc = serde_json::json!({ info.name: json }).to_string();
        let Ok(mut cfg) = ClientConfig::from_json(&doc) else { panic!("{doc}") };
        assert!(cfg.set(info.name, SettingValue::Default).is_ok());
        assert_eq!(cfg.show(info.name), ClientConfig::default().show(info.name), "{}", info.name);
    }
}

#[test]
fn wrong_shapes_are_named_errors() {
    for info in ClientConfig::SCHEMA {
        let wrong = match info.kind {
            SettingKind::Bool | SettingKind::Map | SettingKind::List | SettingKind::Callback => {
                SettingValue::Text("x".into())
            }
            _ => SettingValue::Bool(true),
        };
        let e = ClientConfig::default().set(info.name, wrong).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains(&format!("`{}`", info.name)) && e.contains("expected"), "{}: {e}", info.name);
    }
    let e = ClientConfig::default().set("scopez", SettingValue::List(vec![])).err().map(|e| e.to_string());
    assert!(e.is_some_and(|e| e.contains("scopez")));
}

#[test]
fn lists_and_maps_grow_one_item_at_a_time() {
    let mut cfg = ClientConfig::default();
    for item in ["b", "a"] {
        assert!(cfg.set("scopes", SettingValue::Item(item.into())).is_ok());
    }
    assert!(cfg.set("extra_headers", SettingValue::Entry("X-Tenant".into(), "t1".into())).is_ok());
    assert_eq!(cfg.scopes, ["b", "a"]);
    assert_eq!(cfg.extra_headers, BTreeMap::from([("X-Tenant".to_owned(), "t1".to_owned())]));
    assert!(cfg.set("scopes", SettingValue::Text("read  write".into())).is_ok(), "words");
    assert_eq!(cfg.scopes, ["read", "write"]);
    let e = cfg.set("resources", SettingValue::Text("https://api".into())).err().map(|e| e.to_string());
    assert!(e.is_some_and(|e| e.contains("not a single string")));
}

#[test]
fn debug_and_show_never_reveal_secrets() {
    let mut cfg = ClientConfig::default();
    for info in ClientConfig::SCHEMA {
        let value = match info.kind {
            SettingKind::Secret | SettingKind::Pem => SettingValue::Text(format!("hunter2-{}", info.name)),
            SettingKind::Map => SettingValue::Map(BTreeMap::from([("name".into(), "hunter2-map".into())])),
            SettingKind::Callback => SettingValue::Callback(SecretProvider::new(|| Ok(Secret::new("hunter2")))),
            _ => continue,
        };
        assert!(cfg.set(info.name, value).is_ok(), "{}", info.name);
    }
    let dbg = format!("{cfg:?}");
    assert!(!dbg.contains("hunter2"), "{dbg}");
    for info in ClientConfig::SCHEMA {
        assert!(!cfg.show(info.name).unwrap_or_default().contains("hunter2"), "{}", info.name);
        assert!(dbg.contains(info.name), "Debug lacks {}", info.name);
    }
}

#[test]
fn callbacks_stay_out_of_documents() {
    let e = ClientConfig::from_json(r#"{"client_secret_provider": "x"}"#).err().map(|e| e.to_string());
    assert!(e.is_some_and(|e| e.contains("callback")));
}

#[test]
fn counts_are_whole_and_in_range() {
    let mut cfg = ClientConfig::default();
    assert!(cfg.set("max_retries", SettingValue::Number(1.5)).is_err());
    let e = cfg.set("max_retries", SettingValue::Integer(-1)).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("max_retries") && e.contains("between"), "{e}");
    assert!(cfg.set("max_retries", SettingValue::Integer(5)).is_ok());
    assert_eq!(cfg.max_retries, 5);
}
