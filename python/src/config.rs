//! Python values (keyword arguments, a dict, `OOAUTHCC_*` environment
//! variables) to a core [`ClientConfig`]. Types are checked here, naming the
//! argument; values are checked by core, which names the setting.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use ooauthcc_core::{ClientConfig, ErrorKind, Secret, SecretProvider, SettingInfo, SettingKind, SettingValue};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyMapping, PyString};

use crate::errors::{self, Class};
use crate::interp;

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
        set(py, &mut cfg, name, &value)?;
    }
    Ok(cfg)
}

/// Builds a config from `OOAUTHCC_<SETTING>` variables of `environ`, each
/// parsed by core's rule for its kind.
pub(crate) fn from_environ(py: Python<'_>, environ: &Bound<'_, PyAny>) -> PyResult<ClientConfig> {
    let mut cfg = ClientConfig::default();
    let mut lookup_error = None;
    let set =
        cfg.set_from_env(|var| match environ.call_method1("get", (var,)).and_then(|v| v.extract::<Option<String>>()) {
            Ok(text) => text,
            Err(e) => {
                lookup_error.get_or_insert(e);
                None
            }
        });
    if let Some(e) = lookup_error {
        return Err(e);
    }
    set.map_err(|e| errors::from_core(py, &e))?;
    Ok(cfg)
}

/// Sets one setting: the Python value is turned into core's neutral value by
/// the setting's kind (a `TypeError` naming the argument when its Python type
/// cannot be that kind), then core applies its rules.
fn set(py: Python<'_>, c: &mut ClientConfig, name: &str, v: &Bound<'_, PyAny>) -> PyResult<()> {
    let Some(info) = ClientConfig::setting(name) else {
        return Err(errors::new(py, Class::Config, format!("unknown setting `{name}`")));
    };
    let value = if v.is_none() { SettingValue::Default } else { to_value(py, info, v)? };
    c.set(name, value).map_err(|e| match e.kind() {
        ErrorKind::InvalidArgument => PyTypeError::new_err(format!("argument '{name}': {}", e.message())),
        _ => errors::from_core(py, &e),
    })
}

fn to_value(py: Python<'_>, info: &SettingInfo, v: &Bound<'_, PyAny>) -> PyResult<SettingValue> {
    let name = info.name;
    Ok(match info.kind {
        SettingKind::Path => SettingValue::Path(path(name, v)?),
        SettingKind::Seconds => SettingValue::Number(seconds(name, v)?),
        SettingKind::Fraction => SettingValue::Number(number(name, v)?),
        SettingKind::Count => SettingValue::Integer(integer(py, name, v)?),
        SettingKind::Bool => SettingValue::Bool(boolean(name, v)?),
        SettingKind::List | SettingKind::WordList if v.is_instance_of::<PyString>() => {
            SettingValue::Text(string(name, v)?)
        }
        SettingKind::List | SettingKind::WordList => SettingValue::List(strings(name, v)?),
        SettingKind::Map => SettingValue::Map(mapping(name, v)?),
        SettingKind::Callback => SettingValue::Callback(provider(name, v)?),
        _ => SettingValue::Text(string(name, v)?),
    })
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

fn boolean(name: &str, v: &Bound<'_, PyAny>) -> PyResult<bool> {
    match v.cast::<PyBool>() {
        Ok(b) => Ok(b.is_true()),
        Err(_) => Err(wrong_type(name, "bool", v)),
    }
}

/// Seconds as int or float, or a `datetime.timedelta` (core checks the range).
fn seconds(name: &str, v: &Bound<'_, PyAny>) -> PyResult<f64> {
    if v.hasattr("total_seconds")? && !v.is_instance_of::<PyFloat>() {
        return v.call_method0("total_seconds")?.extract::<f64>();
    }
    number(name, v).map_err(|_| wrong_type(name, "a number of seconds (or a timedelta)", v))
}

/// An int (not a bool); one too large for 64 bits is a value error naming the setting.
fn integer(py: Python<'_>, name: &str, v: &Bound<'_, PyAny>) -> PyResult<i64> {
    if v.is_instance_of::<PyBool>() || !v.is_instance_of::<PyInt>() {
        return Err(wrong_type(name, "int", v));
    }
    v.extract::<i64>().map_err(|_| {
        errors::new(py, Class::Config, format!("invalid setting `{name}`: must be between 0 and {}", u32::MAX))
    })
}

/// An optional per-call timeout in seconds.
pub(crate) fn timeout(py: Python<'_>, v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Duration>> {
    match v {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => {
            let secs = seconds("timeout", v)?;
            ClientConfig::duration_from_secs("timeout", secs).map(Some).map_err(|e| errors::from_core(py, &e))
        }
    }
}
