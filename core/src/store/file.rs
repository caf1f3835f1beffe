//! Single flight across the processes of one machine, in a directory
//! (`store_url = "file:///path/to/dir"`): look for a fresh token file, else
//! take the client's lock file and fetch, else wait for whoever holds it.
//!
//! ```text
//! read <name>.token ──fresh──> done (store hit)
//!   │ none/stale/unreadable
//!   ▼
//! lock <name>.lock (try every 10-50 ms) ──> read again ──> fetch ──> write <name>.token ──> unlock
//! ```
//!
//! - Values are sealed as in Redis (`sealed.rs`): a file written without the
//!   client's credential, edited, truncated or renamed does not open, and is
//!   ignored and replaced. The associated data is the Redis key, so a value
//!   means the same in both stores.
//! - Files are created `0600` in a directory created `0700`, and written to a
//!   temporary file then renamed over the old one: a reader sees the old
//!   value or the new one, never half of one.
//! - The lock is the kernel's (`flock`, through `std::fs::File::try_lock`): a
//!   process that dies while fetching releases it at once, without a lease. A
//!   child forked while its parent holds it shares it until both close it
//!   (the child never does before it exits): processes then wait at most the
//!   wait limit and fetch alone.
//! - A refusal (`invalid_client`, a 429 with `Retry-After`) is shared as in
//!   Redis, for as long as its file's age is within the hold the refusal
//!   itself sets.
//! - A directory that cannot be created, read or written costs a warning and
//!   a fetch of this process's own, never a caller's token.

use std::fs::File;
use std::io::{ErrorKind as IoKind, Read as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use super::outcome::{open_failure, open_fresh, sealed_outcome, wait_limit};
use super::sealed::Sealer;
use super::{StoreContext, StoreSettings};
use crate::error::{Error, ErrorKind, Result};
use crate::private_files::{self, owner_only_dir};
use crate::retry;
use crate::stats::bump;
use crate::token::Token;

/// The largest file read: a sealed token is a few hundred bytes; anything far
/// bigger is not ours.
const MAX_FILE: u64 = 256 * 1024;

/// The fetch of `ctx`, shared through the directory `dir` with the other
/// processes of this machine.
pub(super) async fn obtain(ctx: &StoreContext<'_>, st: &StoreSettings, dir: &Path) -> Result<Token> {
    // A credential that cannot be read fails the fetch itself, not the store.
    let sealer = Sealer::derive(ctx.settings, &st.identity)?;
    let files = Files::new(dir, &sealer.name);
    match through_files(ctx, st, &sealer, &files).await {
        Ok(outcome) => outcome,
        Err(e) => {
            bump(&ctx.counters.store_errors);
            tracing::warn!(client_id = %ctx.settings.client_id, error = %e, "token store unavailable; fetching without it");
            (ctx.from_server)().await
        }
    }
}

/// The paths of one client's files.
struct Files {
    dir: PathBuf,
    token: PathBuf,
    failure: PathBuf,
    lock: PathBuf,
}

impl Files {
    fn new(dir: &Path, name: &str) -> Files {
        Files {
            dir: dir.to_owned(),
            token: dir.join(format!("{name}.token")),
            failure: dir.join(format!("{name}.failed")),
            lock: dir.join(format!("{name}.lock")),
        }
    }
}

/// `Ok(outcome)` once the store settled it; `Err` when the store failed
/// before this process fetched.
async fn through_files(
    ctx: &StoreContext<'_>,
    st: &StoreSettings,
    sealer: &Sealer,
    files: &Files,
) -> Result<Result<Token>> {
    if let Some(outcome) = look(ctx, sealer, files)? {
        return Ok(outcome);
    }
    let lock = take_lock(ctx, files, Instant::now() + wait_limit(ctx, st)).await?;
    // Whoever held the lock before us has just written its outcome.
    if let Some(outcome) = look(ctx, sealer, files)? {
        return Ok(outcome);
    }
    let result = (ctx.from_server)().await;
    let written = sealed_outcome(sealer, &result).and_then(|shared| match shared {
        Some((key, value, _)) => {
            let path = if key == sealer.token_key { &files.token } else { &files.failure };
            write_atomically(&files.dir, path, value.as_bytes())
        }
        None => Ok(()),
    });
    if let Err(e) = written {
        bump(&ctx.counters.store_errors);
        tracing::warn!(client_id = %ctx.settings.client_id, error = %e, "could not share the fetch's outcome through the store");
    }
    drop(lock);
    Ok(result)
}

/// A fresh token, or a refusal still within its hold, from the files; `None`
/// when neither (missing, stale, expired or unreadable files alike).
fn look(ctx: &StoreContext<'_>, sealer: &Sealer, files: &Files) -> Result<Option<Result<Token>>> {
    if let Some(value) = read_small(&files.token)?.map(|(value, _)| value)
        && let Some(t) = open_fresh(ctx, sealer, &value)
    {
        bump(&ctx.counters.store_hits);
        return Ok(Some(Ok(t)));
    }
    let Some((value, written)) = read_small(&files.failure)? else { return Ok(None) };
    let Some(e) = open_failure(ctx, sealer, &value) else { return Ok(None) };
    let age = SystemTime::now().duration_since(written).unwrap_or(Duration::ZERO);
    Ok((age < retry::failure_hold(&e, 1)).then_some(Err(e)))
}

/// The file's bytes and modification time; `None` when it does not exist or
/// is too big to be ours (it is then replaced at the next write).
fn read_small(path: &Path) -> Result<Option<(Vec<u8>, SystemTime)>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == IoKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("read", path, &e)),
    };
    let modified = file.metadata().and_then(|m| m.modified()).map_err(|e| io_error("read", path, &e))?;
    let mut value = Vec::new();
    file.take(MAX_FILE + 1).read_to_end(&mut value).map_err(|e| io_error("read", path, &e))?;
    Ok((value.len() as u64 <= MAX_FILE).then_some((value, modified)))
}

/// Writes `value` to `path` atomically, 0600 (see [`private_files`]).
fn write_atomically(dir: &Path, path: &Path, value: &[u8]) -> Result<()> {
    private_files::write_atomically(dir, path, value).map_err(|e| io_error("write", path, &e))
}

/// Takes the client's lock file, creating the directory and the file as
/// needed; waits for another holder until `give_up_at`. Released when dropped.
async fn take_lock(ctx: &StoreContext<'_>, files: &Files, give_up_at: Instant) -> Result<File> {
    owner_only_dir(std::fs::DirBuilder::new().recursive(true))
        .create(&files.dir)
        .map_err(|e| io_error("create the directory", &files.dir, &e))?;
    let file = private_files::open_lock_file(&files.lock).map_err(|e| io_error("open", &files.lock, &e))?;
    let taken = private_files::lock_polling(&file, give_up_at, || {
        bump(&ctx.counters.store_waits);
        tracing::debug!(client_id = %ctx.settings.client_id, "another process holds the store's fetch lock; waiting");
    })
    .await
    .map_err(|e| io_error("lock", &files.lock, &e))?;
    if !taken {
        return Err(Error::new(
            ErrorKind::Store,
            "another process has held the store's fetch lock longer than a fetch can take",
        ));
    }
    Ok(file)
}

/// A store error naming the operation and the file, never its contents.
fn io_error(what: &str, path: &Path, e: &std::io::Error) -> Error {
    Error::new(ErrorKind::Store, format!("store {what} {} failed: {e}", path.display()))
}
