//! Link settings of `libooauthcc_testing.so` that Cargo has no manifest key for.
//!
//! - A version script that exports `ooauthcc_test_*` only. The crate is built
//!   on the `ooauthcc-ffi` rlib, whose `#[no_mangle]` functions rustc would
//!   export too (its own version script names each of them, and an explicit
//!   name beats a `local: *` wildcard), so a program linking both libraries
//!   could reach a second client cache through them. The script therefore
//!   names every function of `include/ooauthcc.h` as local.
//! - soname `libooauthcc_testing.so.<ABI>` (`<major>`, or `0.<minor>` while the
//!   major is 0) and `-z nodelete`, as libooauthcc.so (see ffi/build.rs).

use std::fmt::Write as _;

/// The functions `include/ooauthcc.h` declares: `name(` after `ooauthcc_`.
fn production_functions(header: &str) -> Vec<&str> {
    let mut names: Vec<&str> = header
        .match_indices("ooauthcc_")
        .filter_map(|(i, _)| {
            let rest = &header[i..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
            let before_ok = i == 0 || !header.as_bytes()[i - 1].is_ascii_alphanumeric();
            (before_ok && rest[end..].starts_with('(')).then(|| &rest[..end])
        })
        .filter(|name| !name.starts_with("ooauthcc_test_"))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=../include/ooauthcc.h");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let elf = !matches!(os.as_str(), "macos" | "ios" | "windows" | "");
    if !elf {
        return;
    }
    let header = std::fs::read_to_string("../include/ooauthcc.h").unwrap_or_default();
    let mut script = String::from("{\n  global:\n    ooauthcc_test_*;\n  local:\n");
    for name in production_functions(&header) {
        let _ = writeln!(script, "    {name};");
    }
    script.push_str("    *;\n};\n");
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".to_owned());
    let path = std::path::Path::new(&out_dir).join("exports.map");
    if let Err(e) = std::fs::write(&path, script) {
        println!("cargo:warning=cannot write {}: {e}", path.display());
        return;
    }
    let part = |name: &str| std::env::var(name).unwrap_or_else(|_| "0".to_owned());
    let major = part("CARGO_PKG_VERSION_MAJOR");
    let abi = if major == "0" { format!("0.{}", part("CARGO_PKG_VERSION_MINOR")) } else { major };
    println!("cargo:rustc-link-arg-cdylib=-Wl,--version-script={}", path.display());
    println!("cargo:rustc-link-arg-cdylib=-Wl,-soname,libooauthcc_testing.so.{abi}");
    println!("cargo:rustc-link-arg-cdylib=-Wl,-z,nodelete");
}
