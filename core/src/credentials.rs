//! Where a credential (client secret or private key) comes from, read afresh at
//! every fetch so that a rotated credential — a re-mounted Kubernetes secret, a
//! changed environment, a vault callback — takes effect at the next token
//! request, with no restart.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;

/// A callback that returns the current credential; called at fetch time, on a
/// runtime thread. It must not block for long (it delays the token request).
#[derive(Clone)]
pub struct SecretProvider(Arc<dyn Fn() -> std::result::Result<Secret, String> + Send + Sync>);

impl SecretProvider {
    /// Wraps `f`. An `Err(message)` fails the fetch with a config error carrying
    /// the message (do not put the secret in it).
    pub fn new(f: impl Fn() -> std::result::Result<Secret, String> + Send + Sync + 'static) -> Self {
        SecretProvider(Arc::new(f))
    }

    /// The identity of this callback (its allocation), used in cache keys.
    pub(crate) fn id(&self) -> usize {
        Arc::as_ptr(&self.0).cast::<()>() as usize
    }
}

impl fmt::Debug for SecretProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretProvider(..)")
    }
}

/// One credential's source.
#[derive(Clone, Debug)]
pub(crate) enum Source {
    Inline(Secret),
    /// Read at every fetch; trailing newlines are dropped.
    File(PathBuf),
    /// Read at every fetch.
    Env(String),
    Provider(SecretProvider),
}

/// What identifies a source in a cache key: the credential itself when it is
/// fixed, else where it comes from (the file, the variable, the callback).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum SourceKey {
    Fingerprint([u8; 32]),
    File(PathBuf),
    Env(String),
    Provider(usize),
}

impl Source {
    /// Picks the one source set among `inline`, `file`, `env`, `provider` for the
    /// setting `name` (e.g. `client_secret`); two at once is a config error.
    pub(crate) fn choose(
        name: &str,
        inline: &Option<Secret>,
        file: &Option<PathBuf>,
        env: &Option<String>,
        provider: &Option<SecretProvider>,
    ) -> Result<Option<Source>> {
        let mut found = Vec::new();
        if let Some(s) = inline {
            found.push((name.to_owned(), Source::Inline(s.clone())));
        }
        if let Some(p) = file {
            found.push((format!("{name}_file"), Source::File(p.clone())));
        }
        if let Some(v) = env {
            if v.is_empty() {
                return Err(Error::config(&format!("{name}_env"), "must name an environment variable"));
            }
            found.push((format!("{name}_env"), Source::Env(v.clone())));
        }
        if let Some(p) = provider {
            found.push((format!("{name}_provider"), Source::Provider(p.clone())));
        }
        match found.len() {
            0 => Ok(None),
            1 => Ok(found.pop().map(|(_, s)| s)),
            _ => {
                let names: Vec<String> = found.into_iter().map(|(n, _)| n).collect();
                Err(Error::config(name, format!("is given more than once ({}); set exactly one", names.join(", "))))
            }
        }
    }

    /// The credential now. `name` names the setting in errors.
    pub(crate) fn load(&self, name: &str) -> Result<Secret> {
        let value = match self {
            Source::Inline(s) => return Ok(s.clone()),
            Source::File(path) => {
                let bytes = read_small_file(path, &format!("{name}_file"))?;
                let text = String::from_utf8(bytes)
                    .map_err(|_| Error::config(&format!("{name}_file"), format!("{} is not UTF-8", path.display())))?;
                Secret::new(text.trim_end_matches(['\n', '\r']))
            }
            Source::Env(var) => match std::env::var(var) {
                Ok(v) => Secret::new(v),
                Err(_) => {
                    return Err(Error::new(
                        ErrorKind::Config,
                        format!("{name}_env: environment variable {var} is not set or not UTF-8"),
                    ));
                }
            },
            Source::Provider(p) => {
                (p.0)().map_err(|why| Error::new(ErrorKind::Config, format!("{name}_provider failed: {why}")))?
            }
        };
        if value.is_empty() {
            return Err(Error::new(ErrorKind::Config, format!("{name} (from its {}) is empty", self.kind())));
        }
        Ok(value)
    }

    pub(crate) fn key(&self) -> SourceKey {
        match self {
            Source::Inline(s) => SourceKey::Fingerprint(s.fingerprint()),
            Source::File(p) => SourceKey::File(p.clone()),
            Source::Env(v) => SourceKey::Env(v.clone()),
            Source::Provider(p) => SourceKey::Provider(p.id()),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Source::Inline(_) => "value",
            Source::File(_) => "file",
            Source::Env(_) => "environment variable",
            Source::Provider(_) => "provider",
        }
    }
}

/// The largest credential or certificate file we read.
const MAX_FILE: u64 = 1 << 20;

/// Reads a credential, certificate or CA file named by `setting`: a regular
/// file (symbolic links are followed, as Kubernetes mounts them) of at most
/// 1 MiB. Devices and FIFOs are refused: reading `/dev/zero` or a pipe nobody
/// writes to would exhaust memory or hang.
pub(crate) fn read_small_file(path: &std::path::Path, setting: &str) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| Error::config(setting, format!("cannot read {shown}: {e}")))?;
    if !meta.is_file() {
        return Err(Error::config(setting, format!("{shown} is not a regular file")));
    }
    let file = std::fs::File::open(path).map_err(|e| Error::config(setting, format!("cannot read {shown}: {e}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::config(setting, format!("cannot read {shown}: {e}")))?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(Error::config(setting, format!("{shown} is larger than 1 MiB")));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_source() {
        let s = Some(Secret::new("x"));
        let f = Some(PathBuf::from("/nonexistent"));
        let e = Source::choose("client_secret", &s, &f, &None, &None).unwrap_err().to_string();
        assert!(e.contains("client_secret_file") && e.contains("client_secret"), "{e}");
        assert!(Source::choose("client_secret", &None, &None, &None, &None).unwrap().is_none());
    }

    #[test]
    fn file_env_and_provider_are_read_at_each_load() {
        let dir = std::env::temp_dir().join(format!("ooauthcc-cred-{}", std::process::id()));
        std::fs::write(&dir, "first\n").unwrap();
        let src = Source::File(dir.clone());
        assert_eq!(src.load("client_secret").unwrap().expose(), "first");
        std::fs::write(&dir, "second").unwrap();
        assert_eq!(src.load("client_secret").unwrap().expose(), "second");
        std::fs::remove_file(&dir).unwrap();
        let e = src.load("client_secret").unwrap_err();
        assert!(e.message().contains("client_secret_file"), "{e}");
        let e = Source::File("/dev/zero".into()).load("client_secret").unwrap_err();
        assert!(e.message().contains("not a regular file"), "{e}");

        let e = Source::Env("OOAUTHCC_TEST_SURELY_UNSET_VAR".into()).load("client_secret").unwrap_err();
        assert!(e.message().contains("OOAUTHCC_TEST_SURELY_UNSET_VAR"), "{e}");

        let n = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let n2 = Arc::clone(&n);
        let p = Source::Provider(SecretProvider::new(move || {
            Ok(Secret::new(format!("v{}", n2.fetch_add(1, std::sync::atomic::Ordering::Relaxed))))
        }));
        assert_eq!(p.load("client_secret").unwrap().expose(), "v0");
        assert_eq!(p.load("client_secret").unwrap().expose(), "v1");
        let failing = Source::Provider(SecretProvider::new(|| Err("vault unreachable".into())));
        assert!(failing.load("private_key").unwrap_err().message().contains("vault unreachable"));
    }
}
