//! Compiles the program's C part against the installed-to-be header.

fn main() {
    println!("cargo:rerun-if-changed=src/herd.c");
    cc::Build::new()
        .file("src/herd.c")
        .include("../../include")
        .flag_if_supported("-std=c11")
        .warnings_into_errors(true)
        .compile("c_herd");
    println!("cargo:rustc-link-lib=pthread");
}
