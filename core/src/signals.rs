//! SIGPIPE on the library's own threads.
//!
//! Writing to a connection the peer has closed raises SIGPIPE, whose default
//! action kills the process. Rust programs and CPython ignore it at startup; a
//! C or C++ host usually does not, and the HTTP stack writes with `writev`,
//! which has no `MSG_NOSIGNAL` flag. So every thread this library starts (the
//! runtime's workers and blocking threads, the bundled test server's) blocks
//! SIGPIPE: the signal a write raises is directed at the writing thread, stays
//! pending there, and the write fails with EPIPE, which the caller sees as a
//! transport error. The host's own disposition of SIGPIPE is never changed.

/// Blocks SIGPIPE for the calling thread (and the threads it starts). Systems
/// without SIGPIPE (Windows) have nothing to block.
pub(crate) fn block_sigpipe_on_this_thread() {
    #[cfg(all(unix, not(ooauthcc_no_posix)))]
    block_sigpipe();
}

#[cfg(all(unix, not(ooauthcc_no_posix)))]
fn block_sigpipe() {
    // SAFETY: `set` is a local sigset_t initialised by sigemptyset before use;
    // pthread_sigmask only reads it and changes the calling thread's mask (a
    // NULL old-set pointer is allowed). Failure (EINVAL, impossible with
    // SIG_BLOCK) leaves the mask as it was, which is the pre-existing behaviour.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}
