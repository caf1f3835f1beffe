//! Fuzzes the unverified JWT decoder (`ooauthcc inspect`, and the `exp`
//! fallback for responses without `expires_in`). The input, read as UTF-8 with
//! replacement, is the access token.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ooauthcc_core::fuzzing::unverified_jwt(&String::from_utf8_lossy(data));
});
