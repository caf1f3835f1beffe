//! Where a freshly fetched token's life is cut: when it turns stale (a background
//! refresh starts, the token is still served) and when it expires (callers wait
//! for a new one). See the lifecycle in DESIGN.md.

use std::time::Duration;

use crate::clock::{self, Nanos};
use crate::settings::Settings;

/// The two instants of a token's life on the coarse clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Deadlines {
    pub stale_at: Nanos,
    pub expire_at: Nanos,
}

/// Cuts a token obtained by a request sent at `sent_at` with `lifetime`.
///
/// - expiry: `lifetime - skew`, the skew capped at half the lifetime so short
///   tokens stay usable; minus one tick of the coarse clock, so that a lagging
///   reading can never serve a token past that point.
/// - stale: a fraction of that usable life, drawn once per token from
///   `refresh_ahead ± refresh_jitter`, so processes sharing a credential do
///   not all refresh at the same instant.
pub(crate) fn deadlines(sent_at: Nanos, lifetime: Duration, s: &Settings) -> Deadlines {
    let skew = s.refresh_skew.min(lifetime / 2);
    let usable = lifetime.saturating_sub(skew).saturating_sub(clock::resolution());
    let expire_at = sent_at.saturating_add(usable);
    let stale_at = if s.refresh_ahead >= 1.0 {
        expire_at
    } else {
        let spread = (fastrand::f64() * 2.0 - 1.0) * s.refresh_jitter;
        let fraction = (s.refresh_ahead + spread).clamp(0.01, 1.0);
        sent_at.saturating_add(usable.mul_f64(fraction))
    };
    Deadlines { stale_at, expire_at }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClientConfig;

    fn settings(cfg: ClientConfig) -> Settings {
        Settings::from_config(&cfg).expect("valid settings")
    }

    fn base() -> ClientConfig {
        ClientConfig::new("https://idp.example.com/token", "id", "s")
    }

    #[test]
    fn long_token_uses_full_skew_and_jittered_refresh() {
        let s = settings(base());
        let t0 = Nanos(1_000_000_000_000);
        for _ in 0..200 {
            let d = deadlines(t0, Duration::from_secs(3600), &s);
            let usable = d.expire_at.saturating_duration_since(t0);
            assert!(usable <= Duration::from_secs(3540) && usable > Duration::from_secs(3539), "{usable:?}");
            let stale = d.stale_at.saturating_duration_since(t0).as_secs_f64() / usable.as_secs_f64();
            assert!((0.75..=0.85).contains(&stale), "{stale}");
        }
    }

    #[test]
    fn the_jitter_spreads_refresh_points_over_the_window() {
        // Each draw in [0.75, 0.85] is not enough: without the jitter every draw
        // would be 0.80 and the test above would still pass. 200 uniform draws
        // reach both ends of the window (P(min > 0.77) = 0.8^200 ≈ 4e-20).
        let s = settings(base());
        let t0 = Nanos(0);
        let fractions: Vec<f64> = (0..200)
            .map(|_| {
                let d = deadlines(t0, Duration::from_secs(3600), &s);
                d.stale_at.0 as f64 / d.expire_at.0 as f64
            })
            .collect();
        let min = fractions.iter().copied().fold(f64::MAX, f64::min);
        let max = fractions.iter().copied().fold(f64::MIN, f64::max);
        assert!(min < 0.77 && max > 0.83, "refresh points between {min} and {max}");
    }

    #[test]
    fn short_token_skew_is_capped_at_half() {
        let s = settings(base());
        let t0 = Nanos(0);
        let d = deadlines(t0, Duration::from_secs(2), &s);
        let usable = d.expire_at.saturating_duration_since(t0);
        assert!(usable <= Duration::from_secs(1) && usable >= Duration::from_millis(980), "{usable:?}");
        assert!(d.stale_at < d.expire_at);
    }

    #[test]
    fn refresh_ahead_one_disables_staleness() {
        let s = settings(base().with_refresh_ahead(1.0).with_refresh_jitter(0.0));
        let d = deadlines(Nanos(0), Duration::from_secs(100), &s);
        assert_eq!(d.stale_at, d.expire_at);
    }
}
