//! Core's `tracing` events as records of the Python logger `ooauthcc`.
//!
//! Events are rare (per token fetch, never per cached call). Most fire on the
//! core runtime thread: the GIL is taken only to hand the record over, and
//! core emits no event while holding a lock. Core never puts a secret or a
//! token in an event.

use std::fmt::{self, Write as _};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

use crate::interp;

/// The name of the Python logger.
const LOGGER: &str = "ooauthcc";

/// A `tracing` subscriber that forwards events to Python's `logging`.
struct PyLogging;

impl Subscriber for PyLogging {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let meta = event.metadata();
        let mut text = Text::default();
        event.record(&mut text);
        let level = python_level(*meta.level());
        let target = meta.target();
        interp::attach_if_alive(|py| {
            // A failing log handler is Python's business, not the caller's.
            let _ = emit(py, level, target, &text.finish());
        });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

fn python_level(level: Level) -> u8 {
    match level {
        Level::TRACE => 5,
        Level::DEBUG => 10,
        Level::INFO => 20,
        Level::WARN => 30,
        Level::ERROR => 40,
    }
}

fn emit(py: Python<'_>, level: u8, target: &str, message: &str) -> PyResult<()> {
    static LOG: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let logger = LOG.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("logging")?.call_method1("getLogger", (LOGGER,))?.unbind())
    })?;
    let logger = logger.bind(py);
    if !logger.call_method1("isEnabledFor", (level,))?.is_truthy()? {
        return Ok(());
    }
    let kwargs = PyDict::new(py);
    let extra = PyDict::new(py);
    extra.set_item("rust_target", target)?;
    kwargs.set_item("extra", extra)?;
    logger.call_method("log", (level, "%s", message), Some(&kwargs))?;
    Ok(())
}

/// `message key=value key=value`.
#[derive(Default)]
struct Text {
    message: String,
    fields: String,
}

impl Text {
    fn finish(self) -> String {
        if self.fields.is_empty() { self.message } else { format!("{} ({})", self.message, self.fields.trim_start()) }
    }
}

impl Visit for Text {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }
}

/// Installs the forwarding subscriber for this extension module (its own copy
/// of `tracing`, so no other library's subscriber is affected).
pub(crate) fn install() {
    // Fails only if already installed (a second import of the module): fine.
    let _ = tracing::subscriber::set_global_default(PyLogging);
}
