//! What bindings see of the settings schema: each setting's name, kind and
//! documentation ([`SettingInfo`]), and the language-neutral values they hand
//! to [`ClientConfig::set`](super::ClientConfig::set) ([`SettingValue`]).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::credentials::SecretProvider;

/// The kind of a setting: what values it takes, how it is written in an
/// environment variable, and how it is shown (secrets never are).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SettingKind {
    /// A string.
    Text,
    /// A string that is a credential: wiped on drop, never printed.
    Secret,
    /// PEM text (a certificate or a bundle): not secret, but shown by size only.
    Pem,
    /// A file path.
    Path,
    /// A duration, in seconds (fractions allowed), from zero to one year.
    Seconds,
    /// A number between 0 and 1.
    Fraction,
    /// A whole number from 0 to 4,294,967,295.
    Count,
    /// `true` or `false`.
    Bool,
    /// A list of strings (a lone string is refused: iterating it would give
    /// its characters).
    List,
    /// A list of strings, or one string of space-separated words (the RFC 6749
    /// form of `scope`).
    WordList,
    /// A map of string names to string values.
    Map,
    /// One of a fixed set of spellings ([`SettingInfo::choices`]).
    Enum,
    /// A callback (Rust closure, C function pointer, Python callable): not part
    /// of documents or environment variables.
    Callback,
}

impl SettingKind {
    /// The kind's name, as the schema and the docs spell it.
    pub fn name(self) -> &'static str {
        match self {
            SettingKind::Text => "text",
            SettingKind::Secret => "secret",
            SettingKind::Pem => "pem",
            SettingKind::Path => "path",
            SettingKind::Seconds => "seconds",
            SettingKind::Fraction => "fraction",
            SettingKind::Count => "count",
            SettingKind::Bool => "bool",
            SettingKind::List => "list",
            SettingKind::WordList => "words",
            SettingKind::Map => "map",
            SettingKind::Enum => "enum",
            SettingKind::Callback => "callback",
        }
    }

    /// Whether values of this kind are credentials that must never be shown.
    pub fn is_secret(self) -> bool {
        self == SettingKind::Secret
    }

    /// Whether documents (JSON, TOML) and environment variables can carry it.
    pub fn in_documents(self) -> bool {
        self != SettingKind::Callback
    }
}

impl fmt::Display for SettingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One setting of the schema, as bindings and docs iterate it
/// ([`ClientConfig::SCHEMA`](super::ClientConfig::SCHEMA)).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct SettingInfo {
    /// The name in Rust, JSON, TOML, Python keywords and `OOAUTHCC_<NAME>`.
    pub name: &'static str,
    /// What values it takes.
    pub kind: SettingKind,
    /// The accepted spellings of an [`SettingKind::Enum`] setting; empty otherwise.
    pub choices: &'static [&'static str],
    /// The field's documentation (Markdown, one line per source line).
    pub doc: &'static str,
}

impl SettingInfo {
    /// The first sentence of the documentation, on one line: for tables and `--help`.
    pub fn summary(&self) -> String {
        let flat = self.doc.lines().map(str::trim).take_while(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
        match flat.find(". ") {
            Some(end) => flat[..=end].to_owned(),
            None => flat,
        }
    }

    /// The environment variable that carries this setting (`OOAUTHCC_TOKEN_URL`).
    pub fn env_var(&self) -> String {
        format!("OOAUTHCC_{}", self.name.to_ascii_uppercase())
    }
}

/// A value for [`ClientConfig::set`](super::ClientConfig::set), in the few
/// shapes every language and document has. Which shapes a setting accepts is
/// decided by its [`SettingKind`]; a mismatch is a config error naming the setting.
#[derive(Clone)]
#[non_exhaustive]
pub enum SettingValue {
    /// Back to the setting's default (JSON `null`, Python `None`).
    Default,
    /// A string: text, secret, PEM, path, enum spelling, or space-separated words.
    Text(String),
    /// A file path that may not be UTF-8.
    Path(PathBuf),
    /// A whole number.
    Integer(i64),
    /// A number (seconds, fraction).
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// Replaces a list.
    List(Vec<String>),
    /// Appends one item to a list (C's `ooauthcc_config_add_*`).
    Item(String),
    /// Replaces a map.
    Map(BTreeMap<String, String>),
    /// Adds or replaces one entry of a map.
    Entry(String, String),
    /// A credential callback.
    Callback(SecretProvider),
}

impl SettingValue {
    /// What the value is, for error messages (never the value itself: it may be a secret).
    pub(crate) fn shape(&self) -> &'static str {
        match self {
            SettingValue::Default => "nothing",
            SettingValue::Text(_) => "a string",
            SettingValue::Path(_) => "a path",
            SettingValue::Integer(_) => "an integer",
            SettingValue::Number(_) => "a number",
            SettingValue::Bool(_) => "a boolean",
            SettingValue::List(_) => "a list",
            SettingValue::Item(_) => "a list item",
            SettingValue::Map(_) => "a map",
            SettingValue::Entry(..) => "a map entry",
            SettingValue::Callback(_) => "a callback",
        }
    }

    /// Parses the text of an environment variable (or a command-line flag) as a
    /// value of `kind`: lists are whitespace-separated, maps a JSON object of
    /// strings, numbers and booleans (`true`/`false`, `1`/`0`, `yes`/`no`,
    /// `on`/`off`) as written. Errors say what was expected, never echo a secret.
    pub fn parse_text(kind: SettingKind, text: &str) -> Result<SettingValue, String> {
        let trimmed = text.trim();
        Ok(match kind {
            SettingKind::Text | SettingKind::Secret | SettingKind::Pem | SettingKind::Enum | SettingKind::WordList => {
                SettingValue::Text(trimmed.to_owned())
            }
            SettingKind::Path => SettingValue::Path(PathBuf::from(trimmed)),
            SettingKind::List => SettingValue::List(trimmed.split_whitespace().map(str::to_owned).collect()),
            SettingKind::Map => SettingValue::Map(
                serde_json::from_str(trimmed)
                    .map_err(|e| format!("expected a JSON object of strings, like {{\"name\": \"value\"}} ({e})"))?,
            ),
            SettingKind::Seconds | SettingKind::Fraction | SettingKind::Count => {
                match (trimmed.parse::<i64>(), trimmed.parse::<f64>()) {
                    (Ok(i), _) => SettingValue::Integer(i),
                    (_, Ok(f)) => SettingValue::Number(f),
                    _ => return Err(format!("expected a number, got {trimmed:?}")),
                }
            }
            SettingKind::Bool => match trimmed.to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => SettingValue::Bool(true),
                "0" | "false" | "no" | "off" | "" => SettingValue::Bool(false),
                _ => return Err(format!("expected true or false, got {trimmed:?}")),
            },
            SettingKind::Callback => return Err("a callback cannot be given as text".to_owned()),
        })
    }
}

impl fmt::Debug for SettingValue {
    /// The shape only: a value may be a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SettingValue({})", self.shape())
    }
}
