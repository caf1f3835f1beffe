//! Events for observers: one process-wide hook, called when a fetch ends (with
//! its outcome and duration) and when a caller has waited for one — what a
//! C program or a Python service turns into its own metrics, traces or logs.
//! Never called on the hot path (a fresh token served from the cache costs no
//! event: count those with [`crate::Client::stats`]), and an event never
//! carries a token, a secret or a fingerprint of either.
//!
//! The hook runs on the thread that finished the fetch (a library runtime
//! thread) or the caller's own thread (for [`EventKind::Waited`]); keep it
//! short, and do not call back into the library from it.

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;

use crate::error::Error;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventKind {
    /// A fetch got a token (from the token endpoint, or from the shared store).
    FetchSucceeded,
    /// A fetch failed; [`Event::error`] says how.
    FetchFailed,
    /// A caller waited for a fetch (it had no token to be served); the
    /// duration is how long it waited, [`Event::error`] set when it got an
    /// error (the fetch's, or its own timeout).
    Waited,
}

impl EventKind {
    /// Every kind, so that a binding can check it maps each one.
    pub const ALL: &'static [EventKind] = &[EventKind::FetchSucceeded, EventKind::FetchFailed, EventKind::Waited];

    /// The name used in every language: `fetch_succeeded`, `fetch_failed`, `waited`.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::FetchSucceeded => "fetch_succeeded",
            EventKind::FetchFailed => "fetch_failed",
            EventKind::Waited => "waited",
        }
    }
}

/// One event. Borrowed for the duration of the hook's call.
#[derive(Debug)]
#[non_exhaustive]
pub struct Event<'a> {
    /// What happened.
    pub kind: EventKind,
    /// The client id of the cache entry (empty for a client that registers
    /// itself and has not yet).
    pub client_id: &'a str,
    /// For fetches: a renewal ahead of expiry, while callers were served the
    /// old token (no caller waited for it).
    pub background: bool,
    /// How long the fetch took (every request and retry in it), or how long
    /// the caller waited.
    pub duration: Duration,
    /// The failure, for `FetchFailed` and a `Waited` that ended in an error.
    pub error: Option<&'a Error>,
    /// The new token's lifetime, for `FetchSucceeded`.
    pub token_lifetime: Option<Duration>,
}

/// A hook for [`set_event_hook`].
pub type EventHook = Arc<dyn Fn(&Event<'_>) + Send + Sync>;

static HOOK: ArcSwapOption<EventHook> = ArcSwapOption::const_empty();

/// Installs `hook` for every client of the process, replacing the previous
/// one; `None` removes it. A call already running finishes with the hook it
/// started with.
pub fn set_event_hook(hook: Option<EventHook>) {
    HOOK.store(hook.map(Arc::new));
}

/// Calls the hook, if one is installed, with the event `make` builds (only
/// built when someone listens).
pub(crate) fn emit<'a>(make: impl FnOnce() -> Event<'a>) {
    if let Some(hook) = HOOK.load_full() {
        hook(&make());
    }
}

#[cfg(test)]
mod tests {
    use super::EventKind;

    /// `ALL` lists every kind: a new kind fails to compile here until listed.
    #[test]
    fn all_lists_every_kind_with_its_own_name() {
        let listed = |k: EventKind| match k {
            EventKind::FetchSucceeded | EventKind::FetchFailed | EventKind::Waited => EventKind::ALL.contains(&k),
        };
        assert!(EventKind::ALL.iter().all(|k| listed(*k)));
        assert_eq!(EventKind::ALL.len(), 3);
        let mut names: Vec<&str> = EventKind::ALL.iter().map(|k| k.name()).collect();
        names.dedup();
        assert_eq!(names.len(), 3);
    }
}
