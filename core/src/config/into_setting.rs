//! What the `ClientConfig::with_*` builder methods accept for each field type:
//! anything that becomes a `String` for text, any iterator of strings for a
//! list, any iterator of pairs for a map, a `Duration` for seconds.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use super::{AuthMethod, BasicEncoding, ScopeDelimiter};
use crate::credentials::SecretProvider;
use crate::secret::Secret;

/// A value a `ClientConfig::with_*` method accepts for a field of type `T`.
pub trait IntoSetting<T> {
    /// The field's value.
    fn into_setting(self) -> T;
}

impl<S: Into<String>> IntoSetting<String> for S {
    fn into_setting(self) -> String {
        self.into()
    }
}

impl<S: Into<String>> IntoSetting<Option<String>> for S {
    fn into_setting(self) -> Option<String> {
        Some(self.into())
    }
}

impl<S: Into<Secret>> IntoSetting<Option<Secret>> for S {
    fn into_setting(self) -> Option<Secret> {
        Some(self.into())
    }
}

impl<P: Into<PathBuf>> IntoSetting<Option<PathBuf>> for P {
    fn into_setting(self) -> Option<PathBuf> {
        Some(self.into())
    }
}

impl<I: IntoIterator<Item = S>, S: Into<String>> IntoSetting<Vec<String>> for I {
    fn into_setting(self) -> Vec<String> {
        self.into_iter().map(Into::into).collect()
    }
}

impl<I: IntoIterator<Item = (K, V)>, K: Into<String>, V: Into<String>> IntoSetting<BTreeMap<String, String>> for I {
    fn into_setting(self) -> BTreeMap<String, String> {
        self.into_iter().map(|(k, v)| (k.into(), v.into())).collect()
    }
}

impl IntoSetting<Option<SecretProvider>> for SecretProvider {
    fn into_setting(self) -> Option<SecretProvider> {
        Some(self)
    }
}

macro_rules! as_is {
    ($($t:ty),*) => {
        $( impl IntoSetting<$t> for $t {
            fn into_setting(self) -> $t {
                self
            }
        } )*
    };
}

as_is!(Duration, f64, u32, bool, AuthMethod, BasicEncoding, ScopeDelimiter);
