//! The command line: the subcommands, the tool's own options, and one flag per
//! setting of [`ClientConfig::SCHEMA`] (so a new setting is a new flag with no
//! change here).

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command, value_parser};
use ooauthcc_core::{ClientConfig, SettingInfo, SettingKind};

use crate::failure::EXIT_STATUS_HELP;

/// The subcommands, with what each prints.
pub const OUTPUTS: &[(&str, &str)] = &[
    ("token", "Print the access token, and nothing else"),
    ("header", "Print the header line that carries the token (`Authorization: Bearer …`)"),
    ("curl", "Print a curl config for `curl -K -`, so the token never shows in a process list"),
    (
        "exec-credential",
        "Print a Kubernetes client.authentication.k8s.io/v1 ExecCredential (for kubectl's exec plugins)",
    ),
    ("env", "Print `export NAME='value'` lines for `eval \"$(ooauthcc env)\"`"),
    ("json", "Print the token, its type, expiry and scope as a JSON object"),
    ("inspect", "Decode a JWT access token's header and claims locally, WITHOUT verifying its signature"),
];

/// The whole command line.
pub fn command() -> Command {
    let mut cmd = Command::new("ooauthcc")
        .version(ooauthcc_core::VERSION)
        .about("OAuth 2.0 client-credentials tokens for shell scripts, cron jobs, curl and kubectl")
        .long_about(
            "OAuth 2.0 client-credentials tokens for shell scripts, cron jobs, curl and kubectl.\n\n\
             Settings come from a profile (--profile, from the file --config names), then OOAUTHCC_<NAME> \
             environment variables, then flags; each later source overrides. Secrets are never taken from \
             a flag's value (a process list shows it): use --client-secret-file, --client-secret-env, the \
             OOAUTHCC_CLIENT_SECRET variable, a profile, or `--client-secret -` to read standard input.",
        )
        .after_help(EXIT_STATUS_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(own_options())
        .next_help_heading("Settings (also OOAUTHCC_<NAME> variables and profile keys)");
    for info in ClientConfig::SCHEMA.iter().filter(|i| i.kind.in_documents()) {
        cmd = cmd.arg(setting_flag(info));
    }
    for (name, about) in OUTPUTS {
        let mut sub = Command::new(*name).about(*about).after_help(EXIT_STATUS_HELP);
        sub = match *name {
            "env" => sub.arg(
                Arg::new("prefix")
                    .long("prefix")
                    .value_name("PREFIX")
                    .default_value("OAUTH_")
                    .help("Prefix of the variable names (ACCESS_TOKEN, TOKEN_TYPE, EXPIRES_AT, AUTHORIZATION)"),
            ),
            "inspect" => sub.arg(
                Arg::new("stdin")
                    .long("stdin")
                    .action(ArgAction::SetTrue)
                    .help("Inspect the token read from standard input instead of getting one"),
            ),
            _ => sub,
        };
        cmd = cmd.subcommand(sub);
    }
    cmd.subcommand(
        Command::new("agent")
            .about("Serve every profile of --config over a Unix socket (and loopback HTTP) until SIGTERM")
            .long_about(AGENT_ABOUT)
            .args(crate::agent::args()),
    )
}

const AGENT_ABOUT: &str = "\
Serve every profile of the profiles file (--config) until SIGTERM or SIGINT:
  GET /v1/token/{profile}[?min_valid=SECONDS]   the token as JSON (as `ooauthcc json` prints it)
  GET /v1/header/{profile}[?min_valid=SECONDS]  the header line (as `ooauthcc header` prints it)
  GET /metrics                                  Prometheus (OpenMetrics text)
  GET /healthz                                  the agent serves; each profile's token state
The Unix socket serves the peers whose UID or GID is allowed (by default the agent's own user);
loopback HTTP requires `Authorization: Bearer <the secret in --bearer-file>`. Tokens are renewed
ahead of expiry, so callers do not wait. Errors are JSON: 400 bad request, 401/403 refused,
404 unknown profile or route, 502 the authorization server failed, 504 no token in time.";

fn own_options() -> Vec<Arg> {
    vec![
        Arg::new("profile")
            .long("profile")
            .global(true)
            .value_name("NAME")
            .env("OOAUTHCC_PROFILE")
            .help("Start from this profile of the profiles file"),
        Arg::new("config")
            .long("config")
            .global(true)
            .value_name("FILE")
            .env("OOAUTHCC_CONFIG")
            .value_parser(value_parser!(PathBuf))
            .help("The profiles file: TOML with [profiles.<name>] tables, or JSON when it ends in .json [default: <config dir>/ooauthcc/profiles.toml]"),
        Arg::new("min-valid")
            .long("min-valid")
            .global(true)
            .value_name("SECONDS")
            .value_parser(value_parser!(u64).range(..=31_536_000))
            .help("The printed token stays valid at least this long (a cached one that would not is renewed)"),
        Arg::new("no-store")
            .long("no-store")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Without a store_url, cache in this process only [default: share tokens through <cache dir>/ooauthcc/tokens]"),
        Arg::new("force")
            .long("force")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Get a new token from the authorization server even if a shared store holds one"),
    ]
}

/// `--token-url` for `token_url`, shaped by the setting's kind.
fn setting_flag(info: &SettingInfo) -> Arg {
    let arg = Arg::new(info.name).long(info.name.replace('_', "-")).global(true).help(info.summary());
    match info.kind {
        SettingKind::Secret => arg.value_name("-").help(format!(
            "{} Only `-` (read it from standard input); see also the -file and -env settings.",
            info.summary()
        )),
        SettingKind::List | SettingKind::WordList => arg.value_name("ITEM").action(ArgAction::Append),
        SettingKind::Map => arg.value_name("NAME=VALUE").action(ArgAction::Append),
        SettingKind::Bool => arg.value_name("BOOL").num_args(0..=1).require_equals(true).default_missing_value("true"),
        SettingKind::Enum => arg.value_name("CHOICE").value_parser(PossibleValuesParser::new(info.choices)),
        SettingKind::Seconds => arg.value_name("SECONDS"),
        SettingKind::Path => arg.value_name("PATH").value_parser(value_parser!(PathBuf)),
        _ => arg.value_name("VALUE"),
    }
}
