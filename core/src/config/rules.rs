//! The type rules of each [`SettingKind`]: which [`SettingValue`] shapes a setting of
//! that kind takes, how they become the field's Rust value, and how the value
//! is shown (secrets never). The schema names a kind per setting; the compiler
//! checks that the kind's rule fits the field's Rust type.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use super::secs;
use super::setting::{SettingKind, SettingValue};
use crate::credentials::SecretProvider;
use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;

/// The rule of one kind for one Rust type.
pub(crate) trait Rule<T> {
    /// The kind this rule implements.
    const KIND: SettingKind;
    /// The spellings an enumerated setting accepts.
    const CHOICES: &'static [&'static str] = &[];
    /// Assigns `value` to `slot` (replacing it, or adding to a list or map).
    fn apply(slot: &mut T, setting: &str, value: SettingValue) -> Result<()>;
    /// The value as the docs and `Debug` show it; secrets as `***`.
    fn show(slot: &T) -> String;
}

/// An enumerated setting's type: its spellings, parsed by `FromStr`.
pub(crate) trait Spelled: FromStr<Err = Error> + Copy {
    const NAMES: &'static [&'static str];
    fn spelling(self) -> &'static str;
}

/// A value of the wrong shape: an argument error naming the setting and what
/// it takes (never the value, which may be a secret).
pub(crate) fn wrong_shape(setting: &str, expected: &str, value: &SettingValue) -> Error {
    Error::new(
        ErrorKind::InvalidArgument,
        format!("invalid setting `{setting}`: expected {expected}, got {}", value.shape()),
    )
}

fn text(setting: &str, value: SettingValue) -> Result<String> {
    match value {
        SettingValue::Text(s) => Ok(s),
        other => Err(wrong_shape(setting, "a string", &other)),
    }
}

fn number(setting: &str, value: SettingValue) -> Result<f64> {
    match value {
        SettingValue::Integer(i) => Ok(i as f64),
        SettingValue::Number(f) => Ok(f),
        other => Err(wrong_shape(setting, "a number", &other)),
    }
}

/// An optional text setting: the empty string unsets it (C has no NULL-free
/// way to say "none", and an empty URL, path or name is never meant).
fn optional_text(setting: &str, value: SettingValue) -> Result<Option<String>> {
    text(setting, value).map(|s| (!s.is_empty()).then_some(s))
}

fn or_none<T>(slot: &Option<T>, show: impl FnOnce(&T) -> String) -> String {
    slot.as_ref().map_or_else(|| "none".to_owned(), show)
}

macro_rules! markers {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        $( $(#[$doc])* pub(crate) struct $name; )*
    };
}

markers! {
    /// [`SettingKind::Text`].
    Text,
    /// [`SettingKind::Secret`].
    SecretText,
    /// [`SettingKind::Pem`].
    Pem,
    /// [`SettingKind::Path`].
    Path,
    /// [`SettingKind::Seconds`].
    Seconds,
    /// [`SettingKind::Fraction`].
    Fraction,
    /// [`SettingKind::Count`].
    Count,
    /// [`SettingKind::Bool`].
    Bool,
    /// [`SettingKind::List`].
    List,
    /// [`SettingKind::WordList`].
    WordList,
    /// [`SettingKind::Map`].
    Map,
    /// [`SettingKind::Enum`].
    Enum,
    /// [`SettingKind::Callback`].
    Callback,
}

impl Rule<String> for Text {
    const KIND: SettingKind = SettingKind::Text;
    fn apply(slot: &mut String, setting: &str, value: SettingValue) -> Result<()> {
        *slot = text(setting, value)?;
        Ok(())
    }
    fn show(slot: &String) -> String {
        format!("{slot:?}")
    }
}

impl Rule<Option<String>> for Text {
    const KIND: SettingKind = SettingKind::Text;
    fn apply(slot: &mut Option<String>, setting: &str, value: SettingValue) -> Result<()> {
        *slot = optional_text(setting, value)?;
        Ok(())
    }
    fn show(slot: &Option<String>) -> String {
        or_none(slot, |s| format!("{s:?}"))
    }
}

impl Rule<Option<Secret>> for SecretText {
    const KIND: SettingKind = SettingKind::Secret;
    fn apply(slot: &mut Option<Secret>, setting: &str, value: SettingValue) -> Result<()> {
        *slot = optional_text(setting, value)?.map(Secret::new);
        Ok(())
    }
    fn show(slot: &Option<Secret>) -> String {
        or_none(slot, |_| "***".to_owned())
    }
}

impl Rule<Option<String>> for Pem {
    const KIND: SettingKind = SettingKind::Pem;
    fn apply(slot: &mut Option<String>, setting: &str, value: SettingValue) -> Result<()> {
        *slot = optional_text(setting, value)?;
        Ok(())
    }
    fn show(slot: &Option<String>) -> String {
        or_none(slot, |pem| format!("<{} bytes of PEM>", pem.len()))
    }
}

impl Rule<Option<PathBuf>> for Path {
    const KIND: SettingKind = SettingKind::Path;
    fn apply(slot: &mut Option<PathBuf>, setting: &str, value: SettingValue) -> Result<()> {
        *slot = Some(match value {
            SettingValue::Path(p) => p,
            SettingValue::Text(s) if s.is_empty() => {
                *slot = None;
                return Ok(());
            }
            SettingValue::Text(s) => PathBuf::from(s),
            other => return Err(wrong_shape(setting, "a file path", &other)),
        });
        Ok(())
    }
    fn show(slot: &Option<PathBuf>) -> String {
        or_none(slot, |p| format!("{p:?}"))
    }
}

impl Rule<Duration> for Seconds {
    const KIND: SettingKind = SettingKind::Seconds;
    fn apply(slot: &mut Duration, setting: &str, value: SettingValue) -> Result<()> {
        let secs = number(setting, value)?;
        *slot = secs::to_duration(secs).map_err(|why| Error::config(setting, why))?;
        Ok(())
    }
    fn show(slot: &Duration) -> String {
        slot.as_secs_f64().to_string()
    }
}

impl Rule<f64> for Fraction {
    const KIND: SettingKind = SettingKind::Fraction;
    fn apply(slot: &mut f64, setting: &str, value: SettingValue) -> Result<()> {
        *slot = number(setting, value)?;
        Ok(())
    }
    fn show(slot: &f64) -> String {
        slot.to_string()
    }
}

impl Rule<u32> for Count {
    const KIND: SettingKind = SettingKind::Count;
    fn apply(slot: &mut u32, setting: &str, value: SettingValue) -> Result<()> {
        let SettingValue::Integer(i) = value else {
            return Err(wrong_shape(setting, "a whole number", &value));
        };
        *slot = u32::try_from(i)
            .map_err(|_| Error::config(setting, format!("must be between 0 and {}, got {i}", u32::MAX)))?;
        Ok(())
    }
    fn show(slot: &u32) -> String {
        slot.to_string()
    }
}

impl Rule<bool> for Bool {
    const KIND: SettingKind = SettingKind::Bool;
    fn apply(slot: &mut bool, setting: &str, value: SettingValue) -> Result<()> {
        let SettingValue::Bool(b) = value else {
            return Err(wrong_shape(setting, "true or false", &value));
        };
        *slot = b;
        Ok(())
    }
    fn show(slot: &bool) -> String {
        slot.to_string()
    }
}

fn apply_list(slot: &mut Vec<String>, setting: &str, value: SettingValue, expected: &str) -> Result<()> {
    match value {
        SettingValue::List(items) => *slot = items,
        SettingValue::Item(item) => slot.push(item),
        other => return Err(wrong_shape(setting, expected, &other)),
    }
    Ok(())
}

impl Rule<Vec<String>> for List {
    const KIND: SettingKind = SettingKind::List;
    fn apply(slot: &mut Vec<String>, setting: &str, value: SettingValue) -> Result<()> {
        apply_list(slot, setting, value, "a list of strings (not a single string)")
    }
    fn show(slot: &Vec<String>) -> String {
        format!("{slot:?}")
    }
}

impl Rule<Vec<String>> for WordList {
    const KIND: SettingKind = SettingKind::WordList;
    fn apply(slot: &mut Vec<String>, setting: &str, value: SettingValue) -> Result<()> {
        match value {
            SettingValue::Text(words) => {
                *slot = words.split_whitespace().map(str::to_owned).collect();
                Ok(())
            }
            other => apply_list(slot, setting, other, "a list of strings or a space-separated string"),
        }
    }
    fn show(slot: &Vec<String>) -> String {
        format!("{slot:?}")
    }
}

impl Rule<BTreeMap<String, String>> for Map {
    const KIND: SettingKind = SettingKind::Map;
    fn apply(slot: &mut BTreeMap<String, String>, setting: &str, value: SettingValue) -> Result<()> {
        match value {
            SettingValue::Map(map) => *slot = map,
            SettingValue::Entry(name, v) => {
                slot.insert(name, v);
            }
            other => return Err(wrong_shape(setting, "a map of strings to strings", &other)),
        }
        Ok(())
    }
    /// Names only: values are often API keys.
    fn show(slot: &BTreeMap<String, String>) -> String {
        format!("{:?}", slot.keys().collect::<Vec<_>>())
    }
}

impl<T: Spelled> Rule<T> for Enum {
    const KIND: SettingKind = SettingKind::Enum;
    const CHOICES: &'static [&'static str] = T::NAMES;
    fn apply(slot: &mut T, setting: &str, value: SettingValue) -> Result<()> {
        *slot = text(setting, value)?.parse()?;
        Ok(())
    }
    fn show(slot: &T) -> String {
        format!("{:?}", slot.spelling())
    }
}

impl Rule<Option<SecretProvider>> for Callback {
    const KIND: SettingKind = SettingKind::Callback;
    fn apply(slot: &mut Option<SecretProvider>, setting: &str, value: SettingValue) -> Result<()> {
        let SettingValue::Callback(provider) = value else {
            return Err(wrong_shape(setting, "a callback", &value));
        };
        *slot = Some(provider);
        Ok(())
    }
    fn show(slot: &Option<SecretProvider>) -> String {
        or_none(slot, |_| "<callback>".to_owned())
    }
}
