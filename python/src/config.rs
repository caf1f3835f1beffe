//! Python values (keyword arguments, a dict, `OOAUTHCC_*` environment
//! variables) to a core [`ClientConfig`]. Types are checked here, naming the
//! argument; values are checked by core, which names the setting.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use ooauthcc_core::{ClientConfig, Secret, SecretProvider};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyList, PyMapping, PyString};

use crate::errors::{self, Class};
use crate::interp;

/// How a setting is written in an environment variable.
#[derive(Clone, Copy)]
pub(crate) enum Env {
    /// Taken as it is.
    Text,
    /// Whitespace-separated items.
    List,
    /// A JSON object of strings.
    Map,
    /// A number.
    Number,
    /// `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`).
    Bool,
    /// Not settable from the environment (a Python callable).
    Unsupported,
}

/// Every setting, by the name it has in Rust, JSON, TOML and Python.
pub(crate) const SETTINGS: &[(&str, Env)] = &[
    ("token_url", Env::Text),
    ("client_id", Env::Text),
    ("client_secret", Env::Text),
    ("issuer", Env::Text),
    ("client_secret_file", Env::Text),
    ("client_secret_env", Env::Text),
    ("client_secret_provider", Env::Unsupported),
    ("private_key", Env::Text),
    ("private_key_file", Env::Text),
    ("private_key_env", Env::Text),
    ("private_key_provider", Env::Unsupported),
    ("signing_alg", Env::Text),
    ("key_id", Env::Text),
    ("assertion_audience", Env::Text),
    ("assertion_lifetime", Env::Number),
    ("client_cert", Env::Text),
    ("client_cert_file", Env::Text),
    ("client_key", Env::Text),
    ("client_key_file", Env::Text),
    ("ca_bundle", Env::Text),
    ("ca_bundle_file", Env::Text),
    ("scopes", Env::List),
    ("scope_delimiter", Env::Text),
    ("scope_param", Env::Text),
    ("audience", Env::Text),
    ("resources", Env::List),
    ("extra_params", Env::Map),
    ("extra_headers", Env::Map),
    ("cookies", Env::Map),
    ("grant_type", Env::Text),
    ("auth_method", Env::Text),
    ("basic_encoding", Env::Text),
    ("token_path", Env::Text),
    ("default_lifetime", Env::Number),
    ("connect_timeout", Env::Number),
    ("request_timeout", Env::Number),
    ("get_timeout", Env::Number),
    ("refresh_skew", Env::Number),
    ("refresh_ahead", Env::Number),
    ("refresh_jitter", Env::Number),
    ("max_retries", Env::Number),
    ("retry_base_delay", Env::Number),
    ("retry_max_delay", Env::Number),
    ("allow_insecure_http", Env::Bool),
    ("token_prefix", Env::Text),
    ("header_name", Env::Text),
    ("query_param", Env::Text),
    ("allowed_hosts", Env::List),
    ("store_url", Env::Text),
    ("store_lock_lease", Env::Number),
    ("store_timeout", Env::Number),
    ("store_ca_bundle_file", Env::Text),
    ("store_client_cert_file", Env::Text),
    ("store_client_key_file", Env::Text),
];

/// The prefix of the environment variables read by `Client.from_env()`.
pub(crate) const ENV_PREFIX: &str = "OOAUTHCC_";

/// Builds a config from `(name, value)` pairs; `None` values keep the default.
pub(crate) fn build<'py>(
    py: Python<'py>,
    pairs: impl IntoIterator<Item = (&'py str, Option<Bound<'py, PyAny>>)>,
) -> PyResult<ClientConfig> {
    let mut cfg = ClientConfig::default();
    for (name, value) in pairs {
        if let Some(v) = value.filter(|v| !v.is_none()) {
            set(py, &mut cfg, name, &v)?;
        }
    }
    Ok(cfg)
}

/// Builds a config from a mapping whose keys are setting names.
pub(crate) fn from_mapping(py: Python<'_>, settings: &Bound<'_, PyAny>) -> PyResult<ClientConfig> {
    let map = settings
        .cast::<PyMapping>()
        .map_err(|_| PyTypeError::new_err(format!("settings must be a mapping, not {}", type_name(settings))))?;
    let mut cfg = ClientConfig::default();
    for item in map.items()?.iter() {
        let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
        let key = key
            .cast::<PyString>()
            .map_err(|_| PyTypeError::new_err(format!("setting names must be str, not {}", type_name(&key))))?;
        let name = key.to_cow()?;
        let name: &str = &name;
        if !SETTINGS.iter().any(|(n, _)| *n == name) {
            return Err(errors::new(py, Class::Config, format!("unknown setting `{name}`")));
        }
        if !value.is_none() {
            set(py, &mut cfg, name, &value)?;
        }
    }
    Ok(cfg)
}

/// Builds a config from `OOAUTHCC_<SETTING>` variables of `environ`.
pub(crate) fn from_environ(py: Python<'_>, environ: &Bound<'_, PyAny>) -> PyResult<ClientConfig> {
    let mut cfg = ClientConfig::default();
    for (name, kind) in SETTINGS.iter().filter(|(_, k)| !matches!(k, Env::Unsupported)) {
        let var = format!("{ENV_PREFIX}{}", name.to_ascii_uppercase());
        let Some(text) = environ.call_method1("get", (var.as_str(),))?.extract::<Option<String>>()? else {
            continue;
        };
        let named = |msg: String| errors::new(py, Class::Config, format!("environment variable {var}: {msg}"));
        let value = env_value(py, *kind, &text).map_err(named)?;
        // Type errors cannot happen for values parsed above, but keep the variable name on value errors.
        set(py, &mut cfg, name, &value).map_err(|e| named(e.value(py).to_string()))?;
    }
    Ok(cfg)
}

fn env_value<'py>(py: Python<'py>, kind: Env, text: &str) -> Result<Bound<'py, PyAny>, String> {
    let text = text.trim();
    Ok(match kind {
        Env::Text | Env::Unsupported => PyString::new(py, text).into_any(),
        Env::List => PyList::new(py, text.split_whitespace()).map_err(|e| e.to_string())?.into_any(),
        Env::Map => {
            let map: BTreeMap<String, String> = serde_json::from_str(text)
                .map_err(|e| format!("expected a JSON object of strings, like {{\"name\": \"value\"}} ({e})"))?;
            map.into_pyobject(py).map_err(|e| e.to_string())?.into_any()
        }
        Env::Number => match (text.parse::<i64>(), text.parse::<f64>()) {
            (Ok(i), _) => i.into_pyobject(py).map_err(|e| e.to_string())?.into_any(),
            (_, Ok(f)) => PyFloat::new(py, f).into_any(),
            _ => return Err(format!("expected a number, got {text:?}")),
        },
        Env::Bool => match text.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => PyBool::new(py, true).to_owned().into_any(),
            "0" | "false" | "no" | "off" | "" => PyBool::new(py, false).to_owned().into_any(),
            _ => return Err(format!("expected true or false, got {text:?}")),
        },
    })
}

/// Sets one setting, checking the Python type of `v`.
fn set(py: Python<'_>, c: &mut ClientConfig, name: &str, v: &Bound<'_, PyAny>) -> PyResult<()> {
    match name {
        "token_url" => c.token_url = string(name, v)?,
        "client_id" => c.client_id = string(name, v)?,
        "client_secret" => c.client_secret = Some(string(name, v)?.into()),
        "issuer" => c.issuer = Some(string(name, v)?),
        "client_secret_file" => c.client_secret_file = Some(path(name, v)?),
        "client_secret_env" => c.client_secret_env = Some(string(name, v)?),
        "client_secret_provider" => c.client_secret_provider = Some(provider(name, v)?),
        "private_key" => c.private_key = Some(string(name, v)?.into()),
        "private_key_file" => c.private_key_file = Some(path(name, v)?),
        "private_key_env" => c.private_key_env = Some(string(name, v)?),
        "private_key_provider" => c.private_key_provider = Some(provider(name, v)?),
        "signing_alg" => c.signing_alg = Some(string(name, v)?),
        "key_id" => c.key_id = Some(string(name, v)?),
        "assertion_audience" => c.assertion_audience = Some(string(name, v)?),
        "assertion_lifetime" => c.assertion_lifetime = duration(py, name, v)?,
        "client_cert" => c.client_cert = Some(string(name, v)?),
        "client_cert_file" => c.client_cert_file = Some(path(name, v)?),
        "client_key" => c.client_key = Some(string(name, v)?.into()),
        "client_key_file" => c.client_key_file = Some(path(name, v)?),
        "ca_bundle" => c.ca_bundle = Some(string(name, v)?),
        "ca_bundle_file" => c.ca_bundle_file = Some(path(name, v)?),
        "scopes" => c.scopes = scopes(v)?,
        "scope_delimiter" => c.scope_delimiter = parse(py, name, v)?,
        "scope_param" => c.scope_param = string(name, v)?,
        "audience" => c.audience = Some(string(name, v)?),
        "resources" => c.resources = strings(name, v)?,
        "extra_params" => c.extra_params = mapping(name, v)?,
        "extra_headers" => c.extra_headers = mapping(name, v)?,
        "cookies" => c.cookies = mapping(name, v)?,
        "grant_type" => c.grant_type = string(name, v)?,
        "auth_method" => c.auth_method = parse(py, name, v)?,
        "basic_encoding" => c.basic_encoding = parse(py, name, v)?,
        "token_path" => c.token_path = string(name, v)?,
        "default_lifetime" => c.default_lifetime = duration(py, name, v)?,
        "connect_timeout" => c.connect_timeout = duration(py, name, v)?,
        "request_timeout" => c.request_timeout = duration(py, name, v)?,
        "get_timeout" => c.get_timeout = duration(py, name, v)?,
        "refresh_skew" => c.refresh_skew = duration(py, name, v)?,
        "refresh_ahead" => c.refresh_ahead = number(name, v)?,
        "refresh_jitter" => c.refresh_jitter = number(name, v)?,
        "max_retries" => c.max_retries = count(py, name, v)?,
        "retry_base_delay" => c.retry_base_delay = duration(py, name, v)?,
        "retry_max_delay" => c.retry_max_delay = duration(py, name, v)?,
        "allow_insecure_http" => c.allow_insecure_http = boolean(name, v)?,
        "token_prefix" => c.token_prefix = string(name, v)?,
        "header_name" => c.header_name = string(name, v)?,
        "query_param" => c.query_param = Some(string(name, v)?),
        "allowed_hosts" => c.allowed_hosts = strings(name, v)?,
        "store_url" => c.store_url = Some(string(name, v)?.into()),
        "store_lock_lease" => c.store_lock_lease = duration(py, name, v)?,
        "store_timeout" => c.store_timeout = duration(py, name, v)?,
        "store_ca_bundle_file" => c.store_ca_bundle_file = Some(path(name, v)?),
        "store_client_cert_file" => c.store_client_cert_file = Some(path(name, v)?),
        "store_client_key_file" => c.store_client_key_file = Some(path(name, v)?),
        other => return Err(errors::new(py, Class::Config, format!("unknown setting `{other}`"))),
    }
    Ok(())
}

pub(crate) fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".to_owned())
}

fn wrong_type(name: &str, expected: &str, v: &Bound<'_, PyAny>) -> PyErr {
    PyTypeError::new_err(format!("argument '{name}' must be {expected}, not {}", type_name(v)))
}

fn string(name: &str, v: &Bound<'_, PyAny>) -> PyResult<String> {
    match v.cast::<PyString>() {
        Ok(s) => Ok(s.to_cow()?.into_owned()),
        Err(_) => Err(wrong_type(name, "str", v)),
    }
}

/// A file path: `str` or `os.PathLike`.
fn path(name: &str, v: &Bound<'_, PyAny>) -> PyResult<PathBuf> {
    if v.is_instance_of::<PyString>() || v.hasattr("__fspath__")? {
        return v.extract::<PathBuf>();
    }
    Err(wrong_type(name, "str or os.PathLike", v))
}

/// A Python callable returning the credential as `str`, called by core at
/// every fetch on its runtime thread (so it takes the GIL there, briefly).
fn provider(name: &str, v: &Bound<'_, PyAny>) -> PyResult<SecretProvider> {
    if !v.is_callable() {
        return Err(wrong_type(name, "a callable returning str", v));
    }
    let callable = v.clone().unbind();
    let name = name.to_owned();
    Ok(SecretProvider::new(move || {
        interp::attach_if_alive(|py| match callable.bind(py).call0() {
            Ok(r) => match r.cast::<PyString>() {
                Ok(s) => s.to_cow().map(|c| Secret::new(c.into_owned())).map_err(|e| e.to_string()),
                Err(_) => Err(format!("{name} returned {}, not str", type_name(&r))),
            },
            Err(e) => {
                Err(format!("{name} raised {}", e.get_type(py).name().map(|n| n.to_string()).unwrap_or_default()))
            }
        })
        .unwrap_or_else(|| Err(format!("{name} cannot be called: the Python interpreter is exiting")))
    }))
}

/// A list (or tuple, set, …) of str. A lone str is refused, since iterating it
/// would give its characters.
fn strings(name: &str, v: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if v.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!("argument '{name}' must be a list of str, not a single str")));
    }
    let iter = v.try_iter().map_err(|_| wrong_type(name, "a list of str", v))?;
    let mut out = Vec::new();
    for item in iter {
        let item = item?;
        match item.cast::<PyString>() {
            Ok(s) => out.push(s.to_cow()?.into_owned()),
            Err(_) => return Err(wrong_type(name, "a list of str, with items", &item)),
        }
    }
    Ok(out)
}

/// Scopes: a list of str, or one str of space-separated scopes (the RFC 6749 form).
fn scopes(v: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    match v.cast::<PyString>() {
        Ok(s) => Ok(s.to_cow()?.split_whitespace().map(str::to_owned).collect()),
        Err(_) => strings("scopes", v),
    }
}

fn mapping(name: &str, v: &Bound<'_, PyAny>) -> PyResult<BTreeMap<String, String>> {
    let map = v.cast::<PyMapping>().map_err(|_| wrong_type(name, "a dict of str to str", v))?;
    let mut out = BTreeMap::new();
    for item in map.items()?.iter() {
        let (k, val): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
        let key = string(name, &k).map_err(|_| wrong_type(name, "a dict of str to str, with keys", &k))?;
        let value = string(name, &val).map_err(|_| wrong_type(name, "a dict of str to str, with values", &val))?;
        out.insert(key, value);
    }
    Ok(out)
}

fn number(name: &str, v: &Bound<'_, PyAny>) -> PyResult<f64> {
    if v.is_instance_of::<PyBool>() || !(v.is_instance_of::<PyFloat>() || v.is_instance_of::<PyInt>()) {
        return Err(wrong_type(name, "a number", v));
    }
    v.extract::<f64>()
}

fn count(py: Python<'_>, name: &str, v: &Bound<'_, PyAny>) -> PyResult<u32> {
    if v.is_instance_of::<PyBool>() || !v.is_instance_of::<PyInt>() {
        return Err(wrong_type(name, "int", v));
    }
    v.extract::<u32>().map_err(|_| {
        errors::new(py, Class::Config, format!("invalid setting `{name}`: must be between 0 and {}", u32::MAX))
    })
}

fn boolean(name: &str, v: &Bound<'_, PyAny>) -> PyResult<bool> {
    match v.cast::<PyBool>() {
        Ok(b) => Ok(b.is_true()),
        Err(_) => Err(wrong_type(name, "bool", v)),
    }
}

/// Seconds as int or float, or a `datetime.timedelta`.
fn duration(py: Python<'_>, name: &str, v: &Bound<'_, PyAny>) -> PyResult<Duration> {
    let secs = if v.hasattr("total_seconds")? && !v.is_instance_of::<PyFloat>() {
        v.call_method0("total_seconds")?.extract::<f64>()?
    } else {
        number(name, v).map_err(|_| wrong_type(name, "a number of seconds (or a timedelta)", v))?
    };
    // Core's rule for every duration setting (non-negative, at most a year).
    ClientConfig::duration_from_secs(name, secs).map_err(|e| errors::from_core(py, &e))
}

/// An optional per-call timeout in seconds.
pub(crate) fn timeout(py: Python<'_>, v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Duration>> {
    match v {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => duration(py, "timeout", v).map(Some),
    }
}

/// An enumerated setting, parsed by core (whose error names the setting).
fn parse<T: std::str::FromStr<Err = ooauthcc_core::Error>>(
    py: Python<'_>,
    name: &str,
    v: &Bound<'_, PyAny>,
) -> PyResult<T> {
    string(name, v)?.parse().map_err(|e| errors::from_core(py, &e))
}
