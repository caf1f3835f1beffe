//! Why a run failed, and the exit status that says so.
//!
//! A library failure exits with its [`ErrorKind`] code: the same number the C
//! API returns as its status and Python shows as `.status`, so a script can
//! tell a refused client (13) from an unreachable server (10) without parsing
//! text. The tool's own failures (standard input, standard output) exit 1.

use std::fmt;
use std::process::ExitCode;

use ooauthcc_core::{Error, ErrorKind};

/// A failed run.
#[derive(Debug)]
pub enum Failure {
    /// The library (or the settings) failed; the message names the cause.
    Library(Error),
    /// Reading standard input or writing standard output failed.
    Io(String),
}

impl Failure {
    /// A library-kind failure with our own message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Failure {
        Failure::Library(Error::new(kind, message))
    }

    /// The process's exit status.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Library(e) => ExitCode::from(u8::try_from(e.code()).unwrap_or(u8::MAX)),
            Failure::Io(_) => ExitCode::from(1),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Library(e)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Library(e) => write!(f, "{} ({})", e.message(), e.kind().name()),
            Failure::Io(why) => f.write_str(why),
        }
    }
}

/// What each exit status means, for `--help` and the README. A test checks
/// that every error kind a run can end with is listed.
pub const EXIT_STATUS_HELP: &str = "\
Exit status (the library's error codes, as the C API and Python report them):
  0   success: standard output holds exactly the requested output
  1   standard input could not be read or standard output written
  2   bad command line: an unknown flag, a secret given as a flag value (invalid_argument)
  3   a setting is missing or invalid, from a profile, a variable or a flag; the message names it (config)
  10  the token endpoint could not be reached: DNS, connect, TLS (transport)
  11  no token within get_timeout (timeout)
  12  the server answered an HTTP status that is not a token response: 5xx, 429 (http_status)
  13  the server refused the request: invalid_client, invalid_scope, ... (oauth)
  14  the server's answer is not a usable token response (malformed_response)
  21  a usage error (usage)
  99  a bug in ooauthcc: please report it (internal)
Messages go to standard error; tokens and secrets are never printed there.";
