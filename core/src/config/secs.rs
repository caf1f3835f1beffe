//! Durations in configuration documents are numbers of seconds (fractions allowed),
//! the same unit in JSON, TOML, the C JSON config and Python keyword arguments.

use std::time::Duration;

/// Converts seconds to a `Duration`, rejecting negative, NaN and absurd values.
pub(crate) fn to_duration(secs: f64) -> Result<Duration, String> {
    if !secs.is_finite() || secs < 0.0 {
        return Err(format!("must be a non-negative number of seconds, got {secs}"));
    }
    // A year is far beyond any sensible timeout or lifetime; larger values are typos.
    if secs > 365.0 * 86_400.0 {
        return Err(format!("{secs} seconds is more than a year"));
    }
    Ok(Duration::from_secs_f64(secs))
}
