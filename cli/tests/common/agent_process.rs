//! `ooauthcc agent` as a child process, and an HTTP/1.1 client for its Unix
//! socket and loopback listener (hyper), for the agent's tests and benchmark.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

/// A running agent; killed when dropped.
pub struct AgentProcess {
    child: Child,
    /// Its Unix socket.
    pub socket: PathBuf,
    /// Its loopback HTTP address, when it serves one.
    pub http: Option<SocketAddr>,
    /// The bearer secret of its HTTP listener.
    pub bearer: String,
    stderr: Arc<Mutex<String>>,
}

/// Where a request goes.
#[derive(Clone, Debug)]
pub enum Via {
    /// The agent's Unix socket.
    Unix(PathBuf),
    /// The agent's loopback HTTP, with this bearer secret (or none).
    Http(SocketAddr, Option<String>),
}

/// A finished request: status, body, and the Content-Type.
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub content_type: String,
}

impl AgentProcess {
    /// Starts `ooauthcc agent --config <profiles> --socket <dir>/agent.sock`
    /// plus `extra` arguments, with `--http 127.0.0.1:0` and a bearer file
    /// when `http`; waits until it listens.
    pub fn start(dir: &Path, profiles_toml: &str, http: bool, extra: &[&str]) -> AgentProcess {
        let config = dir.join("profiles.toml");
        std::fs::write(&config, profiles_toml).unwrap();
        let socket = dir.join("agent.sock");
        let bearer = "agent-bearer-0123456789abcdef".to_owned();
        let bearer_file = dir.join("bearer");
        std::fs::write(&bearer_file, format!("{bearer}\n")).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ooauthcc"));
        cmd.arg("--config").arg(&config).arg("agent").arg("--socket").arg(&socket);
        if http {
            cmd.args(["--http", "127.0.0.1:0", "--bearer-file"]).arg(&bearer_file);
        }
        cmd.args(extra).env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
        let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().unwrap();
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        let mut agent = AgentProcess { child, socket, http: None, bearer, stderr };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = agent.stderr();
            let unix_ready = text.contains("listening on unix:");
            let http_addr = text
                .lines()
                .find_map(|l| l.split("listening on http://").nth(1))
                .map(|a| a.trim().parse::<SocketAddr>().unwrap());
            if unix_ready && (!http || http_addr.is_some()) {
                agent.http = http_addr;
                return agent;
            }
            if let Some(status) = agent.child.try_wait().unwrap() {
                panic!("the agent exited with {status} before listening: {text}");
            }
            assert!(Instant::now() < deadline, "the agent did not start listening: {text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What the agent wrote to standard error so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Requests go to the Unix socket.
    pub fn unix(&self) -> Via {
        Via::Unix(self.socket.clone())
    }

    /// Requests go to loopback HTTP with the right bearer secret.
    pub fn http(&self) -> Via {
        Via::Http(self.http.expect("the agent serves HTTP"), Some(self.bearer.clone()))
    }

    /// Sends SIGTERM and waits (at most 15 s) for the exit status.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the agent did not stop on SIGTERM: {}", self.stderr());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for AgentProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Opens a keep-alive HTTP/1.1 connection.
pub async fn connect(via: &Via) -> SendRequest<Full<Bytes>> {
    async fn handshake<S>(stream: S) -> SendRequest<Full<Bytes>>
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
        tokio::spawn(conn);
        send
    }
    match via {
        Via::Unix(path) => handshake(tokio::net::UnixStream::connect(path).await.unwrap()).await,
        Via::Http(addr, _) => {
            let stream = tokio::net::TcpStream::connect(*addr).await.unwrap();
            stream.set_nodelay(true).unwrap();
            handshake(stream).await
        }
    }
}

/// Sends `method path` on an open connection (with the bearer secret on HTTP).
pub async fn send(conn: &mut SendRequest<Full<Bytes>>, via: &Via, method: &str, path: &str) -> Reply {
    let mut req = hyper::Request::builder().method(method).uri(path).header("host", "agent");
    if let Via::Http(_, Some(bearer)) = via {
        req = req.header("authorization", format!("Bearer {bearer}"));
    }
    send_request(conn, req.body(Full::default()).unwrap()).await
}

/// Sends a prepared request on an open connection.
pub async fn send_request(conn: &mut SendRequest<Full<Bytes>>, req: hyper::Request<Full<Bytes>>) -> Reply {
    conn.ready().await.unwrap();
    let resp = conn.send_request(req).await.unwrap();
    let status = resp.status().as_u16();
    let content_type = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    Reply { status, body: String::from_utf8(body.to_vec()).unwrap(), content_type }
}

/// One request on a connection of its own.
pub async fn request(via: &Via, method: &str, path: &str) -> Reply {
    let mut conn = connect(via).await;
    send(&mut conn, via, method, path).await
}

/// [`request`] from synchronous code.
pub fn get(via: &Via, path: &str) -> Reply {
    runtime().block_on(request(via, "GET", path))
}

/// A runtime for the synchronous helpers and the tests' herds.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}
