//! `ooauthcc_profiles`: several named clients in one JSON or TOML document
//! (`{"profiles": {"billing": {…}}}`, `[profiles.billing]`), as Rust's
//! `Profiles` and the CLI read them; a client is then built by name.
//!
//! Design: the document is parsed and every profile checked once, when it is
//! loaded; the object is immutable afterwards, so any thread may build clients
//! from it. The secrets belong in files or environment variables
//! (`client_secret_file`, `client_secret_env`), read at each token request.

use std::ffi::{CString, c_char};

use ooauthcc_core::Profiles;

use crate::client::{new_client, ooauthcc_client};
use crate::config::ooauthcc_config;
use crate::config_callback::Callbacks;
use crate::error::ooauthcc_error;
use crate::handle::{Castable, Out, OwnershipBox, box_free, box_into_ptr, box_ref};
use crate::status::ooauthcc_status;
use crate::strings::{c_string, read_str};

/// Named client configurations from one document.
///
/// Thread-safety: immutable; any number of threads may read it and build
/// clients from it at once; free it once with `ooauthcc_profiles_free` (the
/// clients built from it live on).
pub struct ooauthcc_profiles {
    _private: [u8; 0],
}

pub(crate) struct ProfilesObject {
    profiles: Profiles,
    /// The names, sorted, for `ooauthcc_profiles_name`.
    names: Vec<CString>,
}

impl Castable for ooauthcc_profiles {
    type Ownership = OwnershipBox;
    type RustType = ProfilesObject;
}

fn into_ptr(profiles: Profiles) -> *mut ooauthcc_profiles {
    let names = profiles.names().map(c_string).collect();
    box_into_ptr::<ooauthcc_profiles>(ProfilesObject { profiles, names })
}

/// Borrows a profiles object; an error naming `profiles` when NULL.
///
/// # Safety
/// `profiles` is NULL or a live object from this library.
unsafe fn profiles_ref<'a>(profiles: *const ooauthcc_profiles) -> Result<&'a ProfilesObject, ooauthcc_core::Error> {
    // SAFETY: forwarded contract.
    unsafe { box_ref::<ooauthcc_profiles>(profiles, "profiles") }
}

/// Reads the document at `path` — TOML, or JSON when the name ends in
/// `.json` — and checks every profile (`OOAUTHCC_STATUS_CONFIG` naming the
/// file, or the profile and its bad setting). On success `*out` is a new
/// object you free with `ooauthcc_profiles_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_profiles_from_file(
    path: *const c_char,
    out: *mut *mut ooauthcc_profiles,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `path` is NULL or NUL-terminated, `out` NULL or writable (C contract).
        let (path, out) = unsafe { (read_str(path, "path")?, Out::new(out, "out")?) };
        out.put(into_ptr(Profiles::from_file(path)?));
        Ok(())
    })
}

/// As `ooauthcc_profiles_from_file`, from JSON text `{"profiles": {…}}`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_profiles_from_json(
    json: *const c_char,
    out: *mut *mut ooauthcc_profiles,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `json` is NULL or NUL-terminated, `out` NULL or writable (C contract).
        let (json, out) = unsafe { (read_str(json, "json")?, Out::new(out, "out")?) };
        out.put(into_ptr(Profiles::from_json(json)?));
        Ok(())
    })
}

/// As `ooauthcc_profiles_from_file`, from TOML text with `[profiles.<name>]` tables.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_profiles_from_toml(
    toml: *const c_char,
    out: *mut *mut ooauthcc_profiles,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `toml` is NULL or NUL-terminated, `out` NULL or writable (C contract).
        let (toml, out) = unsafe { (read_str(toml, "toml")?, Out::new(out, "out")?) };
        out.put(into_ptr(Profiles::from_toml(toml)?));
        Ok(())
    })
}

/// How many profiles the document holds (0 when `profiles` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_profiles_count(profiles: *const ooauthcc_profiles) -> usize {
    // SAFETY: `profiles` is NULL or a live object (C contract).
    ffi_panic_boundary! { unsafe { profiles_ref(profiles) }.map_or(0, |p| p.names.len()) }
}

/// The name of profile `index` (from 0, names sorted). Borrowed; NULL when
/// `index` is out of range or `profiles` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_profiles_name(profiles: *const ooauthcc_profiles, index: usize) -> *const c_char {
    ffi_panic_boundary! {
        // SAFETY: `profiles` is NULL or a live object (C contract).
        unsafe { profiles_ref(profiles) }.ok().and_then(|p| p.names.get(index)).map_or(std::ptr::null(), |n| n.as_ptr())
    }
}

/// Builds the client of profile `name` (as `ooauthcc_client_new` builds one
/// from a config): `OOAUTHCC_STATUS_CONFIG` listing the known names when there
/// is no such profile. On success `*out` is a new client reference you free
/// with `ooauthcc_client_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_profiles_client(
    profiles: *const ooauthcc_profiles,
    name: *const c_char,
    out: *mut *mut ooauthcc_client,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `profiles` is NULL or a live object, `name` NULL or
        // NUL-terminated, `out` NULL or writable (C contract).
        let (p, name, out) = unsafe { (profiles_ref(profiles)?, read_str(name, "name")?, Out::new(out, "out")?) };
        out.put(new_client(p.profiles.get(name)?, &Callbacks::default())?);
        Ok(())
    })
}

/// A copy of profile `name` as a config, to change (a callback, a setting)
/// before `ooauthcc_client_new`. On success `*out` is a new config you free
/// with `ooauthcc_config_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_profiles_config(
    profiles: *const ooauthcc_profiles,
    name: *const c_char,
    out: *mut *mut ooauthcc_config,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: as `ooauthcc_profiles_client`.
        let (p, name, out) = unsafe { (profiles_ref(profiles)?, read_str(name, "name")?, Out::new(out, "out")?) };
        out.put(box_into_ptr::<ooauthcc_config>(p.profiles.get(name)?.clone().into()));
        Ok(())
    })
}

/// Frees the object (clients built from it live on). NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_profiles_free(profiles: *mut ooauthcc_profiles) {
    // SAFETY: `profiles` is NULL or an object from this library not yet freed (C contract).
    ffi_panic_boundary! { unsafe { box_free::<ooauthcc_profiles>(profiles) } }
}
