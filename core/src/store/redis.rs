//! The Redis side of the shared store: one multiplexed, self-reconnecting
//! connection per server (per fork generation), and the few commands the
//! distributed single flight needs, each bounded by `store_timeout`.
//!
//! The lock is Redis's documented single-instance lock: `SET key owner NX PX
//! lease` to take it, and compare-then-delete / compare-then-extend in Lua so a
//! process never releases or extends a lock that expired and was taken by
//! another.

use std::future::Future;
use std::time::Duration;

use once_cell::sync::Lazy;
use redis::aio::{ConnectionManager, ConnectionManagerConfig, PubSub};
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::io::tcp::TcpSettings;
use redis::{FromRedisValue, IntoConnectionInfo as _, Script};

use crate::error::{Error, ErrorKind, Result};

/// Deletes the lock only if we still own it.
static UNLOCK: Lazy<Script> = Lazy::new(|| {
    Script::new("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end")
});

/// Extends the lock only if we still own it.
static RENEW: Lazy<Script> = Lazy::new(|| {
    Script::new(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end",
    )
});

/// A connection to one Redis deployment.
pub(crate) struct RedisStore {
    conn: Conn,
}

enum Conn {
    /// One server (`redis://`, `redis+unix://`): a multiplexed connection that
    /// reconnects by itself, and the client for pub/sub connections.
    Single { client: redis::Client, manager: ConnectionManager },
    /// Redis Cluster (`redis+cluster://host:port,host:port`): connected at first
    /// use and again after a failed connect. Waiting processes poll (pub/sub
    /// messages are not routed to a plain subscriber on every node).
    Cluster(Box<ClusterStore>),
}

/// The cluster client and its connection (boxed: much larger than `Single`).
struct ClusterStore {
    client: ClusterClient,
    conn: tokio::sync::Mutex<Option<ClusterConnection>>,
}

/// The prefix of a Redis Cluster `store_url`.
pub(crate) const CLUSTER_SCHEME: &str = "redis+cluster://";

impl RedisStore {
    /// Parses `url` and prepares a connection made at first use (so a store
    /// that is down when the client is built only delays sharing).
    pub(crate) fn open(url: &str) -> Result<RedisStore> {
        let conn = match url.strip_prefix(CLUSTER_SCHEME) {
            Some(rest) => {
                let client = ClusterClient::builder(cluster_nodes(rest)?)
                    .tcp_settings(tcp())
                    .connection_timeout(Duration::from_secs(2))
                    .retries(1)
                    .build()
                    .map_err(|e| store_error("cannot use store_url", &e))?;
                Conn::Cluster(Box::new(ClusterStore { client, conn: tokio::sync::Mutex::new(None) }))
            }
            None => {
                let info = url
                    .into_connection_info()
                    .map_err(|e| store_error("cannot use store_url", &e))?
                    .set_tcp_settings(tcp());
                let client = redis::Client::open(info).map_err(|e| store_error("cannot use store_url", &e))?;
                let config = ConnectionManagerConfig::new()
                    // Our own deadline (`store_timeout`) bounds every command;
                    // the manager's reconnects stay quick, so a restarted Redis
                    // is picked up at the next fetch.
                    .set_connection_timeout(Some(Duration::from_secs(2)))
                    .set_response_timeout(None)
                    .set_min_delay(Duration::from_millis(50))
                    .set_max_delay(Duration::from_secs(2))
                    .set_number_of_retries(2);
                let manager = ConnectionManager::new_lazy_with_config(client.clone(), config)
                    .map_err(|e| store_error("cannot set up the store connection", &e))?;
                Conn::Single { client, manager }
            }
        };
        Ok(RedisStore { conn })
    }

    /// The value at `key`.
    pub(crate) async fn get(&self, key: &str, timeout: Duration) -> Result<Option<Vec<u8>>> {
        self.query("GET", redis::cmd("GET").arg(key).clone(), timeout).await
    }

    /// Stores `value` at `key`, expiring after `ttl`.
    pub(crate) async fn set(&self, key: &str, value: &str, ttl: Duration, timeout: Duration) -> Result<()> {
        let cmd = redis::cmd("SET").arg(key).arg(value).arg("PX").arg(millis(ttl)).clone();
        self.query("SET", cmd, timeout).await
    }

    /// Takes the lock at `key` for `lease` if nobody holds it.
    pub(crate) async fn try_lock(&self, key: &str, owner: &str, lease: Duration, timeout: Duration) -> Result<bool> {
        let cmd = redis::cmd("SET").arg(key).arg(owner).arg("NX").arg("PX").arg(millis(lease)).clone();
        let reply: Option<String> = self.query("SET NX", cmd, timeout).await?;
        Ok(reply.is_some())
    }

    /// Extends our lock at `key` to `lease` from now; false when it is no longer ours.
    pub(crate) async fn renew(&self, key: &str, owner: &str, lease: Duration, timeout: Duration) -> Result<bool> {
        let mut inv = RENEW.key(key);
        inv.arg(owner).arg(millis(lease));
        let n: i64 = self.script("renew lock", &inv, timeout).await?;
        Ok(n == 1)
    }

    /// Releases our lock at `key` (a no-op when it is no longer ours).
    pub(crate) async fn unlock(&self, key: &str, owner: &str, timeout: Duration) -> Result<()> {
        let mut inv = UNLOCK.key(key);
        inv.arg(owner);
        let _: i64 = self.script("release lock", &inv, timeout).await?;
        Ok(())
    }

    /// Whether someone holds the lock at `key`.
    pub(crate) async fn is_locked(&self, key: &str, timeout: Duration) -> Result<bool> {
        self.query("EXISTS", redis::cmd("EXISTS").arg(key).clone(), timeout).await
    }

    /// Tells waiting processes that the fetch behind `channel` ended.
    pub(crate) async fn publish(&self, channel: &str, timeout: Duration) -> Result<()> {
        let _: i64 = self.query("PUBLISH", redis::cmd("PUBLISH").arg(channel).arg("1").clone(), timeout).await?;
        Ok(())
    }

    /// A subscription to `channel`, on a connection of its own (Redis requires
    /// one). Refused for a cluster: its waiters poll.
    pub(crate) async fn subscribe(&self, channel: &str, timeout: Duration) -> Result<PubSub> {
        let Conn::Single { client, .. } = &self.conn else {
            return Err(Error::new(ErrorKind::Store, "no pub/sub on a Redis Cluster store: polling"));
        };
        let client = client.clone();
        bounded("SUBSCRIBE", timeout, async move {
            let mut sub = client.get_async_pubsub().await?;
            sub.subscribe(channel).await?;
            Ok(sub)
        })
        .await
    }

    async fn query<T: FromRedisValue>(&self, what: &str, cmd: redis::Cmd, timeout: Duration) -> Result<T> {
        match &self.conn {
            Conn::Single { manager, .. } => {
                let mut c = manager.clone();
                bounded(what, timeout, async move { cmd.query_async(&mut c).await }).await
            }
            Conn::Cluster(cl) => {
                let (client, conn) = (&cl.client, &cl.conn);
                let mut c = cluster_connection(client, conn, timeout).await?;
                let result = bounded(what, timeout, async { cmd.query_async(&mut c).await }).await;
                forget_if_broken(conn, &result).await;
                result
            }
        }
    }

    async fn script<T: FromRedisValue>(
        &self,
        what: &str,
        inv: &redis::ScriptInvocation<'_>,
        timeout: Duration,
    ) -> Result<T> {
        match &self.conn {
            Conn::Single { manager, .. } => {
                let mut c = manager.clone();
                bounded(what, timeout, async move { inv.invoke_async(&mut c).await }).await
            }
            Conn::Cluster(cl) => {
                let (client, conn) = (&cl.client, &cl.conn);
                let mut c = cluster_connection(client, conn, timeout).await?;
                let result = bounded(what, timeout, async { inv.invoke_async(&mut c).await }).await;
                forget_if_broken(conn, &result).await;
                result
            }
        }
    }
}

/// Whether `url` is a store URL we can use, without connecting.
pub(crate) fn is_valid_url(url: &str) -> bool {
    match url.strip_prefix(CLUSTER_SCHEME) {
        Some(rest) => cluster_nodes(rest).is_ok_and(|nodes| ClusterClient::new(nodes).is_ok()),
        None => redis::Client::open(url).is_ok(),
    }
}

fn tcp() -> TcpSettings {
    // Without TCP_NODELAY, the small writes of the connection handshake wait
    // on delayed ACKs: ~180 ms before the first command on loopback.
    TcpSettings::default().set_nodelay(true)
}

/// `[:password@]host:port,host:port` to one `redis://` URL per node.
fn cluster_nodes(rest: &str) -> Result<Vec<String>> {
    let rest = rest.trim_end_matches('/');
    let (auth, hosts) = match rest.rsplit_once('@') {
        Some((auth, hosts)) => (format!("{auth}@"), hosts),
        None => (String::new(), rest),
    };
    let nodes: Vec<String> = hosts.split(',').filter(|h| !h.is_empty()).map(|h| format!("redis://{auth}{h}")).collect();
    if nodes.is_empty() {
        return Err(Error::new(ErrorKind::Store, "a redis+cluster:// store_url names no node"));
    }
    Ok(nodes)
}

/// The cluster connection, made now if there is none (the first use, or
/// after a failure).
async fn cluster_connection(
    client: &ClusterClient,
    conn: &tokio::sync::Mutex<Option<ClusterConnection>>,
    timeout: Duration,
) -> Result<ClusterConnection> {
    let mut slot = conn.lock().await;
    if let Some(c) = slot.as_ref() {
        return Ok(c.clone());
    }
    let c = bounded("connect", timeout, client.get_async_connection()).await?;
    *slot = Some(c.clone());
    Ok(c)
}

/// Drops a cluster connection that failed on I/O, so the next use reconnects.
async fn forget_if_broken<T>(conn: &tokio::sync::Mutex<Option<ClusterConnection>>, result: &Result<T>) {
    if result.is_err() {
        *conn.lock().await = None;
    }
}

/// Runs one store command with a deadline, naming it in the error.
async fn bounded<T>(what: &str, timeout: Duration, op: impl Future<Output = redis::RedisResult<T>>) -> Result<T> {
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
fn store_error(what: &str, e: &redis::RedisError) -> Error {
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

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}
