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
//!
//! The state machine itself lives in [`single_flight`], generic over its cells,
//! its wake-up signal and its clock, so that the loom tests (`loom_tests.rs`)
//! check the very code below runs; this file adds the runtime, the fetch, the
//! counters, the logs and the timeouts.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use tokio::sync::watch;

use crate::clock::Nanos;
use crate::discovery::Metadata;
use crate::error::{Error, ErrorKind, Result};
use crate::events::{self, Event, EventKind};
use crate::fetch::{self, AutoMethod, FetchContext};
use crate::http::describe_url;
use crate::retry;
use crate::runtime::{self, Slot};
use crate::settings::Settings;
use crate::stats::{Counters, bump};
use crate::store::{self, StoreContext};
use crate::token::{Token, TokenInner};

#[cfg(all(test, ooauthcc_loom))]
mod loom_tests;
mod single_flight;

use single_flight::{Answer, Coarse, Lifecycle, Lifetimes, Spec, Started};

/// The production instance of the lifecycle protocol.
struct Production;

impl Spec for Production {
    type Token = TokenInner;
    type Error = Error;
    type Cell<T> = ArcSwapOption<T>;
    type Signal = watch::Sender<Option<single_flight::Outcome<Production>>>;
    type Clock = Coarse;
    /// The error of the flight's latest failed attempt, for callers who time out meanwhile.
    type FlightExtra = ArcSwapOption<Error>;
}

impl Lifetimes for TokenInner {
    #[inline]
    fn stale_at(&self) -> Nanos {
        self.stale_at
    }

    #[inline]
    fn expire_at(&self) -> Nanos {
        self.expire_at
    }
}

type Flight = single_flight::Flight<Production>;

/// What a caller without a fresh token gets at once.
enum Now {
    /// A token to serve.
    Token(Token),
    /// The fetch under way, to wait for.
    Wait(Arc<Flight>),
}

pub(crate) struct Entry {
    /// The current token, the flight and the remembered failure.
    life: Lifecycle<Production>,
    /// The settings of the client that created the entry; every client sharing
    /// the entry agrees on all of them that matter to fetching (see `CacheKey`).
    settings: Arc<Settings>,
    pub(crate) counters: Counters,
    auto: AutoMethod,
    discovered: ArcSwapOption<Metadata>,
    registration: crate::registration::Registration,
    /// The fingerprint of the token last invalidated (a resource server
    /// rejected it): a shared store may still hold it, and must not hand it back.
    rejected: ArcSwapOption<[u8; 32]>,
}

impl Entry {
    pub(crate) fn new(settings: Arc<Settings>) -> Entry {
        Entry {
            life: Lifecycle::new(Coarse),
            settings,
            counters: Counters::default(),
            auto: AutoMethod::default(),
            discovered: ArcSwapOption::empty(),
            registration: crate::registration::Registration::default(),
            rejected: ArcSwapOption::empty(),
        }
    }

    /// The hot path: the cached token if it is fresh.
    #[inline]
    pub(crate) fn fresh(&self) -> Option<Token> {
        let t = self.life.fresh()?;
        self.counters.cache_hits.incr();
        Some(Token(t))
    }

    /// `f` over the fresh cached token, borrowed: no reference count touched;
    /// counts a cache hit (on the caller's stripe) when there is one.
    #[inline]
    pub(crate) fn with_fresh<R>(&self, f: impl FnOnce(&TokenInner) -> R) -> Option<R> {
        let r = self.life.with_fresh(f)?;
        self.counters.cache_hits.incr();
        Some(r)
    }

    /// Whether `token` is the cached token and still fresh; counts a cache hit
    /// when it is. No reference count is touched: bindings that keep their own
    /// copy of the current token (say, as a ready Python string) ask this
    /// instead of taking a new handle on every call.
    #[inline]
    pub(crate) fn is_fresh(&self, token: &Token) -> bool {
        let fresh = self.life.is_fresh(&token.0);
        if fresh {
            self.counters.cache_hits.incr();
        }
        fresh
    }

    /// The cached token if it may still be served (fresh or stale), without
    /// starting any fetch.
    pub(crate) fn cached(&self) -> Option<Token> {
        self.life.cached().map(Token)
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
        match self.begin(&slot)? {
            Now::Token(t) => Ok(t),
            Now::Wait(flight) => {
                bump(&self.counters.waits);
                let waited = self.wait(&flight, deadline, timeout, &slot).await;
                events::emit(|| Event {
                    kind: EventKind::Waited,
                    client_id: &self.settings.client_id,
                    background: false,
                    duration: start.elapsed(),
                    error: waited.as_ref().err(),
                    token_lifetime: None,
                });
                waited
            }
        }
    }

    /// A token the cache may serve now (a stale one's renewal then starts),
    /// or `None` when there is none and a fetch is under way (started here
    /// if need be): never waits. A remembered failure is returned as such.
    pub(crate) fn try_get(self: &Arc<Self>) -> Result<Option<Token>> {
        if let Some(t) = self.fresh() {
            return Ok(Some(t));
        }
        let slot = runtime::slot()?;
        Ok(match self.begin(&slot)? {
            Now::Token(t) => Some(t),
            Now::Wait(_) => None,
        })
    }

    /// The cache's answer for a caller without a fresh token, starting the
    /// fetch (or background renewal) it calls for.
    fn begin(self: &Arc<Self>, slot: &Slot) -> Result<Now> {
        let begin = self.life.begin(slot.generation);
        if let Some(started) = begin.started {
            self.spawn_flight(started, slot);
        }
        match begin.answer {
            // Stale: served now, renewed behind the caller's back (the flight just spawned).
            Answer::Serve(t) => {
                self.counters.cache_hits.incr();
                Ok(Now::Token(Token(t)))
            }
            Answer::Fail(e) => Err(e),
            Answer::Wait(flight) => Ok(Now::Wait(flight)),
        }
    }

    /// Drops the cached token if it is `access_token` — the one a resource server
    /// just rejected. N callers reporting the same token cause one refetch.
    pub(crate) fn invalidate(&self, access_token: &str) -> bool {
        let dropped = self.life.invalidate(|t| t.access_token.expose() == access_token);
        if dropped {
            self.rejected.store(Some(Arc::new(crate::secret::Secret::new(access_token).fingerprint())));
            tracing::debug!(client_id = %self.settings.client_id, "cached token invalidated");
        }
        dropped
    }

    /// Runs a flight this caller started as its own task: callers that give up
    /// never cancel it.
    fn spawn_flight(self: &Arc<Self>, started: Started<Production>, slot: &Slot) {
        let entry = Arc::clone(self);
        slot.handle.spawn(async move { entry.run_flight(started).await });
    }

    async fn run_flight(&self, started: Started<Production>) {
        let background = started.background;
        let fetch = |flight: Arc<Flight>| async move {
            // Only reached when a request is really needed (not settled).
            bump(&self.counters.fetches);
            if background {
                bump(&self.counters.background_refreshes);
            }
            let ctx = FetchContext {
                settings: &self.settings,
                counters: &self.counters,
                auto: &self.auto,
                last_error: &flight.extra,
                discovered: &self.discovered,
                registration: &self.registration,
            };
            let from_server = || -> Pin<Box<dyn Future<Output = Result<Token>> + Send + '_>> {
                Box::pin(fetch::fetch_from_server(&ctx))
            };
            let store = StoreContext {
                settings: &self.settings,
                counters: &self.counters,
                rejected: self.rejected.load_full().map(|f| *f),
                from_server: &from_server,
            };
            let began = std::time::Instant::now();
            let outcome = store::obtain(&store).await;
            let took = began.elapsed();
            self.counters.record_fetch(took, outcome.as_ref().err().map(Error::kind));
            events::emit(|| Event {
                kind: if outcome.is_ok() { EventKind::FetchSucceeded } else { EventKind::FetchFailed },
                client_id: &self.settings.client_id,
                background,
                duration: took,
                error: outcome.as_ref().err(),
                token_lifetime: outcome.as_ref().ok().map(Token::lifetime),
            });
            outcome.map(|t| t.0)
        };
        let hold = |e: &Error, consecutive: u32| {
            bump(&self.counters.failures);
            let hold = retry::failure_hold(e, consecutive);
            tracing::warn!(client_id = %self.settings.client_id, error = %e, hold_ms = hold.as_millis() as u64, "token fetch failed");
            hold
        };
        self.life.run_flight(started, fetch, hold).await;
    }

    async fn wait(
        &self,
        flight: &Flight,
        deadline: tokio::time::Instant,
        timeout: Duration,
        slot: &Slot,
    ) -> Result<Token> {
        let mut rx = flight.waiters.clone();
        // The timer is registered with the core runtime, so this future can be
        // awaited from any executor, not only from tokio.
        let sleep = {
            let _ctx = slot.handle.enter();
            tokio::time::sleep_until(deadline)
        };
        tokio::select! {
            biased;
            outcome = rx.wait_for(Option::is_some) => match outcome {
                Ok(v) => v.clone().map_or_else(|| Err(lost_flight()), |r| r.map(Token)),
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
        if let Some(e) = flight.extra.load_full() {
            msg.push_str(&format!(" (last attempt failed: {e})"));
        }
        Error::new(ErrorKind::Timeout, msg)
    }
}

fn lost_flight() -> Error {
    Error::new(ErrorKind::Internal, "the token fetch task ended without a result")
}
