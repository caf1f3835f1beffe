//! Forwarding core's `tracing` events to a C log callback.
//!
//! The first `ooauthcc_set_log_callback` installs a small process-wide
//! `tracing` subscriber (in a C program, nothing else in this library's copy of
//! `tracing` can have one). It forwards each enabled event of ooauthcc's own
//! (target `ooauthcc…`) to the current callback, which can be replaced or removed at any time; with no callback,
//! events are discarded at their call site. Core's events never carry secrets
//! or tokens.
//!
//! `user_data` follows the credential callbacks' rule (`config_callback.rs`):
//! the library owns it once a callback is installed, and `free_user_data`
//! runs when the last reference to the registration goes — after the last
//! call of the callback, which holds a reference while it runs.

use std::cell::Cell;
use std::ffi::{CString, c_void};
use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex, OnceLock};

use arc_swap::ArcSwapOption;
use ooauthcc_core::{Error, ErrorKind};
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

use crate::config_callback::ooauthcc_free_callback;
use crate::error::ooauthcc_error;
use crate::status::ooauthcc_status;
use crate::strings::c_string;
use crate::user_data::UserData;

/// Severity of a log record; also the `max_level` of
/// `ooauthcc_set_log_callback` (records above it are not produced at all).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ooauthcc_log_level {
    /// No records (as a `max_level`).
    Off = 0,
    /// Errors.
    Error = 1,
    /// Failures the library handles itself, e.g. a failed token fetch.
    Warn = 2,
    /// Notable decisions, e.g. `auto` authentication falling back to post.
    Info = 3,
    /// Each token request, retry and invalidation.
    Debug = 4,
    /// Everything.
    Trace = 5,
}

/// One log record, passed to the log callback. Valid only during the call:
/// copy what you keep. Strings are NUL-terminated UTF-8.
#[repr(C)]
pub struct ooauthcc_log_record {
    /// An `ooauthcc_log_level`, 1 (error) to 5 (trace).
    pub level: u32,
    /// Where the record comes from, e.g. `"ooauthcc_core::fetch"`.
    pub target: *const std::ffi::c_char,
    /// The message, followed by its fields as ` key=value`
    /// (e.g. `client_id=svc`). Never contains a secret or a token.
    pub message: *const std::ffi::c_char,
}

/// A log callback: receives `user_data` as given to `ooauthcc_set_log_callback`
/// and a record valid only during the call.
///
/// It runs on a library thread or on the thread of the ooauthcc call that logs,
/// possibly on several threads at once: it must be thread-safe, return quickly,
/// not throw (C++) or longjmp, and not call `ooauthcc_client_get_token` (a call
/// that would have to wait returns `USAGE` on a library thread) or
/// `ooauthcc_set_log_callback`. Records logged from inside it are dropped.
pub type ooauthcc_log_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, record: *const ooauthcc_log_record)>;

/// The C function of a registration.
type RawCallback = unsafe extern "C" fn(*mut c_void, *const ooauthcc_log_record);

/// One registration of a callback.
struct Sink {
    callback: RawCallback,
    user_data: Arc<UserData>,
    max_level: u32,
}

/// Serialises `ooauthcc_set_log_callback` calls, so that finding the
/// `user_data` to carry over and installing the new registration are one step.
static SETTING: Mutex<()> = Mutex::new(());

/// Installs a registration of `callback` with `max_level` (None: stops
/// logging). The one it replaces goes when its last running call returns.
fn install(callback: Option<(RawCallback, u32)>, ptr: *mut c_void, free: ooauthcc_free_callback) {
    let serial = SETTING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let sink = callback.map(|(callback, max_level)| {
        let user_data = match SINK.load_full() {
            Some(old) if old.user_data.is(ptr, free) => Arc::clone(&old.user_data),
            _ => Arc::new(UserData { ptr, free }),
        };
        Arc::new(Sink { callback, user_data, max_level })
    });
    let old = SINK.swap(sink);
    drop(serial);
    // Outside the lock: this may run `free_user_data`.
    drop(old);
}

static SINK: ArcSwapOption<Sink> = ArcSwapOption::const_empty();
static INSTALLED: OnceLock<bool> = OnceLock::new();

thread_local! {
    /// Set while this thread runs the callback: records it causes are dropped.
    static IN_CALLBACK: Cell<bool> = const { Cell::new(false) };
}

fn level_number(level: &Level) -> u32 {
    match *level {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        Level::TRACE => 5,
    }
}

/// The subscriber: no spans (core opens none), events to the current sink.
struct Forwarder;

impl Subscriber for Forwarder {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        // Only ooauthcc's own events: core guarantees they carry no secret; the
        // HTTP stack's debug events (headers, bodies) are not ours to forward.
        // For ours the callback and level can change: ask each time.
        if meta.target().starts_with("ooauthcc") { Interest::sometimes() } else { Interest::never() }
    }

    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        meta.target().starts_with("ooauthcc")
            && SINK.load().as_ref().is_some_and(|s| level_number(meta.level()) <= s.max_level)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        // Lets call sites above the level skip us entirely; refreshed by
        // `rebuild_interest_cache` whenever the callback changes.
        Some(match SINK.load().as_ref().map_or(0, |s| s.max_level) {
            0 => LevelFilter::OFF,
            1 => LevelFilter::ERROR,
            2 => LevelFilter::WARN,
            3 => LevelFilter::INFO,
            4 => LevelFilter::DEBUG,
            _ => LevelFilter::TRACE,
        })
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let Some(sink) = SINK.load_full() else { return };
        if IN_CALLBACK.with(Cell::get) {
            return;
        }
        let meta = event.metadata();
        let mut text = Text::default();
        event.record(&mut text);
        text.message.push_str(&text.fields);
        let (target, message): (CString, CString) = (c_string(meta.target()), c_string(&text.message));
        let record = ooauthcc_log_record {
            level: level_number(meta.level()),
            target: target.as_ptr(),
            message: message.as_ptr(),
        };
        IN_CALLBACK.with(|f| f.set(true));
        // SAFETY: the callback and user_data were given together by the C caller,
        // who promises the callback may run on any thread (see `UserData`); the
        // record and its strings live until the call returns.
        unsafe { (sink.callback)(sink.user_data.ptr, &record) };
        IN_CALLBACK.with(|f| f.set(false));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// The message and the other fields of an event, as text.
#[derive(Default)]
struct Text {
    message: String,
    fields: String,
}

impl Visit for Text {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }
}

/// Sends the library's log records up to `max_level` (an `ooauthcc_log_level`)
/// to `callback`, with `user_data` passed back unchanged. Replaces any
/// callback set before; one callback serves the whole process. `callback`
/// NULL or `max_level` `OOAUTHCC_LOG_LEVEL_OFF` stops logging.
///
/// Ownership of `user_data` is as for the credential callbacks: when this
/// call installs a callback (`callback` not NULL, `max_level` not OFF) and
/// succeeds, `user_data` is the library's, and `free_user_data(user_data)`
/// (when not NULL) runs exactly once — after the last call of `callback`
/// with it returned, when a later `ooauthcc_set_log_callback` replaced or
/// removed it (possibly on a library thread). Registering the same `user_data`
/// with the same `free_user_data` again (to change `max_level`, say) carries
/// it over: it is freed once, when the last of these registrations goes. When
/// the call stops logging or fails, it takes nothing: `user_data` stays yours
/// and `free_user_data` is not called. With no `free_user_data`, keep
/// `user_data` valid until the callback can no longer run (static data is
/// simplest): a call running on another thread when you replace the callback
/// may finish afterwards. A callback still installed at exit is not freed.
/// See `ooauthcc_log_callback` for what the callback must not do.
///
/// `max_level` above 5 gives `OOAUTHCC_STATUS_INVALID_ARGUMENT`;
/// `OOAUTHCC_STATUS_USAGE` if another `tracing` subscriber already owns the
/// process (only possible when this crate is linked into a Rust program).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_set_log_callback(
    callback: ooauthcc_log_callback,
    user_data: *mut c_void,
    free_user_data: ooauthcc_free_callback,
    max_level: u32,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ffi_status_boundary!(err, {
        if max_level > ooauthcc_log_level::Trace as u32 {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("argument `max_level`: unknown value {max_level} (expected an ooauthcc_log_level, 0 to 5)"),
            ));
        }
        let callback = callback.filter(|_| max_level > 0);
        if callback.is_some() && !*INSTALLED.get_or_init(|| tracing::subscriber::set_global_default(Forwarder).is_ok())
        {
            return Err(Error::new(
                ErrorKind::Usage,
                "another tracing subscriber is installed in this process; cannot forward logs to C",
            ));
        }
        // From here on a new registration owns `user_data` (freed on drop).
        install(callback.map(|callback| (callback, max_level)), user_data, free_user_data);
        tracing::callsite::rebuild_interest_cache();
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    unsafe extern "C" fn ignore(_: *mut c_void, _: *const ooauthcc_log_record) {}

    /// `user_data` points at a counter; freeing it counts.
    unsafe extern "C" fn count_free(user_data: *mut c_void) {
        // SAFETY: every `user_data` of this test is a live `AtomicUsize`.
        unsafe { &*user_data.cast::<AtomicUsize>() }.fetch_add(1, Ordering::SeqCst);
    }

    fn set(user_data: &AtomicUsize, callback: ooauthcc_log_callback, level: u32) -> ooauthcc_status {
        let ptr = std::ptr::from_ref(user_data).cast_mut().cast();
        // SAFETY: no error object wanted; `ptr` outlives the test (static counters).
        unsafe { ooauthcc_set_log_callback(callback, ptr, Some(count_free), level, std::ptr::null_mut()) }
    }

    /// The only test that sets the process's callback (tests run in parallel).
    #[test]
    fn user_data_is_freed_once_when_its_registration_goes() {
        static A: AtomicUsize = AtomicUsize::new(0);
        static B: AtomicUsize = AtomicUsize::new(0);
        static C: AtomicUsize = AtomicUsize::new(0);
        static D: AtomicUsize = AtomicUsize::new(0);
        let freed = || [&A, &B, &C, &D].map(|c| c.load(Ordering::SeqCst));
        assert_eq!(set(&A, Some(ignore), 4), ooauthcc_status::Ok);
        assert_eq!(freed(), [0, 0, 0, 0]);
        // The same user_data and free function again: carried over, not freed.
        assert_eq!(set(&A, Some(ignore), 2), ooauthcc_status::Ok);
        assert_eq!(freed(), [0, 0, 0, 0]);
        assert_eq!(set(&B, Some(ignore), 4), ooauthcc_status::Ok);
        assert_eq!(freed(), [1, 0, 0, 0]);
        // A failed call takes nothing.
        assert_eq!(set(&C, Some(ignore), 6), ooauthcc_status::InvalidArgument);
        assert_eq!(freed(), [1, 0, 0, 0]);
        // Stopping releases the current one and takes nothing either.
        assert_eq!(set(&D, None, 4), ooauthcc_status::Ok);
        assert_eq!(freed(), [1, 1, 0, 0]);
        assert_eq!(set(&D, Some(ignore), 0), ooauthcc_status::Ok);
        assert_eq!(freed(), [1, 1, 0, 0]);
    }
}
