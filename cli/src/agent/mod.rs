//! `ooauthcc agent`: a long-running process that vends the tokens of every
//! profile of a profiles file, for sidecars and for languages that will not
//! link a shared library (README, "Token agent").
//!
//! - a Unix socket, authorised by the peer's UID/GID as the kernel reports
//!   them (`SO_PEERCRED`), and optionally loopback HTTP, authorised by a bearer
//!   secret read from a file;
//! - `GET /v1/token/{profile}` (JSON), `GET /v1/header/{profile}` (the header
//!   line), `GET /metrics` (Prometheus), `GET /healthz`;
//! - every profile kept fresh by the core's refresh-ahead (`fresh.rs`);
//! - SIGTERM or SIGINT: stop accepting, finish the requests in flight, remove
//!   the socket, exit 0.

mod fresh;
mod listen;
mod metrics;
mod options;
pub mod request;
mod respond;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use clap::ArgMatches;
use ooauthcc_core::{Client, ErrorKind};
use tokio::sync::watch;

use crate::failure::Failure;
use crate::sources;
use options::Options;
pub use options::args;

/// How long requests in flight may take to finish after SIGTERM.
const DRAIN: Duration = Duration::from_secs(10);

/// What every connection's handler shares.
pub struct Agent {
    /// The clients, by profile name.
    pub profiles: BTreeMap<String, Client>,
    /// The Prometheus registry with the profiles' and the agent's own metrics.
    pub metrics: metrics::Metrics,
    /// The loopback HTTP listener's bearer secret.
    pub bearer: Option<ooauthcc_core::Secret>,
}

/// Runs the agent until SIGTERM or SIGINT.
pub fn run(global: &ArgMatches, own: &ArgMatches) -> Result<(), Failure> {
    if let Some(name) = sources::any_setting_flag(global) {
        return Err(Failure::new(
            ErrorKind::InvalidArgument,
            format!(
                "--{}: the agent serves the profiles of --config as they are; setting flags do not apply",
                name.replace('_', "-")
            ),
        ));
    }
    if global.value_source("profile") == Some(clap::parser::ValueSource::CommandLine) {
        return Err(Failure::new(
            ErrorKind::InvalidArgument,
            "--profile: the agent serves every profile of --config (one per URL path)",
        ));
    }
    let options = Options::from_matches(own)?;
    let profiles = clients(global)?;
    let bearer = options.bearer()?;
    init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ooauthcc-agent")
        .enable_all()
        .build()
        .map_err(|e| Failure::Io(format!("cannot start the agent's runtime: {e}")))?;
    let metrics = metrics::Metrics::new(&profiles);
    let agent = Arc::new(Agent { profiles, metrics, bearer });
    runtime.block_on(serve(agent, options))
}

/// A client per profile; a profile that is not valid stops the agent at start,
/// named, rather than failing each request later.
fn clients(global: &ArgMatches) -> Result<BTreeMap<String, Client>, Failure> {
    let path = sources::profiles_path(global)?;
    let file = sources::profiles(&path)?;
    if file.profiles.is_empty() {
        return Err(Failure::new(ErrorKind::Config, format!("{}: no profiles to serve", path.display())));
    }
    let mut clients = BTreeMap::new();
    for (name, config) in file.profiles {
        if !request::is_valid_profile_name(&name) {
            return Err(Failure::new(
                ErrorKind::Config,
                format!(
                    "profile {name:?}: an agent serves profiles whose names are 1 to {} letters, digits, '.', '_' or '-'",
                    request::MAX_PROFILE_NAME
                ),
            ));
        }
        let client =
            Client::new(config).map_err(|e| Failure::new(e.kind(), format!("profile {name}: {}", e.message())))?;
        clients.insert(name, client);
    }
    Ok(clients)
}

async fn serve(agent: Arc<Agent>, options: Options) -> Result<(), Failure> {
    let (stop_tx, stop) = watch::channel(false);
    let (alive, mut all_closed) = tokio::sync::mpsc::channel::<()>(1);
    let conns = listen::Connections { stop: stop.clone(), alive };
    let mut tasks = tokio::task::JoinSet::new();
    let mut bound = Vec::new();
    if let Some(path) = &options.socket {
        let listener = listen::bind_unix(path, &options.access)?;
        eprintln!("ooauthcc agent: listening on unix:{}", path.display());
        bound.push(path.clone());
        tasks.spawn(listen::accept_unix(listener, Arc::clone(&agent), options.access.clone(), conns.clone()));
    }
    if let Some(addr) = options.http {
        let listener = listen::bind_http(addr).await?;
        let local = listener.local_addr().map_err(|e| Failure::Io(format!("--http {addr}: {e}")))?;
        eprintln!("ooauthcc agent: listening on http://{local}");
        tasks.spawn(listen::accept_http(listener, Arc::clone(&agent), conns.clone()));
    }
    drop(conns);
    for (name, client) in &agent.profiles {
        tasks.spawn(fresh::keep_fresh(name.clone(), client.clone(), stop.clone()));
    }

    shutdown_signal().await?;
    tracing::info!("shutting down: no new connections; finishing the requests in flight");
    let _ = stop_tx.send(true);
    while tasks.join_next().await.is_some() {}
    // Each connection holds a sender: recv() ends when the last one closed.
    if tokio::time::timeout(DRAIN, all_closed.recv()).await.is_err() {
        tracing::warn!(seconds = DRAIN.as_secs(), "requests still in flight after the drain time; closing them");
    }
    for path in bound {
        let _ = std::fs::remove_file(path);
    }
    eprintln!("ooauthcc agent: stopped");
    Ok(())
}

/// Resolves on the first SIGTERM or SIGINT.
async fn shutdown_signal() -> Result<(), Failure> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).map_err(|e| Failure::Io(format!("cannot watch SIGTERM: {e}")))?;
    let mut int = signal(SignalKind::interrupt()).map_err(|e| Failure::Io(format!("cannot watch SIGINT: {e}")))?;
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    Ok(())
}

/// Log lines (the library's and the agent's) on standard error, at INFO and
/// above; they never hold a token or a secret.
fn init_logging() {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_target(false)
        .try_init();
}
