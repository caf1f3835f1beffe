//! `ooauthcc_test_server` over HTTPS, with clients that authenticate by mutual
//! TLS (RFC 8705): `tls_client_auth` (a certificate issued by the server's
//! client CA) and `self_signed_tls_client_auth` (the registered certificate,
//! any issuer).

use std::ffi::c_char;
use std::io;

use ooauthcc_core::testing::{AcceptedAuth, AuthServer, ClientRegistration, ServerTls};
use ooauthcc_core::{Error, ErrorKind};

use crate::server::{ServerObject, ooauthcc_test_server, server_ref};
use ooauthcc::__support::Out;
use ooauthcc::__support::ooauthcc_error;
use ooauthcc::__support::ooauthcc_status;
use ooauthcc::__support::read_str;
use ooauthcc::config::ooauthcc_auth_method;

/// Starts `tls` and writes the server to `out`.
fn start(tls: ServerTls, out: Out<'_, *mut ooauthcc_test_server>) -> Result<(), Error> {
    let server = AuthServer::start_tls(tls).map_err(|e| {
        // Core reports unusable TLS material as `InvalidInput`, naming it (never its content).
        let kind =
            if e.kind() == io::ErrorKind::InvalidInput { ErrorKind::InvalidArgument } else { ErrorKind::Transport };
        Error::new(kind, format!("cannot start the test server: {e}"))
    })?;
    out.put(ServerObject::into_ptr(server));
    Ok(())
}

/// Reads a PEM file named by argument `arg`.
fn read_file(path: &str, arg: &str) -> Result<String, Error> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::new(ErrorKind::InvalidArgument, format!("argument `{arg}`: cannot read {path}: {e}")))
}

/// Starts a server speaking HTTPS on 127.0.0.1 on a free port, with this
/// certificate chain (PEM, leaf first) and private key (PEM), asking clients
/// for a certificate (optional) so that mutual TLS can be tested.
/// `client_ca_pem` is the CA whose certificates count for `tls_client_auth`,
/// or the empty string for none. Clients must trust the server's CA
/// (`ooauthcc_config_set_ca_bundle`). On success `*out` is a server you free
/// with `ooauthcc_test_server_free`. `INVALID_ARGUMENT` when the PEM is
/// unusable, `TRANSPORT` when the socket or thread cannot be created.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_start_tls(
    cert_chain_pem: *const c_char,
    key_pem: *const c_char,
    client_ca_pem: *const c_char,
    out: *mut *mut ooauthcc_test_server,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: the strings are NULL or NUL-terminated, `out` NULL or writable (C contract).
        let (chain, key, ca, out) = unsafe {
            (
                read_str(cert_chain_pem, "cert_chain_pem")?,
                read_str(key_pem, "key_pem")?,
                read_str(client_ca_pem, "client_ca_pem")?,
                Out::new(out, "out")?,
            )
        };
        let tls = ServerTls {
            cert_chain_pem: chain.to_owned(),
            key_pem: key.to_owned(),
            client_ca_pem: (!ca.is_empty()).then(|| ca.to_owned()),
        };
        start(tls, out)
    })
}

/// As `ooauthcc_test_server_start_tls`, reading the PEM from these files
/// (`client_ca_file` may be the empty string: no client CA).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_start_tls_files(
    cert_chain_file: *const c_char,
    key_file: *const c_char,
    client_ca_file: *const c_char,
    out: *mut *mut ooauthcc_test_server,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: the strings are NULL or NUL-terminated, `out` NULL or writable (C contract).
        let (chain, key, ca, out) = unsafe {
            (
                read_str(cert_chain_file, "cert_chain_file")?,
                read_str(key_file, "key_file")?,
                read_str(client_ca_file, "client_ca_file")?,
                Out::new(out, "out")?,
            )
        };
        let tls = ServerTls {
            cert_chain_pem: read_file(chain, "cert_chain_file")?,
            key_pem: read_file(key, "key_file")?,
            client_ca_pem: if ca.is_empty() { None } else { Some(read_file(ca, "client_ca_file")?) },
        };
        start(tls, out)
    })
}

/// Registers a client that authenticates by mutual TLS with the certificate
/// `cert_pem` (PEM, leaf first): `method` is
/// `OOAUTHCC_AUTH_METHOD_TLS_CLIENT_AUTH` (the certificate must also chain to
/// the server's client CA) or `OOAUTHCC_AUTH_METHOD_SELF_SIGNED_TLS_CLIENT_AUTH`
/// (any issuer); another value is `INVALID_ARGUMENT`, as is a `cert_pem` with
/// no certificate. The client may ask for any scope, with the
/// `client_credentials` grant, and no other method. Replaces a client with the
/// same id. Only a server started with `ooauthcc_test_server_start_tls` sees
/// client certificates.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ooauthcc_test_server_register_tls_client(
    server: *const ooauthcc_test_server,
    client_id: *const c_char,
    method: u32,
    cert_pem: *const c_char,
    err: *mut *mut ooauthcc_error,
) -> ooauthcc_status {
    ooauthcc::ffi_status_boundary!(err, {
        // SAFETY: `server` is NULL or a live server; the strings NULL or NUL-terminated (C contract).
        let (s, id, cert) =
            unsafe { (server_ref(server)?, read_str(client_id, "client_id")?, read_str(cert_pem, "cert_pem")?) };
        let auth = match method {
            m if m == ooauthcc_auth_method::TlsClientAuth as u32 => AcceptedAuth::TlsClientAuth,
            m if m == ooauthcc_auth_method::SelfSignedTlsClientAuth as u32 => AcceptedAuth::SelfSignedTlsClientAuth,
            v => {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    format!(
                        "argument `method`: {v} is not a mutual TLS method (expected \
                         OOAUTHCC_AUTH_METHOD_TLS_CLIENT_AUTH or _SELF_SIGNED_TLS_CLIENT_AUTH, 6 or 7)"
                    ),
                ));
            }
        };
        let registration = ClientRegistration::new(id, "").with_auth(auth).with_tls_cert(cert);
        if registration.tls_cert_sha256.is_none() {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "argument `cert_pem` holds no PEM certificate".to_owned(),
            ));
        }
        s.server.register_client(registration);
        Ok(())
    })
}
