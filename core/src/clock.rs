//! The cheap monotonic clock the hot path reads.
//!
//! `Instant::now()` (CLOCK_MONOTONIC) costs ~24 ns on our target machines, more
//! than the whole cached-token budget. `CLOCK_MONOTONIC_COARSE` is read from the
//! vDSO in ~5 ns but only advances once per kernel tick (1–4 ms). Every deadline
//! is computed on this same clock, and comparisons add one tick of resolution
//! (see `lifecycle::deadlines`), so a coarse reading can make us refresh a
//! tick early but never serve a token past its expiry.

use std::time::Duration;

/// Nanoseconds on the coarse monotonic clock (arbitrary origin, never goes back).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Nanos(pub(crate) u64);

impl Nanos {
    pub(crate) fn saturating_add(self, d: Duration) -> Nanos {
        Nanos(self.0.saturating_add(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)))
    }

    pub(crate) fn saturating_duration_since(self, earlier: Nanos) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }
}

/// Now, on the coarse clock. This is the only clock read on the hot path.
#[inline]
pub(crate) fn now() -> Nanos {
    Nanos(imp::now_nanos())
}

/// One tick of the coarse clock: how far behind real time a reading can be.
pub(crate) fn resolution() -> Duration {
    *imp::RESOLUTION
}

#[cfg(all(unix, not(ooauthcc_no_posix)))]
mod imp {
    use std::time::Duration;

    use once_cell::sync::Lazy;

    #[cfg(any(target_os = "linux", target_os = "android"))]
    const COARSE: libc::clockid_t = libc::CLOCK_MONOTONIC_COARSE;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    const COARSE: libc::clockid_t = libc::CLOCK_MONOTONIC;

    #[inline]
    pub(super) fn now_nanos() -> u64 {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `ts` is a valid, writable timespec; clock_gettime only writes it.
        // The clock ids used here exist on every supported kernel, so it cannot fail;
        // if it did, `ts` stays zero and we read "time 0", which only makes cached
        // tokens look older (refreshed early), never younger.
        unsafe { libc::clock_gettime(COARSE, &mut ts) };
        (ts.tv_sec as u64).saturating_mul(1_000_000_000).saturating_add(ts.tv_nsec as u64)
    }

    pub(super) static RESOLUTION: Lazy<Duration> = Lazy::new(|| {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `ts` is a valid, writable timespec; clock_getres only writes it.
        let rc = unsafe { libc::clock_getres(COARSE, &mut ts) };
        if rc != 0 {
            // Unknown resolution: assume a slow 10 ms tick (HZ=100), the coarsest Linux uses.
            return Duration::from_millis(10);
        }
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    });
}

/// Elsewhere (Windows; or `--cfg ooauthcc_no_posix`, which compiles and tests
/// this path on Linux): `Instant`, precise and slower, from a process-wide origin.
#[cfg(not(all(unix, not(ooauthcc_no_posix))))]
mod imp {
    use std::time::{Duration, Instant};

    use once_cell::sync::Lazy;

    static ORIGIN: Lazy<Instant> = Lazy::new(Instant::now);

    #[inline]
    pub(super) fn now_nanos() -> u64 {
        u64::try_from(ORIGIN.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// `Instant` is not coarse; one microsecond covers its granularity everywhere.
    pub(super) static RESOLUTION: Lazy<Duration> = Lazy::new(|| Duration::from_micros(1));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coarse_clock_advances_and_tracks_instant() {
        let a = now();
        let start = std::time::Instant::now();
        std::thread::sleep(Duration::from_millis(30));
        let b = now();
        assert!(b > a);
        let elapsed = b.saturating_duration_since(a);
        let real = start.elapsed();
        assert!(elapsed + resolution() * 2 >= Duration::from_millis(30), "{elapsed:?}");
        assert!(elapsed <= real + resolution() * 2, "{elapsed:?} vs {real:?}");
        assert!(resolution() <= Duration::from_millis(10));
    }
}
