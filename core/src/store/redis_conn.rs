//! How the store reaches Redis, by `store_url`:
//!
//! - `redis://…`, `rediss://…` (TLS), `redis+unix://…`: one server, through
//!   the crate's `ConnectionManager` (multiplexed, reconnects by itself);
//! - `redis+cluster://[:password@]host:port,host:port`: Redis Cluster
//!   (`rediss+cluster://…` over TLS);
//! - `redis+sentinel://[:password@]host:port,host:port/service[/db]`: the
//!   master Sentinel names for `service` (the password is the master's);
//!   `rediss+sentinel://…`: the same, over TLS to the sentinels and the master.
//!
//! Cluster and Sentinel connections are made at first use and dropped after a
//! failed command, so the next command connects again — to the new master
//! after a Sentinel failover.
//!
//! TLS is rustls (the crate's `tokio-rustls-comp`), with the system's trust
//! anchors unless `store_ca_bundle_file` replaces them.

use std::future::Future;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig, MultiplexedConnection, PubSub};
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::io::tcp::TcpSettings;
use redis::sentinel::{SentinelClient, SentinelClientBuilder, SentinelNodeConnectionInfo, SentinelServerType};
use redis::{ClientTlsConfig, IntoConnectionInfo as _, RedisConnectionInfo, RedisResult, TlsCertificates, TlsMode};

use super::tls::StoreTls;
use crate::error::{Error, ErrorKind, Result};

const CLUSTER_SCHEME: &str = "redis+cluster://";
const CLUSTER_TLS_SCHEME: &str = "rediss+cluster://";
const SENTINEL_SCHEME: &str = "redis+sentinel://";
const SENTINEL_TLS_SCHEME: &str = "rediss+sentinel://";

pub(crate) enum Conn {
    // Boxed: with TLS parameters the client is large, and the others are boxed.
    Single { client: Box<redis::Client>, manager: ConnectionManager },
    Cluster(Box<Reconnecting<ClusterClient>>),
    Sentinel(Box<Reconnecting<tokio::sync::Mutex<SentinelClient>>>),
}

/// Something that makes connections of type `Conn`.
pub(crate) trait Connect {
    type Conn: Clone;
    async fn connect(&self) -> RedisResult<Self::Conn>;
}

impl Connect for ClusterClient {
    type Conn = ClusterConnection;
    async fn connect(&self) -> RedisResult<ClusterConnection> {
        self.get_async_connection().await
    }
}

impl Connect for tokio::sync::Mutex<SentinelClient> {
    type Conn = MultiplexedConnection;
    async fn connect(&self) -> RedisResult<MultiplexedConnection> {
        let master = self.lock().await.async_get_client().await?;
        master.get_multiplexed_async_connection().await
    }
}

/// A connection made on demand and forgotten after a failure.
pub(crate) struct Reconnecting<S: Connect> {
    pub source: S,
    current: tokio::sync::Mutex<Option<S::Conn>>,
}

impl<S: Connect> Reconnecting<S> {
    fn new(source: S) -> Self {
        Reconnecting { source, current: tokio::sync::Mutex::new(None) }
    }

    /// The connection, made now if there is none.
    pub(crate) async fn get(&self, timeout: Duration) -> Result<S::Conn> {
        let mut slot = self.current.lock().await;
        if let Some(c) = slot.as_ref() {
            return Ok(c.clone());
        }
        let c = bounded("connect", timeout, self.source.connect()).await?;
        *slot = Some(c.clone());
        Ok(c)
    }

    /// Drops the connection after a failed command: the next use reconnects.
    pub(crate) async fn forget(&self) {
        *self.current.lock().await = None;
    }
}

impl Conn {
    /// Parses `url` and prepares the connection; nothing is sent yet. Must run
    /// on the runtime (the connection manager's tasks live there).
    pub(crate) fn open(url: &str, tls: Option<&StoreTls>, timeout: Duration) -> Result<Conn> {
        let connect_timeout = connect_timeout(timeout);
        if let Some(rest) = url.strip_prefix(CLUSTER_SCHEME) {
            return Ok(Conn::Cluster(Box::new(Reconnecting::new(cluster_client(rest, false, None, connect_timeout)?))));
        }
        if let Some(rest) = url.strip_prefix(CLUSTER_TLS_SCHEME) {
            return Ok(Conn::Cluster(Box::new(Reconnecting::new(cluster_client(rest, true, tls, connect_timeout)?))));
        }
        if let Some(rest) = url.strip_prefix(SENTINEL_SCHEME) {
            return Ok(Conn::Sentinel(Box::new(Reconnecting::new(tokio::sync::Mutex::new(sentinel_client(rest)?)))));
        }
        if let Some(rest) = url.strip_prefix(SENTINEL_TLS_SCHEME) {
            let client = sentinel_tls_client(rest, tls)?;
            return Ok(Conn::Sentinel(Box::new(Reconnecting::new(tokio::sync::Mutex::new(client)))));
        }
        let info =
            url.into_connection_info().map_err(|e| store_error("cannot use store_url", &e))?.set_tcp_settings(tcp());
        let client = match tls {
            Some(tls) => redis::Client::build_with_tls(info, certificates(tls)),
            None => redis::Client::open(info),
        }
        .map_err(|e| store_error("cannot use store_url", &e))?;
        let config = ConnectionManagerConfig::new()
            // Our own deadline (`store_timeout`) bounds every command; the
            // manager's reconnects stay quick, so a restarted Redis is picked
            // up at the next fetch.
            .set_connection_timeout(Some(connect_timeout))
            .set_response_timeout(None)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_secs(2))
            .set_number_of_retries(2);
        let manager = ConnectionManager::new_lazy_with_config(client.clone(), config)
            .map_err(|e| store_error("cannot set up the store connection", &e))?;
        Ok(Conn::Single { client: Box::new(client), manager })
    }

    /// A subscription on a connection of its own (Redis requires one). A
    /// cluster has none to offer: its waiters poll.
    pub(crate) async fn subscribe(&self, channel: &str, timeout: Duration) -> Result<PubSub> {
        let client = match self {
            Conn::Single { client, .. } => (**client).clone(),
            Conn::Sentinel(s) => {
                bounded("ask Sentinel for the master", timeout, async {
                    s.source.lock().await.async_get_client().await
                })
                .await?
            }
            Conn::Cluster(_) => {
                return Err(Error::new(ErrorKind::Store, "no pub/sub on a Redis Cluster store: polling"));
            }
        };
        bounded("SUBSCRIBE", timeout, async move {
            let mut sub = client.get_async_pubsub().await?;
            sub.subscribe(channel).await?;
            Ok(sub)
        })
        .await
    }
}

/// Whether `url` is a store URL we can use, without connecting.
pub(crate) fn is_valid_url(url: &str) -> bool {
    if let Some(rest) = url.strip_prefix(CLUSTER_SCHEME) {
        return cluster_client(rest, false, None, connect_timeout(Duration::ZERO)).is_ok();
    }
    if let Some(rest) = url.strip_prefix(CLUSTER_TLS_SCHEME) {
        return cluster_client(rest, true, None, connect_timeout(Duration::ZERO)).is_ok();
    }
    if let Some(rest) = url.strip_prefix(SENTINEL_SCHEME) {
        return sentinel_client(rest).is_ok();
    }
    if let Some(rest) = url.strip_prefix(SENTINEL_TLS_SCHEME) {
        return sentinel_tls_client(rest, None).is_ok();
    }
    redis::Client::open(url).is_ok()
}

/// How long the crate may take to (re)connect in the background: at least
/// 2 s, so a connection survives a slow TLS handshake even when one command
/// may wait less (`store_timeout`, default 0.5 s), and a later command finds it
/// made; longer when `store_timeout` is.
fn connect_timeout(store_timeout: Duration) -> Duration {
    store_timeout.max(Duration::from_secs(2))
}

fn tcp() -> TcpSettings {
    // Without TCP_NODELAY, the small writes of the connection handshake wait
    // on delayed ACKs: ~180 ms before the first command on loopback.
    TcpSettings::default().set_nodelay(true)
}

/// The store's TLS files as the crate takes them (the key is copied: the
/// crate keeps its own parsed copy for reconnections anyway).
fn certificates(tls: &StoreTls) -> TlsCertificates {
    TlsCertificates {
        client_tls: tls.client.as_ref().map(|(cert, key)| ClientTlsConfig {
            client_cert: cert.clone(),
            client_key: key.expose().as_bytes().to_vec(),
        }),
        root_cert: tls.ca_bundle.clone(),
    }
}

/// `[:password@]host:port,host:port[/path]` to its password part (with the
/// `@`), its `redis://host:port` nodes and the path.
fn split_nodes(rest: &str) -> Result<(String, Vec<String>, String)> {
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (auth, hosts) = match authority.rsplit_once('@') {
        Some((auth, hosts)) => (format!("{auth}@"), hosts),
        None => (String::new(), authority),
    };
    let nodes: Vec<String> = hosts.split(',').filter(|h| !h.is_empty()).map(|h| format!("redis://{h}")).collect();
    if nodes.is_empty() {
        return Err(Error::new(ErrorKind::Store, "store_url names no Redis node"));
    }
    Ok((auth, nodes, path.to_owned()))
}

fn cluster_client(
    rest: &str,
    use_tls: bool,
    tls: Option<&StoreTls>,
    connect_timeout: Duration,
) -> Result<ClusterClient> {
    let (auth, nodes, _) = split_nodes(rest)?;
    let scheme = if use_tls { "rediss://" } else { "redis://" };
    let nodes: Vec<String> = nodes.iter().map(|n| n.replacen("redis://", &format!("{scheme}{auth}"), 1)).collect();
    let mut builder = ClusterClient::builder(nodes).tcp_settings(tcp()).connection_timeout(connect_timeout).retries(1);
    if let Some(tls) = tls {
        builder = builder.certs(certificates(tls));
    }
    builder.build().map_err(|e| store_error("cannot use store_url", &e))
}

/// The sentinels' `redis://host:port` URLs, the service name and the master's
/// password and database of `[:password@]host:port,…/service[/db]`.
fn sentinel_parts(rest: &str) -> Result<(Vec<String>, String, RedisConnectionInfo)> {
    let (auth, sentinels, path) = split_nodes(rest)?;
    let mut parts = path.split('/').filter(|p| !p.is_empty());
    let service = parts.next().ok_or_else(|| {
        Error::new(ErrorKind::Store, "a redis+sentinel:// store_url needs the service name as its path")
    })?;
    let db = parts.next().unwrap_or("0");
    // The master's password and database, read by the crate's own URL parser.
    let master = format!("redis://{auth}sentinel-master/{db}")
        .into_connection_info()
        .map_err(|e| store_error("cannot use store_url", &e))?;
    Ok((sentinels, service.to_owned(), master.redis_settings().clone()))
}

fn sentinel_client(rest: &str) -> Result<SentinelClient> {
    let (sentinels, service, master) = sentinel_parts(rest)?;
    let node = SentinelNodeConnectionInfo::default().set_redis_connection_info(master).set_tcp_settings(tcp());
    SentinelClient::build(sentinels, service, Some(node), SentinelServerType::Master)
        .map_err(|e| store_error("cannot use store_url", &e))
}

/// Sentinel over TLS: to the sentinels and to the master they name, with the
/// same trust anchors and client certificate.
fn sentinel_tls_client(rest: &str, tls: Option<&StoreTls>) -> Result<SentinelClient> {
    let (sentinels, service, master) = sentinel_parts(rest)?;
    let unusable = |e: redis::RedisError| store_error("cannot use store_url", &e);
    let addrs = sentinels
        .iter()
        .map(|s| s.replacen("redis://", "rediss://", 1).into_connection_info().map(|i| i.addr().clone()))
        .collect::<RedisResult<Vec<_>>>()
        .map_err(unusable)?;
    let mut builder = SentinelClientBuilder::new(addrs, service, SentinelServerType::Master)
        .map_err(unusable)?
        .set_client_to_redis_db(master.db())
        .set_client_to_redis_tls_mode(TlsMode::Secure)
        .set_client_to_redis_tcp_settings(tcp())
        .set_client_to_sentinel_tls_mode(TlsMode::Secure)
        .set_client_to_sentinel_tcp_settings(tcp());
    if let Some(user) = master.username() {
        builder = builder.set_client_to_redis_username(user);
    }
    if let Some(password) = master.password() {
        builder = builder.set_client_to_redis_password(password);
    }
    if let Some(tls) = tls {
        builder = builder
            .set_client_to_redis_certificates(certificates(tls))
            .set_client_to_sentinel_certificates(certificates(tls));
    }
    builder.build().map_err(unusable)
}

/// Runs one store command with a deadline, naming it in the error.
pub(crate) async fn bounded<T>(
    what: &str,
    timeout: Duration,
    op: impl Future<Output = redis::RedisResult<T>>,
) -> Result<T> {
    match tokio::time::timeout(timeout, op).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(store_error(what, &e)),
        Err(_) => {
            Err(Error::new(ErrorKind::Store, format!("store {what} took longer than store_timeout ({timeout:?})")))
        }
    }
}

/// The error for a failed store operation. Redis errors may quote the URL
/// (and its password) or our keys, so only their category is reported.
pub(crate) fn store_error(what: &str, e: &redis::RedisError) -> Error {
    let why = if e.is_connection_refusal() {
        "connection refused"
    } else if e.is_timeout() {
        "timed out"
    } else if e.is_io_error() || e.is_connection_dropped() {
        "connection failed"
    } else {
        match e.kind() {
            redis::ErrorKind::InvalidClientConfig => "invalid store_url",
            redis::ErrorKind::AuthenticationFailed => "authentication failed",
            _ => "the server refused the command",
        }
    };
    Error::new(ErrorKind::Store, format!("store {what} failed: {why}"))
}
