//! The one way a C setter changes a config: read its C arguments, turn them
//! into a core `SettingValue`, and hand it to `ClientConfig::set` under the
//! setting's name — so the type rules and their error messages are core's,
//! the same as for documents and Python. Each `ooauthcc_config_set_*`/`_add_*`
//! function is one call to one of these.

use std::ffi::c_char;

use ooauthcc_core::{ClientConfig, Error, ErrorKind, SettingValue};

use crate::config::{config_mut, ooauthcc_config};
use crate::error::ooauthcc_error;
use crate::status::ooauthcc_status;
use crate::strings::read_string;

/// Sets `setting` to `value` once `read` has turned the C arguments into it.
///
/// # Safety
/// `cfg` is NULL or a live config used by this thread only; `read` upholds the
/// contract of the pointers it reads.
unsafe fn set_with(
    cfg: *mut ooauthcc_config,
    setting: &str,
    err: *mut *mut ooauthcc_error,
    read: impl FnOnce() -> Result<SettingValue, Error>,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: forwarded contract; the arguments are read before the config changes.
        let cfg = unsafe { config_mut(cfg)? };
        let value = read()?;
        cfg.set(setting, value)
    })
}

/// A text setting (text, secret, PEM, path, or the empty string to unset an
/// optional one) from a NUL-terminated UTF-8 string.
///
/// # Safety
/// `cfg` as in [`set_with`]; `value` is NULL or NUL-terminated.
pub(crate) unsafe fn set_text(
    cfg: *mut ooauthcc_config,
    setting: &str,
    value: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: forwarded contract.
    unsafe { set_with(cfg, setting, err, || Ok(SettingValue::Text(read_string(value, "value")?))) }
}

/// Appends one item to a list setting.
///
/// # Safety
/// As [`set_text`].
pub(crate) unsafe fn add_item(
    cfg: *mut ooauthcc_config,
    setting: &str,
    item: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: forwarded contract.
    unsafe { set_with(cfg, setting, err, || Ok(SettingValue::Item(read_string(item, "value")?))) }
}

/// Adds (or replaces) one entry of a map setting.
///
/// # Safety
/// As [`set_text`], for both strings.
pub(crate) unsafe fn add_entry(
    cfg: *mut ooauthcc_config,
    setting: &str,
    name: *const c_char,
    value: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: forwarded contract.
    unsafe {
        set_with(cfg, setting, err, || {
            Ok(SettingValue::Entry(read_string(name, "name")?, read_string(value, "value")?))
        })
    }
}

/// A duration setting from milliseconds (core's rule: at most a year).
///
/// # Safety
/// As [`set_with`].
pub(crate) unsafe fn set_millis(
    cfg: *mut ooauthcc_config,
    setting: &str,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // Whole seconds and the remaining milliseconds, so large values lose nothing to f64.
    let secs = (ms / 1000) as f64 + (ms % 1000) as f64 / 1000.0;
    // SAFETY: forwarded contract.
    unsafe { set_with(cfg, setting, err, || Ok(SettingValue::Number(secs))) }
}

/// A fraction setting.
///
/// # Safety
/// As [`set_with`].
pub(crate) unsafe fn set_fraction(
    cfg: *mut ooauthcc_config,
    setting: &str,
    value: f64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: forwarded contract.
    unsafe { set_with(cfg, setting, err, || Ok(SettingValue::Number(value))) }
}

/// A count setting.
///
/// # Safety
/// As [`set_with`].
pub(crate) unsafe fn set_count(
    cfg: *mut ooauthcc_config,
    setting: &str,
    value: u32,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: forwarded contract.
    unsafe { set_with(cfg, setting, err, || Ok(SettingValue::Integer(i64::from(value)))) }
}

/// A boolean setting.
///
/// # Safety
/// As [`set_with`].
pub(crate) unsafe fn set_bool(
    cfg: *mut ooauthcc_config,
    setting: &str,
    value: bool,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: forwarded contract.
    unsafe { set_with(cfg, setting, err, || Ok(SettingValue::Bool(value))) }
}

/// An enumerated setting from its C enum value: the index of its spelling in
/// the schema's `choices`, which the C enums follow (a test checks the order).
///
/// # Safety
/// As [`set_with`].
pub(crate) unsafe fn set_enum(
    cfg: *mut ooauthcc_config,
    setting: &str,
    value: u32,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    let read = || {
        let choices = ClientConfig::setting(setting).map_or(&[][..], |s| s.choices);
        let spelling = usize::try_from(value).ok().and_then(|i| choices.get(i)).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "argument `{setting}`: unknown value {value} (expected 0 to {})",
                    choices.len().saturating_sub(1)
                ),
            )
        })?;
        Ok(SettingValue::Text((*spelling).to_owned()))
    };
    // SAFETY: forwarded contract.
    unsafe { set_with(cfg, setting, err, read) }
}
