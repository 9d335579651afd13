//! [`ClientBuilder`] and the DSN form `http://user:pass@host:8123/db?setting=value`.

use std::time::Duration;

use url::Url;

use super::Client;
use crate::compression::Compression;
use crate::error::{Error, Result};
use crate::request::{HostOrder, Options, Secret};

/// Whether `scheme` names a transport.
fn known_scheme(scheme: &str) -> bool {
    matches!(scheme, "http" | "https" | "tcp" | "clickhouse" | "tcps")
}

const SCHEMES: &str = "use http://, https://, tcp://, clickhouse:// or tcps://";

/// Builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use clickhouse_connect::{Client, Compression};
///
/// let client = Client::builder()
///     .url("http://localhost:8123")
///     .user("default")
///     .password("")
///     .database("default")
///     .setting("max_execution_time", 60)
///     .compression(Compression::Lz4)
///     .connect_timeout(Duration::from_secs(5))
///     .build()
///     .unwrap();
/// # drop(client);
/// ```
///
/// Its `Debug` output, like every error the builder reports, leaves the password out.
#[derive(Clone)]
pub struct ClientBuilder {
    url: Option<String>,
    /// `url` was given as a DSN that did not read: `build` reports why.
    invalid_dsn: bool,
    /// The hosts after the first (`host:port`), for a service of several servers.
    extra_hosts: Vec<String>,
    host_order: HostOrder,
    host_down_for: Duration,
    host: String,
    port: Option<u16>,
    https: bool,
    user: String,
    password: Secret,
    database: Option<String>,
    settings: Vec<(String, String)>,
    compression: Compression,
    connect_timeout: Duration,
    request_timeout: Option<Duration>,
    insert_block_rows: usize,
    insert_block_bytes: usize,
    pool_size: usize,
    idle_timeout: Duration,
    tls_ca_file: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("url", &self.url.as_deref().map(redacted))
            .field("extra_hosts", &self.extra_hosts)
            .field("host_order", &self.host_order)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("https", &self.https)
            .field("user", &self.user)
            .field("password", &self.password)
            .field("database", &self.database)
            .field("settings", &self.settings)
            .field("compression", &self.compression)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            url: None,
            invalid_dsn: false,
            extra_hosts: Vec::new(),
            host_order: HostOrder::InOrder,
            host_down_for: Duration::from_secs(10),
            host: "localhost".into(),
            port: None,
            https: false,
            user: "default".into(),
            password: Secret::default(),
            database: None,
            settings: Vec::new(),
            compression: Compression::Lz4,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Some(Duration::from_secs(300)),
            insert_block_rows: 16_384,
            insert_block_bytes: 8 << 20,
            pool_size: 16,
            idle_timeout: Duration::from_secs(60),
            tls_ca_file: None,
        }
    }
}

impl ClientBuilder {
    /// The server URL: `http://host:8123`, `https://host:8443`, or the native protocol with
    /// `tcp://host:9000` (also `clickhouse://`) and `tcps://host:9440` (TLS). A DSN with user,
    /// password, database and settings is accepted too (see [`ClientBuilder::dsn`]).
    pub fn url(self, url: impl Into<String>) -> Self {
        let url = url.into();
        match self.clone().dsn(&url) {
            Ok(builder) => builder,
            // Reported by `build`.
            Err(_) => ClientBuilder {
                url: Some(url),
                invalid_dsn: true,
                ..self
            },
        }
    }

    /// Reads a DSN: `scheme://[user[:password]@]host[:port][/database][?setting=value&...]` with
    /// scheme `http`, `https`, `tcp`, `clickhouse` or `tcps`.
    /// The parameters `compression` (`lz4`, `zstd`, `gzip`, `none`) and `connect_timeout` /
    /// `request_timeout` (seconds) configure the client; every other one is a setting.
    pub fn dsn(mut self, dsn: &str) -> Result<Self> {
        let shown = redacted(dsn);
        let (dsn, extra_hosts) = split_hosts(dsn);
        let url = Url::parse(&dsn)
            .map_err(|e| Error::config(format!("invalid URL {shown:?}")).with_source(e))?;
        if !known_scheme(url.scheme()) {
            return Err(Error::config(format!(
                "unsupported scheme {:?} in {shown:?}: {SCHEMES}",
                url.scheme()
            )));
        }
        let decode = |s: &str| {
            percent_decode(s)
                .ok_or_else(|| Error::config(format!("invalid percent-encoding in {shown:?}")))
        };
        if !url.username().is_empty() {
            self.user = decode(url.username())?;
        }
        if let Some(password) = url.password() {
            self.password = Secret::new(decode(password)?);
        }
        let path = url.path().trim_matches('/');
        if !path.is_empty() {
            self.database = Some(decode(path)?);
        }
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "compression" | "compress" => self.compression = parse_compression(&value)?,
                "connect_timeout" => self.connect_timeout = parse_seconds(&key, &value)?,
                "request_timeout" => self.request_timeout = Some(parse_seconds(&key, &value)?),
                "database" => self.database = Some(value.into_owned()),
                "host_order" => self.host_order = value.parse()?,
                "host_down_for" => self.host_down_for = parse_seconds(&key, &value)?,
                _ => self.settings.push((key.into_owned(), value.into_owned())),
            }
        }
        let mut base = url.clone();
        base.set_path("/");
        base.set_query(None);
        let _ = base.set_username("");
        let _ = base.set_password(None);
        self.url = Some(base.to_string());
        self.extra_hosts = extra_hosts;
        Ok(self)
    }

    /// Several servers as one service: `host:port` of each, tried in the [`host_order`]
    /// (first healthy by default); the scheme, user, database and options are the client's.
    /// A DSN names them the same way: `http://h1:8123,h2:8123,h3:8123/db`. A host that fails to
    /// connect, or whose connection breaks, is passed over for [`host_down_for`] and then tried
    /// again; a request safe to repeat (a query, or what [`idempotent`](crate::Query::idempotent)
    /// marks) moves to the next host. [`Client::hosts_status`] shows them.
    ///
    /// [`host_order`]: Self::host_order
    /// [`host_down_for`]: Self::host_down_for
    pub fn hosts<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut hosts: Vec<String> = hosts.into_iter().map(Into::into).collect();
        if hosts.is_empty() {
            return self;
        }
        let first = hosts.remove(0);
        let scheme = match &self.url {
            Some(url) => url.split("://").next().unwrap_or("http").to_owned(),
            None if self.https => "https".to_owned(),
            None => "http".to_owned(),
        };
        self.url = Some(format!("{scheme}://{first}/"));
        self.extra_hosts = hosts;
        self
    }

    /// Which host a request tries first (default [`HostOrder::InOrder`]).
    pub fn host_order(mut self, order: HostOrder) -> Self {
        self.host_order = order;
        self
    }

    /// How long a host that failed is passed over before it is tried again (default 10 s).
    pub fn host_down_for(mut self, back_off: Duration) -> Self {
        self.host_down_for = back_off;
        self
    }

    /// The host name, when no URL is given (default `localhost`).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }

    /// The port, when no URL is given (default 8123, or 8443 with HTTPS).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// Whether to use HTTPS, when no URL is given.
    pub fn https(mut self, https: bool) -> Self {
        self.https = https;
        self
    }

    /// The user (default `default`).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = user.into();
        self
    }

    /// The password (default empty).
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Secret::new(password);
        self
    }

    /// The database queries run in (default: the user's default database).
    pub fn database(mut self, database: impl Into<String>) -> Self {
        self.database = Some(database.into());
        self
    }

    /// A setting applied to every query of the client.
    pub fn setting(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        let name = name.into();
        self.settings.retain(|(n, _)| *n != name);
        self.settings.push((name, value.to_string()));
        self
    }

    /// How data is compressed on the wire (default [`Compression::Lz4`]).
    pub fn compression(mut self, compression: Compression) -> Self {
        self.compression = compression;
        self
    }

    /// How long to wait for a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a whole request may take, body included (default 300 s; `None` for no limit).
    pub fn request_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.request_timeout = timeout.into();
        self
    }

    /// How many rows an insert sends per block (default 16 384).
    ///
    /// The server squashes the blocks of one insert into its own larger blocks before it writes
    /// a part (`min_insert_block_size_rows`), so this size does not change the parts. A block
    /// that fits in the CPU's cache is encoded and sent faster, and the server parses one block
    /// while the client builds the next: measured with `cargo bench --bench peers`, 16 384 rows
    /// inserted faster than 65 536 into a sink and into a server, with half the memory.
    pub fn insert_block_rows(mut self, rows: usize) -> Self {
        self.insert_block_rows = rows.max(1);
        self
    }

    /// About how many bytes an insert sends per block (default 8 MiB).
    pub fn insert_block_bytes(mut self, bytes: usize) -> Self {
        self.insert_block_bytes = bytes.max(1);
        self
    }

    /// How many native connections the pool keeps at most (default 16; TCP only).
    pub fn pool_size(mut self, size: usize) -> Self {
        self.pool_size = size.max(1);
        self
    }

    /// How long a native connection may wait idle in the pool (default 60 s; TCP only).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Trusts the CA certificates in this PEM file too (for servers with a private CA), over
    /// `https://` and `tcps://`.
    pub fn tls_ca_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.tls_ca_file = Some(path.into());
        self
    }

    /// Builds the client. No connection is made until the first request.
    pub fn build(self) -> Result<Client> {
        let text = match &self.url {
            Some(url) if self.invalid_dsn => {
                return Err(match ClientBuilder::default().dsn(url) {
                    Err(e) => e,
                    Ok(_) => Error::config(format!("invalid URL {:?}", redacted(url))),
                });
            }
            Some(url) => url.clone(),
            None => {
                let scheme = if self.https { "https" } else { "http" };
                let port = self.port.unwrap_or(if self.https { 8443 } else { 8123 });
                format!("{scheme}://{}:{port}/", self.host)
            }
        };
        let shown = redacted(&text);
        let url = Url::parse(&text)
            .map_err(|e| Error::config(format!("invalid URL {shown:?}")).with_source(e))?;
        if !known_scheme(url.scheme()) {
            return Err(Error::config(format!(
                "unsupported scheme {:?}: {SCHEMES}",
                url.scheme()
            )));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(Error::config(format!("no host in {shown:?}")));
        }
        // User and password travel in their own fields, never in the URL the client keeps.
        let mut url = url;
        let _ = url.set_username("");
        let _ = url.set_password(None);
        let mut hosts = vec![url.clone()];
        for extra in &self.extra_hosts {
            let mut host = url.clone();
            let (name, port) = match extra.rsplit_once(':') {
                Some((name, port)) if !name.ends_with(']') || extra.starts_with('[') => {
                    let port = port.parse::<u16>().map_err(|_| {
                        Error::config(format!("invalid port in the host {extra:?}"))
                    })?;
                    (name, Some(port))
                }
                _ => (extra.as_str(), None),
            };
            host.set_host(Some(name))
                .map_err(|e| Error::config(format!("invalid host {extra:?}")).with_source(e))?;
            host.set_port(port)
                .map_err(|()| Error::config(format!("invalid port in the host {extra:?}")))?;
            hosts.push(host);
        }
        Client::from_options(Options {
            url,
            user: self.user,
            password: self.password,
            database: self.database,
            settings: self.settings,
            compression: self.compression,
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            insert_block_rows: self.insert_block_rows,
            insert_block_bytes: self.insert_block_bytes,
            pool_size: self.pool_size,
            idle_timeout: self.idle_timeout,
            tls_ca_file: self.tls_ca_file,
            hosts,
            host_order: self.host_order,
            host_down_for: self.host_down_for,
        })
    }
}

/// A DSN with several hosts (`http://u:p@h1:8123,h2:8123/db`) as the DSN of the first host and
/// the others' `host:port`.
fn split_hosts(dsn: &str) -> (String, Vec<String>) {
    let Some(scheme_end) = dsn.find("://").map(|i| i + 3) else {
        return (dsn.to_owned(), Vec::new());
    };
    let rest = &dsn[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let hosts_start = authority.rfind('@').map_or(0, |at| at + 1);
    let mut hosts = authority[hosts_start..].split(',').map(str::trim);
    let first = hosts.next().unwrap_or_default();
    let extra: Vec<String> = hosts.filter(|h| !h.is_empty()).map(str::to_owned).collect();
    let single = format!(
        "{}{}{first}{}",
        &dsn[..scheme_end],
        &authority[..hosts_start],
        &rest[authority_end..]
    );
    (single, extra)
}

fn parse_compression(value: &str) -> Result<Compression> {
    Ok(match value.to_ascii_lowercase().as_str() {
        "lz4" | "1" | "true" => Compression::Lz4,
        "zstd" => Compression::Zstd(1),
        "gzip" => Compression::Gzip,
        "none" | "0" | "false" => Compression::None,
        other => {
            return Err(Error::config(format!(
                "unknown compression {other:?}: use lz4, zstd, gzip or none"
            )));
        }
    })
}

fn parse_seconds(key: &str, value: &str) -> Result<Duration> {
    value
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| Error::config(format!("{key} must be a number of seconds, got {value:?}")))
}

/// `text` with the password of a `scheme://user:password@host` URL replaced by `***`, for
/// messages.
pub(crate) fn redacted(text: &str) -> String {
    let Some(scheme_end) = text.find("://").map(|i| i + 3) else {
        return text.to_owned();
    };
    let rest = &text[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return text.to_owned();
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &text[..scheme_end],
            &rest[..colon],
            &rest[at..]
        ),
        None => text.to_owned(),
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dsn_sets_everything() {
        let b = ClientBuilder::default()
            .dsn("http://bob:p%40ss@db.example:9123/analytics?max_threads=4&compression=zstd&request_timeout=2.5")
            .unwrap();
        assert_eq!(b.url.as_deref(), Some("http://db.example:9123/"));
        assert_eq!((b.user.as_str(), b.password.expose()), ("bob", "p@ss"));
        assert_eq!(b.database.as_deref(), Some("analytics"));
        assert_eq!(b.settings, vec![("max_threads".to_owned(), "4".to_owned())]);
        assert_eq!(b.compression, Compression::Zstd(1));
        assert_eq!(b.request_timeout, Some(Duration::from_millis(2500)));
    }

    #[test]
    fn several_hosts_in_a_dsn() {
        let b = ClientBuilder::default()
            .dsn("tcp://bob:pw@h1:9000, h2:9001,[::1]:9002/db?host_order=round_robin")
            .unwrap();
        assert_eq!(b.url.as_deref(), Some("tcp://h1:9000/"));
        assert_eq!(b.extra_hosts, ["h2:9001", "[::1]:9002"]);
        assert_eq!(b.host_order, HostOrder::RoundRobin);
        assert_eq!(b.database.as_deref(), Some("db"));
        let client = b.build().unwrap();
        let hosts: Vec<String> = client.hosts_status().into_iter().map(|h| h.host).collect();
        assert_eq!(hosts, ["h1:9000", "h2:9001", "[::1]:9002"]);
        let b = ClientBuilder::default()
            .url("http://x:8123")
            .hosts(["a:1", "b:2"]);
        assert_eq!(b.url.as_deref(), Some("http://a:1/"));
        assert!(
            ClientBuilder::default()
                .dsn("http://h1:8123,h2:x/")
                .unwrap()
                .build()
                .is_err()
        );
    }

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redacted("http://alice:secret@127.0.0.1:99999/default"),
            "http://alice:***@127.0.0.1:99999/default"
        );
        assert_eq!(redacted("tcp://h:9000/db?x=1"), "tcp://h:9000/db?x=1");
        assert_eq!(redacted("http://a:b:c@h/x@y"), "http://a:***@h/x@y");
        let bad = ClientBuilder::default().dsn("http://alice:secret@127.0.0.1:99999/default");
        let err = bad.unwrap_err();
        assert!(!format!("{err} {err:?}").contains("secret"), "{err:?}");
        let bad = ClientBuilder::default().url("http://alice:secret@127.0.0.1:99999/default");
        assert!(!format!("{bad:?}").contains("secret"), "{bad:?}");
        let err = bad.build().unwrap_err();
        assert!(!format!("{err} {err:?}").contains("secret"), "{err:?}");
        assert!(err.to_string().contains("alice:***@"), "{err}");
        let builder = ClientBuilder::default().password("secret").user("alice");
        assert!(!format!("{builder:?}").contains("secret"));
        let built = ClientBuilder::default()
            .dsn("http://alice:secret@localhost:8123/db")
            .unwrap();
        assert!(!format!("{built:?}").contains("secret"));
        let client = built.build().unwrap();
        assert!(!format!("{client:?}").contains("secret"));
    }

    #[test]
    fn bad_configuration_is_an_error() {
        assert!(matches!(
            ClientBuilder::default().dsn("ftp://x"),
            Err(e) if e.kind() == crate::ErrorKind::Config
        ));
        assert!(matches!(
            ClientBuilder::default().dsn("http://x/?compression=snappy"),
            Err(e) if e.kind() == crate::ErrorKind::Config
        ));
        assert!(matches!(
            ClientBuilder::default().url("not a url").build(),
            Err(e) if e.kind() == crate::ErrorKind::Config
        ));
        assert!(
            ClientBuilder::default()
                .host("h")
                .port(1)
                .https(true)
                .build()
                .is_ok()
        );
    }
}
