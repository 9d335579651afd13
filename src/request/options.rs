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
    /// Every host of the service, `url` first (one entry for a single server).
    pub(crate) hosts: Vec<Url>,
    /// Which host a request goes to first.
    pub(crate) host_order: HostOrder,
    /// How long a host that failed is passed over before it is tried again.
    pub(crate) host_down_for: Duration,
}

/// Which of several hosts a request tries first (the others follow if it cannot connect).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum HostOrder {
    /// The first host that is up, in the order given (a primary and its fallbacks).
    #[default]
    InOrder,
    /// Each request starts at the next host in turn.
    RoundRobin,
    /// Each request starts at a host chosen at random.
    Random,
}

impl std::str::FromStr for HostOrder {
    type Err = crate::error::Error;

    fn from_str(s: &str) -> crate::error::Result<HostOrder> {
        match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "in_order" | "first" => Ok(HostOrder::InOrder),
            "round_robin" => Ok(HostOrder::RoundRobin),
            "random" => Ok(HostOrder::Random),
            other => Err(crate::error::Error::config(format!(
                "unknown host order {other:?}: use in_order, round_robin or random"
            ))),
        }
    }
}

/// How one host of a client looks from the client: up, or passed over after failures.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostStatus {
    /// `host:port`.
    pub host: String,
    /// Whether requests go to it (a host marked down is tried again when its back-off ends,
    /// or when no host is up).
    pub up: bool,
    /// How long it stays marked down, if it is.
    pub down_for: Option<Duration>,
    /// Connection failures seen on it since the client was built.
    pub failures: u64,
    /// The last connection failure, if any (no password in it).
    pub last_error: Option<String>,
}

impl Options {
    /// The same options for one of the hosts.
    pub(crate) fn for_host(&self, url: &Url) -> Options {
        Options {
            url: url.clone(),
            hosts: vec![url.clone()],
            ..self.clone()
        }
    }

    /// `host:port` of the server, for messages and logs.
    pub(crate) fn authority(&self) -> String {
        let host = self.url.host_str().unwrap_or_default();
        match self.url.port_or_known_default() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }
}
