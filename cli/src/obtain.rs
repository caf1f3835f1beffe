//! Getting the token to print, honouring `--force` and `--min-valid`.

use std::time::Duration;

use ooauthcc_core::{Client, ClientConfig, ErrorKind, Token};

use crate::failure::Failure;

/// What the run asks of the token besides being valid.
pub struct Wanted {
    /// It must stay valid at least this long after it is printed.
    pub min_valid: Option<Duration>,
    /// It must come from the authorization server, not from a shared store.
    pub force: bool,
}

/// The client for `cfg`, and a token from it as `wanted` says.
pub fn token(cfg: ClientConfig, wanted: &Wanted) -> Result<(Client, Token), Failure> {
    let client = Client::new(cfg)?;
    let mut token = client.get_token_blocking()?;
    // A fresh process's memory is empty: a token can only have been cached in
    // a shared store, which the store-hit counter tells.
    if wanted.force && client.stats().store_hits > 0 {
        token = renewed(&client, &token)?;
    }
    if let Some(min) = wanted.min_valid {
        token = client.get_token_lasting_blocking(min)?;
        ensure_min_valid(&token, min, ErrorKind::Config, "--min-valid")?;
    }
    Ok((client, token))
}

/// Drops `old` (here and in a shared store's eyes) and gets another.
fn renewed(client: &Client, old: &Token) -> Result<Token, Failure> {
    client.invalidate(old.access_token());
    Ok(client.get_token_blocking()?)
}

/// A `kind` failure when a just-renewed `token` still lives less than `min`:
/// the server issues tokens that short, so asking again would not help.
pub fn ensure_min_valid(token: &Token, min: Duration, kind: ErrorKind, asked_by: &str) -> Result<(), Failure> {
    let left = token.valid_for();
    if left >= min {
        return Ok(());
    }
    Err(Failure::new(
        kind,
        format!("{asked_by} {}: the server's new token is valid for only {} s", min.as_secs(), left.as_secs()),
    ))
}
