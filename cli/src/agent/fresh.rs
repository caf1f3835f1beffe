//! Keeping a profile's token fresh without a caller asking: the agent asks
//! for it when the core's refresh-ahead point comes, which starts the
//! background refresh while the current token is still served. Callers of
//! the agent then never wait, except for the very first token.

use std::time::Duration;

use ooauthcc_core::Client;
use tokio::sync::watch;

/// The pause after asking for a stale token (whose background refresh is now
/// under way), unless the token is served for less than twice that.
const STALE_PAUSE: Duration = Duration::from_secs(1);

/// Slack past the refresh point: the timer may fire a little before the
/// core's coarse clock reaches it, and the token would still be fresh.
const SLACK: Duration = Duration::from_millis(50);

/// The pause after a failure, doubled per failure in a row (the core also
/// holds off after a failure on its own).
const FAILURE_PAUSE: Duration = Duration::from_secs(1);

/// The longest pause after failures in a row.
const MAX_FAILURE_PAUSE: Duration = Duration::from_secs(30);

/// Asks for `client`'s token at each refresh point until `stop` turns true.
pub async fn keep_fresh(profile: String, client: Client, mut stop: watch::Receiver<bool>) {
    let mut failures: u32 = 0;
    loop {
        let pause = match client.get_token().await {
            Ok(token) => {
                failures = 0;
                match token.refresh_due_in() {
                    Duration::ZERO => STALE_PAUSE.min(token.served_for() / 2).max(SLACK),
                    due => due + SLACK,
                }
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                // The core has logged the failure itself; this says who retries.
                tracing::debug!(profile = %profile, error = %e, "keeping the token fresh failed; trying again");
                FAILURE_PAUSE.saturating_mul(1 << failures.min(5)).min(MAX_FAILURE_PAUSE)
            }
        };
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}
