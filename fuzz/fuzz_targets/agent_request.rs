//! Fuzzes the agent's request routing (`cli/src/agent/request.rs`, compiled
//! here as it is: it depends on `std` alone). The input's first line is the
//! method, the rest the request target, both as UTF-8 with replacement (hyper
//! hands the agent valid strings).
//!
//! Checked beyond "no panic": an accepted token route names a valid profile
//! and a bounded `min_valid`, and every refusal maps to a 4xx status.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../cli/src/agent/request.rs"]
#[allow(dead_code)]
mod request;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (method, target) = text.split_once('\n').unwrap_or(("GET", &text));
    match request::parse(method, target) {
        Ok(request::Route::Token(t) | request::Route::Header(t)) => {
            assert!(request::is_valid_profile_name(&t.profile), "accepted profile {:?}", t.profile);
            assert!(t.min_valid.is_none_or(|d| d <= request::MAX_MIN_VALID));
            assert_eq!(method, "GET");
        }
        Ok(_) => assert_eq!(method, "GET"),
        Err(refusal) => {
            assert!((400..500).contains(&refusal.status()));
            assert!(!refusal.to_string().is_empty());
        }
    }
});
