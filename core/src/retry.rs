//! How long to wait before trying again: within one fetch (transient failures),
//! and before the next fetch after a failed one (so a wrong secret does not turn
//! a thousand callers into a thousand requests a second).

use std::time::Duration;

use crate::error::Error;
use crate::settings::Settings;

/// The delay before retry number `attempt` (0-based) of a transient failure, or
/// `None` when the error must not be retried (fatal, retries used up, or the
/// server asked for a longer pause than `retry_max_delay`).
pub(crate) fn retry_delay(s: &Settings, attempt: u32, err: &Error) -> Option<Duration> {
    if !err.is_retryable() || attempt >= s.max_retries {
        return None;
    }
    let backoff = full_jitter(s.retry_base_delay, attempt, s.retry_max_delay);
    match err.retry_after() {
        Some(asked) if asked > s.retry_max_delay => None,
        Some(asked) => Some(asked.max(backoff)),
        None => Some(backoff),
    }
}

/// How long a failed fetch is remembered and handed to new callers without a new
/// request. `consecutive` counts failed fetches in a row (1 for the first).
///
/// Fatal errors (rejected credentials, bad scope) start at 1 s and double up to
/// a minute: they need a human. Transient ones start at 0.5 s up to 30 s, or the
/// server's `Retry-After` when it said more.
pub(crate) fn failure_hold(err: &Error, consecutive: u32) -> Duration {
    let doublings = consecutive.saturating_sub(1).min(16);
    let (base, cap) = if err.is_retryable() {
        (Duration::from_millis(500), Duration::from_secs(30))
    } else {
        (Duration::from_secs(1), Duration::from_secs(60))
    };
    let hold = base.saturating_mul(1 << doublings).min(cap);
    // ±20 % so processes that failed together do not come back together.
    let hold = hold.mul_f64(0.8 + 0.4 * fastrand::f64());
    match err.retry_after() {
        Some(asked) => hold.max(asked.min(Duration::from_secs(300))),
        None => hold,
    }
}

/// "Full jitter" exponential backoff: uniform in [base/2, min(cap, base·2^attempt)].
fn full_jitter(base: Duration, attempt: u32, cap: Duration) -> Duration {
    let ceiling = base.saturating_mul(1u32 << attempt.min(16)).min(cap);
    let floor = (base / 2).min(ceiling);
    floor + (ceiling - floor).mul_f64(fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClientConfig;
    use crate::error::{ErrorKind, OAuthErrorBody};

    fn settings() -> Settings {
        Settings::from_config(&ClientConfig::new("https://i.example.com/t", "id", "s")).unwrap()
    }

    #[test]
    fn transient_retried_with_growing_jittered_delay() {
        let s = settings();
        let e = Error::new(ErrorKind::HttpStatus, "x").with_http_status(503);
        for attempt in 0..3 {
            let d = retry_delay(&s, attempt, &e).unwrap();
            let ceiling = Duration::from_millis(200) * (1 << attempt);
            assert!(d >= Duration::from_millis(100) && d <= ceiling, "{attempt}: {d:?}");
        }
        assert_eq!(retry_delay(&s, 3, &e), None, "max_retries is 3");
    }

    #[test]
    fn retry_after_is_honoured_or_ends_retries() {
        let s = settings();
        let e =
            Error::new(ErrorKind::HttpStatus, "x").with_http_status(429).with_retry_after(Some(Duration::from_secs(2)));
        assert!(retry_delay(&s, 0, &e).unwrap() >= Duration::from_secs(2));
        let e = e.with_retry_after(Some(Duration::from_secs(3600)));
        assert_eq!(retry_delay(&s, 0, &e), None);
        assert!(failure_hold(&e, 1) >= Duration::from_secs(300));
    }

    #[test]
    fn fatal_not_retried_and_held_longer() {
        let s = settings();
        let e = Error::new(ErrorKind::OAuth, "x").with_http_status(401).with_oauth(OAuthErrorBody {
            error: "invalid_client".into(),
            error_description: None,
            error_uri: None,
        });
        assert_eq!(retry_delay(&s, 0, &e), None);
        let first = failure_hold(&e, 1);
        assert!(first >= Duration::from_millis(800) && first <= Duration::from_millis(1200), "{first:?}");
        assert!(failure_hold(&e, 30) <= Duration::from_secs(72));
    }
}
