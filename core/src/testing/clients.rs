//! Clients registered with the test server and how they may authenticate.

use std::fmt;
use std::time::SystemTime;

/// The client authentication methods a registered client may use
/// (RFC 6749 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AcceptedAuth {
    /// Only `client_secret_basic`: HTTP Basic in the `Authorization` header.
    Basic,
    /// Only `client_secret_post`: `client_id` and `client_secret` in the body.
    Post,
    /// `client_secret_basic` or `client_secret_post`.
    #[default]
    Any,
    /// A public client (`none`): only `client_id` in the body, no secret.
    None,
    /// Only `client_secret_jwt`: an HMAC-signed assertion (RFC 7523).
    ClientSecretJwt,
    /// Only `private_key_jwt`: an assertion signed with the key registered
    /// with [`ClientRegistration::with_public_key`].
    PrivateKeyJwt,
    /// Only `tls_client_auth`: the certificate registered with
    /// [`ClientRegistration::with_tls_cert`], issued by the server's client CA.
    TlsClientAuth,
    /// Only `self_signed_tls_client_auth`: the registered certificate, any issuer.
    SelfSignedTlsClientAuth,
}

impl AcceptedAuth {
    /// Whether a request authenticated with `method` is accepted.
    pub(crate) fn accepts(self, method: AuthMethod) -> bool {
        matches!(
            (self, method),
            (Self::Basic | Self::Any, AuthMethod::Basic)
                | (Self::Post | Self::Any, AuthMethod::Post)
                | (Self::None, AuthMethod::None)
                | (Self::ClientSecretJwt, AuthMethod::ClientSecretJwt)
                | (Self::PrivateKeyJwt, AuthMethod::PrivateKeyJwt)
                | (Self::TlsClientAuth, AuthMethod::TlsClientAuth)
                | (Self::SelfSignedTlsClientAuth, AuthMethod::SelfSignedTlsClientAuth)
        )
    }
}

impl AcceptedAuth {
    /// Every choice, [`AcceptedAuth::Any`] first.
    pub const ALL: &'static [AcceptedAuth] = &[
        AcceptedAuth::Any,
        AcceptedAuth::Basic,
        AcceptedAuth::Post,
        AcceptedAuth::None,
        AcceptedAuth::ClientSecretJwt,
        AcceptedAuth::PrivateKeyJwt,
        AcceptedAuth::TlsClientAuth,
        AcceptedAuth::SelfSignedTlsClientAuth,
    ];

    /// The name the C and Python bindings take: `"any"`, `"basic"`, `"post"`,
    /// `"none"`, `"client_secret_jwt"`, `"private_key_jwt"`,
    /// `"tls_client_auth"`, `"self_signed_tls_client_auth"`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Any => "any",
            Self::Basic => "basic",
            Self::Post => "post",
            Self::None => "none",
            Self::ClientSecretJwt => "client_secret_jwt",
            Self::PrivateKeyJwt => "private_key_jwt",
            Self::TlsClientAuth => "tls_client_auth",
            Self::SelfSignedTlsClientAuth => "self_signed_tls_client_auth",
        }
    }

    /// The choice called `name` (see [`AcceptedAuth::name`]), if any.
    pub fn from_name(name: &str) -> Option<AcceptedAuth> {
        Self::ALL.iter().copied().find(|a| a.name() == name)
    }
}

/// How the test server decodes the user name and password of an HTTP Basic
/// `Authorization` header for a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BasicDecoding {
    /// RFC 6749 §2.3.1: base64-decode, split on the first `:`, then
    /// `application/x-www-form-urlencoded`-decode each part (`+` is a space,
    /// `%XX` a byte).
    #[default]
    FormUrlDecode,
    /// RFC 7617: base64-decode and split on the first `:`, nothing more.
    Raw,
}

impl BasicDecoding {
    /// Every choice, the default first.
    pub const ALL: &'static [BasicDecoding] = &[BasicDecoding::FormUrlDecode, BasicDecoding::Raw];

    /// The name the C and Python bindings take: `"form_urlencoded"`
    /// (RFC 6749) or `"raw"` (RFC 7617).
    pub fn name(self) -> &'static str {
        match self {
            Self::FormUrlDecode => "form_urlencoded",
            Self::Raw => "raw",
        }
    }

    /// The choice called `name` (see [`BasicDecoding::name`]), if any.
    pub fn from_name(name: &str) -> Option<BasicDecoding> {
        Self::ALL.iter().copied().find(|d| d.name() == name)
    }
}

/// The method a request used to authenticate its client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthMethod {
    /// `client_secret_basic`.
    Basic,
    /// `client_secret_post`.
    Post,
    /// `none` (public client).
    None,
    /// `client_secret_jwt`: an assertion signed with the secret.
    ClientSecretJwt,
    /// `private_key_jwt`: an assertion signed with the client's private key.
    PrivateKeyJwt,
    /// `tls_client_auth`: a CA-issued client certificate.
    TlsClientAuth,
    /// `self_signed_tls_client_auth`: a self-signed client certificate.
    SelfSignedTlsClientAuth,
}

impl AuthMethod {
    /// The RFC 8414 name of the method.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Basic => "client_secret_basic",
            Self::Post => "client_secret_post",
            Self::None => "none",
            Self::ClientSecretJwt => "client_secret_jwt",
            Self::PrivateKeyJwt => "private_key_jwt",
            Self::TlsClientAuth => "tls_client_auth",
            Self::SelfSignedTlsClientAuth => "self_signed_tls_client_auth",
        }
    }
}

/// A client known to the test server. Register it with
/// [`AuthServer::register_client`](super::AuthServer::register_client).
///
/// The `Debug` output hides the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientRegistration {
    /// The client identifier.
    pub client_id: String,
    /// The client secret (ignored for [`AcceptedAuth::None`]).
    pub client_secret: String,
    /// The authentication methods this client may use (default: [`AcceptedAuth::Any`]).
    pub auth_methods: AcceptedAuth,
    /// How an HTTP Basic header is decoded (default: [`BasicDecoding::FormUrlDecode`]).
    pub basic_decoding: BasicDecoding,
    /// The scopes this client may request; `None` allows any scope.
    pub allowed_scopes: Option<Vec<String>>,
    /// The `grant_type` this client must send (default: `client_credentials`).
    pub grant_type: String,
    /// The public key (PEM) that verifies this client's `private_key_jwt` assertions.
    pub public_key_pem: Option<String>,
    /// SHA-256 of the client certificate (DER) this client presents for mTLS.
    pub tls_cert_sha256: Option<[u8; 32]>,
    /// When the client secret expires (by the server's wall clock); from then
    /// on the token endpoint answers 401 `invalid_client` to requests
    /// authenticated with it. `None` (the default): never.
    pub secret_expires_at: Option<SystemTime>,
}

impl ClientRegistration {
    /// A client with this id and secret, accepting any secret-based
    /// authentication method, any scope and the `client_credentials` grant.
    pub fn new(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            client_id: id.into(),
            client_secret: secret.into(),
            auth_methods: AcceptedAuth::default(),
            basic_decoding: BasicDecoding::default(),
            allowed_scopes: None,
            grant_type: "client_credentials".to_owned(),
            public_key_pem: None,
            tls_cert_sha256: None,
            secret_expires_at: None,
        }
    }

    /// Sets the accepted authentication methods.
    #[must_use]
    pub fn with_auth(mut self, auth: AcceptedAuth) -> Self {
        self.auth_methods = auth;
        self
    }

    /// Sets how an HTTP Basic header is decoded for this client.
    #[must_use]
    pub fn with_basic_decoding(mut self, decoding: BasicDecoding) -> Self {
        self.basic_decoding = decoding;
        self
    }

    /// Restricts the scopes this client may request.
    #[must_use]
    pub fn with_allowed_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allowed_scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the public key (PEM: SPKI, or PKCS#1 RSA) that verifies this client's
    /// `private_key_jwt` assertions.
    #[must_use]
    pub fn with_public_key(mut self, pem: impl Into<String>) -> Self {
        self.public_key_pem = Some(pem.into());
        self
    }

    /// Registers the client certificate (PEM, leaf first) this client presents
    /// for `tls_client_auth` / `self_signed_tls_client_auth`. A certificate that
    /// cannot be read registers nothing, and mTLS then fails for this client.
    #[must_use]
    pub fn with_tls_cert(mut self, pem: &str) -> Self {
        self.tls_cert_sha256 = super::tls::leaf_sha256(pem);
        self
    }

    /// Sets the `grant_type` this client must send.
    #[must_use]
    pub fn with_grant_type(mut self, grant_type: impl Into<String>) -> Self {
        self.grant_type = grant_type.into();
        self
    }

    /// Makes the client secret expire at `at`: from then on the token endpoint
    /// refuses requests authenticated with it (401 `invalid_client`).
    #[must_use]
    pub fn with_secret_expires_at(mut self, at: SystemTime) -> Self {
        self.secret_expires_at = Some(at);
        self
    }

    /// Whether the secret has expired by `now`.
    pub(crate) fn secret_expired(&self, now: SystemTime) -> bool {
        self.secret_expires_at.is_some_and(|at| now >= at)
    }
}

impl fmt::Debug for ClientRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRegistration")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("auth_methods", &self.auth_methods)
            .field("basic_decoding", &self.basic_decoding)
            .field("allowed_scopes", &self.allowed_scopes)
            .field("grant_type", &self.grant_type)
            .field("public_key_pem", &self.public_key_pem.is_some())
            .field("tls_cert", &self.tls_cert_sha256.is_some())
            .field("secret_expires_at", &self.secret_expires_at)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::{AcceptedAuth, BasicDecoding};

    #[test]
    fn names_read_back() {
        for a in AcceptedAuth::ALL {
            assert_eq!(AcceptedAuth::from_name(a.name()), Some(*a));
        }
        assert_eq!(AcceptedAuth::ALL.len(), 8);
        for d in BasicDecoding::ALL {
            assert_eq!(BasicDecoding::from_name(d.name()), Some(*d));
        }
        assert_eq!(AcceptedAuth::from_name("auto"), None);
        assert_eq!(BasicDecoding::from_name("rfc7617"), None);
    }
}
