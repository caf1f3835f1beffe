//! Fuzzes the configuration parsers: the input is one document, tried as a JSON
//! and a TOML `ClientConfig` (validated when it parses) and as JSON and TOML
//! `Profiles`. Inputs that are not UTF-8 are skipped (every entry point takes
//! `&str`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // ClientConfig::from_json / from_toml + validate, Profiles::from_json.
    ooauthcc_core::fuzzing::config(text);
    // The TOML profiles reader is public API too; fuzzing::config does not call it.
    let _ = ooauthcc_core::Profiles::from_toml(text);
});
