//! The process-wide registry: one cache entry per [`CacheKey`], shared by every
//! client built from the same settings, in any language.
//!
//! The registry keeps an entry after its last client is gone for as long as its
//! token may be served, so `get_token(url, id, secret)` one-liners that build a
//! client per call still hit the cache. Unused entries without a valid token are
//! swept as the map grows.

use std::collections::HashMap;
use std::sync::Arc;

use once_cell::sync::Lazy;
use parking_lot::Mutex;

use crate::entry::Entry;
use crate::settings::Settings;
use crate::settings::key::CacheKey;

struct Registry {
    entries: HashMap<CacheKey, Arc<Entry>>,
    /// Sweep when the map reaches this size.
    sweep_at: usize,
}

static REGISTRY: Lazy<Mutex<Registry>> = Lazy::new(|| Mutex::new(Registry { entries: HashMap::new(), sweep_at: 64 }));

/// The entry for `settings`, created if none exists.
pub(crate) fn entry_for(settings: Arc<Settings>) -> Arc<Entry> {
    let key = CacheKey::new(&settings);
    let mut reg = REGISTRY.lock();
    if let Some(e) = reg.entries.get(&key) {
        return Arc::clone(e);
    }
    if reg.entries.len() >= reg.sweep_at {
        reg.entries.retain(|_, e| Arc::strong_count(e) > 1 || e.has_valid_token());
        reg.sweep_at = (reg.entries.len() * 2).max(64);
    }
    let entry = Arc::new(Entry::new(settings));
    reg.entries.insert(key, Arc::clone(&entry));
    entry
}

/// Number of entries held (for tests of memory behaviour).
#[doc(hidden)]
pub fn registry_len() -> usize {
    REGISTRY.lock().entries.len()
}

/// Called by the `pthread_atfork` prepare handler: holds the lock across `fork()`.
#[cfg(all(unix, not(ooauthcc_no_posix)))]
pub(crate) fn lock_for_fork() {
    std::mem::forget(REGISTRY.lock());
}

/// Called by the parent and child `pthread_atfork` handlers.
#[cfg(all(unix, not(ooauthcc_no_posix)))]
pub(crate) fn unlock_after_fork() {
    // SAFETY: `lock_for_fork` took this lock in the same thread just before the
    // fork and forgot the guard; in the child that thread is the only one left.
    // So the lock is held by the current context, as force_unlock requires.
    unsafe { REGISTRY.force_unlock() };
}
