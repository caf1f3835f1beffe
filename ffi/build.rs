//! Link settings of `libooauthcc.so` that Cargo has no manifest key for.
//!
//! - soname `libooauthcc.so.<ABI>`: programs record it at link time, so an
//!   incompatible release (a new ABI number) is never loaded in place of the one
//!   they were built against. The ABI number comes from Cargo's version, never
//!   typed by hand: the major version from 1.0 on, and `0.<minor>` while the
//!   major is 0 (where every minor release may break the ABI), as cargo-c does:
//!   `libooauthcc.so.0.2` for 0.2.x, `libooauthcc.so.1` for 1.x.
//! - `-z nodelete`: core registers `pthread_atfork` handlers, which cannot be
//!   unregistered; if a host `dlclose`d the library and its code were unmapped,
//!   the next `fork()` would jump into nothing. With `nodelete` it stays mapped.

/// The ABI part of the soname: `<major>`, or `0.<minor>` while the major is 0.
fn abi_version() -> String {
    let part = |name: &str| std::env::var(name).unwrap_or_else(|_| "0".to_owned());
    let major = part("CARGO_PKG_VERSION_MAJOR");
    if major == "0" { format!("0.{}", part("CARGO_PKG_VERSION_MINOR")) } else { major }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let elf = !matches!(os.as_str(), "macos" | "ios" | "windows" | "");
    if elf {
        let abi = abi_version();
        // `rustc-link-arg`, not `rustc-link-arg-cdylib`: Cargo also passes a
        // dependency's cdylib link arguments to its dependents' cdylibs, and
        // libooauthcc_testing.so (built on this crate's rlib) must keep its own
        // soname. The test and bench executables get these flags too; harmless.
        println!("cargo:rustc-link-arg=-Wl,-soname,libooauthcc.so.{abi}");
        println!("cargo:rustc-link-arg=-Wl,-z,nodelete");
    }
}
