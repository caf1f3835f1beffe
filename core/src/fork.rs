//! What happens at `fork()` (gunicorn, Celery, multiprocessing, forking C
//! daemons): the one place that knows every lock to hold across the fork and
//! what a child must reset.
//!
//! The prepare handler takes the global locks (the runtime's build lock, the
//! registry's) so no other thread holds them while the address space is
//! copied; the parent releases them; the child releases them and bumps the
//! fork generation, after which every per-process pool — the runtime
//! ([`crate::runtime`]), the HTTP clients ([`crate::http`]), the store
//! connections — is rebuilt on its next use ([`crate::generation`]). Cached
//! tokens survive: 16 pre-forked workers do not make 16 requests.

/// Registers the handlers, once per process: from `Client::new` and before the
/// first runtime is built (nothing needs them earlier). Without POSIX fork
/// (Windows) there is nothing to handle.
#[cfg(not(all(unix, not(ooauthcc_no_posix))))]
pub(crate) fn install_handlers() {}

/// Registers the handlers, once per process: from `Client::new` and before the
/// first runtime is built (nothing needs them earlier).
#[cfg(all(unix, not(ooauthcc_no_posix)))]
pub(crate) fn install_handlers() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: the three handlers are `extern "C" fn()` with no arguments, as
        // pthread_atfork requires, and live for the whole process (they are in
        // this library's code, kept mapped by `-z nodelete` in the C build).
        // Registration only fails on ENOMEM; then fork simply is not handled.
        unsafe {
            libc::pthread_atfork(Some(before_fork), Some(after_fork_parent), Some(after_fork_child));
        }
    });
}

#[cfg(all(unix, not(ooauthcc_no_posix)))]
extern "C" fn before_fork() {
    // Keep both global locks out of other threads' hands while the address space is copied.
    std::mem::forget(crate::runtime::BUILD.lock());
    crate::registry::lock_for_fork();
}

#[cfg(all(unix, not(ooauthcc_no_posix)))]
extern "C" fn after_fork_parent() {
    crate::registry::unlock_after_fork();
    // SAFETY: `before_fork` locked BUILD in this same thread and forgot the guard,
    // so the lock is held by us and unlocking it here is balanced.
    unsafe { crate::runtime::BUILD.force_unlock() };
}

#[cfg(all(unix, not(ooauthcc_no_posix)))]
extern "C" fn after_fork_child() {
    crate::generation::bump_in_child();
    crate::registry::unlock_after_fork();
    // SAFETY: as in `after_fork_parent`: the child is a copy of the thread that
    // took the lock in `before_fork`, the only thread that exists in the child.
    unsafe { crate::runtime::BUILD.force_unlock() };
}
