//! A bundled OAuth 2.0 authorization server on the loopback interface, for
//! tests (feature `testing`).
//!
//! [`AuthServer`] is a real HTTP/1.1 server on `127.0.0.1` with a
//! client-credentials token endpoint (RFC 6749 §4.4) and RFC 8414 metadata.
//! A protected `GET /resource` accepts the tokens it issued (in a Bearer
//! header or an `access_token` query parameter: [`AuthServer::resource_url`]).
//! It counts and records every token request, and can be told to answer with
//! provider [`Quirk`]s, [`Fault`]s, latency and short token lifetimes, so
//! client code can be tested without an identity provider.
//!
//! ```no_run
//! use ooauthcc_core::testing::{AuthServer, ClientRegistration};
//!
//! let server = AuthServer::start()?;
//! server.register_client(ClientRegistration::new("my-client", "my-secret"));
//! // Point the code under test at `server.token_url()`, then:
//! assert_eq!(server.request_count("my-client"), 0);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Dynamic client registration (RFC 7591): `POST /register`
//! ([`AuthServer::registration_url`]) with JSON client metadata issues a new
//! client id and secret, usable at once at the token endpoint; the test can
//! require an initial access token, make secrets expire, make registrations
//! fail, and make the server forget a client.
//!
//! Token endpoint rules: only `POST /token` with an
//! `application/x-www-form-urlencoded` body (at most 64 KiB). The client
//! authenticates with HTTP Basic (`client_secret_basic`), with `client_id` and
//! `client_secret` in the body (`client_secret_post`), or with `client_id`
//! alone (`none`, public clients), or with an RFC 7523 client assertion
//! (`client_secret_jwt`, `private_key_jwt`: signature, `iss`/`sub`/`aud`,
//! expiry and `jti` replay are checked); using two methods at once is
//! refused. `grant_type` must be the client's registered grant type, and the
//! requested `scope`s must be allowed for it.

mod assertion;
mod auth;
mod body;
mod clients;
mod faults;
mod handler;
mod modes;
mod record;
mod redis;
mod registration;
mod resource;
mod server;
mod state;
mod tls;
mod tokens;

pub use clients::{AcceptedAuth, BasicDecoding, ClientRegistration};
pub use modes::{Fault, Quirk};
pub use record::{RecordedRequest, RegistrationRequest, ResourceRequest};
pub use redis::{RedisCluster, RedisSentinel, RedisServer};
pub use server::AuthServer;
pub use tls::ServerTls;
