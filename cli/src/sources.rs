//! The client configuration of one run: a profile, then `OOAUTHCC_*`
//! variables, then flags; each later source overrides the earlier ones, and a
//! list or map given by flags replaces the one from the profile or variables.
//! Without a `store_url`, tokens are shared through a file store in the user's
//! cache directory (`--no-store` turns that off).

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use clap::ArgMatches;
use clap::parser::ValueSource;
use ooauthcc_core::{ClientConfig, ErrorKind, Profiles, SettingKind, SettingValue};

use crate::failure::Failure;

/// The configuration the command line asks for.
pub fn config(m: &ArgMatches) -> Result<ClientConfig, Failure> {
    let mut cfg = match m.get_one::<String>("profile") {
        Some(name) => profile(&profiles_path(m)?, name)?,
        None => ClientConfig::default(),
    };
    refuse_non_utf8_variables()?;
    cfg.set_from_env(|var| std::env::var(var).ok())?;
    let mut stdin_taken_by = None;
    for info in ClientConfig::SCHEMA.iter().filter(|i| i.kind.in_documents()) {
        if m.value_source(info.name) != Some(ValueSource::CommandLine) {
            continue;
        }
        let flag = format!("--{}", info.name.replace('_', "-"));
        let value = match info.kind {
            SettingKind::Path => match m.get_one::<PathBuf>(info.name) {
                Some(p) => SettingValue::Path(p.clone()),
                None => continue,
            },
            SettingKind::Secret => SettingValue::Text(secret_from_stdin(m, info.name, &flag, &mut stdin_taken_by)?),
            SettingKind::List | SettingKind::WordList => SettingValue::List(
                strings(m, info.name)
                    .flat_map(|s| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
                    .collect(),
            ),
            SettingKind::Map => SettingValue::Map(entries(m, info.name, &flag)?),
            _ => match m.get_one::<String>(info.name) {
                Some(text) => SettingValue::parse_text(info.kind, text)
                    .map_err(|why| Failure::new(ErrorKind::Config, format!("{flag}: {why}")))?,
                None => continue,
            },
        };
        // A wrong value is a setting problem (exit 3) whatever its source.
        cfg.set(info.name, value).map_err(|e| Failure::new(ErrorKind::Config, format!("{flag}: {}", e.message())))?;
    }
    if cfg.store_url.is_none() && !m.get_flag("no-store") && has_credential(&cfg) {
        cfg.store_url = default_store().map(Into::into);
    }
    Ok(cfg)
}

/// The file store in the user's cache directory, so consecutive and concurrent
/// runs share their tokens (`None` when the system names no cache directory).
fn default_store() -> Option<String> {
    let dir = dirs::cache_dir()?.join("ooauthcc").join("tokens");
    url::Url::from_file_path(dir).ok().map(String::from)
}

/// Whether the client has a credential that stored tokens can be sealed with
/// (a public client, `auth_method = "none"`, has none: it gets no default store).
fn has_credential(c: &ClientConfig) -> bool {
    let secret = c.client_secret.is_some() || c.client_secret_file.is_some() || c.client_secret_env.is_some();
    let key = c.private_key.is_some() || c.private_key_file.is_some() || c.private_key_env.is_some();
    let tls_key = c.client_key.is_some() || c.client_key_file.is_some();
    secret || key || tls_key || c.client_secret_provider.is_some() || c.private_key_provider.is_some()
}

fn strings<'a>(m: &'a ArgMatches, name: &str) -> impl Iterator<Item = &'a String> {
    m.get_many::<String>(name).into_iter().flatten()
}

/// `NAME=VALUE` flags as a map.
fn entries(m: &ArgMatches, name: &str, flag: &str) -> Result<BTreeMap<String, String>, Failure> {
    strings(m, name)
        .map(|entry| match entry.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
            // The entry may hold an API key: name the flag, not the text.
            _ => Err(Failure::new(ErrorKind::Config, format!("{flag}: expected NAME=VALUE"))),
        })
        .collect()
}

/// A secret setting's flag takes only `-`: the secret is read from standard
/// input (trailing newlines dropped), for at most one setting per run.
fn secret_from_stdin(m: &ArgMatches, name: &str, flag: &str, taken_by: &mut Option<String>) -> Result<String, Failure> {
    if m.get_one::<String>(name).map(String::as_str) != Some("-") {
        return Err(Failure::new(
            ErrorKind::InvalidArgument,
            format!(
                "{flag} takes only `-` (read standard input): a secret on the command line shows in the process list; \
                 use {flag}-file, {flag}-env, OOAUTHCC_{} or a profile",
                name.to_ascii_uppercase()
            ),
        ));
    }
    if let Some(first) = taken_by {
        return Err(Failure::new(
            ErrorKind::InvalidArgument,
            format!("{flag} -: standard input is already read by {first} -"),
        ));
    }
    *taken_by = Some(flag.to_owned());
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure::Io(format!("cannot read {flag} from standard input: {e}")))?;
    Ok(text.trim_end_matches(['\r', '\n']).to_owned())
}

/// A variable that is not UTF-8 would be skipped silently by the lookup;
/// refuse it by name instead.
fn refuse_non_utf8_variables() -> Result<(), Failure> {
    for info in ClientConfig::SCHEMA {
        let var = info.env_var();
        if let Some(v) = std::env::var_os(&var)
            && v.to_str().is_none()
        {
            return Err(Failure::new(ErrorKind::Config, format!("environment variable {var} is not valid UTF-8")));
        }
    }
    Ok(())
}

/// The profiles file `--config` names, or the default one.
pub fn profiles_path(m: &ArgMatches) -> Result<PathBuf, Failure> {
    if let Some(p) = m.get_one::<PathBuf>("config") {
        return Ok(p.clone());
    }
    dirs::config_dir().map(|d| d.join("ooauthcc").join("profiles.toml")).ok_or_else(|| {
        Failure::new(ErrorKind::Config, "--profile needs --config FILE (no user configuration directory is known)")
    })
}

/// Every profile of the file at `path` (TOML, or JSON when it ends in `.json`).
pub fn profiles(path: &Path) -> Result<Profiles, Failure> {
    Profiles::read_file(path).map_err(|e| Failure::new(ErrorKind::Config, e.message()))
}

/// The profile `name` of the file at `path`. Profiles are not validated here:
/// variables and flags may still complete them (a secret from the environment).
fn profile(path: &Path, name: &str) -> Result<ClientConfig, Failure> {
    profiles(path)?
        .get(name)
        .cloned()
        .map_err(|e| Failure::new(ErrorKind::Config, format!("profiles file {}: {}", path.display(), e.message())))
}

/// Whether any setting was given as a flag.
pub fn any_setting_flag(m: &ArgMatches) -> Option<&'static str> {
    ClientConfig::SCHEMA
        .iter()
        .filter(|i| i.kind.in_documents())
        .find(|i| m.value_source(i.name) == Some(ValueSource::CommandLine))
        .map(|i| i.name)
}
