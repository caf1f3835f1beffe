//! Model checking of the lifecycle protocol in `single_flight.rs` with loom:
//! every interleaving (within `LOOM_MAX_PREEMPTIONS`) of 2–3 threads calling,
//! fetching, invalidating and moving the clock. Run by `scripts/loom.sh`
//! (`RUSTFLAGS="--cfg ooauthcc_loom" cargo test -p ooauthcc-core --release --lib loom`;
//! a crate-specific cfg because `--cfg loom` reaches every crate and makes
//! tokio drop `tokio::net`, which hyper-util needs).
//!
//! The protocol is the production code; only its primitives are swapped:
//! - a cell is a loom `Mutex<Option<Arc<T>>>`: each load, store and
//!   compare-and-swap is one step, as it is on an `ArcSwapOption`, and loom
//!   tries the other threads' steps between every two of them;
//! - the wake-up signal is a loom mutex and condvar: a waiter nobody wakes
//!   blocks for ever, which loom reports as a deadlock;
//! - the clock is a loom atomic the tests move.
//!
//! Invariants checked in every interleaving:
//! - at most one token request in flight (`Server::fetch`), and exactly the
//!   expected number of requests in all;
//! - no caller is handed a token that had expired when it called (`World::get`);
//! - every waiter is woken with the flight's outcome (`wait`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use loom::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering::SeqCst};
use loom::sync::{Condvar, Mutex};
use loom::thread;

use super::single_flight::{Answer, Clock, Lifecycle, Lifetimes, Outcome, Signal, Spec, Started, SwapCell, same};
use crate::clock::Nanos;

// The loom primitives.

struct LoomCell<T>(Mutex<Option<Arc<T>>>);

impl<T> SwapCell<T> for LoomCell<T> {
    fn empty() -> Self {
        LoomCell(Mutex::new(None))
    }

    fn peek<R>(&self, f: impl FnOnce(Option<&Arc<T>>) -> R) -> R {
        // A snapshot, as an ArcSwap guard is: `f` runs outside the cell's lock.
        let v = self.0.lock().unwrap().clone();
        f(v.as_ref())
    }

    fn load_full(&self) -> Option<Arc<T>> {
        self.0.lock().unwrap().clone()
    }

    fn store(&self, value: Option<Arc<T>>) {
        *self.0.lock().unwrap() = value;
    }

    fn swap_if(&self, current: &Option<Arc<T>>, new: Option<Arc<T>>) -> bool {
        let mut v = self.0.lock().unwrap();
        let swap = same(&v, current);
        if swap {
            *v = new;
        }
        swap
    }
}

struct Board<O> {
    state: Mutex<(Option<O>, bool)>,
    woken: Condvar,
}

/// The signal: the outcome on a board under a mutex, waiters on a condvar; like
/// the `watch` sender, dropping it unpublished closes the board.
struct Notify<O>(Arc<Board<O>>);

impl<O> Signal<O> for Notify<O> {
    type Waiters = Arc<Board<O>>;

    fn pair() -> (Self, Self::Waiters) {
        let board = Arc::new(Board { state: Mutex::new((None, false)), woken: Condvar::new() });
        (Notify(Arc::clone(&board)), board)
    }

    fn publish(self, outcome: O) {
        self.0.state.lock().unwrap().0 = Some(outcome);
        self.0.woken.notify_all();
    }
}

impl<O> Drop for Notify<O> {
    fn drop(&mut self) {
        self.0.state.lock().unwrap().1 = true;
        self.0.woken.notify_all();
    }
}

/// What a waiter gets: the outcome, or `None` if the flight ended without one.
fn wait<O: Clone>(board: &Board<O>) -> Option<O> {
    let mut state = board.state.lock().unwrap();
    loop {
        if let Some(o) = &state.0 {
            return Some(o.clone());
        }
        if state.1 {
            return None;
        }
        state = board.woken.wait(state).unwrap();
    }
}

#[derive(Clone)]
struct TestClock(Arc<AtomicU64>);

impl Clock for TestClock {
    fn now(&self) -> Nanos {
        Nanos(self.0.load(SeqCst))
    }
}

impl TestClock {
    fn set(&self, t: u64) {
        self.0.store(t, SeqCst);
    }
}

#[derive(Debug, PartialEq)]
struct Tok {
    id: u32,
    stale_at: Nanos,
    expire_at: Nanos,
}

impl Lifetimes for Tok {
    fn stale_at(&self) -> Nanos {
        self.stale_at
    }

    fn expire_at(&self) -> Nanos {
        self.expire_at
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Refused(u32);

struct Model;

impl Spec for Model {
    type Token = Tok;
    type Error = Refused;
    type Cell<T> = LoomCell<T>;
    type Signal = Notify<Outcome<Model>>;
    type Clock = TestClock;
    type FlightExtra = ();
}

// The world of a test: one entry, its clock and its token server.

/// Token lifetime in clock units: fresh for `STALE`, served until `EXPIRE`.
const STALE: u64 = 50;
const EXPIRE: u64 = 100;
/// How long a failure is remembered.
const HOLD: Duration = Duration::from_nanos(30);
/// The id of the token a test puts in the cache before its threads start.
const OLD: u32 = 100;

struct World {
    life: Lifecycle<Model>,
    clock: TestClock,
    requests: AtomicU32,
    in_flight: AtomicUsize,
    refuse: bool,
    /// The `consecutive` the latest failure hold was asked for.
    consecutive: AtomicU32,
}

impl World {
    fn new(refuse: bool) -> Arc<World> {
        let clock = TestClock(Arc::new(AtomicU64::new(0)));
        Arc::new(World {
            life: Lifecycle::new(clock.clone()),
            clock,
            requests: AtomicU32::new(0),
            in_flight: AtomicUsize::new(0),
            refuse,
            consecutive: AtomicU32::new(0),
        })
    }

    /// A world whose cache holds token `OLD` with these deadlines, put there
    /// by a flight of its own (not counted as a request).
    fn with_token(stale_at: u64, expire_at: u64) -> Arc<World> {
        let w = World::new(false);
        let begin = w.life.begin(0);
        let started = begin.started.expect("an empty cache starts a flight");
        let old = Arc::new(Tok { id: OLD, stale_at: Nanos(stale_at), expire_at: Nanos(expire_at) });
        block_on(w.life.run_flight(started, |_| async move { Ok(old) }, |_, _| HOLD));
        w
    }

    /// The token server: one request, which must be the only one in flight.
    async fn fetch(&self) -> Outcome<Model> {
        let others = self.in_flight.fetch_add(1, SeqCst);
        assert_eq!(others, 0, "two token requests in flight at once");
        let n = self.requests.fetch_add(1, SeqCst) + 1;
        let now = self.clock.now().0;
        self.in_flight.fetch_sub(1, SeqCst);
        if self.refuse {
            Err(Refused(n))
        } else {
            Ok(Arc::new(Tok { id: n, stale_at: Nanos(now + STALE), expire_at: Nanos(now + EXPIRE) }))
        }
    }

    /// Runs a started flight where it was started. Production spawns it as a
    /// task; running it on the starting thread is one of the schedules that
    /// allows, and the other threads interleave with it all the same.
    fn run(&self, started: Started<Model>) {
        let hold = |_: &Refused, consecutive: u32| {
            self.consecutive.store(consecutive, SeqCst);
            HOLD
        };
        block_on(self.life.run_flight(started, |_| self.fetch(), hold));
    }

    /// One caller, as `Entry::get` does it: the hot path, else `begin`, run
    /// the flight it started, then the answer (waiting if told to).
    fn get(&self) -> Result<Arc<Tok>, Refused> {
        let called_at = self.clock.now();
        let got = match self.life.fresh() {
            Some(t) => Ok(t),
            None => {
                let begin = self.life.begin(0);
                if let Some(started) = begin.started {
                    self.run(started);
                }
                match begin.answer {
                    Answer::Serve(t) => Ok(t),
                    Answer::Fail(e) => Err(e),
                    Answer::Wait(flight) => wait(&flight.waiters).expect("a waiter was woken without an outcome"),
                }
            }
        };
        if let Ok(t) = &got {
            assert!(
                t.expire_at > called_at,
                "served token {} expired at {:?}, called at {called_at:?}",
                t.id,
                t.expire_at
            );
        }
        got
    }
}

/// Runs a flight's future. Nothing in the model suspends (the server answers
/// at once; the waiting happens on the signal, outside the future), so one
/// poll completes it.
fn block_on<F: Future<Output = ()>>(f: F) {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    assert!(f.as_mut().poll(&mut cx).is_ready(), "a flight suspended in the model");
}

/// How far loom goes in a scenario.
#[derive(Clone, Copy)]
enum Bound {
    /// Every interleaving: the two-thread scenarios finish in seconds.
    Exhaustive,
    /// Up to `LOOM_MAX_PREEMPTIONS` preemptions per run (scripts/loom.sh sets
    /// it): the three-thread scenarios have millions of interleavings.
    Env,
}

/// Runs `f` under loom and prints how many interleavings it explored.
fn check(name: &str, bound: Bound, f: impl Fn() + Sync + Send + 'static) {
    let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = Arc::clone(&runs);
    let mut builder = loom::model::Builder::new();
    if let Bound::Exhaustive = bound {
        builder.preemption_bound = None;
    }
    let bound = builder.preemption_bound.map_or_else(|| "unbounded".to_owned(), |b| format!("<= {b} preemptions"));
    let started = Instant::now();
    builder.check(move || {
        counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        f();
    });
    println!(
        "loom {name}: {} interleavings ({bound}) in {:.1?}",
        runs.load(std::sync::atomic::Ordering::Relaxed),
        started.elapsed()
    );
}

fn id(got: &Result<Arc<Tok>, Refused>) -> u32 {
    got.as_ref().map(|t| t.id).expect("a token")
}

/// Three callers on an empty cache: one request, and all three get its token.
#[test]
fn loom_concurrent_callers_share_one_fetch() {
    check("concurrent_callers_share_one_fetch", Bound::Env, || {
        let w = World::new(false);
        let others: Vec<_> = (0..2)
            .map(|_| {
                let w = Arc::clone(&w);
                thread::spawn(move || id(&w.get()))
            })
            .collect();
        let mine = id(&w.get());
        for t in others {
            assert_eq!(t.join().unwrap(), 1);
        }
        assert_eq!(mine, 1);
        assert_eq!(w.requests.load(SeqCst), 1);
    });
}

/// A caller arriving while a flight ends — it may see no token yet and, a
/// moment later, no flight any more — is answered with that flight's token,
/// not with a second request (the settle check of `run_flight`).
#[test]
fn loom_caller_racing_the_end_of_a_flight_sends_no_second_request() {
    check("caller_racing_the_end_of_a_flight", Bound::Exhaustive, || {
        let w = World::new(false);
        let begin = w.life.begin(0);
        let started = begin.started.expect("an empty cache starts a flight");
        let flight = thread::spawn({
            let w = Arc::clone(&w);
            move || w.run(started)
        });
        let caller = thread::spawn({
            let w = Arc::clone(&w);
            move || id(&w.get())
        });
        flight.join().unwrap();
        assert_eq!(caller.join().unwrap(), 1);
        let Answer::Wait(first) = begin.answer else { panic!("an empty cache answers with a flight") };
        assert_eq!(wait(&first.waiters).map(|r| r.map(|t| t.id)), Some(Ok(1)));
        assert_eq!(w.requests.load(SeqCst), 1);
    });
}

/// A resource server rejected the stale token `OLD` while its background
/// refresh runs: invalidating it never drops the refreshed token, the caller
/// that invalidated never gets `OLD` back, and there is one request.
#[test]
fn loom_invalidate_racing_a_refresh() {
    check("invalidate_racing_a_refresh", Bound::Exhaustive, || {
        let w = World::with_token(0, EXPIRE);
        let begin = w.life.begin(0);
        assert!(matches!(&begin.answer, Answer::Serve(t) if t.id == OLD));
        let started = begin.started.expect("a stale token starts a background refresh");
        let refresh = thread::spawn({
            let w = Arc::clone(&w);
            move || w.run(started)
        });
        let rejected = thread::spawn({
            let w = Arc::clone(&w);
            move || {
                w.life.invalidate(|t| t.id == OLD);
                id(&w.get())
            }
        });
        refresh.join().unwrap();
        assert_eq!(rejected.join().unwrap(), 1);
        assert_eq!(w.life.cached().map(|t| t.id), Some(1), "the refreshed token was dropped");
        assert_eq!(w.requests.load(SeqCst), 1);
    });
}

/// Two callers hit a refusing server: one request, both get its error, which
/// is then remembered (no request) until the hold ends.
#[test]
fn loom_a_failure_is_shared_and_remembered() {
    check("a_failure_is_shared_and_remembered", Bound::Exhaustive, || {
        let w = World::new(true);
        let other = thread::spawn({
            let w = Arc::clone(&w);
            move || w.get()
        });
        let mine = w.get();
        assert_eq!(other.join().unwrap(), Err(Refused(1)));
        assert_eq!(mine, Err(Refused(1)));
        assert_eq!(w.requests.load(SeqCst), 1);
        assert_eq!(w.get(), Err(Refused(1)), "a remembered failure");
        assert_eq!(w.requests.load(SeqCst), 1);
        w.clock.set(HOLD.as_nanos() as u64);
        assert_eq!(w.get(), Err(Refused(2)), "a new request once the hold is over");
        assert_eq!(w.consecutive.load(SeqCst), 2);
    });
}

/// Time moves past the cached token's stale point and expiry while two
/// callers call: neither is ever handed the token once it has expired (checked
/// in `World::get`), and requests never overlap.
#[test]
fn loom_no_expired_token_is_served_while_time_moves() {
    check("no_expired_token_while_time_moves", Bound::Env, || {
        let w = World::with_token(10, 20);
        let time = thread::spawn({
            let w = Arc::clone(&w);
            move || {
                w.clock.set(15); // stale
                w.clock.set(20); // expired
            }
        });
        let other = thread::spawn({
            let w = Arc::clone(&w);
            move || w.get().map(|t| t.id)
        });
        let mine = w.get().map(|t| t.id);
        time.join().unwrap();
        let other = other.join().unwrap();
        assert!(mine.is_ok() && other.is_ok());
        assert!(w.requests.load(SeqCst) <= 2);
    });
}
