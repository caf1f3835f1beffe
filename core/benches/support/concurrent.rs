//! The multi-thread harness the hot-path benchmarks share (core's, and the C
//! ABI's through `#[path]`).

use std::sync::Barrier;
use std::time::{Duration, Instant};

/// Runs `f` `iters` times on each of `threads` threads started together; returns the wall time.
pub fn concurrent<F: Fn() + Sync>(threads: usize, iters: u64, f: &F) -> Duration {
    let barrier = Barrier::new(threads + 1);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                barrier.wait();
                for _ in 0..iters {
                    f();
                }
                barrier.wait();
            });
        }
        barrier.wait();
        let start = Instant::now();
        barrier.wait();
        start.elapsed()
    })
}
