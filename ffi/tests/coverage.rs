//! Every setting of core's `ClientConfig` can be set from C.
//!
//! The list of settings comes from core itself (`ClientConfig::FIELDS`), so a
//! setting added to core fails this test, naming it, until it has a C setter
//! here and in the header. The Rust-only callback settings
//! (`ClientConfig::RUST_ONLY_FIELDS`, not fields of documents) have C callback
//! setters, checked the same way.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ooauthcc_core::ClientConfig;

/// Setting → the C function that sets it (`config_from_json` reaches them all too).
const C_SETTERS: &[(&str, &str)] = &[
    ("token_url", "ooauthcc_config_set_token_url"),
    ("issuer", "ooauthcc_config_set_issuer"),
    ("client_id", "ooauthcc_config_set_client_id"),
    ("client_secret", "ooauthcc_config_set_client_secret"),
    ("client_secret_file", "ooauthcc_config_set_client_secret_file"),
    ("client_secret_env", "ooauthcc_config_set_client_secret_env"),
    ("private_key", "ooauthcc_config_set_private_key"),
    ("private_key_file", "ooauthcc_config_set_private_key_file"),
    ("private_key_env", "ooauthcc_config_set_private_key_env"),
    ("signing_alg", "ooauthcc_config_set_signing_alg"),
    ("key_id", "ooauthcc_config_set_key_id"),
    ("assertion_audience", "ooauthcc_config_set_assertion_audience"),
    ("assertion_lifetime", "ooauthcc_config_set_assertion_lifetime_ms"),
    ("client_cert", "ooauthcc_config_set_client_cert"),
    ("client_cert_file", "ooauthcc_config_set_client_cert_file"),
    ("client_key", "ooauthcc_config_set_client_key"),
    ("client_key_file", "ooauthcc_config_set_client_key_file"),
    ("ca_bundle", "ooauthcc_config_set_ca_bundle"),
    ("ca_bundle_file", "ooauthcc_config_set_ca_bundle_file"),
    ("scopes", "ooauthcc_config_add_scope"),
    ("scope_delimiter", "ooauthcc_config_set_scope_delimiter"),
    ("scope_param", "ooauthcc_config_set_scope_param"),
    ("audience", "ooauthcc_config_set_audience"),
    ("resources", "ooauthcc_config_add_resource"),
    ("extra_params", "ooauthcc_config_add_extra_param"),
    ("extra_headers", "ooauthcc_config_add_extra_header"),
    ("cookies", "ooauthcc_config_add_cookie"),
    ("grant_type", "ooauthcc_config_set_grant_type"),
    ("auth_method", "ooauthcc_config_set_auth_method"),
    ("basic_encoding", "ooauthcc_config_set_basic_encoding"),
    ("token_path", "ooauthcc_config_set_token_path"),
    ("default_lifetime", "ooauthcc_config_set_default_lifetime_ms"),
    ("connect_timeout", "ooauthcc_config_set_connect_timeout_ms"),
    ("request_timeout", "ooauthcc_config_set_request_timeout_ms"),
    ("get_timeout", "ooauthcc_config_set_get_timeout_ms"),
    ("refresh_skew", "ooauthcc_config_set_refresh_skew_ms"),
    ("refresh_ahead", "ooauthcc_config_set_refresh_ahead"),
    ("refresh_jitter", "ooauthcc_config_set_refresh_jitter"),
    ("max_retries", "ooauthcc_config_set_max_retries"),
    ("retry_base_delay", "ooauthcc_config_set_retry_base_delay_ms"),
    ("retry_max_delay", "ooauthcc_config_set_retry_max_delay_ms"),
    ("allow_insecure_http", "ooauthcc_config_set_allow_insecure_http"),
    ("token_prefix", "ooauthcc_config_set_token_prefix"),
    ("header_name", "ooauthcc_config_set_header_name"),
    ("query_param", "ooauthcc_config_set_query_param"),
    ("allowed_hosts", "ooauthcc_config_add_allowed_host"),
    ("store_url", "ooauthcc_config_set_store_url"),
    ("store_lock_lease", "ooauthcc_config_set_store_lock_lease_ms"),
    ("store_timeout", "ooauthcc_config_set_store_timeout_ms"),
    ("store_ca_bundle_file", "ooauthcc_config_set_store_ca_bundle_file"),
    ("store_client_cert_file", "ooauthcc_config_set_store_client_cert_file"),
    ("store_client_key_file", "ooauthcc_config_set_store_client_key_file"),
];

/// Rust-only callback setting → the C function that sets a C callback for it.
const C_CALLBACK_SETTERS: &[(&str, &str)] = &[
    ("client_secret_provider", "ooauthcc_config_set_client_secret_callback"),
    ("private_key_provider", "ooauthcc_config_set_private_key_callback"),
];

/// The settings core accepts in documents (tested in core against its schema).
fn core_settings() -> Vec<String> {
    ClientConfig::FIELDS.iter().map(|f| (*f).to_owned()).collect()
}

#[test]
fn every_setting_has_a_c_setter() {
    let settings = core_settings();
    assert!(settings.len() >= 30, "could not read the settings from {settings:?}");
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../include/ooauthcc.h")).unwrap();
    for setting in &settings {
        let Some((_, setter)) = C_SETTERS.iter().find(|(name, _)| name == setting) else {
            panic!("core setting `{setting}` has no C setter: add one in ffi/src/config_*.rs and to C_SETTERS")
        };
        assert!(header.contains(&format!("ooauthcc_status {setter}(")), "{setter} is not in the header");
    }
    for (name, _) in C_SETTERS {
        assert!(settings.iter().any(|s| s == name), "`{name}` is no longer a core setting");
    }
}

#[test]
fn every_callback_setting_has_a_c_setter() {
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../include/ooauthcc.h")).unwrap();
    for setting in ClientConfig::RUST_ONLY_FIELDS {
        let Some((_, setter)) = C_CALLBACK_SETTERS.iter().find(|(name, _)| name == setting) else {
            panic!("core callback setting `{setting}` has no C setter: add one and list it in C_CALLBACK_SETTERS")
        };
        assert!(header.contains(&format!("ooauthcc_status {setter}(")), "{setter} is not in the header");
    }
    assert_eq!(C_CALLBACK_SETTERS.len(), ClientConfig::RUST_ONLY_FIELDS.len());
}
