//! One cache entry: the current token, the single in-flight fetch, and the
//! remembered failure — the lifecycle of DESIGN.md.
//!
//! ```text
//! empty ──fetch──> fresh ──stale_at──> stale ──expire_at──> expired
//! ```
//! Fresh tokens are served by [`Entry::fresh`]: one atomic load, one coarse clock
//! read, no lock, no allocation. Everything else is the slow path, where all
//! state changes are compare-and-swaps on `ArcSwap`s — no mutex that a `fork()`
//! could leave locked in a child.

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use tokio::sync::watch;

use crate::clock::{self, Nanos};
use crate::config::Settings;
use crate::discovery::Metadata;
use crate::error::{Error, ErrorKind, Result};
use crate::fetch::{self, AutoMethod, FetchContext};
use crate::http::describe_url;
use crate::retry;
use crate::runtime::{self, Slot};
use crate::stats::{Counters, bump};
use crate::token::{Token, TokenInner};

type Outcome = Option<Result<Token>>;

/// A fetch in progress, shared by every caller that waits for it.
struct Flight {
    generation: u64,
    rx: watch::Receiver<Outcome>,
    last_error: ArcSwapOption<Error>,
}

/// A failed fetch, handed to new callers until `until` instead of a new request.
struct Failure {
    error: Error,
    until: Nanos,
    consecutive: u32,
}

pub(crate) struct Entry {
    current: ArcSwapOption<TokenInner>,
    flight: ArcSwapOption<Flight>,
    failure: ArcSwapOption<Failure>,
    /// The settings of the client that created the entry; every client sharing
    /// the entry agrees on all of them that matter to fetching (see `CacheKey`).
    settings: Arc<Settings>,
    pub(crate) counters: Counters,
    auto: AutoMethod,
    discovered: ArcSwapOption<Metadata>,
}

impl Entry {
    pub(crate) fn new(settings: Arc<Settings>) -> Entry {
        Entry {
            current: ArcSwapOption::empty(),
            flight: ArcSwapOption::empty(),
            failure: ArcSwapOption::empty(),
            settings,
            counters: Counters::default(),
            auto: AutoMethod::default(),
            discovered: ArcSwapOption::empty(),
        }
    }

    /// The hot path: the cached token if it is fresh.
    #[inline]
    pub(crate) fn fresh(&self) -> Option<Token> {
        let guard = self.current.load();
        let t = guard.as_ref()?;
        if clock::now() < t.stale_at {
            self.counters.cache_hits.incr();
            return Some(Token(Arc::clone(t)));
        }
        None
    }

    /// Whether `token` is the cached token and still fresh; counts a cache hit
    /// when it is. No reference count is touched: bindings that keep their own
    /// copy of the current token (say, as a ready Python string) ask this
    /// instead of taking a new handle on every call.
    #[inline]
    pub(crate) fn is_fresh(&self, token: &Token) -> bool {
        let guard = self.current.load();
        match guard.as_ref() {
            Some(t) if Arc::ptr_eq(t, &token.0) && clock::now() < t.stale_at => {
                self.counters.cache_hits.incr();
                true
            }
            _ => false,
        }
    }

    /// The cached token if it may still be served (fresh or stale), without
    /// starting any fetch.
    pub(crate) fn cached(&self) -> Option<Token> {
        let t = self.current.load_full()?;
        (clock::now() < t.expire_at).then_some(Token(t))
    }

    /// Whether the entry holds a token that may still be served.
    pub(crate) fn has_valid_token(&self) -> bool {
        self.cached().is_some()
    }

    /// A token, waiting at most `timeout` for a fetch when the cache has none to serve.
    pub(crate) async fn get(self: &Arc<Self>, timeout: Duration) -> Result<Token> {
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        // A timeout too large to add (Duration::MAX from a caller) means "a century".
        let start = tokio::time::Instant::now();
        let deadline = start.checked_add(timeout).unwrap_or_else(|| start + Duration::from_secs(100 * 365 * 86_400));
        let slot = runtime::slot()?;
        let now = clock::now();
        if let Some(t) = self.current.load_full()
            && now < t.expire_at
        {
            // Stale: serve it now, renew it behind the caller's back.
            self.counters.cache_hits.incr();
            self.refresh_in_background(now, &slot);
            return Ok(Token(t));
        }
        if let Some(f) = self.failure.load_full()
            && now < f.until
        {
            return Err(f.error.clone());
        }
        let flight = self.join_or_start(&slot, false);
        bump(&self.counters.waits);
        self.wait(&flight, deadline, timeout, &slot).await
    }

    /// Drops the cached token if it is `access_token` — the one a resource server
    /// just rejected. N callers reporting the same token cause one refetch.
    pub(crate) fn invalidate(&self, access_token: &str) -> bool {
        let cur = self.current.load_full();
        match &cur {
            Some(t) if t.access_token.expose() == access_token => {
                let prev = self.current.compare_and_swap(&cur, None);
                let dropped = same(&prev, &cur);
                if dropped {
                    tracing::debug!(client_id = %self.settings.client_id, "cached token invalidated");
                }
                dropped
            }
            _ => false,
        }
    }

    fn refresh_in_background(self: &Arc<Self>, now: Nanos, slot: &Arc<Slot>) {
        if let Some(f) = self.failure.load_full()
            && now < f.until
        {
            return; // backing off after a failed refresh; the old token is still served
        }
        self.join_or_start(slot, true);
    }

    /// The flight of the current fork generation, started if there is none.
    fn join_or_start(self: &Arc<Self>, slot: &Arc<Slot>, background: bool) -> Arc<Flight> {
        loop {
            let cur = self.flight.load_full();
            if let Some(f) = &cur
                && f.generation == slot.generation
            {
                return Arc::clone(f);
            }
            let (tx, rx) = watch::channel(None);
            let flight = Arc::new(Flight { generation: slot.generation, rx, last_error: ArcSwapOption::empty() });
            let prev = self.flight.compare_and_swap(&cur, Some(Arc::clone(&flight)));
            if same(&prev, &cur) {
                // The fetch is its own task: callers that give up never cancel it.
                let entry = Arc::clone(self);
                let mine = Arc::clone(&flight);
                slot.handle.spawn(async move { entry.run_flight(mine, tx, background).await });
                return flight;
            }
        }
    }

    async fn run_flight(self: Arc<Self>, flight: Arc<Flight>, tx: watch::Sender<Outcome>, background: bool) {
        // Clears the flight even if the fetch panics, so later callers start anew.
        let _clear = ClearFlight { entry: &self, flight: &flight };
        // A caller may have looked at the cache just before the previous flight
        // stored its outcome and started this one just after that flight ended:
        // answer it with that outcome instead of sending a second request.
        if let Some(settled) = self.settled_outcome(background) {
            drop(_clear);
            tx.send_replace(Some(settled));
            return;
        }
        bump(&self.counters.fetches);
        if background {
            bump(&self.counters.background_refreshes);
        }
        let ctx = FetchContext {
            settings: &self.settings,
            counters: &self.counters,
            auto: &self.auto,
            last_error: &flight.last_error,
            discovered: &self.discovered,
        };
        let result = fetch::fetch(&ctx).await;
        match &result {
            Ok(t) => {
                self.current.store(Some(Arc::clone(&t.0)));
                self.failure.store(None);
            }
            Err(e) => {
                bump(&self.counters.failures);
                let consecutive = self.failure.load().as_ref().map_or(0, |f| f.consecutive) + 1;
                let hold = retry::failure_hold(e, consecutive);
                tracing::warn!(client_id = %self.settings.client_id, error = %e, hold_ms = hold.as_millis() as u64, "token fetch failed");
                self.failure.store(Some(Arc::new(Failure {
                    error: e.clone(),
                    until: clock::now().saturating_add(hold),
                    consecutive,
                })));
            }
        }
        // State first, then the flight cleared, then the waiters woken: a caller
        // arriving in between finds the new token or the remembered failure.
        drop(_clear);
        tx.send_replace(Some(result));
    }

    /// What a new flight would be pointless for: a token that is still fresh (for
    /// a background refresh) or still servable (for waiting callers), or a failure
    /// still being remembered.
    fn settled_outcome(&self, background: bool) -> Option<Result<Token>> {
        let now = clock::now();
        if let Some(t) = self.current.load_full() {
            let good_until = if background { t.stale_at } else { t.expire_at };
            if now < good_until {
                return Some(Ok(Token(t)));
            }
        }
        let f = self.failure.load_full()?;
        (now < f.until).then(|| Err(f.error.clone()))
    }

    async fn wait(
        &self,
        flight: &Flight,
        deadline: tokio::time::Instant,
        timeout: Duration,
        slot: &Slot,
    ) -> Result<Token> {
        let mut rx = flight.rx.clone();
        // The timer is registered with the core runtime, so this future can be
        // awaited from any executor, not only from tokio.
        let sleep = {
            let _ctx = slot.handle.enter();
            tokio::time::sleep_until(deadline)
        };
        tokio::select! {
            biased;
            outcome = rx.wait_for(Option::is_some) => match outcome {
                Ok(v) => v.clone().unwrap_or_else(|| Err(lost_flight())),
                Err(_) => Err(lost_flight()),
            },
            () = sleep => Err(self.timeout_error(flight, timeout)),
        }
    }

    fn timeout_error(&self, flight: &Flight, timeout: Duration) -> Error {
        let mut msg = format!(
            "no token within {timeout:?}: the token request to {} is still in progress",
            describe_url(self.settings.endpoint.configured())
        );
        if let Some(e) = flight.last_error.load_full() {
            msg.push_str(&format!(" (last attempt failed: {e})"));
        }
        Error::new(ErrorKind::Timeout, msg)
    }
}

fn lost_flight() -> Error {
    Error::new(ErrorKind::Internal, "the token fetch task ended without a result")
}

fn same<T>(a: &Option<Arc<T>>, b: &Option<Arc<T>>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => Arc::ptr_eq(x, y),
        (None, None) => true,
        _ => false,
    }
}

struct ClearFlight<'a> {
    entry: &'a Entry,
    flight: &'a Arc<Flight>,
}

impl Drop for ClearFlight<'_> {
    fn drop(&mut self) {
        let mine = Some(Arc::clone(self.flight));
        self.entry.flight.compare_and_swap(&mine, None);
    }
}
