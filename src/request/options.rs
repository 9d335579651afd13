//! [`Options`]: everything a client needs to reach a server, fixed when the client is built.

use std::time::Duration;

use url::Url;

use crate::compression::Compression;

/// A secret (a password) that never shows in `Debug` output.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(text: impl Into<String>) -> Secret {
        Secret(text.into())
    }

    /// The secret itself, for the one place that sends it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() {
            "\"\""
        } else {
            "<hidden>"
        })
    }
}

/// The client's configuration, as both transports read it.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// Scheme, host and port (no user, password, path or query).
    pub(crate) url: Url,
    pub(crate) user: String,
    pub(crate) password: Secret,
    pub(crate) database: Option<String>,
    /// Settings applied to every query (a query's own override them).
    pub(crate) settings: Vec<(String, String)>,
    pub(crate) compression: Compression,
    pub(crate) connect_timeout: Duration,
    /// How long a request may take, unless the query sets its own limit.
    pub(crate) request_timeout: Option<Duration>,
    /// Rows per block when inserting.
    pub(crate) insert_block_rows: usize,
    /// Approximate bytes per block when inserting.
    pub(crate) insert_block_bytes: usize,
    /// Native connections kept at most (TCP).
    pub(crate) pool_size: usize,
    /// How long a native connection may stay idle in the pool (TCP).
    pub(crate) idle_timeout: Duration,
    /// Extra trusted CA certificates (PEM), for `https://` and `tcps://`.
    pub(crate) tls_ca_file: Option<std::path::PathBuf>,
}

impl Options {
    /// `host:port` of the server, for messages and logs.
    pub(crate) fn authority(&self) -> String {
        let host = self.url.host_str().unwrap_or_default();
        match self.url.port_or_known_default() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }
}
