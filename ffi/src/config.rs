//! `ooauthcc_config`: the settings a client is built from — creating, parsing,
//! validating and freeing it, and its enumerated settings. The other setters
//! are grouped by topic: `config_text.rs` (endpoint, request, how the token is
//! applied), `config_credentials.rs` (secret, private key, client assertions),
//! `config_tls.rs` (mutual TLS, trust anchors), `config_tuning.rs` (durations
//! and numbers).
//!
//! The handle is core's `ClientConfig` (plus the C credential callbacks it
//! refers to, see `config_callback.rs`): every setter assigns one field, and
//! validation is core's, run by `ooauthcc_client_new` (or
//! `ooauthcc_config_validate`), with an error that names the setting.

use std::ffi::c_char;

use ooauthcc_core::{ClientConfig, Error};

use crate::config_callback::Callbacks;
use crate::config_set::set_enum;
use crate::error::ooauthcc_error;
use crate::handle::{Castable, Out, OwnershipBox, box_free, box_into_ptr, box_mut, box_ref};
use crate::status::ooauthcc_status;
use crate::strings::read_str;

/// The settings of one OAuth client (token endpoint, credentials, scopes,
/// timeouts, …): a builder you fill with the `ooauthcc_config_set_*`/`_add_*`
/// functions (or parse from JSON), then pass to `ooauthcc_client_new`, which
/// copies it. Field names and defaults are those of the Rust and Python APIs.
///
/// Thread-safety: NOT safe for concurrent use. Do not use one config from two
/// threads at once (reading with `ooauthcc_client_new` from several threads at
/// once is fine as long as no thread changes it). Free it with
/// `ooauthcc_config_free` once you have built your clients.
pub struct ooauthcc_config {
    _private: [u8; 0],
}

/// What an `ooauthcc_config` pointer stands for.
#[derive(Default)]
pub(crate) struct ConfigObject {
    /// The settings.
    pub(crate) config: ClientConfig,
    /// The C callbacks `config` calls, holding their `user_data` alive.
    pub(crate) callbacks: Callbacks,
}

impl From<ClientConfig> for ConfigObject {
    fn from(config: ClientConfig) -> Self {
        ConfigObject { config, callbacks: Callbacks::default() }
    }
}

impl Castable for ooauthcc_config {
    type Ownership = OwnershipBox;
    type RustType = ConfigObject;
}

/// Borrows a whole config object for a setter.
///
/// # Safety
/// `cfg` is NULL or a live config, not used by another thread during the call.
pub(crate) unsafe fn config_object_mut<'a>(cfg: *mut ooauthcc_config) -> Result<&'a mut ConfigObject, Error> {
    // SAFETY: forwarded contract.
    unsafe { box_mut::<ooauthcc_config>(cfg, "cfg") }
}

/// Borrows a whole config object for reading.
///
/// # Safety
/// `cfg` is NULL or a live config, not changed by another thread during the call.
pub(crate) unsafe fn config_object_ref<'a>(cfg: *const ooauthcc_config) -> Result<&'a ConfigObject, Error> {
    // SAFETY: forwarded contract.
    unsafe { box_ref::<ooauthcc_config>(cfg, "cfg") }
}

/// Borrows the settings of a config for a setter.
///
/// # Safety
/// As [`config_object_mut`].
pub(crate) unsafe fn config_mut<'a>(cfg: *mut ooauthcc_config) -> Result<&'a mut ClientConfig, Error> {
    // SAFETY: forwarded contract.
    unsafe { config_object_mut(cfg) }.map(|o| &mut o.config)
}

/// Borrows the settings of a config for reading.
///
/// # Safety
/// As [`config_object_ref`].
pub(crate) unsafe fn config_ref<'a>(cfg: *const ooauthcc_config) -> Result<&'a ClientConfig, Error> {
    // SAFETY: forwarded contract.
    unsafe { config_object_ref(cfg) }.map(|o| &o.config)
}

/// How the client authenticates to the token endpoint (`auth_method`), for
/// `ooauthcc_config_set_auth_method`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ooauthcc_auth_method {
    /// HTTP Basic with the id and secret (RFC 6749 §2.3.1).
    ClientSecretBasic = 0,
    /// `client_id` and `client_secret` in the request body.
    ClientSecretPost = 1,
    /// The default. Basic first; when the server refuses the client
    /// (`invalid_client`/`unauthorized_client`, any 401, a 403 without an OAuth
    /// body), the body once, and remember whichever worked for this token
    /// endpoint and client id. Never on an outage (5xx, timeout, connection).
    Auto = 2,
    /// A public client: only `client_id` in the body, no secret.
    None = 3,
    /// A JWT signed with the client secret (HMAC), RFC 7523 §2.2.
    ClientSecretJwt = 4,
    /// A JWT signed with the client's private key, RFC 7523 §2.2
    /// (`ooauthcc_config_set_private_key`, `_file` or `_env`).
    PrivateKeyJwt = 5,
    /// Mutual TLS with a CA-issued client certificate, RFC 8705 §2.1
    /// (`ooauthcc_config_set_client_cert` and `_client_key`, or their `_file`s);
    /// only `client_id` in the body.
    TlsClientAuth = 6,
    /// Mutual TLS with a self-signed certificate registered at the server,
    /// RFC 8705 §2.2.
    SelfSignedTlsClientAuth = 7,
}

/// How `client_secret_basic` encodes the id and secret (`basic_encoding`), for
/// `ooauthcc_config_set_basic_encoding`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ooauthcc_basic_encoding {
    /// Form-urlencode id and secret before base64 (RFC 6749 §2.3.1). The default.
    Rfc6749 = 0,
    /// Base64 of the raw `id:secret` (RFC 7617), for servers that decode nothing.
    Rfc7617 = 1,
}

/// The character that joins scopes in the request (`scope_delimiter`), for
/// `ooauthcc_config_set_scope_delimiter`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ooauthcc_scope_delimiter {
    /// A space (RFC 6749 §3.3). The default.
    Space = 0,
    /// A comma.
    Comma = 1,
    /// A semicolon.
    Semicolon = 2,
}

/// A new config with every setting at its default. Set at least the token URL,
/// the client id and (unless the auth method is NONE) the client secret.
/// Returns NULL only if memory ran out. Free it with `ooauthcc_config_free`.
#[unsafe(no_mangle)]
pub extern "C" fn ooauthcc_config_new() -> *mut ooauthcc_config {
    ffi_panic_boundary! { box_into_ptr::<ooauthcc_config>(ConfigObject::default()) }
}

/// Parses a JSON object whose fields are the settings, with the names of the
/// Rust and Python APIs (`token_url`, `client_id`, `client_secret`, `scopes`,
/// `auth_method`, `get_timeout`, …; durations in seconds, fractions allowed).
/// Unknown fields are rejected: `OOAUTHCC_STATUS_CONFIG` with a message naming
/// the field. The settings are checked by `ooauthcc_client_new` (or
/// `ooauthcc_config_validate`). On success `*out` is a new config you free.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_from_json(
    json: *const c_char,
    out: *mut *mut ooauthcc_config,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `json` is NULL or NUL-terminated, `out` NULL or writable (C contract).
        let (json, out) = unsafe { (read_str(json, "json")?, Out::new(out, "out")?) };
        out.put(box_into_ptr::<ooauthcc_config>(ClientConfig::from_json(json)?.into()));
        Ok(())
    })
}

/// As `ooauthcc_config_from_json`, from a TOML document with the same field names.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_from_toml(
    toml: *const c_char,
    out: *mut *mut ooauthcc_config,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `toml` is NULL or NUL-terminated, `out` NULL or writable (C contract).
        let (toml, out) = unsafe { (read_str(toml, "toml")?, Out::new(out, "out")?) };
        out.put(box_into_ptr::<ooauthcc_config>(ClientConfig::from_toml(toml)?.into()));
        Ok(())
    })
}

/// Checks every setting, as `ooauthcc_client_new` does, without building a
/// client: `OOAUTHCC_STATUS_CONFIG` with a message naming the first bad setting.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_validate(
    cfg: *const ooauthcc_config,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `cfg` is NULL or a live config (C contract).
        unsafe { config_ref(cfg)? }.validate()
    })
}

/// Frees a config. NULL is a no-op. Clients built from it are not affected
/// (they keep the credential callbacks they use, and their `user_data`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_free(cfg: *mut ooauthcc_config) {
    // SAFETY: `cfg` is NULL or a config from this library not yet freed (C contract).
    ffi_panic_boundary! { unsafe { box_free::<ooauthcc_config>(cfg) } }
}

/// Sets how the client authenticates (`auth_method`): a value of
/// `ooauthcc_auth_method`. Another number gives `OOAUTHCC_STATUS_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_auth_method(
    cfg: *mut ooauthcc_config,
    method: u32,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_enum`.
    unsafe { set_enum(cfg, "auth_method", method, err) }
}

/// Sets how `client_secret_basic` encodes the credentials (`basic_encoding`): a
/// value of `ooauthcc_basic_encoding`. Another number gives
/// `OOAUTHCC_STATUS_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_basic_encoding(
    cfg: *mut ooauthcc_config,
    encoding: u32,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_enum`.
    unsafe { set_enum(cfg, "basic_encoding", encoding, err) }
}

/// Sets the character that joins scopes (`scope_delimiter`): a value of
/// `ooauthcc_scope_delimiter`. Another number gives `OOAUTHCC_STATUS_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_scope_delimiter(
    cfg: *mut ooauthcc_config,
    delimiter: u32,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_enum`.
    unsafe { set_enum(cfg, "scope_delimiter", delimiter, err) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use ooauthcc_core::{AuthMethod, BasicEncoding, ScopeDelimiter};

    use super::*;

    /// The C enums must list exactly core's spellings, in the same order: a C
    /// value is the index of its spelling in the schema's `choices`.
    #[test]
    fn enums_cover_core() {
        assert_eq!(
            AuthMethod::NAMES,
            [
                "client_secret_basic",
                "client_secret_post",
                "auto",
                "none",
                "client_secret_jwt",
                "private_key_jwt",
                "tls_client_auth",
                "self_signed_tls_client_auth"
            ]
        );
        assert_eq!(BasicEncoding::NAMES, ["rfc6749", "rfc7617"]);
        assert_eq!(ScopeDelimiter::NAMES, [" ", ",", ";"]);
        assert_eq!(ClientConfig::setting("auth_method").map(|s| s.choices), Some(AuthMethod::NAMES));
        assert_eq!(ooauthcc_auth_method::SelfSignedTlsClientAuth as u32, 7);
        assert_eq!(ooauthcc_basic_encoding::Rfc7617 as u32, 1);
        assert_eq!(ooauthcc_scope_delimiter::Semicolon as u32, 2);
    }
}
