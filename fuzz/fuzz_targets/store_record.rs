//! Fuzzes the decoding of a shared store's records once unsealed: a stored
//! token (times, type, scope, extra fields) and a stored refusal. The file
//! store's directory and a Redis server are both untrusted; sealing keeps out
//! anyone without the credential, and this keeps a holder of it from crashing us.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ooauthcc_core::fuzzing::store_record(data);
});
