//! # ooauthcc-core
//!
//! OAuth 2.0 client-credentials access tokens (RFC 6749 §4.4) for every caller in
//! a process: fetched once however many callers ask at the same time, cached,
//! renewed in the background before they expire, never served past expiry.
//!
//! ```no_run
//! # async fn run() -> Result<(), ooauthcc_core::Error> {
//! use ooauthcc_core::{Client, ClientConfig};
//!
//! let client = Client::new(
//!     ClientConfig::new("https://idp.example.com/oauth2/token", "my-service", "s3cr3t")
//!         .with_scopes(["orders.read"]),
//! )?;
//! let token = client.get_token().await?;          // async
//! let header = client.authorization_header_blocking()?; // or blocking, off the runtime
//! # let _ = (token, header); Ok(()) }
//! ```
//!
//! - [`ClientConfig`]: every setting, also readable from JSON/TOML ([`Profiles`]
//!   for several named clients).
//! - [`Client`]: `get_token`, `get_token_blocking`, `invalidate`, `stats`, and
//!   helpers that apply a token to a request.
//! - [`Error`] with a stable [`ErrorKind`] code shared with the C and Python APIs.
//! - `testing` (cargo feature): a real loopback authorization server for tests.
//!
//! The library owns one small tokio runtime per process, started on the first
//! fetch; blocking calls run on it, and `fork()`ed children build their own.

mod apply;
mod client;
mod clock;
mod config;
mod credentials;
mod discovery;
mod entry;
mod error;
mod events;
mod fetch;
mod fork;
mod generation;
mod http;
mod jwt;
mod lifecycle;
#[cfg(feature = "reqwest-middleware")]
mod middleware;
mod private_files;
mod registration;
mod registry;
mod request;
mod response;
mod retry;
mod runtime;
mod secret;
mod settings;
mod signals;
mod stats;
mod store;
mod tls;
mod token;
mod unverified_jwt;

#[cfg(feature = "testing")]
pub mod testing;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use apply::Authorized;
pub use client::Client;
pub use config::{
    AuthMethod, BasicEncoding, ClientConfig, IntoSetting, Profiles, ScopeDelimiter, SettingInfo, SettingKind,
    SettingValue,
};
pub use credentials::SecretProvider;
pub use error::{Error, ErrorKind, OAuthErrorBody, Result};
pub use events::{Event, EventHook, EventKind, set_event_hook};
#[cfg(feature = "reqwest-middleware")]
pub use middleware::OAuthMiddleware;
#[doc(hidden)]
pub use registry::registry_len;
pub use secret::Secret;
pub use stats::{FailuresByKind, LATENCY_BUCKETS, LatencyHistogram, MetricInfo, StatCounter, Stats};
pub use token::Token;
pub use unverified_jwt::UnverifiedJwt;

/// This library's version, from Cargo.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The `User-Agent` sent with every token request.
pub const USER_AGENT: &str = http::USER_AGENT;
