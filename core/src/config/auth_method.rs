//! The enumerated settings, each with the one spelling used in every language.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, de::Error as _};

use crate::error::Error;

macro_rules! string_enum {
    (
        $(#[$doc:meta])* $name:ident, setting = $setting:literal {
            $( $(#[$vdoc:meta])* $variant:ident = $text:literal ),* $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vdoc])* $variant ),*
        }

        impl $name {
            /// Every accepted spelling, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),*];

            /// The spelling used in configuration documents.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text ),* }
            }
        }

        impl super::rules::Spelled for $name {
            const NAMES: &'static [&'static str] = $name::NAMES;
            fn spelling(self) -> &'static str {
                self.as_str()
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                match s {
                    $( $text => Ok($name::$variant), )*
                    other => Err(Error::config(
                        $setting,
                        format!("unknown value `{other}` (expected one of: {})", $name::NAMES.join(", ")),
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(|e: Error| D::Error::custom(e.message()))
            }
        }
    };
}

string_enum! {
    /// How the client authenticates to the token endpoint.
    AuthMethod, setting = "auth_method" {
        /// HTTP Basic with the id and secret (RFC 6749 §2.3.1).
        ClientSecretBasic = "client_secret_basic",
        /// `client_id` and `client_secret` in the request body.
        ClientSecretPost = "client_secret_post",
        /// Basic first; when the server refuses the client (`invalid_client`
        /// or `unauthorized_client`, any 401, a 403 without an OAuth body),
        /// post once, and remember whichever worked for this token endpoint
        /// and client id (for every cache entry of the process). Never on an
        /// outage (5xx, timeout, connection failure). The default: a wrong
        /// secret costs two requests per fetch (then the failure is held).
        Auto = "auto",
        /// A public client: only `client_id` in the body.
        None = "none",
        /// A JWT signed with the client secret (HMAC), RFC 7523 §2.2.
        ClientSecretJwt = "client_secret_jwt",
        /// A JWT signed with the client's private key, RFC 7523 §2.2.
        PrivateKeyJwt = "private_key_jwt",
        /// Mutual TLS with a CA-issued client certificate (RFC 8705 §2.1):
        /// needs `client_cert` and `client_key`; only `client_id` in the body.
        TlsClientAuth = "tls_client_auth",
        /// Mutual TLS with a self-signed certificate registered at the server
        /// (RFC 8705 §2.2).
        SelfSignedTlsClientAuth = "self_signed_tls_client_auth",
    }
}

string_enum! {
    /// How `client_secret_basic` turns the id and secret into the header.
    BasicEncoding, setting = "basic_encoding" {
        /// Form-urlencode id and secret before base64, as RFC 6749 §2.3.1 says
        /// (space as `%20`). The default.
        Rfc6749 = "rfc6749",
        /// Base64 of the raw `id:secret` (RFC 7617), for servers that decode nothing.
        Rfc7617 = "rfc7617",
    }
}

string_enum! {
    /// The character that joins scopes in the request.
    ScopeDelimiter, setting = "scope_delimiter" {
        /// A space, per RFC 6749 §3.3. The default.
        Space = " ",
        /// A comma (some providers).
        Comma = ",",
        /// A semicolon (some providers).
        Semicolon = ";",
    }
}

impl ScopeDelimiter {
    pub(crate) fn as_char(self) -> char {
        match self {
            ScopeDelimiter::Space => ' ',
            ScopeDelimiter::Comma => ',',
            ScopeDelimiter::Semicolon => ';',
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_name() {
        assert_eq!("auto".parse::<AuthMethod>().ok(), Some(AuthMethod::Auto));
        let e = "magic".parse::<AuthMethod>().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("auth_method") && e.contains("magic") && e.contains("client_secret_post"), "{e}");
        assert_eq!(ScopeDelimiter::Comma.as_str(), ",");
        assert_eq!(BasicEncoding::Rfc7617.to_string(), "rfc7617");
    }
}
