//! Credential callbacks: the client secret or private key asked from C code at
//! every token request (a vault, an HSM agent, a rotating file the program
//! manages itself), as core's `client_secret_provider` / `private_key_provider`.
//!
//! Ownership follows rustls-ffi's callbacks that fill a byte buffer: the
//! library hands the callback a buffer it owns, the callback copies the
//! credential into it, and the library wipes the buffer once it has taken its
//! copy. No string crosses the boundary that someone else must free, and the
//! callback may wipe its own copy as soon as it returns.
//!
//! `user_data` lives as long as some config or client handle refers to the
//! callback: the handles hold the strong references (`Callbacks`); what core
//! keeps (the cache entry, which may outlive every handle while its token is
//! valid) holds a weak one. So `free_user_data` runs exactly once, when the
//! last config or client that set or copied the callback is freed — or, if a
//! token request is calling the callback at that moment, when it returns.

use std::ffi::{c_char, c_int, c_void};
use std::sync::{Arc, Weak};

use ooauthcc_core::{ClientConfig, Error, Secret, SecretProvider};
use zeroize::Zeroizing;

use crate::config::{config_object_mut, ooauthcc_config};
use crate::error::ooauthcc_error;
use crate::status::ooauthcc_status;

/// Writes the current credential (client secret or PEM private key) into a
/// buffer of the library, for `ooauthcc_config_set_client_secret_callback` and
/// `ooauthcc_config_set_private_key_callback`.
///
/// Called at every token request (not for cache hits) on a library thread,
/// possibly on several threads at once: it must be thread-safe, should return
/// quickly (the request waits for it), must not throw (C++) or `longjmp`, and
/// must not call `ooauthcc_client_get_token` (that returns `USAGE` there).
///
/// It receives `user_data` as registered, `buf` (writable, `buf_len` bytes,
/// at least 8 KiB) and `out_len`. On success it sets `*out_len` to the length
/// in bytes of the credential (UTF-8, no NUL needed, none allowed) and returns
/// 0. When the credential fits (`*out_len <= buf_len`) it is copied to `buf`;
/// when it does not, write nothing: the library calls again once with a
/// buffer of `*out_len` bytes (at most 1 MiB). Any other return value means
/// failure (an errno value, for instance): the token request fails with
/// `OOAUTHCC_STATUS_CONFIG` and a message giving the value. The library wipes
/// `buf` after copying it; wipe your own copy whenever you like.
pub type ooauthcc_credential_callback = Option<
    unsafe extern "C" fn(user_data: *mut c_void, buf: *mut c_char, buf_len: usize, out_len: *mut usize) -> c_int,
>;

/// Frees the `user_data` of a callback; called once, when the library no
/// longer needs it (possibly on a library thread).
pub type ooauthcc_free_callback = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

/// The buffer size of a first call.
const FIRST_BUFFER: usize = 8 * 1024;
/// The longest credential accepted, as for credential files.
const MAX_CREDENTIAL: usize = 1 << 20;

/// One registration: the C function, its `user_data`, and how to free it.
pub(crate) struct CredentialCallback {
    /// The setting, for messages: `client_secret` or `private_key`.
    setting: &'static str,
    callback: unsafe extern "C" fn(*mut c_void, *mut c_char, usize, *mut usize) -> c_int,
    user_data: *mut c_void,
    free_user_data: ooauthcc_free_callback,
}

// SAFETY: `user_data` is only passed back to the C functions registered with
// it, and their contract (documented on the setters) is that they may be
// called from any thread, concurrently (`free_user_data` once, at the end).
unsafe impl Send for CredentialCallback {}
// SAFETY: as for `Send`; nothing here is mutated after creation.
unsafe impl Sync for CredentialCallback {}

impl Drop for CredentialCallback {
    fn drop(&mut self) {
        if let Some(free) = self.free_user_data {
            // SAFETY: the caller registered `free` for this `user_data`; the
            // last reference goes here, so it runs once, after every call.
            unsafe { free(self.user_data) };
        }
    }
}

impl CredentialCallback {
    /// Asks the callback for the credential.
    fn call(&self) -> Result<Secret, String> {
        let name = self.setting;
        let mut buf = Zeroizing::new(vec![0u8; FIRST_BUFFER]);
        for _ in 0..2 {
            let mut len: usize = 0;
            // SAFETY: `buf` is writable for `buf.len()` bytes and `len` for one
            // usize during the call; the callback's contract is documented on
            // `ooauthcc_credential_callback`.
            let rc = unsafe { (self.callback)(self.user_data, buf.as_mut_ptr().cast(), buf.len(), &mut len) };
            if rc != 0 {
                return Err(format!("the {name} callback reported a failure (returned {rc})"));
            }
            if len > MAX_CREDENTIAL {
                return Err(format!("the {name} callback gave a length of {len} bytes (more than 1 MiB)"));
            }
            if len <= buf.len() {
                let text = std::str::from_utf8(&buf[..len]).map_err(|e| {
                    format!(
                        "the {name} callback wrote a value that is not UTF-8 (invalid byte at offset {})",
                        e.valid_up_to()
                    )
                })?;
                if text.contains('\0') {
                    return Err(format!("the {name} callback wrote a value containing a NUL byte"));
                }
                return Ok(Secret::new(text));
            }
            buf = Zeroizing::new(vec![0u8; len]);
        }
        Err(format!("the {name} callback asked for a larger buffer twice"))
    }

    /// The provider core calls, holding only a weak reference (see the module
    /// documentation).
    fn provider(this: &Arc<Self>) -> SecretProvider {
        let weak: Weak<Self> = Arc::downgrade(this);
        let name = this.setting;
        SecretProvider::new(move || match weak.upgrade() {
            Some(callback) => callback.call(),
            None => Err(format!("the {name} callback is gone: every config and client that set it was freed")),
        })
    }
}

/// The callbacks a config or client refers to; cloning adds references.
#[derive(Clone, Default)]
pub(crate) struct Callbacks {
    client_secret: Option<Arc<CredentialCallback>>,
    private_key: Option<Arc<CredentialCallback>>,
}

/// Registers a callback for `setting` in the config.
///
/// # Safety
/// `cfg` is NULL or a live config used by this thread only.
unsafe fn set_callback(
    cfg: *mut ooauthcc_config,
    setting: &'static str,
    callback: ooauthcc_credential_callback,
    user_data: *mut c_void,
    free_user_data: ooauthcc_free_callback,
    err: *mut *mut ooauthcc_error,
    assign: fn(&mut ClientConfig, &mut Callbacks, Arc<CredentialCallback>, SecretProvider),
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: forwarded contract.
        let object = unsafe { config_object_mut(cfg)? };
        let callback = callback.ok_or_else(|| {
            Error::new(ooauthcc_core::ErrorKind::NullArgument, "argument `callback` is NULL".to_owned())
        })?;
        // From here on the registration owns `user_data` (freed on drop).
        let registration = Arc::new(CredentialCallback { setting, callback, user_data, free_user_data });
        let provider = CredentialCallback::provider(&registration);
        assign(&mut object.config, &mut object.callbacks, registration, provider);
        Ok(())
    })
}

/// Gets the client secret from `callback` at every token request
/// (`client_secret_provider` in Rust and Python), instead of a fixed secret,
/// a file or an environment variable (set only one of them). A rotated secret
/// takes effect at the next token request (after `ooauthcc_client_invalidate`,
/// or when the cached token is renewed).
///
/// `callback` must not be NULL (`OOAUTHCC_STATUS_NULL_ARGUMENT`); `user_data`
/// is passed to it as is, and may be NULL. On success the library takes
/// ownership of `user_data`: it calls `free_user_data(user_data)` (when not
/// NULL) exactly once, after the last call of `callback`, when the last
/// config or client built from this registration is freed (possibly on a
/// library thread). On failure it does not take it. Setting the callback
/// again releases the previous registration.
///
/// The cache key follows the registration, not the secret: clients built from
/// this config share one cache entry; another registration of the same
/// function and `user_data` is another entry. See `ooauthcc_credential_callback`
/// for how the callback returns the secret and what it may do.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_client_secret_callback(
    cfg: *mut ooauthcc_config,
    callback: ooauthcc_credential_callback,
    user_data: *mut c_void,
    free_user_data: ooauthcc_free_callback,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_callback`.
    unsafe {
        set_callback(cfg, "client_secret", callback, user_data, free_user_data, err, |c, cbs, reg, provider| {
            c.client_secret_provider = Some(provider);
            cbs.client_secret = Some(reg);
        })
    }
}

/// Gets the PEM private key of `private_key_jwt` from `callback` at every
/// token request (`private_key_provider` in Rust and Python), instead of a
/// fixed key, a file or an environment variable (set only one of them).
/// Ownership of `user_data`, threading and caching are as for
/// `ooauthcc_config_set_client_secret_callback`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_config_set_private_key_callback(
    cfg: *mut ooauthcc_config,
    callback: ooauthcc_credential_callback,
    user_data: *mut c_void,
    free_user_data: ooauthcc_free_callback,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    // SAFETY: the C contract of this function is that of `set_callback`.
    unsafe {
        set_callback(cfg, "private_key", callback, user_data, free_user_data, err, |c, cbs, reg, provider| {
            c.private_key_provider = Some(provider);
            cbs.private_key = Some(reg);
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static FREED: AtomicUsize = AtomicUsize::new(0);

    unsafe extern "C" fn long_secret(_: *mut c_void, buf: *mut c_char, len: usize, out: *mut usize) -> c_int {
        let secret = vec![b's'; 10_000];
        // SAFETY: the library passes a writable `out` and `buf` of `len` bytes.
        unsafe {
            *out = secret.len();
            if secret.len() <= len {
                std::ptr::copy_nonoverlapping(secret.as_ptr(), buf.cast(), secret.len());
            }
        }
        0
    }

    unsafe extern "C" fn count_free(_: *mut c_void) {
        FREED.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn a_long_credential_takes_a_second_call_and_user_data_is_freed_once() {
        let reg = Arc::new(CredentialCallback {
            setting: "client_secret",
            callback: long_secret,
            user_data: std::ptr::null_mut(),
            free_user_data: Some(count_free),
        });
        let provider = CredentialCallback::provider(&reg);
        assert_eq!(reg.call().unwrap().expose().len(), 10_000);
        drop(reg);
        assert_eq!(FREED.load(Ordering::SeqCst), 1);
        drop(provider);
        assert_eq!(FREED.load(Ordering::SeqCst), 1);
    }
}
