//! Fuzzes the discovery-document parser (OpenID Connect Discovery / RFC 8414
//! metadata, RFC 8705 `mtls_endpoint_aliases`). The whole input is the body; it
//! is parsed twice, as for a client without and with a client certificate. The
//! configured issuer is `https://idp.example.com`, so seeds declare that issuer
//! to get past the issuer check.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ooauthcc_core::fuzzing::discovery_document(data, false);
    ooauthcc_core::fuzzing::discovery_document(data, true);
});
