//! The Redis side of the shared store: the few commands the distributed single
//! flight needs, each bounded by `store_timeout`, on one connection per
//! `store_url` and fork generation (`redis_conn` says how it connects).
//!
//! The lock is Redis's documented single-instance lock: `SET key owner NX PX
//! lease` to take it, and compare-then-delete / compare-then-extend in Lua so a
//! process never releases or extends a lock that expired and was taken by
//! another.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use once_cell::sync::Lazy;
use redis::aio::PubSub;
use redis::{FromRedisValue, Script};

use super::StoreSettings;
use super::redis_conn::{Conn, Connect, Reconnecting, bounded};
use crate::error::Result;
use crate::generation::PerProcess;
use parking_lot::Mutex;

/// Ends a fetch in one round trip: stores its outcome (KEYS[2] = ARGV[3] for
/// ARGV[4] ms, when given), deletes the lock only if we still own it (ARGV[1]),
/// and wakes the waiters (channel ARGV[2]). Returns 1 when the lock was ours.
static FINISH: Lazy<Script> = Lazy::new(|| {
    Script::new(
        "if #KEYS == 2 then redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4]) end \
         local ours = 0 \
         if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]); ours = 1 end \
         redis.call('PUBLISH', ARGV[2], '1') \
         return ours",
    )
});

/// Extends the lock only if we still own it.
static RENEW: Lazy<Script> = Lazy::new(|| {
    Script::new(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end",
    )
});

/// A connection to one Redis deployment (see `redis_conn` for the kinds).
pub(crate) struct RedisStore {
    conn: Conn,
}

/// Store connections by URL (fingerprint), per fork generation: one per
/// server, reused by every cache entry that shares tokens through it.
static POOL: PerProcess<Mutex<HashMap<[u8; 32], Arc<RedisStore>>>> = PerProcess::new();

impl RedisStore {
    /// The connection to the store `st` of this generation, set up on first
    /// use. Must be called on the runtime (the connection's tasks live there).
    pub(crate) fn shared(st: &StoreSettings) -> Result<Arc<RedisStore>> {
        let pool = POOL.get(|| Mutex::new(HashMap::new()));
        let mut stores = pool.value.lock();
        if let Some(s) = stores.get(&st.fingerprint) {
            return Ok(Arc::clone(s));
        }
        let store = Arc::new(RedisStore::open(st)?);
        stores.insert(st.fingerprint, Arc::clone(&store));
        Ok(store)
    }

    /// Parses the store's URL and prepares a connection made at first use (so
    /// a store that is down when the client is built only delays sharing).
    pub(crate) fn open(st: &StoreSettings) -> Result<RedisStore> {
        Ok(RedisStore { conn: Conn::open(st.url.expose(), st.tls.as_ref(), st.timeout)? })
    }

    /// The values at `a` and `b` (two keys of one slot), in one round trip.
    pub(crate) async fn get_two(&self, a: &str, b: &str, timeout: Duration) -> Result<[Option<Vec<u8>>; 2]> {
        let (x, y) = self.query("MGET", redis::cmd("MGET").arg(a).arg(b).clone(), timeout).await?;
        Ok([x, y])
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

    /// Ends our fetch: stores `outcome` (key, value, ttl) if any, releases our
    /// lock at `lock_key` and publishes on `channel`, atomically. False when the
    /// lock was no longer ours (its lease ran out first; nothing else changes).
    pub(crate) async fn finish(
        &self,
        lock_key: &str,
        owner: &str,
        channel: &str,
        outcome: Option<(&str, &str, Duration)>,
        timeout: Duration,
    ) -> Result<bool> {
        let mut inv = FINISH.key(lock_key);
        inv.arg(owner).arg(channel);
        if let Some((key, value, ttl)) = outcome {
            inv.key(key).arg(value).arg(millis(ttl));
        }
        let n: i64 = self.script("finish fetch", &inv, timeout).await?;
        Ok(n == 1)
    }

    /// Whether someone holds the lock at `key`.
    pub(crate) async fn is_locked(&self, key: &str, timeout: Duration) -> Result<bool> {
        self.query("EXISTS", redis::cmd("EXISTS").arg(key).clone(), timeout).await
    }

    /// A subscription to `channel` (refused for a cluster, whose waiters poll).
    pub(crate) async fn subscribe(&self, channel: &str, timeout: Duration) -> Result<PubSub> {
        self.conn.subscribe(channel, timeout).await
    }

    async fn query<T: FromRedisValue>(&self, what: &str, cmd: redis::Cmd, timeout: Duration) -> Result<T> {
        match &self.conn {
            Conn::Single { manager, .. } => {
                let mut c = manager.clone();
                bounded(what, timeout, async move { cmd.query_async(&mut c).await }).await
            }
            Conn::Cluster(r) => on(r, what, timeout, |mut c| async move { cmd.query_async(&mut c).await }).await,
            Conn::Sentinel(r) => on(r, what, timeout, |mut c| async move { cmd.query_async(&mut c).await }).await,
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
            Conn::Cluster(r) => on(r, what, timeout, |mut c| async move { inv.invoke_async(&mut c).await }).await,
            Conn::Sentinel(r) => on(r, what, timeout, |mut c| async move { inv.invoke_async(&mut c).await }).await,
        }
    }
}

/// Runs `op` on a reconnecting connection; a failure drops the connection so
/// the next command connects again.
async fn on<S: Connect, T, Fut>(
    r: &Reconnecting<S>,
    what: &str,
    timeout: Duration,
    op: impl FnOnce(S::Conn) -> Fut,
) -> Result<T>
where
    Fut: Future<Output = redis::RedisResult<T>>,
{
    let c = r.get(timeout).await?;
    let result = bounded(what, timeout, op(c)).await;
    if result.is_err() {
        r.forget().await;
    }
    result
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}
