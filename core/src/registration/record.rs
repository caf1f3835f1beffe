//! The registration file: what a registration issued, kept for later starts
//! and for the other processes of the machine. JSON, created 0600, replaced
//! atomically; a file that cannot be read as ours is registered over, never
//! trusted in part. Its lock (`<file>.lock`) makes one process at a time
//! register.

use std::fs::File;
use std::io::{ErrorKind as IoKind, Read as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use zeroize::Zeroizing;

use super::answer::{Issued, expiry};
use crate::error::{Error, ErrorKind, Result};
use crate::private_files::{lock_polling, open_lock_file, owner_only_dir, write_atomically};
use crate::secret::Secret;

/// The format of the file, so a later version can change it knowingly.
const FORMAT: u32 = 1;

/// Larger files are not ours: not read past this.
const MAX_FILE: u64 = 64 * 1024;

/// What the file holds: the credentials, and the endpoint that issued them (a
/// file written for another server is registered over).
pub(crate) struct Record {
    pub registration_endpoint: String,
    pub issued: Issued,
}

#[derive(Serialize, Deserialize)]
struct OnDisk<'a> {
    ooauthcc_registration: u32,
    registration_endpoint: &'a str,
    client_id: &'a str,
    client_secret: &'a str,
    /// 0: the secret does not expire.
    client_secret_expires_at: u64,
}

/// The file's bytes for `record`, in a buffer that wipes itself.
pub(crate) fn encode(registration_endpoint: &str, issued: &Issued) -> Result<Zeroizing<Vec<u8>>> {
    let expires =
        issued.secret_expires_at.map_or(0, |t| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs().max(1)));
    let disk = OnDisk {
        ooauthcc_registration: FORMAT,
        registration_endpoint,
        client_id: &issued.client_id,
        client_secret: issued.client_secret.expose(),
        client_secret_expires_at: expires,
    };
    // Sized for the worst case (every byte escaped as \uXXXX) so the buffer
    // holding the secret never grows and leaves an unwiped copy behind.
    let capacity =
        256 + 6 * (registration_endpoint.len() + issued.client_id.len() + issued.client_secret.expose().len());
    let mut out = Zeroizing::new(Vec::with_capacity(capacity));
    serde_json::to_writer(&mut *out, &disk)
        .map_err(|e| Error::new(ErrorKind::Internal, format!("cannot encode the registration record: {e}")))?;
    Ok(out)
}

/// Reads a file's bytes as a record; `None` for anything else (another format,
/// missing or mistyped fields, an empty id or secret).
pub(crate) fn decode(bytes: &[u8]) -> Option<Record> {
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if v.get("ooauthcc_registration")?.as_u64()? != u64::from(FORMAT) {
        return None;
    }
    let text = |name: &str| v.get(name).and_then(serde_json::Value::as_str).filter(|s| !s.is_empty());
    let client_id = text("client_id")?;
    if client_id.chars().any(char::is_control) {
        return None;
    }
    Some(Record {
        registration_endpoint: text("registration_endpoint")?.to_owned(),
        issued: Issued {
            client_id: client_id.to_owned(),
            client_secret: Secret::from(text("client_secret")?),
            secret_expires_at: expiry(v.get("client_secret_expires_at")?)?,
        },
    })
}

/// The record in `path`: `None` when the file does not exist or is not a
/// record (logged); an error when it cannot be read.
pub(crate) fn load(path: &Path) -> Result<Option<Record>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == IoKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("open", path, &e)),
    };
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(MAX_FILE + 1).read_to_end(&mut bytes).map_err(|e| io_error("read", path, &e))?;
    let record = decode(&bytes);
    if record.is_none() {
        tracing::warn!(file = %path.display(), "the registration file is not a registration record; registering again");
    }
    Ok(record)
}

/// Replaces `path` with `record` (0600), creating its directory (0700) if needed.
pub(crate) fn save(path: &Path, registration_endpoint: &str, issued: &Issued) -> Result<()> {
    let dir = parent(path);
    owner_only_dir(std::fs::DirBuilder::new().recursive(true))
        .create(&dir)
        .map_err(|e| io_error("create the directory of", path, &e))?;
    let bytes = encode(registration_endpoint, issued)?;
    write_atomically(&dir, path, &bytes).map_err(|e| io_error("write", path, &e))
}

/// Takes `<path>.lock`, waiting for another holder (another process, or
/// another cache entry registering with the same file) until `give_up_after`.
/// Released when the file is dropped.
pub(crate) async fn lock(path: &Path, give_up_after: Duration) -> Result<File> {
    let lock_path = lock_path(path);
    owner_only_dir(std::fs::DirBuilder::new().recursive(true))
        .create(parent(path))
        .map_err(|e| io_error("create the directory of", path, &e))?;
    let file = open_lock_file(&lock_path).map_err(|e| io_error("open", &lock_path, &e))?;
    let taken = lock_polling(&file, Instant::now() + give_up_after, || {
        tracing::debug!(file = %path.display(), "another registration holds the registration file's lock; waiting");
    })
    .await
    .map_err(|e| io_error("lock", &lock_path, &e))?;
    if !taken {
        return Err(Error::new(
            ErrorKind::Timeout,
            format!("another registration has held {} for longer than {give_up_after:?}", lock_path.display()),
        ));
    }
    Ok(file)
}

/// Whether a secret expiring at `at` still has `margin` to go at `now`.
pub(crate) fn lasts(at: Option<SystemTime>, now: SystemTime, margin: Duration) -> bool {
    at.is_none_or(|t| t > now + margin)
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(".lock");
    path.with_file_name(name)
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// An error naming the operation and the file, never its contents.
fn io_error(what: &str, path: &Path, e: &std::io::Error) -> Error {
    Error::new(ErrorKind::Config, format!("registration_file: cannot {what} {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_back_and_anything_else_is_not_one() {
        let issued = Issued {
            client_id: "c\"1".into(),
            client_secret: Secret::from("s\\1é"),
            secret_expires_at: Some(UNIX_EPOCH + Duration::from_secs(2_000_000_000)),
        };
        let bytes = encode("https://idp.example.com/register", &issued).unwrap();
        let r = decode(&bytes).unwrap();
        assert_eq!(r.registration_endpoint, "https://idp.example.com/register");
        assert_eq!((r.issued.client_id.as_str(), r.issued.client_secret.expose()), ("c\"1", "s\\1é"));
        assert_eq!(r.issued.secret_expires_at, issued.secret_expires_at);
        let never = Issued { secret_expires_at: None, ..issued };
        assert_eq!(decode(&encode("e", &never).unwrap()).unwrap().issued.secret_expires_at, None);
        for bad in [
            &b""[..],
            b"{}",
            br#"{"ooauthcc_registration":2,"registration_endpoint":"e","client_id":"c","client_secret":"s","client_secret_expires_at":0}"#,
            br#"{"ooauthcc_registration":1,"registration_endpoint":"e","client_id":"","client_secret":"s","client_secret_expires_at":0}"#,
            br#"{"ooauthcc_registration":1,"registration_endpoint":"e","client_id":"c","client_secret":"s"}"#,
            br#"{"ooauthcc_registration":1,"registration_endpoint":"e","client_id":"c\n","client_secret":"s","client_secret_expires_at":0}"#,
        ] {
            assert!(decode(bad).is_none(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn lasting_secrets() {
        let now = UNIX_EPOCH + Duration::from_secs(1000);
        assert!(lasts(None, now, Duration::from_secs(60)));
        assert!(lasts(Some(now + Duration::from_secs(61)), now, Duration::from_secs(60)));
        assert!(!lasts(Some(now + Duration::from_secs(60)), now, Duration::from_secs(60)));
        assert_eq!(lock_path(Path::new("/a/b.json")), PathBuf::from("/a/b.json.lock"));
        assert_eq!(parent(Path::new("b.json")), PathBuf::from("."));
    }
}
