//! [`AuthServer`]: the listener on 127.0.0.1, its own thread and runtime,
//! the connection loop, shutdown, and the handle's control methods.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::clients::ClientRegistration;
use super::handler::{self, Ctx};
use super::modes::{Fault, Quirk};
use super::record::{RecordedRequest, RegistrationRequest, ResourceRequest};
use super::state::Shared;
use super::tls::{PeerCert, ServerTls, TlsServer};

/// A real HTTP/1.1 OAuth 2.0 authorization server on `127.0.0.1`, for tests.
///
/// It serves a token endpoint at [`token_url`](Self::token_url), RFC 8414
/// metadata under `/.well-known/` and RFC 7591 dynamic client registration at
/// [`registration_url`](Self::registration_url). It runs on its own OS thread with its own
/// tokio runtime, so it can be started from synchronous code, from async code
/// (inside any runtime), and from other languages.
///
/// `AuthServer` is `Send + Sync`; every method takes `&self`. Dropping it
/// stops the server, closes every connection (in-flight requests are cut
/// off) and joins its thread.
pub struct AuthServer {
    addr: SocketAddr,
    scheme: &'static str,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl AuthServer {
    /// Starts a server on `127.0.0.1` on a free port.
    ///
    /// # Errors
    ///
    /// Fails when the thread, the runtime or the listening socket cannot be
    /// created.
    pub fn start() -> io::Result<AuthServer> {
        Self::launch(None)
    }

    /// Starts a server that speaks HTTPS on `127.0.0.1`, asking clients for a
    /// certificate (optional), so `tls_client_auth` and
    /// `self_signed_tls_client_auth` (RFC 8705) can be tested. Clients must
    /// trust the server certificate's CA.
    ///
    /// # Errors
    ///
    /// Fails when the TLS material is unusable, or as [`AuthServer::start`].
    pub fn start_tls(tls: ServerTls) -> io::Result<AuthServer> {
        Self::launch(Some(tls))
    }

    fn launch(tls: Option<ServerTls>) -> io::Result<AuthServer> {
        let scheme = if tls.is_some() { "https" } else { "http" };
        let shared = Arc::new(Shared::new());
        let (ready_tx, ready_rx) = mpsc::channel();
        let (shutdown_tx, shutdown_rx) = oneshot::channel();
        let thread_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("ooauthcc-test-authserver".into())
            .spawn(move || run(thread_shared, tls, ready_tx, shutdown_rx))?;
        let ready =
            ready_rx.recv().unwrap_or_else(|_| Err(io::Error::other("the test authorization server thread exited")));
        match ready {
            Ok(addr) => Ok(AuthServer { addr, scheme, shared, shutdown: Some(shutdown_tx), thread: Some(thread) }),
            Err(e) => {
                let _ = thread.join();
                Err(e)
            }
        }
    }

    /// `http://127.0.0.1:PORT` (`https://` for a TLS server).
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The token endpoint: `http://127.0.0.1:PORT/token`.
    pub fn token_url(&self) -> String {
        format!("{}/token", self.base_url())
    }

    /// `http(s)://127.0.0.1:PORT/resource`: a protected resource that answers
    /// 200 to a token this server issued and that has not expired (a word of
    /// any header's value, or any query parameter's value), 401 otherwise. It
    /// records every request: [`AuthServer::resource_requests`].
    pub fn resource_url(&self) -> String {
        format!("{}/resource", self.base_url())
    }

    /// The requests the resource received, oldest first, with the status it answered.
    pub fn resource_requests(&self) -> Vec<ResourceRequest> {
        self.shared.resource.requests()
    }

    /// Makes the resource answer the next `n` requests 401 `invalid_token`
    /// even with a valid token, as an API does with a token revoked early.
    pub fn reject_resource_requests(&self, n: u32) {
        self.shared.resource.reject_next(n);
    }

    /// Makes the resource answer 401 `invalid_token` to `token` from now on,
    /// though it has not expired (revoked at the API).
    pub fn revoke_token_at_resource(&self, token: &str) {
        self.shared.resource.revoke(token);
    }

    /// The dynamic client registration endpoint (RFC 7591):
    /// `http(s)://127.0.0.1:PORT/register`, also the `registration_endpoint`
    /// of the metadata. A `POST` of JSON client metadata
    /// (`Content-Type: application/json`) is answered 201 with a new
    /// `client_id` (`dcr-<n>-<8 hex digits>`) and `client_secret`, registered at
    /// once for the `client_credentials` grant and any scope, with
    /// `token_endpoint_auth_method` `client_secret_basic` (the default) or
    /// `client_secret_post` as asked; `client_id_issued_at`,
    /// `client_secret_expires_at` (0: never), `grant_types`, and `scope` and
    /// `client_name` when given are in the response too. Other metadata (an
    /// other auth method, `grant_types` without `client_credentials`, a body
    /// that is not a JSON object) is answered 400 `invalid_client_metadata`.
    /// See also [`require_initial_access_token`], [`set_registration_secret_lifetime`]
    /// and [`fail_registrations`].
    ///
    /// [`require_initial_access_token`]: Self::require_initial_access_token
    /// [`set_registration_secret_lifetime`]: Self::set_registration_secret_lifetime
    /// [`fail_registrations`]: Self::fail_registrations
    pub fn registration_url(&self) -> String {
        format!("{}/register", self.base_url())
    }

    /// Successful registrations (answered 201) since the start or
    /// [`reset_counts`](Self::reset_counts).
    pub fn registration_count(&self) -> u64 {
        self.shared.registration.count()
    }

    /// Every request that reached `/register`, oldest first (the last
    /// 10 000), refused ones included, with the status it was answered.
    pub fn registration_requests(&self) -> Vec<RegistrationRequest> {
        self.shared.registration.requests()
    }

    /// Requires registrations to carry `Authorization: Bearer <token>` (an
    /// RFC 7591 initial access token) from now on; others are answered 401
    /// `invalid_token`. `None` (the default): no token is required.
    pub fn require_initial_access_token(&self, token: Option<&str>) {
        self.shared.registration.require_initial_token(token);
    }

    /// Makes the client secrets issued by registrations from now on expire
    /// after `lifetime` (rounded up to a whole second of the wall clock, as
    /// `client_secret_expires_at` says); the token endpoint then answers 401
    /// `invalid_client` to them. `None` (the default): secrets never expire
    /// and `client_secret_expires_at` is 0.
    pub fn set_registration_secret_lifetime(&self, lifetime: Option<Duration>) {
        self.shared.registration.set_secret_lifetime(lifetime);
    }

    /// Answers the next `times` POSTs to `/register` with `status` and an
    /// empty body (after the latency), whatever they carry; then normal
    /// service resumes (`times` 0 cancels a pending failure). A number that
    /// is not an HTTP status is answered 500. [`set_fault`](Self::set_fault)
    /// does not apply to `/register`.
    pub fn fail_registrations(&self, times: u32, status: u16) {
        self.shared.registration.fail_next(times, status);
    }

    /// The issuer identifier, equal to [`base_url`](Self::base_url); the
    /// metadata is at `{issuer}/.well-known/oauth-authorization-server` and
    /// `{issuer}/.well-known/openid-configuration`.
    pub fn issuer(&self) -> String {
        self.base_url()
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Registers a client, replacing any client with the same id.
    pub fn register_client(&self, client: ClientRegistration) {
        self.shared.register(client);
    }

    /// Unregisters a client, as if the server had lost it (a registration
    /// deleted by an administrator, a database reset): the token endpoint then
    /// answers 401 `invalid_client` to it. Tokens already issued stay valid.
    /// Returns whether the client was registered.
    pub fn forget_client(&self, client_id: &str) -> bool {
        self.shared.forget(client_id)
    }

    /// The token requests that named this client id (by Basic or in the
    /// body), whatever their outcome, counted as soon as their body was read.
    pub fn request_count(&self, client_id: &str) -> u64 {
        self.shared.request_count(client_id)
    }

    /// The most token requests naming `client_id` that were ever in progress at
    /// the same time: 1 for a client that never sends two at once.
    pub fn max_concurrent_requests(&self, client_id: &str) -> u64 {
        self.shared.max_concurrent(client_id)
    }

    /// Every request to `/token`, whatever happened to it.
    pub fn total_requests(&self) -> u64 {
        self.shared.total()
    }

    /// Every request to `/token` in arrival order (the last 10 000).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests()
    }

    /// How many requests [`requests`](Self::requests) would return, without
    /// copying them.
    pub fn recorded_count(&self) -> usize {
        self.shared.recorded_count()
    }

    /// The recorded request at `index` (0 is the oldest still kept), or
    /// `None` past the end; as `requests()[index]`, without copying the others.
    pub fn recorded_request(&self, index: usize) -> Option<RecordedRequest> {
        self.shared.recorded(index)
    }

    /// Zeroes the request counters (token requests, registrations) and
    /// forgets the recorded requests (token, resource and registration
    /// requests). Issued tokens and registered clients stay valid, and the
    /// registration settings stay.
    pub fn reset_counts(&self) {
        self.shared.reset_counts();
        self.shared.resource.reset();
        self.shared.registration.reset();
    }

    /// Sets the lifetime of tokens issued from now on (default one hour).
    /// `expires_in` is its whole seconds, rounded down; [`is_valid_token`]
    /// uses the exact lifetime.
    ///
    /// [`is_valid_token`]: Self::is_valid_token
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.shared.set_lifetime(lifetime);
    }

    /// Closes keep-alive connections that stay idle this long (default: never),
    /// silently, as many real servers and load balancers do — for testing that
    /// clients survive a pooled connection the server has dropped.
    pub fn set_idle_close(&self, after: Option<Duration>) {
        self.shared.set_idle_close(after);
    }

    /// Sets a delay before answering every POST to `/token` and to
    /// `/register` (default none); concurrent requests wait side by side.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.set_latency(latency);
    }

    /// Sets the shape of successful responses (default [`Quirk::None`]).
    pub fn set_quirk(&self, quirk: Quirk) {
        self.shared.set_quirk(quirk);
    }

    /// Applies a fault to every POST to `/token` until cleared with `None`.
    /// Replaces any fault set before, including a counted one.
    pub fn set_fault(&self, fault: Option<Fault>) {
        self.shared.set_fault(fault);
    }

    /// Applies a fault to the next `times` POSTs to `/token`, after which
    /// normal service resumes. Replaces any fault set before.
    pub fn set_fault_times(&self, fault: Fault, times: u32) {
        self.shared.set_fault_times(fault, times);
    }

    /// The access tokens issued so far, in order.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.shared.issued()
    }

    /// When a token this server issued expires (by the server's wall clock);
    /// `None` for a token it did not issue.
    pub fn token_expiry(&self, token: &str) -> Option<std::time::SystemTime> {
        self.shared.expiry(token)
    }

    /// Whether this server issued the token and it has not expired by the
    /// server's wall clock, so a test can act as a resource server.
    pub fn is_valid_token(&self, token: &str) -> bool {
        self.shared.is_valid(token)
    }
}

impl fmt::Debug for AuthServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthServer").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl Drop for AuthServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The server thread: builds the runtime and listener, reports the address,
/// serves until shutdown, then drops the runtime (cancelling every task).
fn run(
    shared: Arc<Shared>,
    tls: Option<ServerTls>,
    ready: mpsc::Sender<io::Result<SocketAddr>>,
    shutdown: oneshot::Receiver<()>,
) {
    let tls = match tls.as_ref().map(TlsServer::new).transpose() {
        Ok(t) => t.map(Arc::new),
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    // This thread writes responses to clients that may have hung up.
    crate::signals::block_sigpipe_on_this_thread();
    let rt = match tokio::runtime::Builder::new_current_thread()
        .on_thread_start(crate::signals::block_sigpipe_on_this_thread)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    rt.block_on(async move {
        let bound = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await;
        let (listener, addr) = match bound.and_then(|l| l.local_addr().map(|a| (l, a))) {
            Ok(pair) => pair,
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        };
        let ctx = Arc::new(Ctx { shared, issuer: format!("{scheme}://{addr}"), seen_jtis: Default::default() });
        if ready.send(Ok(addr)).is_ok() {
            accept_loop(listener, ctx, tls, shutdown).await;
        }
    });
    rt.shutdown_timeout(Duration::from_secs(1));
}

/// Accepts connections until `shutdown` fires (or its sender is dropped),
/// serving each on its own task.
async fn accept_loop(
    listener: TcpListener,
    ctx: Arc<Ctx>,
    tls: Option<Arc<TlsServer>>,
    mut shutdown: oneshot::Receiver<()>,
) {
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors or similar: back off briefly.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let ctx = Arc::clone(&ctx);
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => serve(TokioIo::new(stream), ctx, None).await,
                // A failed handshake just ends the connection, as at any server.
                Some(tls) => {
                    if let Ok((stream, peer)) = tls.accept(stream).await {
                        serve(TokioIo::new(stream), ctx, peer.map(Arc::new)).await;
                    }
                }
            }
        });
    }
}

/// Serves HTTP/1.1 on one connection; `peer` is its client certificate.
async fn serve<I>(io: I, ctx: Arc<Ctx>, peer: Option<Arc<PeerCert>>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    // An idle close is hyper's header-read timeout: no next request within the
    // limit ends the connection without a response.
    let idle_close = ctx.shared.idle_close();
    let service = service_fn(move |req| handler::handle(Arc::clone(&ctx), req, peer.clone()));
    let _ = http1::Builder::new()
        .keep_alive(true)
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(idle_close)
        .serve_connection(io, service)
        .await;
}
