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
use redis::io::tcp::TcpSettings;
use redis::{AsyncCommands as _, IntoConnectionInfo as _, Script};

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

/// A connection to one Redis server.
pub(crate) struct RedisStore {
    client: redis::Client,
    conn: ConnectionManager,
}

impl RedisStore {
    /// Parses `url` and prepares a connection made at first use (so a store
    /// that is down when the client is built only delays sharing).
    pub(crate) fn open(url: &str) -> Result<RedisStore> {
        // Without TCP_NODELAY, the small writes of the connection handshake wait
        // on delayed ACKs: ~180 ms before the first command on loopback.
        let info = url
            .into_connection_info()
            .map_err(|e| store_error("cannot use store_url", &e))?
            .set_tcp_settings(TcpSettings::default().set_nodelay(true));
        let client = redis::Client::open(info).map_err(|e| store_error("cannot use store_url", &e))?;
        let config = ConnectionManagerConfig::new()
            // Our own deadline (`store_timeout`) bounds every command; the
            // manager's reconnect attempts stay short so a restarted Redis is
            // picked up quickly, and unlimited so it is always picked up.
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(None)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_secs(2))
            .set_number_of_retries(2);
        let conn = ConnectionManager::new_lazy_with_config(client.clone(), config)
            .map_err(|e| store_error("cannot set up the store connection", &e))?;
        Ok(RedisStore { client, conn })
    }

    /// The value at `key`.
    pub(crate) async fn get(&self, key: &str, timeout: Duration) -> Result<Option<Vec<u8>>> {
        let mut c = self.conn.clone();
        bounded("GET", timeout, async move { c.get(key).await }).await
    }

    /// Stores `value` at `key`, expiring after `ttl`.
    pub(crate) async fn set(&self, key: &str, value: &str, ttl: Duration, timeout: Duration) -> Result<()> {
        let mut c = self.conn.clone();
        let ms = millis(ttl);
        bounded("SET", timeout, async move { c.pset_ex(key, value, ms).await }).await
    }

    /// Takes the lock at `key` for `lease` if nobody holds it.
    pub(crate) async fn try_lock(&self, key: &str, owner: &str, lease: Duration, timeout: Duration) -> Result<bool> {
        let mut c = self.conn.clone();
        let cmd = redis::cmd("SET").arg(key).arg(owner).arg("NX").arg("PX").arg(millis(lease)).clone();
        let reply: Option<String> = bounded("SET NX", timeout, async move { cmd.query_async(&mut c).await }).await?;
        Ok(reply.is_some())
    }

    /// Extends our lock at `key` to `lease` from now; false when it is no longer ours.
    pub(crate) async fn renew(&self, key: &str, owner: &str, lease: Duration, timeout: Duration) -> Result<bool> {
        let mut c = self.conn.clone();
        let mut inv = RENEW.key(key);
        inv.arg(owner).arg(millis(lease));
        let n: i64 = bounded("renew lock", timeout, async move { inv.invoke_async(&mut c).await }).await?;
        Ok(n == 1)
    }

    /// Releases our lock at `key` (a no-op when it is no longer ours).
    pub(crate) async fn unlock(&self, key: &str, owner: &str, timeout: Duration) -> Result<()> {
        let mut c = self.conn.clone();
        let mut inv = UNLOCK.key(key);
        inv.arg(owner);
        let _: i64 = bounded("release lock", timeout, async move { inv.invoke_async(&mut c).await }).await?;
        Ok(())
    }

    /// Whether someone holds the lock at `key`.
    pub(crate) async fn is_locked(&self, key: &str, timeout: Duration) -> Result<bool> {
        let mut c = self.conn.clone();
        bounded("EXISTS", timeout, async move { c.exists(key).await }).await
    }

    /// Tells waiting processes that the fetch behind `channel` ended.
    pub(crate) async fn publish(&self, channel: &str, timeout: Duration) -> Result<()> {
        let mut c = self.conn.clone();
        let _: i64 = bounded("PUBLISH", timeout, async move { c.publish(channel, "1").await }).await?;
        Ok(())
    }

    /// A subscription to `channel`, on a connection of its own (Redis requires one).
    pub(crate) async fn subscribe(&self, channel: &str, timeout: Duration) -> Result<PubSub> {
        let client = self.client.clone();
        bounded("SUBSCRIBE", timeout, async move {
            let mut sub = client.get_async_pubsub().await?;
            sub.subscribe(channel).await?;
            Ok(sub)
        })
        .await
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
