//! Counters of one cache entry, readable from every language.
//!
//! Cache hits are counted on the hot path, so they go to stripes picked per
//! thread: two threads hitting the same token rarely share a cache line.

use std::sync::atomic::{AtomicU64, Ordering};

const STRIPES: usize = 16;

#[repr(align(128))]
#[derive(Default)]
struct Padded(AtomicU64);

/// A counter whose increments from different threads land on different cache lines.
#[derive(Default)]
pub(crate) struct StripedCounter([Padded; STRIPES]);

/// The stripe of the calling thread, from the address of its stack: threads'
/// stacks lie megabytes apart, so hashing the address above its low 20 bits
/// spreads threads over the stripes, and a thread keeps its stripe while its
/// stack depth changes by less than a megabyte. No thread-local: in a shared
/// library each thread-local access is a call (`__tls_get_addr`), which the C
/// hot path cannot afford. Two threads on one stripe stay correct (the
/// increment is atomic); they only share a cache line.
#[inline]
fn my_stripe() -> usize {
    let marker = 0u8;
    let addr = std::ptr::addr_of!(marker) as usize as u64;
    ((addr >> 20).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 60) as usize % STRIPES
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
    pub store_hits: AtomicU64,
    pub store_waits: AtomicU64,
    pub store_errors: AtomicU64,
    pub store_rejected: AtomicU64,
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
            store_hits: self.store_hits.load(Ordering::Relaxed),
            store_waits: self.store_waits.load(Ordering::Relaxed),
            store_errors: self.store_errors.load(Ordering::Relaxed),
            store_rejected: self.store_rejected.load(Ordering::Relaxed),
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
    /// Fetches answered from the shared store (`store_url`) with a token
    /// another process had just obtained, instead of a token request.
    pub store_hits: u64,
    /// Fetches that waited for another process holding the store's fetch lock.
    pub store_waits: u64,
    /// Store operations that failed or timed out; each fetch it affected went
    /// ahead without the store (the caller still got its token).
    pub store_errors: u64,
    /// Reads of store values that failed authentication (not written with
    /// this client's credential, or tampered with); such values are ignored.
    pub store_rejected: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn striped_counts_are_exact_and_threads_spread() {
        let c = StripedCounter::default();
        let stripes: Vec<usize> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(|| {
                        for _ in 0..10_000 {
                            c.incr();
                        }
                        my_stripe()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(c.sum(), 80_000);
        let mut distinct = stripes.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert!(distinct.len() >= 3, "8 threads landed on stripes {stripes:?}");
    }
}
