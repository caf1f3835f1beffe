//! Link settings of `libooauthcc.so` that Cargo has no manifest key for.
//!
//! - soname `libooauthcc.so.<ABI>`: programs record it at link time, so an
//!   incompatible release (a new ABI number) is never loaded in place of the one
//!   they were built against. The ABI number is the major version from Cargo —
//!   `0` for every 0.x release — never typed by hand.
//! - `-z nodelete`: core registers `pthread_atfork` handlers, which cannot be
//!   unregistered; if a host `dlclose`d the library and its code were unmapped,
//!   the next `fork()` would jump into nothing. With `nodelete` it stays mapped.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let elf = !matches!(os.as_str(), "macos" | "ios" | "windows" | "");
    if elf {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".to_owned());
        // `rustc-link-arg`, not `rustc-link-arg-cdylib`: Cargo also passes a
        // dependency's cdylib link arguments to its dependents' cdylibs, and
        // libooauthcc_testing.so (built on this crate's rlib) must keep its own
        // soname. The test and bench executables get these flags too; harmless.
        println!("cargo:rustc-link-arg=-Wl,-soname,libooauthcc.so.{major}");
        println!("cargo:rustc-link-arg=-Wl,-z,nodelete");
    }
}
