//! TLS for `tcps://` (rustls): the system's root certificates, plus a CA file when given.

use std::path::Path;
use std::sync::Arc;

use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

use crate::error::{Error, Result};

/// The client configuration: system roots and the certificates of `ca_file`.
pub(crate) fn config(ca_file: Option<&Path>) -> Result<Arc<ClientConfig>> {
    let mut roots = RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        // A system certificate the store rejects is skipped, as browsers do.
        let _ = roots.add(cert);
    }
    if let Some(path) = ca_file {
        let bad_file = || Error::config(format!("cannot use the TLS CA file {}", path.display()));
        let certs = CertificateDer::pem_file_iter(path).map_err(|e| bad_file().with_source(e))?;
        for cert in certs {
            let cert = cert.map_err(|e| bad_file().with_source(e))?;
            roots.add(cert).map_err(|e| bad_file().with_source(e))?;
        }
    }
    if roots.is_empty() {
        return Err(Error::config(
            "no root certificates: give a CA file (`tls_ca_file`)",
        ));
    }
    Ok(Arc::new(
        ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    ))
}

/// Wraps a connected socket in TLS, verifying the server's certificate for `host`.
pub(crate) async fn connect(
    config: Arc<ClientConfig>,
    host: &str,
    tcp: TcpStream,
) -> Result<TlsStream<TcpStream>> {
    let name = ServerName::try_from(host.to_owned())
        .map_err(|e| Error::config(format!("{host:?} is not a TLS server name")).with_source(e))?;
    TlsConnector::from(config)
        .connect(name, tcp)
        .await
        .map_err(|e| {
            Error::connection(format!("the TLS handshake with {host} failed")).with_source(e)
        })
}
