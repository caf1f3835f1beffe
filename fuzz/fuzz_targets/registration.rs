//! Fuzzes what dynamic client registration (RFC 7591) reads: the registration
//! endpoint's answer (the issued client id, secret and `client_secret_expires_at`,
//! or an error body) and the registration file kept for later starts. The
//! whole input is the body, read as a 201 and as a 400, and as the file.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ooauthcc_core::fuzzing::registration(data);
});
