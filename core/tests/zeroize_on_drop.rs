//! Secrets and access tokens are wiped when the value that owns them is dropped.
//!
//! This binary installs a global allocator that looks at every block just
//! before it goes back to the system allocator, so the test sees the real drop
//! path (no test hook inside the library):
//!
//! - a *watched block* (the buffer of one particular `Secret` or token) must be
//!   all zeros when it is freed;
//! - while a *needle* (a random secret) is set, no freed block may contain it.
//!   `realloc` is not forwarded to the system's: it goes through `alloc`, copy,
//!   `dealloc`, so a buffer that grew and left a copy behind is caught too.
//!
//! Out of scope, by design: buffers owned by the HTTP stack (reqwest, hyper,
//! rustls) while a request is sent or a response read. See RELIABILITY.md.
//!
//! One test in its own binary: the allocator's watch state is global.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ooauthcc_core::{Client, ClientConfig, Secret};

const NEEDLE_MAX: usize = 64;
/// An unusual length, so that the wiped copies can be counted by size.
const SECRET_LEN: usize = 61;

static NEEDLE: [AtomicU8; NEEDLE_MAX] = [const { AtomicU8::new(0) }; NEEDLE_MAX];
/// 0 = no needle set.
static NEEDLE_LEN: AtomicUsize = AtomicUsize::new(0);
/// Freed blocks that still contained the needle.
static DIRTY: AtomicUsize = AtomicUsize::new(0);
/// Freed blocks of exactly `SECRET_LEN` bytes that were all zeros.
static WIPED_OF_SECRET_LEN: AtomicUsize = AtomicUsize::new(0);

/// The one watched block: its address (0 = none), and what was seen when it was freed.
static WATCH_PTR: AtomicUsize = AtomicUsize::new(0);
static WATCH_FREED: AtomicBool = AtomicBool::new(false);
static WATCH_WAS_ZERO: AtomicBool = AtomicBool::new(false);

struct Inspecting;

// SAFETY: every call is forwarded to `System` with the caller's pointer and
// layout; `dealloc` first reads the block it is about to free, which is still
// allocated, and does not allocate itself. (Bytes of the block past what its
// owner initialised are read as well: harmless in practice on the system
// allocator, and why this binary is not meant for miri.)
unsafe impl GlobalAlloc for Inspecting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` is a live block of `layout.size()` bytes until the call below.
        let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
        inspect(ptr as usize, block);
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    // `realloc` is deliberately not overridden: the default allocates, copies
    // and calls `dealloc` on the old block, which is then inspected.
}

#[global_allocator]
static GLOBAL: Inspecting = Inspecting;

/// Called on every freed block; must not allocate.
fn inspect(addr: usize, block: &[u8]) {
    // Only the first free of the watched address is the watched block's: the
    // address may be handed out again and freed by anyone afterwards.
    if addr != 0 && WATCH_PTR.compare_exchange(addr, 0, Ordering::AcqRel, Ordering::Relaxed).is_ok() {
        WATCH_WAS_ZERO.store(block.iter().all(|&b| b == 0), Ordering::Relaxed);
        WATCH_FREED.store(true, Ordering::Release);
    }
    let n = NEEDLE_LEN.load(Ordering::Acquire);
    if n == 0 {
        return;
    }
    if block.len() == SECRET_LEN && block.iter().all(|&b| b == 0) {
        WIPED_OF_SECRET_LEN.fetch_add(1, Ordering::Relaxed);
    }
    let mut needle = [0u8; NEEDLE_MAX];
    for (d, s) in needle.iter_mut().zip(NEEDLE.iter()).take(n) {
        *d = s.load(Ordering::Relaxed);
    }
    if block.windows(n).any(|w| w == &needle[..n]) {
        DIRTY.fetch_add(1, Ordering::Relaxed);
    }
}

/// A random secret of `SECRET_LEN` bytes, built in place (capacity == length,
/// so no growth leaves a copy behind), and set as the needle.
fn random_secret_as_needle() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut s = String::with_capacity(SECRET_LEN);
    for slot in NEEDLE.iter().take(SECRET_LEN) {
        let c = ALPHABET[fastrand::usize(..ALPHABET.len())];
        slot.store(c, Ordering::Relaxed);
        s.push(char::from(c));
    }
    assert_eq!(s.capacity(), SECRET_LEN);
    DIRTY.store(0, Ordering::Relaxed);
    WIPED_OF_SECRET_LEN.store(0, Ordering::Relaxed);
    NEEDLE_LEN.store(SECRET_LEN, Ordering::Release);
    s
}

fn clear_needle() {
    NEEDLE_LEN.store(0, Ordering::Release);
}

fn watch(ptr: *const u8) {
    WATCH_FREED.store(false, Ordering::Relaxed);
    WATCH_WAS_ZERO.store(false, Ordering::Relaxed);
    WATCH_PTR.store(ptr as usize, Ordering::Release);
}

/// Waits up to `limit` for the watched block to be freed; whether it was zero.
fn watched_block_freed_wiped(limit: Duration) -> Option<bool> {
    let start = Instant::now();
    while !WATCH_FREED.load(Ordering::Acquire) {
        if start.elapsed() > limit {
            WATCH_PTR.store(0, Ordering::Release);
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    WATCH_PTR.store(0, Ordering::Release);
    Some(WATCH_WAS_ZERO.load(Ordering::Relaxed))
}

/// Enough throw-away clients to make the registry sweep entries nobody uses.
fn force_registry_sweep() {
    for i in 0..200 {
        drop(
            Client::new(ClientConfig::new("https://idp.example.com/token", format!("zeroize-sweep-{i}"), "s")).unwrap(),
        );
    }
}

#[test]
fn secrets_and_tokens_are_wiped_when_dropped() {
    // 1. A Secret on its own: its buffer is zero when freed, and no freed block
    //    (including clones) held the plain text.
    let plain = random_secret_as_needle();
    let secret = Secret::new(plain);
    watch(secret.expose().as_ptr());
    let copy = secret.clone();
    assert_eq!(copy.expose(), secret.expose());
    drop(copy);
    drop(secret);
    assert_eq!(watched_block_freed_wiped(Duration::ZERO), Some(true), "a dropped Secret's buffer was not wiped");
    clear_needle();
    assert_eq!(DIRTY.load(Ordering::Relaxed), 0, "a freed block still held the secret");
    assert!(WIPED_OF_SECRET_LEN.load(Ordering::Relaxed) >= 2, "the Secret and its clone were both wiped");

    // 2. A client secret through ClientConfig, Client::new (validated Settings,
    //    the credential source, the registry entry and its key), dropped: every
    //    copy the library made is wiped before it is freed.
    let plain = random_secret_as_needle();
    let config = ClientConfig::new("https://idp.example.com/token", "zeroize-config", plain);
    let client = Client::new(config.clone()).unwrap();
    let again = Client::new(config).unwrap();
    drop(client);
    drop(again);
    force_registry_sweep();
    clear_needle();
    assert_eq!(DIRTY.load(Ordering::Relaxed), 0, "a freed block still held the client secret");
    assert!(WIPED_OF_SECRET_LEN.load(Ordering::Relaxed) >= 2, "the config's copies were freed (and wiped)");

    // 3. An access token from the server: the cached token's buffer is wiped
    //    when its last reference (caller's handle, cache entry) goes.
    let id = common::unique_id("zeroize-token");
    let server = common::server_for(&id);
    let client = Client::new(common::config(&server, &id)).unwrap();
    let token = client.get_token_blocking().unwrap();
    assert!(!token.access_token().is_empty());
    watch(token.access_token().as_ptr());
    assert!(client.invalidate(token.access_token()));
    drop(token);
    drop(client);
    force_registry_sweep();
    assert_eq!(
        watched_block_freed_wiped(Duration::from_secs(5)),
        Some(true),
        "the access token's buffer was not freed, or not wiped, once its last reference went"
    );

    // 4. What an API request carries (`Authorized`): its header value, the
    //    token in `header_format`, is wiped when it is dropped.
    let client = Client::new(common::config(&server, &id)).unwrap();
    let authorized = client.authorize_blocking(&server.resource_url()).unwrap();
    let (name, value) = &authorized.headers()[0];
    assert!(name.eq_ignore_ascii_case("authorization") && value.ends_with(authorized.token().access_token()));
    watch(value.as_ptr());
    drop(authorized);
    assert_eq!(watched_block_freed_wiped(Duration::ZERO), Some(true), "the Authorization header value was not wiped");
}
