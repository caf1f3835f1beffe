//! `ooauthcc`: OAuth 2.0 client-credentials tokens on the command line, through
//! the library's cache and settings (README, "Command line").
//!
//! Standard output carries only the requested output; messages go to standard
//! error and never hold a token or a secret; the exit status is the library's
//! error code (see `failure.rs`).

mod agent;
mod cli;
mod failure;
mod obtain;
mod output;
mod sources;

use std::io::{Read as _, Write as _};
use std::process::ExitCode;
use std::time::Duration;

use clap::ArgMatches;

use failure::Failure;

fn main() -> ExitCode {
    // Clap prints its own usage errors and exits 2 (the code of invalid_argument).
    let matches = cli::command().get_matches();
    match run(&matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("ooauthcc: {failure}");
            failure.exit_code()
        }
    }
}

fn run(m: &ArgMatches) -> Result<(), Failure> {
    let Some((name, sub)) = m.subcommand() else {
        return Err(Failure::new(ooauthcc_core::ErrorKind::InvalidArgument, "a subcommand is required (see --help)"));
    };
    if name == "agent" {
        return agent::run(m, sub);
    }
    if name == "inspect" && sub.get_flag("stdin") {
        let mut token = String::new();
        std::io::stdin()
            .read_to_string(&mut token)
            .map_err(|e| Failure::Io(format!("cannot read the token from standard input: {e}")))?;
        eprintln!("ooauthcc: decoded locally; the signature was NOT verified");
        return print(&output::inspect(token.trim())?);
    }
    let wanted = obtain::Wanted {
        min_valid: m.get_one::<u64>("min-valid").map(|s| Duration::from_secs(*s)),
        force: m.get_flag("force"),
    };
    let (client, token) = obtain::token(sources::config(m)?, &wanted)?;
    let text = match name {
        "token" => output::token(&token),
        "header" => output::header(&client, &token)?,
        "curl" => output::curl(&client, &token)?,
        "exec-credential" => output::exec_credential(&token)?,
        "env" => output::env(&client, &token, sub.get_one::<String>("prefix").map_or("OAUTH_", String::as_str))?,
        "json" => output::json(&token)?,
        "inspect" => {
            eprintln!("ooauthcc: decoded locally; the signature was NOT verified");
            output::inspect(token.access_token())?
        }
        other => return Err(Failure::new(ooauthcc_core::ErrorKind::Internal, format!("unhandled subcommand {other}"))),
    };
    print(&text)
}

/// Writes `text` to standard output in one write, and flushes it.
fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Io(format!("cannot write to standard output: {e}")))
}
