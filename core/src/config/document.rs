//! Configuration documents (JSON, TOML, and anything else serde reads): an
//! object whose keys are setting names, each value handed to
//! [`ClientConfig::set`] — so documents follow exactly the schema's rules.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{ClientConfig, SettingValue};

impl<'de> Deserialize<'de> for ClientConfig {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(DocumentVisitor)
    }
}

struct DocumentVisitor;

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = ClientConfig;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of settings")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ClientConfig, A::Error> {
        let mut cfg = ClientConfig::default();
        while let Some(name) = map.next_key::<String>()? {
            match ClientConfig::setting(&name) {
                Some(info) if info.kind.in_documents() => {}
                Some(_) => {
                    return Err(de::Error::custom(format_args!(
                        "setting `{name}` is a callback: set it in code, not in a document"
                    )));
                }
                None => return Err(de::Error::unknown_field(&name, document_names())),
            }
            let DocValue(value) = map.next_value()?;
            cfg.set(&name, value).map_err(|e| de::Error::custom(e.message()))?;
        }
        Ok(cfg)
    }
}

/// The names a document may use, for serde's "expected one of" message.
fn document_names() -> &'static [&'static str] {
    static NAMES: once_cell::sync::Lazy<Vec<&'static str>> = once_cell::sync::Lazy::new(|| {
        ClientConfig::SCHEMA.iter().filter(|s| s.kind.in_documents()).map(|s| s.name).collect()
    });
    NAMES.as_slice()
}

/// One value of a document, in whatever shape it came; the setting's kind
/// decides whether that shape fits.
struct DocValue(SettingValue);

impl<'de> Deserialize<'de> for DocValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DocValueVisitor).map(DocValue)
    }
}

struct DocValueVisitor;

impl<'de> Visitor<'de> for DocValueVisitor {
    type Value = SettingValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number, boolean, list of strings or object of strings")
    }

    fn visit_unit<E: de::Error>(self) -> Result<SettingValue, E> {
        Ok(SettingValue::Default)
    }

    fn visit_none<E: de::Error>(self) -> Result<SettingValue, E> {
        Ok(SettingValue::Default)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<SettingValue, E> {
        Ok(SettingValue::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<SettingValue, E> {
        Ok(SettingValue::Integer(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<SettingValue, E> {
        Ok(i64::try_from(v).map_or(SettingValue::Number(v as f64), SettingValue::Integer))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<SettingValue, E> {
        Ok(SettingValue::Number(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<SettingValue, E> {
        Ok(SettingValue::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<SettingValue, E> {
        Ok(SettingValue::Text(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SettingValue, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element::<String>()? {
            items.push(item);
        }
        Ok(SettingValue::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SettingValue, A::Error> {
        let mut out = BTreeMap::new();
        while let Some((k, v)) = map.next_entry::<String, String>()? {
            out.insert(k, v);
        }
        Ok(SettingValue::Map(out))
    }
}
