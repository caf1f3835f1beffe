//! Files only their owner may read (0600) in directories only their owner may
//! enter (0700), replaced atomically, and the lock files that let one process at
//! a time write them: for what the library keeps on disk — the file store's
//! sealed tokens and the credentials a dynamic registration issued.
//! Elsewhere than Unix the directory's inherited permissions apply (README,
//! "Portability").

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use tokio::time::Instant;

/// Opens files as only their owner may read or write them (0600).
fn owner_only(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(all(unix, not(ooauthcc_no_posix)))]
    std::os::unix::fs::OpenOptionsExt::mode(options, 0o600);
    options
}

/// Creates directories only their owner may enter (0700).
pub(crate) fn owner_only_dir(builder: &mut std::fs::DirBuilder) -> &mut std::fs::DirBuilder {
    #[cfg(all(unix, not(ooauthcc_no_posix)))]
    std::os::unix::fs::DirBuilderExt::mode(builder, 0o700);
    builder
}

/// Writes `value` to `path` through a new 0600 file in `dir` (the directory of
/// `path`) and a rename, so that a reader sees the old content or the new, never
/// a part. The temporary name need not be secret, only unused: it is created
/// with `create_new`.
pub(crate) fn write_atomically(dir: &Path, path: &Path, value: &[u8]) -> std::io::Result<()> {
    let tmp = dir.join(format!(".tmp-{}-{:016x}", std::process::id(), fastrand::u64(..)));
    let written = owner_only(OpenOptions::new().write(true).create_new(true))
        .open(&tmp)
        .and_then(|mut f| f.write_all(value))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Opens (creating, 0600) the lock file at `path`.
pub(crate) fn open_lock_file(path: &Path) -> std::io::Result<File> {
    owner_only(OpenOptions::new().read(true).write(true).create(true).truncate(false)).open(path)
}

/// Takes the kernel's exclusive lock on `file` (`flock`, released when the
/// file is closed, also when its process dies), polling every 10 ms doubling
/// to 50 ms until `give_up_at`. `on_wait` runs once, when the lock is held
/// elsewhere. `Ok(false)`: still held elsewhere at `give_up_at`.
pub(crate) async fn lock_polling(file: &File, give_up_at: Instant, on_wait: impl FnOnce()) -> std::io::Result<bool> {
    let mut poll = Duration::from_millis(10);
    let mut on_wait = Some(on_wait);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(true),
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
        if let Some(f) = on_wait.take() {
            f();
        }
        if Instant::now() >= give_up_at {
            return Ok(false);
        }
        tokio::time::sleep(poll).await;
        poll = (poll * 2).min(Duration::from_millis(50));
    }
}
