//! The listeners: binding them safely, accepting connections, and telling the
//! handler who is on the other end.

use std::io::ErrorKind as IoKind;
use std::net::SocketAddr;
use std::os::unix::fs::{DirBuilderExt as _, FileTypeExt as _, PermissionsExt as _};
use std::path::Path;
use std::sync::Arc;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use ooauthcc_core::ErrorKind;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::{mpsc, watch};

use super::Agent;
use super::options::Access;
use super::respond;
use crate::failure::Failure;

/// How long a connection may take to send a request's head.
const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Who is on the other end of a connection, as far as authorisation goes.
#[derive(Debug, Clone, Copy)]
pub enum Peer {
    /// A Unix-socket peer with the kernel's view of its credentials.
    Unix {
        /// Its effective user id.
        uid: u32,
        /// Its effective (primary) group id.
        gid: u32,
        /// Whether the allow list lets it in.
        allowed: bool,
    },
    /// A loopback HTTP peer: each request must carry the bearer secret.
    Http,
}

impl Peer {
    /// The `listener` label of the agent's request metrics.
    pub fn listener(&self) -> &'static str {
        match self {
            Peer::Unix { .. } => "unix",
            Peer::Http => "http",
        }
    }
}

/// Binds the Unix socket at `path`. A socket file left by an agent that is
/// gone is replaced; a live agent's socket, or any other kind of file, is an
/// error (never deleted). The parent directory is created private (0700).
pub fn bind_unix(path: &Path, access: &Access) -> Result<UnixListener, Failure> {
    let shown = path.display();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.exists()
    {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)
            .map_err(|e| Failure::Io(format!("--socket {shown}: cannot create its directory: {e}")))?;
    }
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_socket() => {
            if std::os::unix::net::UnixStream::connect(path).is_ok() {
                return Err(Failure::new(
                    ErrorKind::Config,
                    format!("--socket {shown}: another agent is serving on it"),
                ));
            }
            std::fs::remove_file(path).map_err(|e| Failure::Io(format!("--socket {shown}: cannot replace it: {e}")))?;
        }
        Ok(_) => {
            return Err(Failure::new(ErrorKind::Config, format!("--socket {shown}: exists and is not a socket")));
        }
        Err(e) if e.kind() == IoKind::NotFound => {}
        Err(e) => return Err(Failure::Io(format!("--socket {shown}: {e}"))),
    }
    let listener = UnixListener::bind(path).map_err(|e| Failure::Io(format!("--socket {shown}: {e}")))?;
    let mode = if access.only_self() { 0o600 } else { 0o666 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| Failure::Io(format!("--socket {shown}: cannot set its mode: {e}")))?;
    Ok(listener)
}

/// Binds loopback HTTP (the address was checked to be loopback).
pub async fn bind_http(addr: SocketAddr) -> Result<TcpListener, Failure> {
    TcpListener::bind(addr).await.map_err(|e| Failure::Io(format!("--http {addr}: {e}")))
}

/// What every connection task holds: the shutdown signal, and a sender whose
/// last clone dropped tells the agent that no connection is left.
#[derive(Clone)]
pub struct Connections {
    /// Turns true on shutdown.
    pub stop: watch::Receiver<bool>,
    /// Held while a connection is served.
    pub alive: mpsc::Sender<()>,
}

/// Accepts Unix-socket connections until shutdown, each checked against `access`.
pub async fn accept_unix(listener: UnixListener, agent: Arc<Agent>, access: Access, conns: Connections) {
    let mut stop = conns.stop.clone();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|s| *s) => return,
        };
        let stream = match stream {
            Ok((stream, _)) => stream,
            Err(e) => {
                tracing::warn!(error = %e, "cannot accept a connection on the Unix socket");
                pause_after_accept_error().await;
                continue;
            }
        };
        let peer = match stream.peer_cred() {
            Ok(cred) => {
                let (uid, gid) = (cred.uid(), cred.gid());
                let allowed = access.allows(uid, gid);
                if !allowed {
                    agent.metrics.refused.inc();
                    tracing::warn!(uid, gid, pid = cred.pid(), "refused a Unix-socket peer not on the allow list");
                }
                Peer::Unix { uid, gid, allowed }
            }
            Err(e) => {
                // Without credentials the peer cannot be authorised: drop it.
                tracing::warn!(error = %e, "cannot read a Unix-socket peer's credentials; connection dropped");
                agent.metrics.refused.inc();
                continue;
            }
        };
        serve_connection(stream, peer, Arc::clone(&agent), conns.clone());
    }
}

/// Accepts loopback HTTP connections until shutdown.
pub async fn accept_http(listener: TcpListener, agent: Arc<Agent>, conns: Connections) {
    let mut stop = conns.stop.clone();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|s| *s) => return,
        };
        match accepted {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                serve_connection(stream, Peer::Http, Arc::clone(&agent), conns.clone());
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot accept an HTTP connection");
                pause_after_accept_error().await;
            }
        }
    }
}

/// Serves HTTP/1.1 on one connection, as its own task. On shutdown the
/// request in progress is finished and answered with `Connection: close`.
fn serve_connection<S>(stream: S, peer: Peer, agent: Arc<Agent>, conns: Connections)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req| respond::handle(Arc::clone(&agent), peer, req));
    tokio::spawn(async move {
        let Connections { mut stop, alive } = conns;
        // A client that never finishes its request head is cut off, not kept.
        let conn = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_READ_TIMEOUT)
            .max_buf_size(64 * 1024)
            .serve_connection(TokioIo::new(stream), service);
        let mut conn = std::pin::pin!(conn);
        let ended = tokio::select! {
            ended = conn.as_mut() => ended,
            () = async { drop(stop.wait_for(|s| *s).await) } => {
                conn.as_mut().graceful_shutdown();
                conn.await
            }
        };
        if let Err(e) = ended {
            tracing::debug!(error = %e, "connection ended with an error");
        }
        drop(alive);
    });
}

/// Out of file descriptors, say: back off a little instead of spinning.
async fn pause_after_accept_error() {
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
}
