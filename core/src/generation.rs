//! The process's fork generation, and per-process values rebuilt after `fork()`.
//!
//! The `fork` module's child handler bumps the generation; every per-process
//! pool (the runtime, HTTP clients, store connections) records the generation
//! it was built in, and one from an older generation is treated as absent and
//! leaked — never dropped: its threads and connections belong to the parent,
//! and dropping them in the child can hang.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arc_swap::ArcSwapOption;

static GENERATION: AtomicU64 = AtomicU64::new(0);

/// The current fork generation.
pub(crate) fn current() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

/// Called by the fork child handler only (async-signal-safe: one atomic add).
#[cfg(all(unix, not(ooauthcc_no_posix)))]
pub(crate) fn bump_in_child() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
}

/// A value built once per generation.
pub(crate) struct PerProcess<T> {
    cell: ArcSwapOption<Built<T>>,
}

/// A value and the generation it belongs to.
pub(crate) struct Built<T> {
    pub generation: u64,
    pub value: T,
}

impl<T> PerProcess<T> {
    pub(crate) const fn new() -> Self {
        PerProcess { cell: ArcSwapOption::const_empty() }
    }

    /// This generation's value, built with `init` on first use. Two threads
    /// racing may both build; one value wins and the other is dropped unused.
    pub(crate) fn get(&self, init: impl Fn() -> T) -> Arc<Built<T>> {
        let generation = current();
        loop {
            let seen = self.cell.load_full();
            if let Some(b) = &seen
                && b.generation == generation
            {
                return Arc::clone(b);
            }
            let fresh = Arc::new(Built { generation, value: init() });
            let prev = self.cell.compare_and_swap(&seen, Some(Arc::clone(&fresh)));
            if same(&prev, &seen) {
                // From an older generation: leaked (see the module docs).
                std::mem::forget(seen);
                return fresh;
            }
        }
    }
}

fn same<T>(a: &Option<Arc<Built<T>>>, b: &Option<Arc<Built<T>>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}
