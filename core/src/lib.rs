//! ooauthcc-core: OAuth 2.0 client-credentials tokens, cached and renewed.

#[cfg(feature = "testing")]
pub mod testing;
