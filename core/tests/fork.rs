//! After `fork()` the child gets tokens: the cached one without a request, and a
//! fresh one from a runtime it builds itself — while the parent keeps working.
//! (One test in its own binary: forking a process with many test threads
//! running would copy their state mid-flight.)
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use ooauthcc_core::Client;

use common::{config, server_for, unique_id};

/// Runs `child` in a forked process and returns its exit code. The child leaves
/// with `_exit`, so no destructor of the parent's objects runs twice.
fn in_child(child: impl FnOnce() -> i32) -> i32 {
    // SAFETY: fork() has no preconditions; the child only runs `child` and then
    // `_exit`s. The library under test is built to be used after fork.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(child)).unwrap_or(101);
        // SAFETY: `_exit` ends the child at once, skipping atexit handlers and destructors.
        unsafe { libc::_exit(code) };
    }
    // A child that hangs (the failure this test guards against) is killed, not waited for forever.
    let start = std::time::Instant::now();
    let mut status = 0;
    loop {
        // SAFETY: `pid` is our child and `status` is a valid out-pointer.
        let waited = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if waited == pid {
            break;
        }
        if start.elapsed() > Duration::from_secs(30) {
            // SAFETY: signalling our own child process.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("the forked child hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(libc::WIFEXITED(status), "child did not exit normally (status {status:#x})");
    libc::WEXITSTATUS(status)
}

#[test]
fn forked_child_gets_cached_and_fresh_tokens() {
    let id = unique_id("fork");
    let server = server_for(&id);
    let client = Client::new(config(&server, &id)).unwrap();
    // The parent's runtime is running and a token is cached before the fork.
    let parent_token = client.get_token_blocking().unwrap();

    // A parent thread keeps fetching fresh tokens while the fork happens.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let worker = {
        let (c, stop) = (client.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let t = c.get_token_blocking().unwrap();
                c.invalidate(t.access_token());
                n += 1;
            }
            n
        })
    };
    std::thread::sleep(Duration::from_millis(50));

    let code = in_child(|| {
        // 1. The cached token survives the fork (it may have been replaced by the worker: any valid one).
        let cached = match client.cached_token() {
            Some(t) => t,
            None => client.get_token_blocking_with_timeout(Duration::from_secs(5)).unwrap(),
        };
        if cached.access_token().is_empty() {
            return 2;
        }
        // 2. A fresh fetch in the child works on the child's own runtime.
        let before = client.stats().token_requests;
        client.invalidate(cached.access_token());
        let fresh = match client.get_token_blocking_with_timeout(Duration::from_secs(5)) {
            Ok(t) => t,
            Err(_) => return 3,
        };
        if fresh.access_token() == cached.access_token() || client.stats().token_requests <= before {
            return 4;
        }
        // 3. Async callers in the child work too.
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        if rt.block_on(client.get_token()).map(|t| t.access_token().to_owned()).ok()
            != Some(fresh.access_token().to_owned())
        {
            return 5;
        }
        0
    });
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let parent_fetches = worker.join().unwrap();
    assert_eq!(code, 0, "child failed at step {code}");
    assert!(parent_fetches > 0);
    // The parent keeps working after the fork too.
    let after = client.get_token_blocking().unwrap();
    assert!(server.is_valid_token(after.access_token()));
    assert_ne!(after.access_token(), parent_token.access_token());
}
