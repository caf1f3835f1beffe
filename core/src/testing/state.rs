//! The state shared between the [`AuthServer`](super::AuthServer) handle and
//! its server thread: registered clients, counters, settings, issued tokens.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, SystemTime};

use parking_lot::Mutex;

use super::clients::ClientRegistration;
use super::modes::{Fault, Quirk};
use super::record::RecordedRequest;

/// How many recorded requests are kept (the oldest are dropped first).
const MAX_RECORDED: usize = 10_000;

/// The default token lifetime.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// Which fault, if any, applies to the next requests.
#[derive(Debug, Clone, Default)]
enum FaultState {
    /// Normal service.
    #[default]
    Off,
    /// Every request gets this fault until cleared.
    Always(Fault),
    /// The next `n` requests get this fault.
    Times(Fault, u32),
}

impl FaultState {
    /// The fault for one arriving request, using up one of a counted fault.
    fn take_one(&mut self) -> Option<Fault> {
        match std::mem::take(self) {
            Self::Off => None,
            Self::Always(fault) => {
                *self = Self::Always(fault.clone());
                Some(fault)
            }
            Self::Times(_, 0) => None,
            Self::Times(fault, n) => {
                if n > 1 {
                    *self = Self::Times(fault.clone(), n - 1);
                }
                Some(fault)
            }
        }
    }
}

/// Everything behind the lock.
#[derive(Debug)]
struct Inner {
    clients: HashMap<String, ClientRegistration>,
    counts: HashMap<String, u64>,
    total: u64,
    requests: VecDeque<RecordedRequest>,
    lifetime: Duration,
    latency: Duration,
    idle_close: Option<Duration>,
    /// Requests in progress and the most ever at once, per client id.
    in_flight: HashMap<String, (u64, u64)>,
    quirk: Quirk,
    fault: FaultState,
    issued: Vec<String>,
    expiries: HashMap<String, SystemTime>,
}

/// The settings in force for one request, fixed when it arrived.
#[derive(Debug, Clone)]
pub(crate) struct Arrival {
    /// The delay before answering.
    pub latency: Duration,
    /// The fault to apply, if any.
    pub fault: Option<Fault>,
    /// The response quirk.
    pub quirk: Quirk,
    /// The lifetime of a token issued for this request.
    pub lifetime: Duration,
}

/// The shared state; all methods take the lock briefly.
#[derive(Debug)]
pub(crate) struct Shared {
    inner: Mutex<Inner>,
    /// The protected resource's record of what it received.
    pub(crate) resource: super::resource::ResourceLog,
    /// The registration endpoint's settings and record.
    pub(crate) registration: super::registration::RegistrationLog,
}

impl Shared {
    /// Empty state with default settings.
    pub(crate) fn new() -> Self {
        Self {
            inner: Mutex::new(Inner {
                clients: HashMap::new(),
                counts: HashMap::new(),
                total: 0,
                requests: VecDeque::new(),
                lifetime: DEFAULT_LIFETIME,
                latency: Duration::ZERO,
                idle_close: None,
                in_flight: HashMap::new(),
                quirk: Quirk::None,
                fault: FaultState::Off,
                issued: Vec::new(),
                expiries: HashMap::new(),
            }),
            resource: super::resource::ResourceLog::default(),
            registration: super::registration::RegistrationLog::default(),
        }
    }

    /// Adds or replaces a client.
    pub(crate) fn register(&self, client: ClientRegistration) {
        self.inner.lock().clients.insert(client.client_id.clone(), client);
    }

    /// Removes a client; whether it was registered.
    pub(crate) fn forget(&self, client_id: &str) -> bool {
        self.inner.lock().clients.remove(client_id).is_some()
    }

    /// The registration of a client, if known.
    pub(crate) fn client(&self, client_id: &str) -> Option<ClientRegistration> {
        self.inner.lock().clients.get(client_id).cloned()
    }

    /// Counts and records an arriving token request and returns the settings
    /// that apply to it. A request that will be `served` (a readable POST)
    /// uses up one of a counted fault; others only count.
    pub(crate) fn arrive(&self, request: RecordedRequest, served: bool) -> Arrival {
        let mut inner = self.inner.lock();
        inner.total += 1;
        if let Some(id) = &request.client_id {
            *inner.counts.entry(id.clone()).or_insert(0) += 1;
        }
        if inner.requests.len() >= MAX_RECORDED {
            inner.requests.pop_front();
        }
        inner.requests.push_back(request);
        Arrival {
            latency: inner.latency,
            fault: if served { inner.fault.take_one() } else { None },
            quirk: inner.quirk,
            lifetime: inner.lifetime,
        }
    }

    /// Marks a request of `client_id` as in progress until the guard drops.
    pub(crate) fn begin(self: &std::sync::Arc<Self>, client_id: Option<&str>) -> InFlight {
        if let Some(id) = client_id {
            let mut inner = self.inner.lock();
            let e = inner.in_flight.entry(id.to_owned()).or_insert((0, 0));
            e.0 += 1;
            e.1 = e.1.max(e.0);
        }
        InFlight { shared: std::sync::Arc::clone(self), client_id: client_id.map(str::to_owned) }
    }

    /// The most requests of `client_id` that were ever in progress at once.
    pub(crate) fn max_concurrent(&self, client_id: &str) -> u64 {
        self.inner.lock().in_flight.get(client_id).map_or(0, |e| e.1)
    }

    /// Token requests that named this client id.
    pub(crate) fn request_count(&self, client_id: &str) -> u64 {
        self.inner.lock().counts.get(client_id).copied().unwrap_or(0)
    }

    /// All token requests.
    pub(crate) fn total(&self) -> u64 {
        self.inner.lock().total
    }

    /// The recorded requests, oldest first.
    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.inner.lock().requests.iter().cloned().collect()
    }

    /// How many requests are recorded.
    pub(crate) fn recorded_count(&self) -> usize {
        self.inner.lock().requests.len()
    }

    /// The recorded request at `index`, oldest first.
    pub(crate) fn recorded(&self, index: usize) -> Option<RecordedRequest> {
        self.inner.lock().requests.get(index).cloned()
    }

    /// Zeroes the counters and forgets the recorded requests.
    pub(crate) fn reset_counts(&self) {
        let mut inner = self.inner.lock();
        inner.counts.clear();
        inner.total = 0;
        inner.requests.clear();
    }

    /// Sets the lifetime of tokens issued from now on.
    pub(crate) fn set_lifetime(&self, lifetime: Duration) {
        self.inner.lock().lifetime = lifetime;
    }

    /// Sets how long a keep-alive connection may stay idle (`None`: forever).
    pub(crate) fn set_idle_close(&self, after: Option<Duration>) {
        self.inner.lock().idle_close = after;
    }

    /// How long a keep-alive connection may stay idle.
    pub(crate) fn idle_close(&self) -> Option<Duration> {
        self.inner.lock().idle_close
    }

    /// Sets the delay before answering token and registration requests.
    pub(crate) fn set_latency(&self, latency: Duration) {
        self.inner.lock().latency = latency;
    }

    /// The delay before answering token and registration requests.
    pub(crate) fn latency(&self) -> Duration {
        self.inner.lock().latency
    }

    /// Sets the response quirk.
    pub(crate) fn set_quirk(&self, quirk: Quirk) {
        self.inner.lock().quirk = quirk;
    }

    /// Sets (or clears) the fault for every request.
    pub(crate) fn set_fault(&self, fault: Option<Fault>) {
        self.inner.lock().fault = fault.map_or(FaultState::Off, FaultState::Always);
    }

    /// Sets a fault for the next `times` requests.
    pub(crate) fn set_fault_times(&self, fault: Fault, times: u32) {
        self.inner.lock().fault = FaultState::Times(fault, times);
    }

    /// Remembers an issued token and its wall-clock expiry.
    pub(crate) fn issue(&self, token: &str, expires_at: SystemTime) {
        let mut inner = self.inner.lock();
        inner.issued.push(token.to_owned());
        inner.expiries.insert(token.to_owned(), expires_at);
    }

    /// The issued tokens, in order.
    pub(crate) fn issued(&self) -> Vec<String> {
        self.inner.lock().issued.clone()
    }

    /// When a token issued here expires.
    pub(crate) fn expiry(&self, token: &str) -> Option<SystemTime> {
        self.inner.lock().expiries.get(token).copied()
    }

    /// Whether the token was issued here and has not expired.
    pub(crate) fn is_valid(&self, token: &str) -> bool {
        let expires_at = self.inner.lock().expiries.get(token).copied();
        expires_at.is_some_and(|at| SystemTime::now() < at)
    }
}

/// A request in progress; counted down when dropped (also when the
/// connection is cut mid-request).
pub(crate) struct InFlight {
    shared: std::sync::Arc<Shared>,
    client_id: Option<String>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(id) = &self.client_id
            && let Some(e) = self.shared.inner.lock().in_flight.get_mut(id)
        {
            e.0 = e.0.saturating_sub(1);
        }
    }
}
