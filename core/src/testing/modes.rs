//! The ways the test server can misbehave: response quirks seen at real
//! providers ([`Quirk`]) and outright faults ([`Fault`]).

use std::time::Duration;

/// A harmless deviation in the shape of a *successful* token response, as
/// seen at real providers. Set with [`AuthServer::set_quirk`].
///
/// [`AuthServer::set_quirk`]: super::AuthServer::set_quirk
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Quirk {
    /// A plain RFC 6749 §5.1 response:
    /// `{"access_token":…,"token_type":"Bearer","expires_in":N,"scope"?:…}`.
    #[default]
    None,
    /// `expires_in` is a string: `"expires_in":"3600"`.
    StringExpiresIn,
    /// `expires_in` is left out.
    MissingExpiresIn,
    /// The token fields are nested under a `data` key:
    /// `{"data":{"access_token":…,"token_type":…,"expires_in":…}}`.
    NestedToken,
    /// The body is `application/x-www-form-urlencoded`:
    /// `access_token=…&token_type=bearer&expires_in=N` (GitHub style).
    FormEncoded,
    /// `token_type` is `"BEARER"`.
    UppercaseBearer,
    /// `token_type` is left out.
    MissingTokenType,
    /// The access token is an unsigned JWT (`alg` `none`) whose payload holds
    /// `sub` (the client id), `iss`, `iat` and `exp` (now + lifetime), and
    /// `expires_in` is left out, so a client must read `exp`.
    JwtAccessToken,
    /// Adds provider-specific fields: `"ext_tenant":"t-1"` and `"ext_number":42`.
    ExtraFields,
}

impl Quirk {
    /// Every quirk, [`Quirk::None`] first.
    pub const ALL: &'static [Quirk] = &[
        Quirk::None,
        Quirk::StringExpiresIn,
        Quirk::MissingExpiresIn,
        Quirk::NestedToken,
        Quirk::FormEncoded,
        Quirk::UppercaseBearer,
        Quirk::MissingTokenType,
        Quirk::JwtAccessToken,
        Quirk::ExtraFields,
    ];

    /// The quirk's name, as the C and Python bindings take it:
    /// `"none"`, `"string_expires_in"`, `"missing_expires_in"`,
    /// `"nested_token"`, `"form_encoded"`, `"uppercase_bearer"`,
    /// `"missing_token_type"`, `"jwt_access_token"`, `"extra_fields"`.
    pub fn name(self) -> &'static str {
        match self {
            Quirk::None => "none",
            Quirk::StringExpiresIn => "string_expires_in",
            Quirk::MissingExpiresIn => "missing_expires_in",
            Quirk::NestedToken => "nested_token",
            Quirk::FormEncoded => "form_encoded",
            Quirk::UppercaseBearer => "uppercase_bearer",
            Quirk::MissingTokenType => "missing_token_type",
            Quirk::JwtAccessToken => "jwt_access_token",
            Quirk::ExtraFields => "extra_fields",
        }
    }

    /// The quirk called `name` (see [`Quirk::name`]), if any.
    pub fn from_name(name: &str) -> Option<Quirk> {
        Self::ALL.iter().copied().find(|q| q.name() == name)
    }
}

/// A failure of the token endpoint. Set with [`AuthServer::set_fault`] or
/// [`AuthServer::set_fault_times`].
///
/// A fault is applied after the request has been counted and recorded and
/// before any client authentication, so a faulted request gets the fault
/// response whatever its credentials.
///
/// [`AuthServer::set_fault`]: super::AuthServer::set_fault
/// [`AuthServer::set_fault_times`]: super::AuthServer::set_fault_times
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and a `text/plain` body `fault` (no OAuth JSON).
    /// A number that is not a valid HTTP status gives 500.
    Status(u16),
    /// 429 Too Many Requests, with the `Retry-After` header set verbatim to
    /// this value when given (`"2"` or an HTTP-date).
    TooManyRequests {
        /// The `Retry-After` header value, sent as is.
        retry_after: Option<String>,
    },
    /// 503 Service Unavailable with this `Retry-After` header value.
    ServiceUnavailableRetryAfter(String),
    /// Wait this long, then answer normally. For client timeouts.
    Slow(Duration),
    /// Send 200 headers with `Content-Length: 500` and `application/json`,
    /// then 20 bytes of the body, then close the connection.
    CloseMidBody,
    /// 200 `application/json` with a 2 MiB body (a token string of `a`s),
    /// streamed with chunked transfer encoding.
    Oversized,
    /// 200 `application/json` whose body is `<html>not json</html>`.
    NonJson,
    /// 200 carrying an error:
    /// `{"error":"invalid_request","error_description":"provider puts errors in 200"}`.
    ErrorIn200,
    /// 302 Found with `Location` set to this URL.
    Redirect(String),
    /// An RFC 6749 §5.2 error body with this status (an invalid status gives 400).
    OAuthError {
        /// The HTTP status.
        status: u16,
        /// The `error` code, e.g. `invalid_client`.
        error: String,
        /// The `error_description`, when given.
        description: Option<String>,
        /// The `error_uri`, when given.
        uri: Option<String>,
    },
    /// 200 `application/json` with an empty body.
    EmptyBody,
    /// 200 `application/json` whose `access_token` holds the bytes `FF FE`
    /// (not UTF-8).
    InvalidUtf8,
    /// 200 `application/json` whose body is 100 000 `[` characters.
    DeeplyNested,
    /// 200 headers at once (with a `Content-Length`), then a token response
    /// body one byte per this interval (slowloris). Its token is not one of
    /// the [`issued_tokens`](super::AuthServer::issued_tokens).
    SlowBody(Duration),
}

#[cfg(test)]
mod tests {
    use super::Quirk;

    #[test]
    fn every_quirk_has_a_distinct_name_that_reads_back() {
        for q in Quirk::ALL {
            assert_eq!(Quirk::from_name(q.name()), Some(*q));
        }
        // A new variant must be added to `ALL`: this match fails to compile
        // until it is handled, and the count below until `ALL` lists it.
        let index = |q: Quirk| match q {
            Quirk::None
            | Quirk::StringExpiresIn
            | Quirk::MissingExpiresIn
            | Quirk::NestedToken
            | Quirk::FormEncoded
            | Quirk::UppercaseBearer
            | Quirk::MissingTokenType
            | Quirk::JwtAccessToken
            | Quirk::ExtraFields => Quirk::ALL.iter().position(|x| *x == q),
        };
        assert!(Quirk::ALL.iter().all(|q| index(*q).is_some()));
        assert_eq!(Quirk::ALL.len(), 9);
        assert_eq!(Quirk::from_name("nope"), None);
    }
}
