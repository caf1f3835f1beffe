//! The process-wide tokio runtime, started lazily, one per fork generation.
//!
//! Nothing starts a thread until the first token fetch, so a process that forks
//! workers before fetching (gunicorn `--preload`, Celery prefork) is unaffected.
//! After a fork the child's next slow-path call sees a newer generation
//! ([`crate::generation`]) and builds a fresh runtime. The parent's is leaked,
//! never dropped: dropping a runtime whose threads vanished in the fork joins
//! threads that no longer exist and hangs.

use std::future::Future;
use std::sync::Arc;

use arc_swap::ArcSwapOption;
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use tokio::runtime::{Handle, Runtime};

use crate::error::{Error, ErrorKind, Result};
use crate::generation;

/// One runtime, for one generation.
pub(crate) struct Slot {
    pub generation: u64,
    pub handle: Handle,
    /// Kept so the leaked runtime stays reachable (leak checkers then see it
    /// as the process-lifetime allocation it is, not as lost memory).
    _runtime: &'static Runtime,
}

static SLOT: ArcSwapOption<Slot> = ArcSwapOption::const_empty();

/// Serialises building a slot (a runtime is too costly to build twice). Held
/// across `fork()` by the prepare handler (see [`crate::fork`]) so a child
/// never inherits it locked by a thread that does not exist there.
pub(crate) static BUILD: Lazy<Mutex<()>> = Lazy::new(|| Mutex::new(()));

/// The runtime of the current generation, built on first use.
pub(crate) fn slot() -> Result<Arc<Slot>> {
    let current_gen = generation::current();
    if let Some(s) = SLOT.load_full()
        && s.generation == current_gen
    {
        return Ok(s);
    }
    let _guard = BUILD.lock();
    let current_gen = generation::current();
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
    let slot = Arc::new(Slot { generation: current_gen, handle: runtime.handle().clone(), _runtime: runtime });
    SLOT.store(Some(Arc::clone(&slot)));
    Ok(slot)
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
