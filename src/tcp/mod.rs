//! tcp: the native TCP transport over tokio.
//!
//! Owns connections (TCP or TLS, handshake with revision negotiation), the pool (size limit,
//! idle timeout, health check on checkout, connections not proven in sync discarded), and the
//! flows on a connection ([`link`]): query (packets until EndOfStream or Exception; Cancel and
//! drain), insert (header block from the server, data blocks, empty block) and command. Packet
//! bytes are the `native` layer's; it implements the [`request`](crate::request) contract and
//! knows nothing of the client above it.

mod connection;
mod insert;
mod link;
mod pool;
mod tls;

use std::sync::Arc;
use std::time::Duration;

use crate::compression::{Compression, Method};
use crate::error::{Error, Result};
use crate::request::{Link, Options, Secret, Transport};
use link::TcpLink;
use pool::Pool;

/// Everything a native connection needs, fixed when the client is built.
#[derive(Debug, Clone)]
pub(crate) struct TcpOptions {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) user: String,
    pub(crate) password: Secret,
    /// The default database ("" for the user's).
    pub(crate) database: String,
    pub(crate) settings: Vec<(String, String)>,
    /// Block compression, if any.
    pub(crate) compression: Option<(Method, i32)>,
    pub(crate) connect_timeout: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) pool_size: usize,
    pub(crate) client_name: String,
    pub(crate) client_version: (u64, u64, u64),
    pub(crate) hostname: String,
    /// The TLS configuration, for `tcps://`.
    pub(crate) tls_config: Option<Arc<tokio_rustls::rustls::ClientConfig>>,
}

impl TcpOptions {
    /// The options of the native transport for the client's `options`.
    pub(crate) fn new(options: &Options) -> Result<TcpOptions> {
        let host = options
            .url
            .host_str()
            .ok_or_else(|| Error::config("no host in the URL"))?;
        let tls = options.url.scheme() == "tcps";
        let port = options.url.port().unwrap_or(if tls { 9440 } else { 9000 });
        let compression = match options.compression {
            Compression::None => None,
            Compression::Lz4 => Some((Method::Lz4, 0)),
            Compression::Zstd(level) => Some((Method::Zstd, level)),
            Compression::Gzip => {
                return Err(Error::config(
                    "gzip is HTTP compression; over TCP use Lz4, Zstd or None",
                ));
            }
        };
        let mut version = env!("CARGO_PKG_VERSION")
            .split('.')
            .map(|p| p.parse().unwrap_or(0));
        Ok(TcpOptions {
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
            port,
            user: options.user.clone(),
            password: options.password.clone(),
            database: options.database.clone().unwrap_or_default(),
            settings: options.settings.clone(),
            compression,
            connect_timeout: options.connect_timeout,
            idle_timeout: options.idle_timeout,
            pool_size: options.pool_size,
            client_name: "clickhouse-connect-rs".into(),
            client_version: (
                version.next().unwrap_or(0),
                version.next().unwrap_or(0),
                version.next().unwrap_or(0),
            ),
            hostname: std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into()),
            tls_config: if tls {
                Some(tls::config(options.tls_ca_file.as_deref())?)
            } else {
                None
            },
        })
    }

    /// `host:port`, for messages.
    pub(crate) fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// The native transport of a client: its pool.
pub(crate) struct TcpTransport {
    pool: Arc<Pool>,
}

impl TcpTransport {
    pub(crate) fn new(options: &Options) -> Result<Self> {
        Ok(TcpTransport {
            pool: Pool::new(Arc::new(TcpOptions::new(options)?)),
        })
    }
}

#[async_trait::async_trait]
impl Transport for TcpTransport {
    fn name(&self) -> &'static str {
        "native"
    }

    async fn connect(&self, session: Option<&str>) -> Result<Box<dyn Link>> {
        Ok(Box::new(TcpLink::new(self.pool.get(session).await?)))
    }

    async fn dedicated(&self) -> Result<Box<dyn Link>> {
        // A native connection is its own session.
        self.connect(None).await
    }
}
