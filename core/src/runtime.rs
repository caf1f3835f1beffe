//! The process-wide tokio runtime, started lazily, and what happens after `fork()`.
//!
//! Nothing starts a thread until the first token fetch, so a process that forks
//! workers before fetching (gunicorn `--preload`, Celery prefork) is unaffected.
//! A `pthread_atfork` child handler only bumps [`generation`]; the child's next
//! slow-path call sees a stale generation and builds a fresh runtime and HTTP
//! pool. The parent's are leaked, never dropped: dropping a runtime whose
//! threads vanished in the fork joins threads that no longer exist and hangs.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use tokio::runtime::{Handle, Runtime};

use crate::error::{Error, ErrorKind, Result};

/// Bumped in every forked child. Flights and runtimes record the generation they
/// belong to; anything from an older generation is treated as absent.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// What makes two HTTP clients different: connect timeout and TLS material.
type TransportKey = (Duration, Option<[u8; 32]>);

/// One runtime and its HTTP clients, for one generation.
pub(crate) struct Slot {
    pub generation: u64,
    pub handle: Handle,
    /// Kept so the leaked runtime stays reachable (leak checkers then see it
    /// as the process-lifetime allocation it is, not as lost memory).
    _runtime: &'static Runtime,
    /// reqwest clients by connect timeout and TLS material: one connection pool
    /// per transport setting.
    http: Mutex<HashMap<TransportKey, reqwest::Client>>,
    /// Shared-store connections by URL (fingerprint): one per server, reused
    /// by every cache entry that shares tokens through it.
    #[cfg(feature = "redis")]
    stores: Mutex<HashMap<[u8; 32], Arc<crate::store::redis::RedisStore>>>,
}

static SLOT: ArcSwapOption<Slot> = ArcSwapOption::const_empty();

/// Serialises building a slot. Held across `fork()` by the prepare handler so a
/// child never inherits it locked by a thread that does not exist there.
static BUILD: Lazy<Mutex<()>> = Lazy::new(|| Mutex::new(()));

/// The current fork generation.
pub(crate) fn generation() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

/// The runtime of the current generation, built on first use.
pub(crate) fn slot() -> Result<Arc<Slot>> {
    let current_gen = generation();
    if let Some(s) = SLOT.load_full()
        && s.generation == current_gen
    {
        return Ok(s);
    }
    install_fork_handlers();
    let _guard = BUILD.lock();
    let current_gen = generation();
    if let Some(s) = SLOT.load_full() {
        if s.generation == current_gen {
            return Ok(s);
        }
        // A slot from before a fork: its threads are gone. Leak it (see module docs).
        std::mem::forget(s);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(4)
        .thread_name("ooauthcc-rt")
        .on_thread_start(crate::signals::block_sigpipe_on_this_thread)
        .enable_all()
        .build()
        .map_err(|e| Error::new(ErrorKind::Internal, format!("cannot start the ooauthcc runtime: {e}")))?;
    // Leaked on purpose: the runtime lives as long as the process (or until a fork
    // makes it unusable, when it must not be dropped either).
    let runtime: &'static Runtime = Box::leak(Box::new(runtime));
    let slot = Arc::new(Slot {
        generation: current_gen,
        handle: runtime.handle().clone(),
        _runtime: runtime,
        http: Mutex::new(HashMap::new()),
        #[cfg(feature = "redis")]
        stores: Mutex::new(HashMap::new()),
    });
    SLOT.store(Some(Arc::clone(&slot)));
    Ok(slot)
}

impl Slot {
    /// The pooled HTTP client for these transport settings, built on first use.
    pub(crate) fn http_client(
        &self,
        connect_timeout: Duration,
        tls: Option<&Arc<crate::tls::Tls>>,
    ) -> Result<reqwest::Client> {
        let key = (connect_timeout, tls.map(|t| t.fingerprint));
        let mut clients = self.http.lock();
        if let Some(c) = clients.get(&key) {
            return Ok(c.clone());
        }
        let client = crate::http::build_client(connect_timeout, tls.map(Arc::as_ref))?;
        clients.insert(key, client.clone());
        Ok(client)
    }

    /// The connection to the shared store `st` of this generation, set up on
    /// first use. Must be called on the runtime (the connection's tasks live there).
    #[cfg(feature = "redis")]
    pub(crate) fn redis_store(&self, st: &crate::store::StoreSettings) -> Result<Arc<crate::store::redis::RedisStore>> {
        let mut stores = self.stores.lock();
        if let Some(s) = stores.get(&st.fingerprint) {
            return Ok(Arc::clone(s));
        }
        let store = Arc::new(crate::store::redis::RedisStore::open(st)?);
        stores.insert(st.fingerprint, Arc::clone(&store));
        Ok(store)
    }
}

/// Runs `fut` to completion on the core runtime from a thread outside any
/// runtime. Called from inside a tokio runtime it refuses with a
/// [`ErrorKind::Usage`] error instead of deadlocking or panicking.
pub(crate) fn block_on<T>(fut: impl Future<Output = Result<T>>) -> Result<T> {
    if Handle::try_current().is_ok() {
        return Err(Error::new(
            ErrorKind::Usage,
            "a blocking ooauthcc call was made from inside an async runtime; use the async API (`get_token().await`) there",
        ));
    }
    slot()?.handle.block_on(fut)
}

fn install_fork_handlers() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: the three handlers are `extern "C" fn()` with no arguments, as
        // pthread_atfork requires, and live for the whole process (they are in
        // this library's code, kept mapped by `-z nodelete` in the C build).
        // Registration only fails on ENOMEM; then fork simply is not handled.
        unsafe {
            libc::pthread_atfork(Some(before_fork), Some(after_fork_parent), Some(after_fork_child));
        }
    });
}

extern "C" fn before_fork() {
    // Keep both global locks out of other threads' hands while the address space is copied.
    std::mem::forget(BUILD.lock());
    crate::registry::lock_for_fork();
}

extern "C" fn after_fork_parent() {
    crate::registry::unlock_after_fork();
    // SAFETY: `before_fork` locked BUILD in this same thread and forgot the guard,
    // so the lock is held by us and unlocking it here is balanced.
    unsafe { BUILD.force_unlock() };
}

extern "C" fn after_fork_child() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
    crate::registry::unlock_after_fork();
    // SAFETY: as in `after_fork_parent`: the child is a copy of the thread that
    // took the lock in `before_fork`, the only thread that exists in the child.
    unsafe { BUILD.force_unlock() };
}
