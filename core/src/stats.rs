//! Counters of one cache entry, readable from every language.
//!
//! Cache hits are counted on the hot path, so they go to per-thread stripes:
//! two threads hitting the same token never bounce one cache line between cores.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

const STRIPES: usize = 16;

#[repr(align(128))]
#[derive(Default)]
struct Padded(AtomicU64);

/// A counter whose increments from different threads land on different cache lines.
#[derive(Default)]
pub(crate) struct StripedCounter([Padded; STRIPES]);

thread_local! {
    static STRIPE: Cell<usize> = const { Cell::new(usize::MAX) };
}
static NEXT_STRIPE: AtomicUsize = AtomicUsize::new(0);

#[inline]
fn my_stripe() -> usize {
    STRIPE.with(|s| {
        let v = s.get();
        if v != usize::MAX {
            return v;
        }
        let v = NEXT_STRIPE.fetch_add(1, Ordering::Relaxed) % STRIPES;
        s.set(v);
        v
    })
}

impl StripedCounter {
    #[inline]
    pub(crate) fn incr(&self) {
        if let Some(p) = self.0.get(my_stripe()) {
            p.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn sum(&self) -> u64 {
        self.0.iter().map(|p| p.0.load(Ordering::Relaxed)).sum()
    }
}

/// The live counters of a cache entry.
#[derive(Default)]
pub(crate) struct Counters {
    pub token_requests: AtomicU64,
    pub cache_hits: StripedCounter,
    pub waits: AtomicU64,
    pub background_refreshes: AtomicU64,
    pub failures: AtomicU64,
    pub fetches: AtomicU64,
}

impl Counters {
    pub(crate) fn snapshot(&self) -> Stats {
        Stats {
            token_requests: self.token_requests.load(Ordering::Relaxed),
            cache_hits: self.cache_hits.sum(),
            waits: self.waits.load(Ordering::Relaxed),
            background_refreshes: self.background_refreshes.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
            fetches: self.fetches.load(Ordering::Relaxed),
        }
    }
}

pub(crate) fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

/// A snapshot of the counters of the cache entry a client uses. Clients built
/// from the same settings share the entry, and so these numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// HTTP requests sent to the token endpoint (each retry and each `auto`
    /// fallback counts).
    pub token_requests: u64,
    /// Calls answered from the cache without waiting (fresh or stale token).
    pub cache_hits: u64,
    /// Calls that had to wait for a fetch (empty or expired cache).
    pub waits: u64,
    /// Fetches started in the background because the cached token turned stale.
    pub background_refreshes: u64,
    /// Fetches that ended in an error (after their retries).
    pub failures: u64,
    /// Fetches started, foreground and background (one fetch may send several
    /// requests when it retries).
    pub fetches: u64,
}
