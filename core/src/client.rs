//! [`Client`]: the public handle to a cached, self-renewing token.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::config::ClientConfig;
use crate::entry::Entry;
use crate::error::Result;
use crate::registry;
use crate::runtime;
use crate::settings::Settings;
use crate::stats::Stats;
use crate::token::Token;

/// Gets client-credentials tokens for one configuration.
///
/// Cheap to clone and safe to share between threads. Every client built from the
/// same settings — in this process, from any language — shares one cache entry:
/// one token, one in-flight request, one set of [`Stats`].
///
/// ```no_run
/// # fn main() -> Result<(), ooauthcc_core::Error> {
/// use ooauthcc_core::{Client, ClientConfig};
/// let client = Client::new(
///     ClientConfig::new("https://idp.example.com/oauth2/token", "my-service", "s3cr3t")
///         .with_scopes(["orders.read"]),
/// )?;
/// let token = client.get_token_blocking()?;
/// let header = client.header_value(&token); // "Bearer eyJ…"
/// # let _ = header; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    entry: Arc<Entry>,
    settings: Arc<Settings>,
}

impl Client {
    /// Validates `config` and connects this client to the shared cache. Nothing
    /// is sent and no thread is started until the first token is asked for.
    pub fn new(config: ClientConfig) -> Result<Client> {
        crate::fork::install_handlers();
        let settings = Arc::new(Settings::from_config(&config)?);
        let entry = registry::entry_for(Arc::clone(&settings));
        Ok(Client { entry, settings })
    }

    /// A valid token: from the cache when it has one (no wait, no lock), else from
    /// the one request all concurrent callers share. Waits at most `get_timeout`.
    ///
    /// Dropping the future (or timing out) never cancels the shared request. The
    /// future can be awaited from any executor.
    pub async fn get_token(&self) -> Result<Token> {
        self.get_token_with_timeout(self.settings.get_timeout).await
    }

    /// [`Client::get_token`] waiting at most `timeout`.
    pub async fn get_token_with_timeout(&self, timeout: Duration) -> Result<Token> {
        self.entry.get(timeout).await
    }

    /// [`Client::get_token`] for synchronous code. Must not be called from inside
    /// an async runtime (returns an [`crate::ErrorKind::Usage`] error there).
    #[inline]
    pub fn get_token_blocking(&self) -> Result<Token> {
        self.get_token_blocking_with_timeout(self.settings.get_timeout)
    }

    /// [`Client::get_token_blocking`] waiting at most `timeout`.
    #[inline]
    pub fn get_token_blocking_with_timeout(&self, timeout: Duration) -> Result<Token> {
        if let Some(t) = self.entry.fresh() {
            return Ok(t);
        }
        runtime::block_on(self.entry.get(timeout))
    }

    /// The cached token if it is fresh (not yet due for refresh): the hot path
    /// alone, never waiting and never starting a fetch. Bindings use it to answer
    /// without a round trip through the runtime.
    #[inline]
    pub fn fresh_token(&self) -> Option<Token> {
        self.entry.fresh()
    }

    /// Calls `f` with the fresh cached access token, borrowed — the hot path
    /// with no handle taken: no reference count, no allocation, no lock (the
    /// hit is counted on the calling thread's stripe). `None` when no fresh
    /// token is cached: then [`Client::get_token`]. Keep `f` short; it must
    /// not keep the token.
    #[inline]
    pub fn with_fresh_token<R>(&self, f: impl FnOnce(&str) -> R) -> Option<R> {
        self.entry.with_fresh(|t| f(t.access_token.expose()))
    }

    /// [`Client::with_fresh_token`] for the header value: `f` gets its three
    /// parts, `[before, token, after]` of `header_format` (`["Bearer ", token,
    /// ""]` by default), to copy into a buffer of the caller's without
    /// building a string.
    #[inline]
    pub fn with_fresh_header_value<R>(&self, f: impl FnOnce([&str; 3]) -> R) -> Option<R> {
        let format = &self.settings.resource.header_format;
        self.entry.with_fresh(|t| f(format.parts(t.access_token.expose())))
    }

    /// Whether `token` is still the cached token and fresh — the hot path
    /// without taking a new handle (counts a cache hit when true). For bindings
    /// that keep the current token in their own form next to its [`Token`].
    #[inline]
    pub fn is_fresh(&self, token: &Token) -> bool {
        self.entry.is_fresh(token)
    }

    /// How long [`Client::get_token`] waits by default (the `get_timeout` setting).
    pub fn get_timeout(&self) -> Duration {
        self.settings.get_timeout
    }

    /// Gets a token without blocking the caller: `done` is called exactly once
    /// with the result — on the caller's thread when the cache has a fresh token,
    /// otherwise on a core runtime thread. For bindings whose callers have their
    /// own event loop (Python asyncio, C callbacks). `done` must not block.
    ///
    /// Fails (without calling `done`) only when the runtime cannot be started.
    pub fn get_token_with_callback<F>(&self, timeout: Duration, done: F) -> Result<()>
    where
        F: FnOnce(Result<Token>) + Send + 'static,
    {
        if let Some(t) = self.entry.fresh() {
            done(Ok(t));
            return Ok(());
        }
        let slot = runtime::slot()?;
        let entry = Arc::clone(&self.entry);
        slot.handle.spawn(async move { done(entry.get(timeout).await) });
        Ok(())
    }

    /// A token without ever waiting: the cached one if it may be served (a
    /// stale one's background renewal starts, as [`Client::get_token`] would),
    /// or `Ok(None)` when the cache has none — then the one shared fetch is
    /// under way (started here if no caller had), and a later call gets its
    /// token. The error of a fetch that just failed is returned (for the
    /// failure's hold time) rather than `None`. For event loops that poll, and
    /// for bindings answering from the caller's thread.
    pub fn try_get_token(&self) -> Result<Option<Token>> {
        self.entry.try_get()
    }

    /// A token that stays valid at least `min` longer (by the server's expiry):
    /// the cached one when it does, else a new one after compare-and-invalidate
    /// of the cached one, so concurrent callers asking the same share one
    /// renewal. The new token is returned even when the server's tokens live
    /// less than `min`; the caller decides whether that will do
    /// ([`Token::valid_for`]).
    pub async fn get_token_lasting(&self, min: Duration) -> Result<Token> {
        let token = self.get_token().await?;
        if token.valid_for() >= min {
            return Ok(token);
        }
        self.invalidate(token.access_token());
        self.get_token().await
    }

    /// [`Client::get_token_lasting`] for synchronous code.
    pub fn get_token_lasting_blocking(&self, min: Duration) -> Result<Token> {
        runtime::block_on(self.get_token_lasting(min))
    }

    /// The cached token if it may still be served, without fetching.
    pub fn cached_token(&self) -> Option<Token> {
        self.entry.cached()
    }

    /// Compare-and-invalidate: drops the cached token only if it is
    /// `access_token` (the one a resource server rejected with 401), so that many
    /// callers reporting the same rejected token cause a single refetch. Returns
    /// whether the token was dropped.
    pub fn invalidate(&self, access_token: &str) -> bool {
        self.entry.invalidate(access_token)
    }

    /// Counters of the cache entry this client shares.
    pub fn stats(&self) -> Stats {
        self.entry.counters.snapshot()
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.settings.client_id
    }

    /// The configured token endpoint, or with discovery the issuer it is
    /// discovered from.
    pub fn token_url(&self) -> &str {
        self.settings.endpoint.configured().as_str()
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.settings
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.settings.endpoint.configured().as_str())
            .field("client_id", &self.settings.client_id)
            .field("auth_method", &self.settings.auth_method)
            .field("scopes", &self.settings.scopes)
            .finish_non_exhaustive()
    }
}
