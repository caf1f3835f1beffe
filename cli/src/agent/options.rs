//! The agent's own flags: where it listens and whom it serves.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, value_parser};
use ooauthcc_core::{ErrorKind, Secret};

use crate::failure::Failure;

/// Who may use the Unix socket: the peers whose UID or (primary) GID is listed.
#[derive(Debug, Clone)]
pub struct Access {
    /// Allowed user ids (the agent's own when none is given).
    pub uids: Vec<u32>,
    /// Allowed group ids.
    pub gids: Vec<u32>,
}

impl Access {
    /// Whether a peer with these credentials may be served.
    pub fn allows(&self, uid: u32, gid: u32) -> bool {
        self.uids.contains(&uid) || self.gids.contains(&gid)
    }

    /// Whether only the agent's own user may connect, so the socket file can
    /// be private to it as well (0600); otherwise it is 0666 and the peer
    /// check alone decides.
    pub fn only_self(&self) -> bool {
        self.gids.is_empty() && self.uids == [current_uid()]
    }
}

/// The agent's options.
pub struct Options {
    /// The Unix socket to serve on.
    pub socket: Option<PathBuf>,
    /// Who may use it.
    pub access: Access,
    /// The loopback address to serve HTTP on.
    pub http: Option<SocketAddr>,
    /// The file holding the HTTP listener's bearer secret.
    bearer_file: Option<PathBuf>,
}

/// The `agent` subcommand's arguments.
pub fn args() -> Vec<Arg> {
    vec![
        Arg::new("socket").long("socket").value_name("PATH").value_parser(value_parser!(PathBuf)).help(
            "Serve on this Unix socket [default: <runtime dir>/ooauthcc/agent.sock, unless --http alone is given]",
        ),
        Arg::new("allow-uid")
            .long("allow-uid")
            .value_name("UID")
            .action(ArgAction::Append)
            .value_parser(value_parser!(u32))
            .help("A user id allowed on the socket (repeatable) [default: the agent's own]"),
        Arg::new("allow-gid")
            .long("allow-gid")
            .value_name("GID")
            .action(ArgAction::Append)
            .value_parser(value_parser!(u32))
            .help("A group id allowed on the socket: a peer whose primary group it is (repeatable)"),
        Arg::new("http")
            .long("http")
            .value_name("ADDR:PORT")
            .value_parser(value_parser!(SocketAddr))
            .requires("bearer-file")
            .help("Also serve HTTP on this loopback address (port 0: any free port, printed on standard error)"),
        Arg::new("bearer-file")
            .long("bearer-file")
            .value_name("FILE")
            .value_parser(value_parser!(PathBuf))
            .requires("http")
            .help("The secret HTTP callers must send as `Authorization: Bearer <secret>` (required with --http)"),
    ]
}

impl Options {
    /// The options of an `agent` command line.
    pub fn from_matches(m: &ArgMatches) -> Result<Options, Failure> {
        let http = m.get_one::<SocketAddr>("http").copied();
        if let Some(addr) = http
            && !addr.ip().is_loopback()
        {
            return Err(Failure::new(
                ErrorKind::InvalidArgument,
                format!("--http {addr}: the agent serves HTTP on a loopback address only (127.0.0.1, ::1)"),
            ));
        }
        let mut uids: Vec<u32> = m.get_many::<u32>("allow-uid").into_iter().flatten().copied().collect();
        let gids: Vec<u32> = m.get_many::<u32>("allow-gid").into_iter().flatten().copied().collect();
        if uids.is_empty() {
            uids.push(current_uid());
        }
        let socket = match m.get_one::<PathBuf>("socket") {
            Some(p) => Some(p.clone()),
            None if http.is_some() => None,
            None => Some(default_socket()?),
        };
        Ok(Options {
            socket,
            access: Access { uids, gids },
            http,
            bearer_file: m.get_one::<PathBuf>("bearer-file").cloned(),
        })
    }

    /// The bearer secret, read once at start (trailing newlines dropped).
    pub fn bearer(&self) -> Result<Option<Secret>, Failure> {
        let Some(path) = &self.bearer_file else { return Ok(None) };
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::new(ErrorKind::Config, format!("--bearer-file {}: {e}", path.display())))?;
        let secret = text.trim_end_matches(['\r', '\n']);
        if secret.len() < 16 {
            return Err(Failure::new(
                ErrorKind::Config,
                format!("--bearer-file {}: the secret must be at least 16 characters", path.display()),
            ));
        }
        Ok(Some(Secret::new(secret)))
    }
}

fn default_socket() -> Result<PathBuf, Failure> {
    dirs::runtime_dir().map(|d| d.join("ooauthcc").join("agent.sock")).ok_or_else(|| {
        Failure::new(ErrorKind::InvalidArgument, "no runtime directory is known (XDG_RUNTIME_DIR): give --socket PATH")
    })
}

/// The agent's real user id.
pub fn current_uid() -> u32 {
    rustix::process::getuid().as_raw()
}
