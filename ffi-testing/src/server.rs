//! `ooauthcc_test_server`: core's bundled loopback authorization server, so C
//! users can test their own code without an identity provider. Starting it
//! with HTTPS and registering mTLS clients: `server_tls.rs`; faults and
//! response quirks: `server_faults.rs`; the recorded requests:
//! `server_record.rs`; the protected resource: `server_resource.rs`; dynamic
//! client registration: `server_registration.rs`.

use std::ffi::{CString, c_char};
use std::time::Duration;

use ooauthcc_core::testing::{AcceptedAuth, AuthServer, BasicDecoding, ClientRegistration};
use ooauthcc_core::{Error, ErrorKind};

use crate::handle::{Boxed, box_free, box_into_ptr, box_ref};
use ooauthcc::__support::Out;
use ooauthcc::__support::ooauthcc_error;
use ooauthcc::__support::ooauthcc_status;
use ooauthcc::__support::{c_string, read_str};

/// A real OAuth 2.0 authorization server (HTTP/1.1, client-credentials token
/// endpoint at `ooauthcc_test_server_token_url`) on 127.0.0.1, FOR TESTS. It
/// runs on its own thread, counts every token request per client id, and can
/// be made slow, short-lived or faulty.
///
/// Thread-safety: every function may be called from any thread at once, except
/// `ooauthcc_test_server_free`, which stops the server (cutting off requests in
/// flight) and must be called once, after every other use.
pub struct ooauthcc_test_server {
    _private: [u8; 0],
}

pub(crate) struct ServerObject {
    pub(crate) server: AuthServer,
    token_url: CString,
    pub(crate) resource_url: CString,
    pub(crate) registration_url: CString,
}

impl ServerObject {
    /// Hands a started server to C.
    pub(crate) fn into_ptr(server: AuthServer) -> *mut ooauthcc_test_server {
        let token_url = c_string(&server.token_url());
        let resource_url = c_string(&server.resource_url());
        let registration_url = c_string(&server.registration_url());
        box_into_ptr::<ooauthcc_test_server>(ServerObject { server, token_url, resource_url, registration_url })
    }
}

impl Boxed for ooauthcc_test_server {
    type RustType = ServerObject;
}

/// Borrows a server.
///
/// # Safety
/// `server` is NULL or a live server from this library.
pub(crate) unsafe fn server_ref<'a>(server: *const ooauthcc_test_server) -> Result<&'a ServerObject, Error> {
    // SAFETY: forwarded contract.
    unsafe { box_ref::<ooauthcc_test_server>(server, "server") }
}

/// Starts a server on 127.0.0.1 on a free port. On success `*out` is a server
/// you stop and free with `ooauthcc_test_server_free`. `TRANSPORT` when the
/// socket or thread cannot be created.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_start(
    out: *mut *mut ooauthcc_test_server,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `out` is NULL or writable (C contract).
        let out = unsafe { Out::new(out, "out")? };
        let server = AuthServer::start()
            .map_err(|e| Error::new(ErrorKind::Transport, format!("cannot start the test server: {e}")))?;
        out.put(ServerObject::into_ptr(server));
        Ok(())
    })
}

/// The token endpoint, `http://127.0.0.1:PORT/token` (`https://` for a server
/// started with `ooauthcc_test_server_start_tls`). Borrowed from `server`; NULL
/// when `server` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_token_url(server: *const ooauthcc_test_server) -> *const c_char {
    // SAFETY: `server` is NULL or a live server (C contract).
    ooauthcc::ffi_panic_boundary! { unsafe { server_ref(server) }.map_or(std::ptr::null(), |o| o.token_url.as_ptr()) }
}

/// Registers a client that may authenticate with `client_secret_basic` or
/// `client_secret_post`, ask for any scope, with the `client_credentials`
/// grant. Replaces a client with the same id.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_register_client(
    server: *const ooauthcc_test_server,
    client_id: *const c_char,
    client_secret: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server; the strings NULL or NUL-terminated (C contract).
        let (s, id, secret) = unsafe {
            (server_ref(server)?, read_str(client_id, "client_id")?, read_str(client_secret, "client_secret")?)
        };
        s.server.register_client(ClientRegistration::new(id, secret));
        Ok(())
    })
}

/// Registers a client with a choice of how it may authenticate, how its HTTP
/// Basic header is decoded, its grant type and scopes. Replaces a client with
/// the same id. An empty string means the default:
///
/// - `auth_methods`: `"any"` (default: `client_secret_basic` or
///   `client_secret_post`), `"basic"`, `"post"`, `"none"` (a public client:
///   only `client_id` in the body) or `"client_secret_jwt"` (RFC 7523,
///   assertions signed with `client_secret`). `private_key_jwt` and the mutual
///   TLS methods need a key or certificate: use
///   `ooauthcc_test_server_register_jwt_client` or
///   `ooauthcc_test_server_register_tls_client`.
/// - `basic_decoding`: `"form_urlencoded"` (default: RFC 6749 §2.3.1, the id
///   and secret are form-urldecoded after base64) or `"raw"` (RFC 7617: base64
///   only), for clients whose Basic header is not form-urlencoded.
/// - `grant_type`: the `grant_type` the client must send (default
///   `"client_credentials"`).
/// - `allowed_scopes`: the scopes it may ask for, separated by spaces
///   (default: any scope).
///
/// `INVALID_ARGUMENT` for an unknown name (the message lists the known ones).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_register_client_with(
    server: *const ooauthcc_test_server,
    client_id: *const c_char,
    client_secret: *const c_char,
    auth_methods: *const c_char,
    basic_decoding: *const c_char,
    grant_type: *const c_char,
    allowed_scopes: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server; the strings NULL or NUL-terminated (C contract).
        let (s, id, secret, auth, decoding, grant, scopes) = unsafe {
            (
                server_ref(server)?,
                read_str(client_id, "client_id")?,
                read_str(client_secret, "client_secret")?,
                read_str(auth_methods, "auth_methods")?,
                read_str(basic_decoding, "basic_decoding")?,
                read_str(grant_type, "grant_type")?,
                read_str(allowed_scopes, "allowed_scopes")?,
            )
        };
        let mut registration = ClientRegistration::new(id, secret);
        if !auth.is_empty() {
            let accepted = AcceptedAuth::from_name(auth)
                .filter(|a| !matches!(a, AcceptedAuth::PrivateKeyJwt | AcceptedAuth::TlsClientAuth | AcceptedAuth::SelfSignedTlsClientAuth))
                .ok_or_else(|| {
                    invalid(format!(
                        "argument `auth_methods`: unknown value {auth:?} (expected \"any\", \"basic\", \"post\", \"none\" \
                         or \"client_secret_jwt\"; private_key_jwt and mutual TLS clients have their own \
                         ooauthcc_test_server_register_*_client functions)"
                    ))
                })?;
            registration = registration.with_auth(accepted);
        }
        if !decoding.is_empty() {
            let d = BasicDecoding::from_name(decoding).ok_or_else(|| {
                invalid(format!(
                    "argument `basic_decoding`: unknown value {decoding:?} (expected \"form_urlencoded\" or \"raw\")"
                ))
            })?;
            registration = registration.with_basic_decoding(d);
        }
        if !grant.is_empty() {
            registration = registration.with_grant_type(grant);
        }
        if !scopes.is_empty() {
            registration = registration.with_allowed_scopes(scopes.split(' ').filter(|s| !s.is_empty()));
        }
        s.server.register_client(registration);
        Ok(())
    })
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidArgument, message)
}

/// Registers a client that authenticates with `private_key_jwt` (RFC 7523):
/// assertions signed with the private key whose public key is `public_key_pem`
/// (SPKI or PKCS#1 RSA PEM), and no other method. Any scope, the
/// `client_credentials` grant. Replaces a client with the same id.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_register_jwt_client(
    server: *const ooauthcc_test_server,
    client_id: *const c_char,
    public_key_pem: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server; the strings NULL or NUL-terminated (C contract).
        let (s, id, key) = unsafe {
            (server_ref(server)?, read_str(client_id, "client_id")?, read_str(public_key_pem, "public_key_pem")?)
        };
        s.server.register_client(
            ClientRegistration::new(id, "").with_auth(AcceptedAuth::PrivateKeyJwt).with_public_key(key),
        );
        Ok(())
    })
}

/// Sets the lifetime of tokens issued from now on (default one hour);
/// `expires_in` is its whole seconds.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_set_token_lifetime_ms(
    server: *const ooauthcc_test_server,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server (C contract).
        unsafe { server_ref(server)? }.server.set_token_lifetime(Duration::from_millis(ms));
        Ok(())
    })
}

/// Sets a delay before every token and registration response (default
/// none), so concurrent callers pile up behind one request.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_set_latency_ms(
    server: *const ooauthcc_test_server,
    ms: u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server (C contract).
        unsafe { server_ref(server)? }.server.set_latency(Duration::from_millis(ms));
        Ok(())
    })
}

/// Writes to `*out` how many token requests named `client_id` (whatever their
/// outcome) since the server started.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_request_count(
    server: *const ooauthcc_test_server,
    client_id: *const c_char,
    out: *mut u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server, `client_id` NULL or NUL-terminated,
        // `out` NULL or writable (C contract).
        let (s, id, out) = unsafe { (server_ref(server)?, read_str(client_id, "client_id")?, Out::new(out, "out")?) };
        out.put(s.server.request_count(id));
        Ok(())
    })
}

/// Writes to `*out` how many requests reached the token endpoint in all,
/// whatever they named and whatever their outcome, since the server started.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_total_requests(
    server: *const ooauthcc_test_server,
    out: *mut u64,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server, `out` NULL or writable (C contract).
        let (s, out) = unsafe { (server_ref(server)?, Out::new(out, "out")?) };
        out.put(s.server.total_requests());
        Ok(())
    })
}

/// Zeroes the request counters (`_request_count`, `_total_requests`,
/// `_registration_count`) and forgets the recorded requests
/// (`_recorded_count`, `_resource_count`); tokens already issued and clients
/// registered stay valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_reset_counts(
    server: *const ooauthcc_test_server,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server (C contract).
        unsafe { server_ref(server)? }.server.reset_counts();
        Ok(())
    })
}

/// Writes to `*valid` whether this server issued `access_token` and it has not
/// expired, so a test can play the resource server.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_is_valid_token(
    server: *const ooauthcc_test_server,
    access_token: *const c_char,
    valid: *mut bool,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server, `access_token` NULL or
        // NUL-terminated, `valid` NULL or writable (C contract).
        let (s, token, valid) =
            unsafe { (server_ref(server)?, read_str(access_token, "access_token")?, Out::new(valid, "valid")?) };
        valid.put(s.server.is_valid_token(token));
        Ok(())
    })
}

/// Stops the server (requests in flight are cut off) and frees it. NULL is a
/// no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_free(server: *mut ooauthcc_test_server) {
    // SAFETY: `server` is NULL or a server from this library not yet freed (C contract).
    ooauthcc::ffi_panic_boundary! { unsafe { box_free::<ooauthcc_test_server>(server) } }
}
