//! The README's settings table, README-PY's table of Python types and the
//! Python stub's keyword arguments are generated from the schema (`ClientConfig::SCHEMA`): this test renders both
//! and fails when the checked-in text differs. `OOAUTHCC_BLESS=1 cargo test
//! -p ooauthcc-core --test schema_docs` rewrites them.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use ooauthcc_core::{ClientConfig, SettingInfo, SettingKind};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The markdown table: one row per setting.
fn readme_table() -> String {
    let defaults = ClientConfig::default();
    let mut out = String::from("| setting | kind | default | meaning |\n|---|---|---|---|\n");
    for s in ClientConfig::SCHEMA {
        let kind = match s.kind {
            SettingKind::Enum => {
                s.choices.iter().map(|c| format!("`{c:?}`")).collect::<Vec<_>>().join(", ").replace('"', "")
            }
            k => k.name().to_owned(),
        };
        let default = defaults.show(s.name).unwrap_or_default();
        let default = if default == "none" || default == "[]" { "—".to_owned() } else { format!("`{default}`") };
        let summary = s.summary().replace('|', "\\|").replace("[`", "`").replace("`]", "`");
        out.push_str(&format!("| `{}` | {kind} | {default} | {summary} |\n", s.name));
    }
    out
}

/// README-PY's table: the settings of each kind, with the Python type a
/// keyword takes and how an `OOAUTHCC_*` variable writes it (both by kind, so
/// a new setting needs nothing here).
fn python_types_table() -> String {
    let mut kinds: Vec<SettingKind> = Vec::new();
    for s in ClientConfig::SCHEMA {
        if !kinds.contains(&s.kind) {
            kinds.push(s.kind);
        }
    }
    let mut out = String::from("| settings | Python type | in the environment |\n|---|---|---|\n");
    for kind in kinds {
        let names = ClientConfig::SCHEMA.iter().filter(|s| s.kind == kind).map(|s| match kind {
            SettingKind::Enum => {
                format!(
                    "`{}` ({})",
                    s.name,
                    s.choices.iter().map(|c| format!("`{c:?}`")).collect::<Vec<_>>().join(", ")
                )
            }
            _ => format!("`{}`", s.name),
        });
        let (python, env) = match kind {
            SettingKind::Text => ("`str`", "text"),
            SettingKind::Secret => ("`str` (never shown in `repr`, logs or errors)", "text"),
            SettingKind::Pem => ("`str` (PEM)", "text"),
            SettingKind::Path => ("`str` or `os.PathLike`", "text"),
            SettingKind::Seconds => ("seconds: `int`, `float` or `datetime.timedelta`", "number"),
            SettingKind::Fraction => ("`float` from 0 to 1", "number"),
            SettingKind::Count => ("`int`", "number"),
            SettingKind::Bool => ("`bool`", "`true`/`false` (`1`/`0`, `yes`/`no`, `on`/`off`)"),
            SettingKind::List => ("list of `str` (not a lone `str`)", "space-separated"),
            SettingKind::WordList => ("list of `str`, or one space-separated `str`", "space-separated"),
            SettingKind::Map => ("`dict[str, str]`", "JSON object"),
            SettingKind::Enum => ("`str`, one of the spellings shown", "text"),
            SettingKind::Callback => ("callable returning `str`, called at every fetch", "—"),
            _ => ("see the stub", "text"),
        };
        out.push_str(&format!("| {} | {python} | {env} |\n", names.collect::<Vec<_>>().join(", ")));
    }
    out
}

/// The Python annotation of a keyword argument of this setting.
fn python_annotation(s: &SettingInfo) -> String {
    let inner = match s.kind {
        SettingKind::Path => "_Path".to_owned(),
        SettingKind::Seconds => "_Seconds".to_owned(),
        SettingKind::Fraction => "float".to_owned(),
        SettingKind::Count => "int".to_owned(),
        SettingKind::Bool => "bool".to_owned(),
        SettingKind::List => "Iterable[str]".to_owned(),
        SettingKind::WordList => return "Union[str, Iterable[str], None]".to_owned(),
        SettingKind::Map => "Mapping[str, str]".to_owned(),
        SettingKind::Enum => {
            format!("Literal[{}]", s.choices.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", "))
        }
        SettingKind::Callback => "Callable[[], str]".to_owned(),
        _ => "str".to_owned(),
    };
    format!("Optional[{inner}]")
}

/// `Client.__new__`'s parameters: the three positional ones, then every other
/// setting as a keyword.
fn stub_parameters() -> String {
    let positional = ["token_url", "client_id", "client_secret"];
    let line = |s: &SettingInfo| format!("        {}: {} = None,\n", s.name, python_annotation(s));
    let mut out = String::new();
    for name in positional {
        out.push_str(&line(ClientConfig::setting(name).unwrap()));
    }
    out.push_str("        *,\n");
    for s in ClientConfig::SCHEMA.iter().filter(|s| !positional.contains(&s.name)) {
        out.push_str(&line(s));
    }
    out
}

/// Replaces what lies between `start` and `end` in `file` with `generated`,
/// or checks that it already is.
fn check_generated(file: &str, start: &str, end: &str, generated: &str) {
    let path = root().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let (Some(a), Some(b)) = (text.find(start), text.find(end)) else {
        panic!("{file}: markers {start:?} … {end:?} not found")
    };
    let a = a + start.len() + 1;
    if text[a..b] == *generated {
        return;
    }
    if std::env::var_os("OOAUTHCC_BLESS").is_some() {
        std::fs::write(&path, format!("{}{generated}{}", &text[..a], &text[b..])).unwrap();
        return;
    }
    panic!(
        "{file} is out of date with ClientConfig::SCHEMA; run \
         `OOAUTHCC_BLESS=1 cargo test -p ooauthcc-core --test schema_docs`.\nExpected:\n{generated}"
    );
}

#[test]
fn readme_table_is_the_schema() {
    check_generated("README.md", "<!-- settings-table: generated -->", "<!-- settings-table: end -->", &readme_table());
}

#[test]
fn python_readme_types_are_the_schema() {
    check_generated(
        "python/README-PY.md",
        "<!-- python-settings-table: generated -->",
        "<!-- python-settings-table: end -->",
        &python_types_table(),
    );
}

#[test]
fn python_stub_keywords_are_the_schema() {
    check_generated(
        "python/ooauthcc/_ooauthcc.pyi",
        "        # settings: generated from ClientConfig::SCHEMA",
        "        # settings: end",
        &stub_parameters(),
    );
}
