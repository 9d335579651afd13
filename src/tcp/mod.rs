//! tcp: the native TCP transport over tokio.
//!
//! Owns connections (TCP or TLS, handshake with revision negotiation), the pool (size limit,
//! idle timeout, health check on checkout, broken connections discarded), the query flow
//! (packets until EndOfStream or Exception, Cancel and drain) and the insert flow (header block
//! from the server, data blocks, empty block). Packet bytes are the `native` layer's.

mod connection;
mod insert;
mod pool;
mod query;
pub(crate) mod tls;

use std::sync::Arc;
use std::time::Duration;

pub(crate) use insert::insert;
pub(crate) use query::TcpQuery;

use crate::client::QueryRequest;
use crate::compression::Method;
use crate::error::Result;
use pool::Pool;

/// Everything a native connection needs, fixed when the client is built.
#[derive(Debug, Clone)]
pub(crate) struct TcpOptions {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) user: String,
    pub(crate) password: String,
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

/// The native transport of a client: its pool.
pub(crate) struct TcpTransport {
    pool: Arc<Pool>,
    server: tokio::sync::OnceCell<TcpServerInfo>,
}

/// The server's version as the handshake told it.
#[derive(Debug, Clone)]
pub(crate) struct TcpServerInfo {
    pub(crate) version: String,
}

impl TcpTransport {
    pub(crate) fn new(options: TcpOptions) -> Self {
        TcpTransport {
            pool: Pool::new(Arc::new(options)),
            server: tokio::sync::OnceCell::new(),
        }
    }

    pub(crate) fn options(&self) -> &TcpOptions {
        self.pool.options()
    }

    /// Ping / Pong on a pooled connection.
    pub(crate) async fn ping(&self) -> Result<()> {
        let mut connection = self.pool.get(None).await?;
        let timeout = self.options().connect_timeout;
        let result = connection.get().ping(timeout).await;
        if result.is_err() {
            connection.discard();
        }
        result
    }

    /// What the server said in its hello (asked once, then kept).
    pub(crate) async fn server_info(&self) -> Result<TcpServerInfo> {
        let info = self
            .server
            .get_or_try_init(|| async {
                let mut connection = self.pool.get(None).await?;
                let hello = connection.get().server();
                Ok::<_, crate::Error>(TcpServerInfo {
                    version: hello.version(),
                })
            })
            .await?;
        Ok(info.clone())
    }

    /// Starts a query; the client's settings apply unless the request overrides them.
    pub(crate) async fn query(&self, request: &mut QueryRequest) -> Result<TcpQuery> {
        let connection = self.pool.get(request.session_id.as_deref()).await?;
        let mut settings: Vec<(String, String)> = self
            .options()
            .settings
            .iter()
            .filter(|(name, _)| !request.settings.iter().any(|(n, _)| n == name))
            .cloned()
            .collect();
        settings.extend(request.settings.iter().cloned());
        query::start(connection, request, settings).await
    }
}
