//! The lifecycle protocol of one cache entry — join-or-start a single flight,
//! the settle check, store-then-clear-then-publish, compare-and-invalidate —
//! written once over swappable primitives, so that the code production runs is
//! the code the model checker explores.
//!
//! [`crate::entry`] instantiates it with `ArcSwapOption` cells, a tokio `watch`
//! channel and the coarse clock. The loom tests (`loom_tests.rs`, built with
//! `--cfg ooauthcc_loom` by `scripts/loom.sh`) instantiate it with mutex-backed loom
//! cells, a loom condvar and a clock they move by hand. Loom cannot look inside
//! arc-swap or tokio and does not need to: every cell operation here is one
//! linearisable step (as an `ArcSwap` load, store or compare-and-swap is), and
//! loom runs every order of those steps that its bounds allow.
//!
//! No locks: every state change is a compare-and-swap on a cell, so a `fork()`
//! can never leave a child with a lock held by a thread that does not exist there.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use tokio::sync::watch;

use crate::clock::{self, Nanos};

/// A cell holding an optional `Arc`, replaced as a whole.
pub(crate) trait SwapCell<T> {
    /// An empty cell.
    fn empty() -> Self;
    /// Calls `f` with the current value without taking a reference count when
    /// the cell can avoid it (the hot path).
    fn peek<R>(&self, f: impl FnOnce(Option<&Arc<T>>) -> R) -> R;
    /// The current value.
    fn load_full(&self) -> Option<Arc<T>>;
    /// Replaces the value.
    fn store(&self, value: Option<Arc<T>>);
    /// Replaces the value with `new` if it still is `current` (the same
    /// allocation, or both empty); whether it did.
    fn swap_if(&self, current: &Option<Arc<T>>, new: Option<Arc<T>>) -> bool;
}

/// How a flight hands its outcome to the callers waiting for it.
pub(crate) trait Signal<O>: Sized {
    /// What the waiters hold (kept in the flight they join).
    type Waiters;
    /// A new signal and its waiters' end.
    fn pair() -> (Self, Self::Waiters);
    /// Wakes every waiter with `outcome`. An implementation must also wake them
    /// when a signal is dropped unpublished (a fetch task that panicked or was
    /// cancelled), so that nobody waits for an outcome that will never come.
    fn publish(self, outcome: O);
}

/// Where "now" comes from (a trait so that the model checker can move time).
pub(crate) trait Clock {
    fn now(&self) -> Nanos;
}

/// What the protocol needs to know about a cached token.
pub(crate) trait Lifetimes {
    /// From then on a background refresh is due.
    fn stale_at(&self) -> Nanos;
    /// From then on the token is never served.
    fn expire_at(&self) -> Nanos;
}

/// The types one instance of the protocol runs on.
pub(crate) trait Spec: Sized {
    type Token: Lifetimes;
    type Error: Clone;
    type Cell<T>: SwapCell<T>;
    type Signal: Signal<Outcome<Self>>;
    type Clock: Clock;
    /// What a fetch keeps per flight (production: the error of its latest
    /// failed attempt, shown to callers who time out meanwhile).
    type FlightExtra: Default;
}

/// The result of a flight, handed to every caller that waited for it.
pub(crate) type Outcome<S> = Result<Arc<<S as Spec>::Token>, <S as Spec>::Error>;

/// A fetch in progress, shared by every caller that waits for it.
pub(crate) struct Flight<S: Spec> {
    /// The fork generation that started it: a flight from before a `fork()` has
    /// no task behind it in the child and is treated as absent there.
    pub(crate) generation: u64,
    pub(crate) waiters: <S::Signal as Signal<Outcome<S>>>::Waiters,
    pub(crate) extra: S::FlightExtra,
}

/// A failed fetch, handed to new callers until `until` instead of a new request.
struct Failure<E> {
    error: E,
    until: Nanos,
    consecutive: u32,
}

/// A flight this caller started and must run (with [`Lifecycle::run_flight`]);
/// until it has run, every caller of its generation joins it.
#[must_use = "a started flight that never runs leaves its waiters waiting"]
pub(crate) struct Started<S: Spec> {
    pub(crate) flight: Arc<Flight<S>>,
    signal: S::Signal,
    pub(crate) background: bool,
}

/// What a caller who found no fresh token gets now.
pub(crate) enum Answer<S: Spec> {
    /// A stale token that may still be served.
    Serve(Arc<S::Token>),
    /// The remembered failure of the last fetch.
    Fail(S::Error),
    /// A flight to wait for.
    Wait(Arc<Flight<S>>),
}

/// [`Answer`], and the flight the caller started on the way, if it did.
pub(crate) struct Begin<S: Spec> {
    pub(crate) answer: Answer<S>,
    pub(crate) started: Option<Started<S>>,
}

/// The state of one cache entry.
pub(crate) struct Lifecycle<S: Spec> {
    current: S::Cell<S::Token>,
    flight: S::Cell<Flight<S>>,
    failure: S::Cell<Failure<S::Error>>,
    clock: S::Clock,
}

impl<S: Spec> Lifecycle<S> {
    pub(crate) fn new(clock: S::Clock) -> Self {
        Lifecycle { current: SwapCell::empty(), flight: SwapCell::empty(), failure: SwapCell::empty(), clock }
    }

    /// The hot path: the cached token if it is fresh. One cell read, one clock
    /// read, one reference-count increment.
    #[inline]
    pub(crate) fn fresh(&self) -> Option<Arc<S::Token>> {
        self.current.peek(|t| {
            let t = t?;
            (self.clock.now() < t.stale_at()).then(|| Arc::clone(t))
        })
    }

    /// `f` over the cached token if it is fresh, touching no reference count.
    #[inline]
    pub(crate) fn with_fresh<R>(&self, f: impl FnOnce(&S::Token) -> R) -> Option<R> {
        self.current.peek(|t| {
            let t = t?;
            (self.clock.now() < t.stale_at()).then(|| f(t))
        })
    }

    /// Whether `token` is the cached token and still fresh, touching no
    /// reference count.
    #[inline]
    pub(crate) fn is_fresh(&self, token: &Arc<S::Token>) -> bool {
        self.current.peek(|t| matches!(t, Some(t) if Arc::ptr_eq(t, token) && self.clock.now() < t.stale_at()))
    }

    /// The cached token if it may still be served (fresh or stale), starting nothing.
    pub(crate) fn cached(&self) -> Option<Arc<S::Token>> {
        let t = self.current.load_full()?;
        (self.clock.now() < t.expire_at()).then_some(t)
    }

    /// The slow path of a caller who found no fresh token: serve a stale one
    /// (and renew it behind the caller's back), hand out the remembered failure,
    /// or join the flight of `generation` — started here if there is none.
    pub(crate) fn begin(&self, generation: u64) -> Begin<S> {
        let now = self.clock.now();
        if let Some(t) = self.current.load_full()
            && now < t.expire_at()
        {
            let started = self.refresh_in_background(now, generation);
            return Begin { answer: Answer::Serve(t), started };
        }
        if let Some(f) = self.failure.load_full()
            && now < f.until
        {
            return Begin { answer: Answer::Fail(f.error.clone()), started: None };
        }
        let (flight, started) = self.join_or_start(generation, false);
        Begin { answer: Answer::Wait(flight), started }
    }

    fn refresh_in_background(&self, now: Nanos, generation: u64) -> Option<Started<S>> {
        if let Some(f) = self.failure.load_full()
            && now < f.until
        {
            return None; // backing off after a failed refresh; the old token is still served
        }
        self.join_or_start(generation, true).1
    }

    /// The flight of `generation`, started (and returned as [`Started`] too)
    /// if there is none. Exactly one of the callers racing here wins the
    /// compare-and-swap; the others join its flight.
    fn join_or_start(&self, generation: u64, background: bool) -> (Arc<Flight<S>>, Option<Started<S>>) {
        loop {
            let cur = self.flight.load_full();
            if let Some(f) = &cur
                && f.generation == generation
            {
                return (Arc::clone(f), None);
            }
            let (signal, waiters) = S::Signal::pair();
            let flight = Arc::new(Flight { generation, waiters, extra: S::FlightExtra::default() });
            if self.flight.swap_if(&cur, Some(Arc::clone(&flight))) {
                return (Arc::clone(&flight), Some(Started { flight, signal, background }));
            }
        }
    }

    /// Runs a started flight to its end: `fetch` (unless the outcome is already
    /// settled), the outcome stored, the flight cleared, the waiters woken.
    /// `hold` says how long a failure (the `consecutive`-th in a row) is
    /// remembered; it is called once per failed fetch.
    pub(crate) async fn run_flight<Fut>(
        &self,
        started: Started<S>,
        fetch: impl FnOnce(Arc<Flight<S>>) -> Fut,
        hold: impl FnOnce(&S::Error, u32) -> Duration,
    ) where
        Fut: Future<Output = Outcome<S>>,
    {
        let Started { flight, signal, background } = started;
        // Clears the flight even if the fetch panics, so later callers start anew
        // (and the signal, dropped unpublished, wakes the waiters).
        let clear = ClearFlight { cell: &self.flight, flight: &flight };
        // A caller may have looked at the cache just before the previous flight
        // stored its outcome and started this one just after that flight ended:
        // answer it with that outcome instead of sending a second request.
        if let Some(settled) = self.settled_outcome(background) {
            drop(clear);
            signal.publish(settled);
            return;
        }
        let result = fetch(Arc::clone(&flight)).await;
        match &result {
            Ok(t) => {
                self.current.store(Some(Arc::clone(t)));
                self.failure.store(None);
            }
            Err(e) => {
                let consecutive = self.failure.peek(|f| f.map_or(0, |f| f.consecutive)) + 1;
                let until = self.clock.now().saturating_add(hold(e, consecutive));
                self.failure.store(Some(Arc::new(Failure { error: e.clone(), until, consecutive })));
            }
        }
        // State first, then the flight cleared, then the waiters woken: a caller
        // arriving in between finds the new token or the remembered failure.
        drop(clear);
        signal.publish(result);
    }

    /// What a new flight would be pointless for: a token that is still fresh (for
    /// a background refresh) or still servable (for waiting callers), or a failure
    /// still being remembered.
    fn settled_outcome(&self, background: bool) -> Option<Outcome<S>> {
        let now = self.clock.now();
        if let Some(t) = self.current.load_full() {
            let good_until = if background { t.stale_at() } else { t.expire_at() };
            if now < good_until {
                return Some(Ok(t));
            }
        }
        let f = self.failure.load_full()?;
        (now < f.until).then(|| Err(f.error.clone()))
    }

    /// Drops the cached token if `rejected` says it is the one a resource server
    /// just rejected — and only if it is still cached: a token stored by a
    /// flight meanwhile is never dropped in its place, and N callers reporting
    /// the same token cause one refetch.
    pub(crate) fn invalidate(&self, rejected: impl FnOnce(&S::Token) -> bool) -> bool {
        let cur = self.current.load_full();
        match &cur {
            Some(t) if rejected(t) => self.current.swap_if(&cur, None),
            _ => false,
        }
    }
}

struct ClearFlight<'a, S: Spec> {
    cell: &'a S::Cell<Flight<S>>,
    flight: &'a Arc<Flight<S>>,
}

impl<S: Spec> Drop for ClearFlight<'_, S> {
    fn drop(&mut self) {
        // Only our own flight: a newer one (after a fork) is left alone.
        let mine = Some(Arc::clone(self.flight));
        self.cell.swap_if(&mine, None);
    }
}

/// Whether `a` and `b` are the same allocation, or both empty.
pub(crate) fn same<T>(a: &Option<Arc<T>>, b: &Option<Arc<T>>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => Arc::ptr_eq(x, y),
        (None, None) => true,
        _ => false,
    }
}

// Production primitives.

impl<T> SwapCell<T> for ArcSwapOption<T> {
    fn empty() -> Self {
        ArcSwapOption::const_empty()
    }

    #[inline]
    fn peek<R>(&self, f: impl FnOnce(Option<&Arc<T>>) -> R) -> R {
        f(self.load().as_ref())
    }

    #[inline]
    fn load_full(&self) -> Option<Arc<T>> {
        ArcSwapOption::load_full(self)
    }

    fn store(&self, value: Option<Arc<T>>) {
        ArcSwapOption::store(self, value);
    }

    fn swap_if(&self, current: &Option<Arc<T>>, new: Option<Arc<T>>) -> bool {
        let prev = ArcSwapOption::compare_and_swap(self, current, new);
        same(&prev, current)
    }
}

/// The tokio `watch` channel: waiters `wait_for` a value; a sender dropped
/// unpublished closes the channel, which wakes them with an error.
impl<O> Signal<O> for watch::Sender<Option<O>> {
    type Waiters = watch::Receiver<Option<O>>;

    fn pair() -> (Self, Self::Waiters) {
        watch::channel(None)
    }

    fn publish(self, outcome: O) {
        self.send_replace(Some(outcome));
    }
}

/// The coarse monotonic clock of [`crate::clock`].
#[derive(Clone, Copy, Default)]
pub(crate) struct Coarse;

impl Clock for Coarse {
    #[inline]
    fn now(&self) -> Nanos {
        clock::now()
    }
}
