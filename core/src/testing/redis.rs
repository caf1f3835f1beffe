//! [`RedisServer`]: a real `redis-server` on 127.0.0.1 for tests of the shared
//! token store, started on a free port and killed when dropped.

use std::fmt;
use std::io::{self, Read as _, Write as _};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` process (from `PATH`, or `$OOAUTHCC_REDIS_SERVER`) bound
/// to 127.0.0.1 only, without persistence. [`stop`](Self::stop) and
/// [`start_again`](Self::start_again) simulate an outage on the same port.
pub struct RedisServer {
    port: u16,
    child: Option<Child>,
    dir: PathBuf,
    /// Extra `redis-server` arguments (cluster mode).
    extra: Vec<String>,
    /// A Sentinel's configuration file (Sentinel needs one, and rewrites it).
    sentinel_conf: Option<PathBuf>,
    /// The TLS port, for a server started with [`start_tls`](Self::start_tls).
    tls_port: Option<u16>,
}

impl RedisServer {
    /// Starts a server on a free loopback port and waits until it answers.
    ///
    /// # Errors
    ///
    /// Fails when `redis-server` is not installed or does not come up within 10 s.
    pub fn start() -> io::Result<RedisServer> {
        RedisServer::start_with(Vec::new())
    }

    /// Starts a server that also listens with TLS ([`tls_url`](Self::tls_url)),
    /// with `server.pem`, `server.key.pem` and `ca.pem` of the directory `tls`
    /// (the test PKI of `core/tests/fixtures/tls`); with `client_certs`, TLS
    /// clients must present a certificate issued by that CA.
    ///
    /// # Errors
    ///
    /// As [`start`](Self::start), and when this `redis-server` lacks TLS.
    pub fn start_tls(tls: &std::path::Path, client_certs: bool) -> io::Result<RedisServer> {
        let tls_port = free_port()?;
        let mut server = RedisServer::start_as(tls_args(tls, tls_port, client_certs), None)?;
        server.tls_port = Some(tls_port);
        Ok(server)
    }

    fn start_with(extra: Vec<String>) -> io::Result<RedisServer> {
        RedisServer::start_as(extra, None)
    }

    /// `master_port` monitored as service `name`, with a quorum of one.
    fn start_sentinel(name: &str, master_port: u16) -> io::Result<RedisServer> {
        RedisServer::start_as(Vec::new(), Some(sentinel_conf(name, master_port)))
    }

    fn start_as(extra: Vec<String>, sentinel_conf: Option<String>) -> io::Result<RedisServer> {
        let port = free_port()?;
        let dir = std::env::temp_dir().join(format!("ooauthcc-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let sentinel_conf = match sentinel_conf {
            Some(text) => {
                let path = dir.join("sentinel.conf");
                std::fs::write(&path, text)?;
                Some(path)
            }
            None => None,
        };
        let mut server = RedisServer { port, child: None, dir, extra, sentinel_conf, tls_port: None };
        server.start_again()?;
        Ok(server)
    }

    /// The URL to give as `store_url`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// The `rediss://` URL of a server started with [`start_tls`](Self::start_tls)
    /// (`None` for others).
    pub fn tls_url(&self) -> Option<String> {
        self.tls_port.map(|p| format!("rediss://127.0.0.1:{p}/0"))
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills the server (SIGKILL: an outage, not a shutdown). Its data is lost.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts the server again on the same port (empty), waiting until it answers.
    ///
    /// # Errors
    ///
    /// As [`start`](Self::start).
    pub fn start_again(&mut self) -> io::Result<()> {
        self.stop();
        let binary = std::env::var_os("OOAUTHCC_REDIS_SERVER").unwrap_or_else(|| "redis-server".into());
        let mut command = Command::new(&binary);
        if let Some(conf) = &self.sentinel_conf {
            command.arg(conf).arg("--sentinel");
        }
        let child = command
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string(), "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&self.dir)
            .args(&self.extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot run {binary:?} (install redis-server, e.g. apt-get install redis-server): {e}"),
                )
            })?;
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.ping() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.stop();
        Err(io::Error::new(io::ErrorKind::TimedOut, "redis-server did not answer PING within 10 s"))
    }

    /// Runs one command (inline protocol) and returns the raw reply, for tests
    /// that look at or tamper with what the store holds.
    ///
    /// # Errors
    ///
    /// Fails when the server cannot be reached.
    pub fn command(&self, args: &[&str]) -> io::Result<Vec<u8>> {
        let mut s = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port))?;
        s.set_read_timeout(Some(Duration::from_secs(5)))?;
        let mut req = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            req.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            req.extend_from_slice(a.as_bytes());
            req.extend_from_slice(b"\r\n");
        }
        s.write_all(&req)?;
        s.shutdown(std::net::Shutdown::Write)?;
        let mut reply = Vec::new();
        s.read_to_end(&mut reply)?;
        Ok(reply)
    }

    fn ping(&self) -> bool {
        self.command(&["PING"]).is_ok_and(|r| r.starts_with(b"+PONG"))
    }
}

/// A Redis Cluster of `redis-server` processes on 127.0.0.1 (masters only, no
/// replicas), formed with `redis-cli --cluster create`. Killed when dropped.
pub struct RedisCluster {
    nodes: Vec<RedisServer>,
}

impl RedisCluster {
    /// Starts `masters` (at least 3) nodes and forms the cluster, waiting until
    /// every slot is served.
    ///
    /// # Errors
    ///
    /// Fails when `redis-server` or `redis-cli` is missing or the cluster does
    /// not come up within 20 s.
    pub fn start(masters: usize) -> io::Result<RedisCluster> {
        RedisCluster::start_nodes(masters, None)
    }

    /// As [`start`](Self::start), with every node also listening with TLS (the
    /// test PKI in the directory `tls`, without client certificates) and the
    /// cluster bus over TLS, so that a client connected with TLS is told the
    /// nodes' TLS ports. Its URL: [`tls_url`](Self::tls_url).
    ///
    /// # Errors
    ///
    /// As [`start`](Self::start).
    pub fn start_tls(masters: usize, tls: &std::path::Path) -> io::Result<RedisCluster> {
        RedisCluster::start_nodes(masters, Some(tls))
    }

    fn start_nodes(masters: usize, tls: Option<&std::path::Path>) -> io::Result<RedisCluster> {
        let nodes = (0..masters.max(3))
            .map(|_| {
                let mut extra: Vec<String> = [
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    "2000",
                ]
                .map(str::to_owned)
                .to_vec();
                let Some(tls) = tls else { return RedisServer::start_with(extra) };
                let tls_port = free_port()?;
                extra.extend(tls_args(tls, tls_port, false));
                // The bus authenticates both ends whatever tls-auth-clients says,
                // and the server certificate is for servers only: nodes dial
                // each other with the client certificate.
                let file = |name: &str| tls.join(name).to_string_lossy().into_owned();
                extra.extend([
                    "--tls-cluster".into(),
                    "yes".into(),
                    "--tls-client-cert-file".into(),
                    file("client.pem"),
                    "--tls-client-key-file".into(),
                    file("client.key.pem"),
                ]);
                let mut node = RedisServer::start_with(extra)?;
                node.tls_port = Some(tls_port);
                Ok(node)
            })
            .collect::<io::Result<Vec<_>>>()?;
        let cli = std::env::var_os("OOAUTHCC_REDIS_CLI").unwrap_or_else(|| "redis-cli".into());
        let status = Command::new(&cli)
            .args(["--cluster", "create"])
            .args(nodes.iter().map(|n| format!("127.0.0.1:{}", n.port)))
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| io::Error::new(e.kind(), format!("cannot run {cli:?} (part of redis-tools): {e}")))?;
        if !status.success() {
            return Err(io::Error::other(format!("redis-cli --cluster create failed: {status}")));
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        let cluster = RedisCluster { nodes };
        while !cluster.is_ok() {
            if Instant::now() > deadline {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the Redis Cluster did not reach cluster_state:ok",
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(cluster)
    }

    /// The URL to give as `store_url`: `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,…`.
    pub fn url(&self) -> String {
        let nodes: Vec<String> = self.nodes.iter().map(|n| format!("127.0.0.1:{}", n.port)).collect();
        format!("redis+cluster://{}", nodes.join(","))
    }

    /// The `rediss+cluster://` URL of a cluster started with [`start_tls`](Self::start_tls).
    pub fn tls_url(&self) -> Option<String> {
        let nodes: Option<Vec<String>> =
            self.nodes.iter().map(|n| n.tls_port.map(|p| format!("127.0.0.1:{p}"))).collect();
        nodes.map(|n| format!("rediss+cluster://{}", n.join(",")))
    }

    /// The nodes, to look at what they hold.
    pub fn nodes(&self) -> &[RedisServer] {
        &self.nodes
    }

    fn is_ok(&self) -> bool {
        self.nodes.iter().all(|n| {
            n.command(&["CLUSTER", "INFO"]).is_ok_and(|r| String::from_utf8_lossy(&r).contains("cluster_state:ok"))
        })
    }
}

/// A Redis master and one Sentinel monitoring it as service `ooauthcc`, on
/// 127.0.0.1. Killed when dropped.
pub struct RedisSentinel {
    master: RedisServer,
    sentinel: RedisServer,
    /// A replica of the master (with [`start_with_replica`](Self::start_with_replica)).
    replica: Option<RedisServer>,
}

impl RedisSentinel {
    /// The name the Sentinel knows the master by.
    pub const SERVICE: &'static str = "ooauthcc";

    /// Starts the master and the Sentinel, waiting until the Sentinel names the master.
    ///
    /// # Errors
    ///
    /// Fails when `redis-server` is missing or the Sentinel does not name the
    /// master within 10 s.
    pub fn start() -> io::Result<RedisSentinel> {
        let master = RedisServer::start()?;
        let sentinel = RedisServer::start_sentinel(Self::SERVICE, master.port)?;
        let named = RedisSentinel { master, sentinel, replica: None };
        named.wait_until("the Sentinel did not name its master", |s| s.names_master(s.master.port))?;
        Ok(named)
    }

    /// As [`start`](Self::start), with a replica of the master that the
    /// Sentinel knows of, so that [`fail_over`](Self::fail_over) can promote it.
    ///
    /// # Errors
    ///
    /// As [`start`](Self::start), or when the replica does not come in sync.
    pub fn start_with_replica() -> io::Result<RedisSentinel> {
        let master = RedisServer::start()?;
        let replica = RedisServer::start_with(vec!["--replicaof".into(), "127.0.0.1".into(), master.port.to_string()])?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while !String::from_utf8_lossy(&replica.command(&["INFO", "replication"])?).contains("master_link_status:up") {
            if Instant::now() > deadline {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "the replica did not sync with the master"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Started after the replica is in sync, so its first look at the master lists it.
        let sentinel = RedisServer::start_sentinel(Self::SERVICE, master.port)?;
        let replica_port = replica.port.to_string();
        let set = RedisSentinel { master, sentinel, replica: Some(replica) };
        set.wait_until("the Sentinel did not name its master and replica", |s| {
            let replicas = s.sentinel.command(&["SENTINEL", "replicas", Self::SERVICE]).unwrap_or_default();
            s.names_master(s.master.port) && String::from_utf8_lossy(&replicas).contains(&replica_port)
        })?;
        Ok(set)
    }

    /// Kills the master (SIGKILL) and waits until the Sentinel has promoted
    /// the replica and lists it as a master in good standing (what clients
    /// ask for: `SENTINEL MASTERS`, not only `get-master-addr-by-name`, which
    /// names the promoted replica while the failover is still going on).
    ///
    /// # Errors
    ///
    /// Without a replica, or when no failover completes within 30 s.
    pub fn fail_over(&mut self) -> io::Result<()> {
        let Some(replica) = &self.replica else {
            return Err(io::Error::other("no replica to fail over to (use start_with_replica)"));
        };
        let port = replica.port;
        self.master.stop();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !(self.names_master(port) && self.lists_healthy_master(port)) {
            if Instant::now() > deadline {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "the Sentinel did not fail over within 30 s"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(())
    }

    /// The replica (the master after [`fail_over`](Self::fail_over)).
    pub fn replica(&self) -> Option<&RedisServer> {
        self.replica.as_ref()
    }

    fn names_master(&self, port: u16) -> bool {
        let reply = self.sentinel.command(&["SENTINEL", "get-master-addr-by-name", Self::SERVICE]).unwrap_or_default();
        String::from_utf8_lossy(&reply).contains(&format!("\r\n{port}\r\n"))
    }

    /// Whether `SENTINEL MASTER` gives `port` with the flags `master` alone
    /// (no `s_down`, `o_down` or failover in progress).
    fn lists_healthy_master(&self, port: u16) -> bool {
        let reply = self.sentinel.command(&["SENTINEL", "MASTER", Self::SERVICE]).unwrap_or_default();
        let text = String::from_utf8_lossy(&reply);
        let fields: Vec<&str> = text.split("\r\n").collect();
        let field = |name: &str| fields.iter().position(|f| *f == name).and_then(|i| fields.get(i + 2)).copied();
        field("port") == Some(port.to_string().as_str()) && field("flags") == Some("master")
    }

    fn wait_until(&self, what: &str, done: impl Fn(&Self) -> bool) -> io::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done(self) {
            if Instant::now() > deadline {
                return Err(io::Error::new(io::ErrorKind::TimedOut, what.to_owned()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    /// A master and a Sentinel that both listen with TLS too (the test PKI in
    /// the directory `tls`, as for [`RedisServer::start_tls`], without client
    /// certificates); the Sentinel watches the master over TLS, so it names
    /// the master's TLS port. Its URL: [`tls_url`](Self::tls_url).
    ///
    /// # Errors
    ///
    /// As [`start`](Self::start).
    pub fn start_tls(tls: &std::path::Path) -> io::Result<RedisSentinel> {
        let master = RedisServer::start_tls(tls, false)?;
        let master_tls = master.tls_port.ok_or_else(|| io::Error::other("the master has no TLS port"))?;
        let sentinel_tls = free_port()?;
        let mut extra = tls_args(tls, sentinel_tls, false);
        extra.extend(["--tls-replication".to_owned(), "yes".to_owned()]);
        let mut sentinel = RedisServer::start_as(extra, Some(sentinel_conf(Self::SERVICE, master_tls)))?;
        sentinel.tls_port = Some(sentinel_tls);
        let named = RedisSentinel { master, sentinel, replica: None };
        named.wait_until("the Sentinel did not name its master", |s| s.names_master(master_tls))?;
        Ok(named)
    }

    /// The `rediss+sentinel://` URL of a set started with [`start_tls`](Self::start_tls).
    pub fn tls_url(&self) -> Option<String> {
        self.sentinel.tls_port.map(|p| format!("rediss+sentinel://127.0.0.1:{p}/{}", Self::SERVICE))
    }

    /// The URL to give as `store_url`: `redis+sentinel://127.0.0.1:PORT/ooauthcc`.
    pub fn url(&self) -> String {
        format!("redis+sentinel://127.0.0.1:{}/{}", self.sentinel.port, Self::SERVICE)
    }

    /// The master, to look at what it holds.
    pub fn master(&self) -> &RedisServer {
        &self.master
    }
}

impl fmt::Debug for RedisSentinel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisSentinel")
            .field("master", &self.master)
            .field("replica", &self.replica)
            .field("sentinel", &self.sentinel)
            .finish()
    }
}

impl fmt::Debug for RedisCluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisCluster").field("nodes", &self.nodes).finish()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl fmt::Debug for RedisServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisServer").field("port", &self.port).field("running", &self.child.is_some()).finish()
    }
}

/// A loopback port nobody listens on (right now).
fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port())
}

/// `redis-server` arguments for a TLS port under the test PKI in `tls`.
fn tls_args(tls: &std::path::Path, port: u16, client_certs: bool) -> Vec<String> {
    let file = |name: &str| tls.join(name).to_string_lossy().into_owned();
    vec![
        "--tls-port".into(),
        port.to_string(),
        "--tls-cert-file".into(),
        file("server.pem"),
        "--tls-key-file".into(),
        file("server.key.pem"),
        "--tls-ca-cert-file".into(),
        file("ca.pem"),
        "--tls-auth-clients".into(),
        (if client_certs { "yes" } else { "no" }).into(),
    ]
}

/// A Sentinel's configuration: `master_port` watched as `name`, quorum one.
fn sentinel_conf(name: &str, master_port: u16) -> String {
    format!(
        "sentinel monitor {name} 127.0.0.1 {master_port} 1\nsentinel down-after-milliseconds {name} 2000\n\
         sentinel failover-timeout {name} 10000\n"
    )
}
