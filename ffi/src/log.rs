//! Forwarding core's `tracing` events to a C log callback.
//!
//! The first `ooauthcc_set_log_callback` installs a small process-wide
//! `tracing` subscriber (in a C program, nothing else in this library's copy of
//! `tracing` can have one). It forwards each enabled event of ooauthcc's own
//! (target `ooauthcc…`) to the current callback, which can be replaced or removed at any time; with no callback,
//! events are discarded at their call site. Core's events never carry secrets
//! or tokens.

use std::cell::Cell;
use std::ffi::{CString, c_void};
use std::fmt::{self, Write as _};
use std::sync::{Arc, OnceLock};

use arc_swap::ArcSwapOption;
use ooauthcc_core::{Error, ErrorKind};
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

use crate::error::ooauthcc_error;
use crate::status::ooauthcc_status;
use crate::strings::c_string;

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
/// not throw (C++) or longjmp, and not call `ooauthcc_client_get_token` or
/// `ooauthcc_set_log_callback`. Records logged from inside it are dropped.
pub type ooauthcc_log_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, record: *const ooauthcc_log_record)>;

struct Sink {
    callback: unsafe extern "C" fn(*mut c_void, *const ooauthcc_log_record),
    user_data: *mut c_void,
    max_level: u32,
}

// SAFETY: `user_data` is only passed back to the callback, and the caller of
// `ooauthcc_set_log_callback` promises (documented there) that the callback may
// run with it on any thread, concurrently.
unsafe impl Send for Sink {}
// SAFETY: as for `Send`: nothing here is ever mutated after creation.
unsafe impl Sync for Sink {}

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
        // who promises the callback may run on any thread (see `Sink`); the
        // record and its strings live until the call returns.
        unsafe { (sink.callback)(sink.user_data, &record) };
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
/// to `callback`, with `user_data` passed back unchanged; `callback` NULL (or
/// `max_level` 0) stops logging. Replaces any callback set before. One callback
/// serves the whole process.
///
/// `user_data` must stay valid, and the callback callable, for as long as it
/// may run: a call already running on another thread when you replace it may
/// still finish afterwards. Simplest: use static data. See
/// `ooauthcc_log_callback` for what the callback must not do.
///
/// `max_level` above 5 gives `OOAUTHCC_STATUS_INVALID_ARGUMENT`;
/// `OOAUTHCC_STATUS_USAGE` if another `tracing` subscriber already owns the
/// process (only possible when this crate is linked into a Rust program).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_set_log_callback(
    callback: ooauthcc_log_callback,
    user_data: *mut c_void,
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
        let sink = match callback {
            Some(callback) if max_level > 0 => Some(Arc::new(Sink { callback, user_data, max_level })),
            _ => None,
        };
        if sink.is_some() && !*INSTALLED.get_or_init(|| tracing::subscriber::set_global_default(Forwarder).is_ok()) {
            return Err(Error::new(
                ErrorKind::Usage,
                "another tracing subscriber is installed in this process; cannot forward logs to C",
            ));
        }
        SINK.store(sink);
        tracing::callsite::rebuild_interest_cache();
        Ok(())
    })
}
