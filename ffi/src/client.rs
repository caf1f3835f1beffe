//! `ooauthcc_client`: gets tokens for one configuration; thread-safe, refcounted.

use std::cell::Cell;
use std::ffi::{CString, c_char};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use ooauthcc_core::{Client, ClientConfig, Error, Token};

use crate::config::{config_object_ref, ooauthcc_config};
use crate::config_callback::Callbacks;
use crate::error::ooauthcc_error;
use crate::handle::{Castable, Out, OwnershipArc, arc_clone, arc_free, arc_into_ptr, arc_ref};
use crate::status::ooauthcc_status;
use crate::strings::{c_string, opt_c_string, opt_ptr, read_str};
use crate::token::{TokenHandle, ooauthcc_token};

/// Gets OAuth 2.0 client-credentials tokens for one configuration: from the
/// cache when it has a fresh one, otherwise from ONE request to the token
/// endpoint shared by every caller waiting at that moment. Tokens are renewed
/// in the background before they expire.
///
/// Every client built from the same settings through this library, in this
/// process, shares one cache entry: one token, one in-flight request, one set
/// of statistics.
///
/// Thread-safety: every function may be called on the same client from any
/// number of threads at once. Refcounted: `ooauthcc_client_clone` adds a
/// reference (e.g. one per thread), `ooauthcc_client_free` drops one; freeing
/// must not race with other calls through the same reference.
pub struct ooauthcc_client {
    _private: [u8; 0],
}

/// What an `ooauthcc_client` pointer stands for.
pub(crate) struct ClientHandle {
    pub(crate) client: Client,
    /// The handle of the token this client served last, handed out again (one
    /// more reference) as long as core serves the same token.
    last: ArcSwapOption<TokenHandle>,
    pub(crate) header_name: CString,
    query_param: Option<CString>,
    /// Keeps the credential callbacks of the config (and their `user_data`)
    /// alive while this client is.
    _callbacks: Callbacks,
}

impl Castable for ooauthcc_client {
    type Ownership = OwnershipArc;
    type RustType = ClientHandle;
}

impl ClientHandle {
    /// A token handle, waiting at most `timeout_ms` (or one of the
    /// `OOAUTHCC_TIMEOUT_*` values) for a fetch.
    pub(crate) fn get(&self, timeout_ms: u64) -> Result<Arc<TokenHandle>, Error> {
        if let Some(handle) = self.fresh_handle() {
            return Ok(handle);
        }
        let token = self.client.get_token_blocking_with_timeout(self.timeout(timeout_ms))?;
        Ok(self.handle_for(token))
    }

    /// How long a call given `timeout_ms` (or an `OOAUTHCC_TIMEOUT_*` value) waits.
    pub(crate) fn timeout(&self, timeout_ms: u64) -> Duration {
        match timeout_ms {
            OOAUTHCC_TIMEOUT_CONFIGURED => self.client.get_timeout(),
            // Core treats a deadline it cannot represent as "no deadline".
            OOAUTHCC_TIMEOUT_FOREVER => Duration::MAX,
            ms => Duration::from_millis(ms),
        }
    }

    /// A token handle without waiting: the cached token when it may be served
    /// (a stale one's renewal starts), else `None` while the shared fetch runs.
    pub(crate) fn try_get(&self) -> Result<Option<Arc<TokenHandle>>, Error> {
        if let Some(handle) = self.fresh_handle() {
            return Ok(Some(handle));
        }
        Ok(self.client.try_get_token()?.map(|token| self.handle_for(token)))
    }

    /// The handle of the token the cache may still serve (fresh or due for
    /// renewal), if any: no wait, no fetch started, no counter touched.
    pub(crate) fn cached(&self) -> Option<Arc<TokenHandle>> {
        self.client.cached_token().map(|token| self.handle_for(token))
    }

    /// The hot path: the handle this thread (else this client) got last, if
    /// core still serves its token as fresh. `Client::is_fresh` is core's hot
    /// path without a new handle (one load, one coarse clock read, a cache hit
    /// counted), so the only reference count taken is the caller's, on ours.
    ///
    /// The per-thread slot spares most calls the client-wide `ArcSwap` load (an
    /// atomic exchange and a compare-exchange): ~1.4× instead of ~1.7× core's
    /// cost (BENCHMARKS.md, "The C ABI hot path"). Its price: a thread keeps one reference to
    /// the last token it was given until it gets another one or exits (the copy
    /// is wiped when dropped; `ooauthcc_client_invalidate` drops the caller's).
    #[inline]
    fn fresh_handle(&self) -> Option<Arc<TokenHandle>> {
        // `try_with`: while the thread exits the slot may be gone; then skip it.
        let here = THREAD_LAST.try_with(|slot| {
            let last = slot.take();
            let hit = last.as_ref().filter(|h| self.client.is_fresh(&h.token)).cloned();
            slot.set(last);
            hit
        });
        if let Ok(Some(handle)) = here {
            return Some(handle);
        }
        let last = self.last.load();
        let handle = last.as_ref().filter(|h| self.client.is_fresh(&h.token)).cloned()?;
        remember_here(&handle);
        Some(handle)
    }

    /// The handle for `token`: the last one built when it is the same token,
    /// else a new one (once per token and client: the copies are built here).
    pub(crate) fn handle_for(&self, token: Token) -> Arc<TokenHandle> {
        let last = self.last.load();
        if let Some(same) = last.as_ref().filter(|l| l.token.same_as(&token)) {
            return Arc::clone(same);
        }
        drop(last);
        let handle = TokenHandle::new(token);
        self.last.store(Some(Arc::clone(&handle)));
        remember_here(&handle);
        handle
    }
}

thread_local! {
    /// The token handle this thread got last (see `fresh_handle`). A `Cell`
    /// whose value is taken and put back, so no borrow can fail.
    static THREAD_LAST: Cell<Option<Arc<TokenHandle>>> = const { Cell::new(None) };
}

/// Makes `handle` this thread's last one.
fn remember_here(handle: &Arc<TokenHandle>) {
    let _ = THREAD_LAST.try_with(|slot| slot.set(Some(Arc::clone(handle))));
}

/// Drops this thread's reference to the handle of `access_token`, if it holds one.
fn forget_here(access_token: &str) {
    let _ = THREAD_LAST.try_with(|slot| {
        let last = slot.take();
        if last.as_ref().is_some_and(|h| h.token.access_token() != access_token) {
            slot.set(last);
        }
    });
}

/// `timeout_ms` of `ooauthcc_client_get_token` and `ooauthcc_client_get_header`
/// (0): wait at most the config's `get_timeout` (default 30 000 ms; the
/// setting must be at least 1 ms, so 0 never means "do not wait" — for that,
/// use `ooauthcc_client_cached_token`).
pub const OOAUTHCC_TIMEOUT_CONFIGURED: u64 = 0;

/// `timeout_ms` of `ooauthcc_client_get_token` and `ooauthcc_client_get_header`
/// (`UINT64_MAX`): wait as long as it takes. The call has no deadline of its
/// own and returns when the shared fetch ends, with its token or its error
/// (each attempt of a fetch is bounded by `request_timeout`, and the attempts
/// by `max_retries`).
pub const OOAUTHCC_TIMEOUT_FOREVER: u64 = u64::MAX;

/// Borrows a client.
///
/// # Safety
/// `client` is NULL or a live client reference from this library.
pub(crate) unsafe fn client_ref<'a>(client: *const ooauthcc_client) -> Result<&'a ClientHandle, Error> {
    // SAFETY: forwarded contract.
    unsafe { arc_ref::<ooauthcc_client>(client, "client") }
}

/// Builds a client from `cfg` (copied: free or change `cfg` afterwards as you
/// like). Checks every setting: `OOAUTHCC_STATUS_CONFIG` with a message naming
/// the bad one. Sends nothing and starts no thread. On success `*out` is a new
/// client reference you free with `ooauthcc_client_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_new(
    cfg: *const ooauthcc_config,
    out: *mut *mut ooauthcc_client,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `cfg` is NULL or a live config; `out` NULL or writable (C contract).
        let (cfg, out) = unsafe { (config_object_ref(cfg)?, Out::new(out, "out")?) };
        out.put(new_client(&cfg.config, &cfg.callbacks)?);
        Ok(())
    })
}

/// A new client reference for `config` (whose C callbacks, if any, are `callbacks`).
pub(crate) fn new_client(config: &ClientConfig, callbacks: &Callbacks) -> Result<*mut ooauthcc_client, Error> {
    let client = Client::new(config.clone())?;
    let handle = ClientHandle {
        _callbacks: callbacks.clone(),
        header_name: c_string(client.header_name()),
        query_param: opt_c_string(client.query_param()),
        last: ArcSwapOption::empty(),
        client,
    };
    Ok(arc_into_ptr::<ooauthcc_client>(Arc::new(handle)))
}

/// A new reference to the same client (free it too); NULL when `client` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_clone(client: *const ooauthcc_client) -> *mut ooauthcc_client {
    ffi_panic_boundary! {
        // SAFETY: `client` is NULL or a live client reference (C contract).
        unsafe { arc_clone::<ooauthcc_client>(client, "client") }.map_or(std::ptr::null_mut(), arc_into_ptr::<ooauthcc_client>)
    }
}

/// Drops one reference to a client. NULL is a no-op. Tokens you got from it
/// stay valid; the shared cache keeps the token for other clients.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_free(client: *mut ooauthcc_client) {
    // SAFETY: `client` is NULL or a client reference not yet freed (C contract).
    ffi_panic_boundary! { unsafe { arc_free::<ooauthcc_client>(client) } }
}

/// Gets a valid token, blocking the calling thread until there is one or
/// `timeout_ms` milliseconds have passed: `OOAUTHCC_TIMEOUT_CONFIGURED` (0)
/// waits the config's `get_timeout`, `OOAUTHCC_TIMEOUT_FOREVER` as long as
/// the fetch takes. A fresh cached token is returned at once, without a lock
/// or an allocation, and so is one due for renewal (its renewal then starts in
/// the background). Otherwise every caller waiting at the same time shares ONE
/// request; giving up (timeout) never cancels it for others. Never blocking:
/// `ooauthcc_client_cached_token`.
///
/// On success `*out` is a token reference you free with `ooauthcc_token_free`.
/// Errors: `NULL_ARGUMENT` (`client` or `out`); `TIMEOUT`; the fetch's own —
/// `TRANSPORT`, `HTTP_STATUS`, `OAUTH` (e.g. `invalid_client` with HTTP 401),
/// `MALFORMED_RESPONSE`, and `CONFIG` when a credential read at request time
/// (a secret or key file, environment variable or callback) is missing or
/// unusable; `USAGE` when it would have to wait but runs on a library thread
/// (inside a log or credential callback). A failure is remembered briefly
/// (with backoff), so callers retrying in a loop do not flood the server.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_get_token(
    client: *const ooauthcc_client,
    timeout_ms: u64,
    out: *mut *mut ooauthcc_token,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `client` is NULL or a live client reference; `out` NULL or writable (C contract).
        let (c, out) = unsafe { (client_ref(client)?, Out::new(out, "out")?) };
        out.put(TokenHandle::into_ptr(c.get(timeout_ms)?));
        Ok(())
    })
}

/// The token the cache holds, if it may still be served — never blocking:
/// no request, no wait on a fetch in flight, no lock. For event loops and
/// latency-critical paths that would rather do without a token (or fetch one
/// elsewhere) than wait.
///
/// On `OOAUTHCC_STATUS_OK`, `*out` is either a token reference you free with
/// `ooauthcc_token_free`, or NULL when the cache has none to serve (empty, or
/// expired: like every token the library hands out, it is never past its
/// expiry minus `refresh_skew`). Only `NULL_ARGUMENT` (`client` or `out`) is
/// an error.
///
/// It starts no fetch and no renewal: a program that only calls this sees the
/// token age and then NULL. Call `ooauthcc_client_get_token` (on a thread that
/// may wait) to fetch or renew one. Not counted in the statistics.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_cached_token(
    client: *const ooauthcc_client,
    out: *mut *mut ooauthcc_token,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `client` is NULL or a live client reference; `out` NULL or writable (C contract).
        let (c, out) = unsafe { (client_ref(client)?, Out::new(out, "out")?) };
        out.put(c.cached().map_or(std::ptr::null_mut(), TokenHandle::into_ptr));
        Ok(())
    })
}

/// A token without ever blocking: the cached one when it may be served (one
/// due for renewal too: its renewal then starts, as `ooauthcc_client_get_token`
/// would), else NULL while the one shared fetch runs — started by this call
/// when no caller had. Ask again later (or wait with
/// `ooauthcc_client_get_token_async`). For event loops that poll.
///
/// On `OOAUTHCC_STATUS_OK`, `*out` is a token reference you free with
/// `ooauthcc_token_free`, or NULL (a fetch is under way). Errors:
/// `NULL_ARGUMENT` (`client` or `out`); the error of a fetch that just failed,
/// for as long as the library holds off after it (as `get_token` returns it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_try_get_token(
    client: *const ooauthcc_client,
    out: *mut *mut ooauthcc_token,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `client` is NULL or a live client reference; `out` NULL or writable (C contract).
        let (c, out) = unsafe { (client_ref(client)?, Out::new(out, "out")?) };
        out.put(c.try_get()?.map_or(std::ptr::null_mut(), TokenHandle::into_ptr));
        Ok(())
    })
}

/// Compare-and-invalidate: drops the cached token only if it is
/// `access_token` — the one a resource server just rejected with 401 — so that
/// many callers reporting the same token cause one refetch, and a late report
/// never drops a newer token. The next `ooauthcc_client_get_token` fetches a
/// new one. `*invalidated` (pass NULL if you do not care) tells whether the
/// token was dropped by this call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_invalidate(
    client: *const ooauthcc_client,
    access_token: *const c_char,
    invalidated: *mut bool,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `client` is NULL or a live client reference, `access_token` NULL or
        // NUL-terminated (C contract).
        let (c, token) = unsafe { (client_ref(client)?, read_str(access_token, "access_token")?) };
        let dropped = c.client.invalidate(token);
        // Our copies of the token go too, so they are not kept in memory longer.
        let last = c.last.load_full();
        if last.as_ref().is_some_and(|l| l.token.access_token() == token) {
            c.last.compare_and_swap(&last, None);
        }
        forget_here(token);
        if !invalidated.is_null() {
            // SAFETY: not NULL, and writable for one bool (C contract).
            unsafe { invalidated.write(dropped) };
        }
        Ok(())
    })
}

/// The header that carries the token (`header_name`, default
/// `"Authorization"`). Borrowed from `client`; NULL when `client` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_header_name(client: *const ooauthcc_client) -> *const c_char {
    // SAFETY: `client` is NULL or a live client reference (C contract).
    ffi_panic_boundary! { unsafe { client_ref(client) }.map_or(std::ptr::null(), |h| h.header_name.as_ptr()) }
}

/// The query parameter the token is to be sent in, when the config set
/// `query_param`; NULL otherwise (send the header). Borrowed from `client`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_query_param(client: *const ooauthcc_client) -> *const c_char {
    // SAFETY: `client` is NULL or a live client reference (C contract).
    ffi_panic_boundary! { unsafe { client_ref(client) }.map_or(std::ptr::null(), |h| opt_ptr(&h.query_param)) }
}

/// Checks that a token of this client may be sent to `url`: its host is in
/// `allowed_hosts` (any host when that list is empty), and plain `http` only to
/// loopback hosts (unless `allow_insecure_http`). `OOAUTHCC_STATUS_USAGE` when
/// it may not, `INVALID_ARGUMENT` when `url` is not an absolute URL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_client_check_destination(
    client: *const ooauthcc_client,
    url: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        // SAFETY: `client` is NULL or a live client reference, `url` NULL or NUL-terminated (C contract).
        let (c, url) = unsafe { (client_ref(client)?, read_str(url, "url")?) };
        c.client.check_destination(url)
    })
}
