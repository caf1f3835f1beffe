//! TLS for the test server, with optional client certificates (mutual TLS,
//! RFC 8705). Any client certificate is accepted during the handshake — the
//! handshake still proves the client holds its key — and the token endpoint
//! then decides per client: `tls_client_auth` needs a chain to the test CA,
//! `self_signed_tls_client_auth` only the registered certificate.

use std::io;
use std::sync::Arc;

use rustls::DistinguishedName;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use sha2::{Digest, Sha256};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// TLS settings of a test server: its certificate and key, and the CA whose
/// client certificates count for `tls_client_auth`.
#[derive(Clone, Debug)]
pub struct ServerTls {
    /// The server's certificate chain (PEM, leaf first).
    pub cert_chain_pem: String,
    /// The server's private key (PEM).
    pub key_pem: String,
    /// The CA (PEM) that issues `tls_client_auth` client certificates.
    pub client_ca_pem: Option<String>,
}

/// The client certificate a connection presented.
#[derive(Debug)]
pub(crate) struct PeerCert {
    /// SHA-256 of the leaf certificate (DER), compared with the registration.
    pub leaf_sha256: [u8; 32],
    /// Whether the chain leads to the configured client CA.
    pub ca_verified: bool,
}

/// SHA-256 of the first certificate in `pem`, the form registrations keep.
pub(crate) fn leaf_sha256(pem: &str) -> Option<[u8; 32]> {
    let der = CertificateDer::pem_slice_iter(pem.as_bytes()).next()?.ok()?;
    Some(Sha256::digest(der.as_ref()).into())
}

/// Accepts TLS connections and reports their client certificates.
pub(crate) struct TlsServer {
    acceptor: TlsAcceptor,
    ca: Option<Arc<dyn ClientCertVerifier>>,
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, format!("test server TLS: {what}"))
}

impl TlsServer {
    pub(crate) fn new(cfg: &ServerTls) -> io::Result<TlsServer> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cfg.cert_chain_pem.as_bytes())
            .collect::<Result<_, _>>()
            .map_err(|_| invalid("bad certificate chain"))?;
        let key = PrivateKeyDer::from_pem_slice(cfg.key_pem.as_bytes()).map_err(|_| invalid("bad private key"))?;
        let ca = match &cfg.client_ca_pem {
            Some(pem) => {
                let mut roots = rustls::RootCertStore::empty();
                for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                    roots.add(cert.map_err(|_| invalid("bad client CA"))?).map_err(|_| invalid("bad client CA"))?;
                }
                let v = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&provider))
                    .build()
                    .map_err(|_| invalid("cannot build the client CA verifier"))?;
                Some(v)
            }
            None => None,
        };
        let verifier = Arc::new(AnyClientCert { algorithms: provider.signature_verification_algorithms });
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|_| invalid("no protocol versions"))?
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key)
            .map_err(|_| invalid("certificate and key do not match"))?;
        Ok(TlsServer { acceptor: TlsAcceptor::from(Arc::new(config)), ca })
    }

    pub(crate) async fn accept(&self, tcp: TcpStream) -> io::Result<(TlsStream<TcpStream>, Option<PeerCert>)> {
        let stream = self.acceptor.accept(tcp).await?;
        let peer = stream.get_ref().1.peer_certificates().and_then(|certs| {
            let (leaf, intermediates) = certs.split_first()?;
            let ca_verified =
                self.ca.as_ref().is_some_and(|ca| ca.verify_client_cert(leaf, intermediates, UnixTime::now()).is_ok());
            Some(PeerCert { leaf_sha256: Sha256::digest(leaf.as_ref()).into(), ca_verified })
        });
        Ok((stream, peer))
    }
}

/// Asks for a client certificate, accepts any (or none), and checks the
/// handshake signatures that prove the client holds the certificate's key.
#[derive(Debug)]
struct AnyClientCert {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for AnyClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
