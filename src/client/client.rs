//! [`Client`]: the entry point. Each method builds a request and hands it to the file named
//! after it; none knows which transport runs it.

use std::sync::Arc;

use futures_util::Stream;

use super::builder::ClientBuilder;
use super::command::Command;
use super::connection::Connection;
use super::insert::{Insert, InsertRow};
use super::query::{Query, QueryStream};
use super::raw::RawInsert;
use super::slot::{Deadline, Target};
use crate::error::Result;
use crate::hosts::MultiHost;
use crate::http::HttpTransport;
use crate::native::Block;
use crate::request::{HostStatus, Link, Options, QueryRequest, ServerInfo, Transport};
use crate::tcp::TcpTransport;

/// A ClickHouse client. Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// # async fn run() -> clickhouse_connect::Result<()> {
/// use clickhouse_connect::Client;
///
/// let client = Client::builder().url("http://localhost:8123").build()?;
/// client.command("CREATE TABLE IF NOT EXISTS t (k UInt32, v String) ENGINE MergeTree ORDER BY k").await?;
/// client.insert("t", &["k", "v"], vec![(1u32, "one"), (2, "two")]).await?;
/// let result = client.query("SELECT k, v FROM t WHERE k > {min:UInt32}").param("min", 1u32).await?;
/// for row in result.rows() {
///     let (k, v): (u32, String) = (row.get(0)?, row.get("v")?);
///     println!("{k} {v}");
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    options: Options,
    transport: Box<dyn Transport>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("url", &self.inner.options.url.as_str())
            .field("user", &self.inner.options.user)
            .field("transport", &self.inner.transport.name())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder for a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from a DSN such as `http://user:pass@host:8123/db?max_threads=4` or
    /// `tcp://host:9000/db`.
    pub fn from_dsn(dsn: &str) -> Result<Client> {
        ClientBuilder::default().dsn(dsn)?.build()
    }

    pub(crate) fn from_options(options: Options) -> Result<Client> {
        /// The transport the URL scheme chooses, for one host.
        fn for_host(options: &Options) -> Result<Box<dyn Transport>> {
            Ok(match options.url.scheme() {
                "tcp" | "clickhouse" | "tcps" => Box::new(TcpTransport::new(options)?),
                _ => Box::new(HttpTransport::new(options.clone())?),
            })
        }
        let transport = if options.hosts.len() > 1 {
            let hosts = options
                .hosts
                .iter()
                .map(|url| {
                    let host = options.for_host(url);
                    Ok((host.authority(), for_host(&host)?))
                })
                .collect::<Result<Vec<_>>>()?;
            Box::new(MultiHost::new(
                hosts,
                options.host_order,
                options.host_down_for,
            ))
        } else {
            for_host(&options)?
        };
        Ok(Client {
            inner: Arc::new(Inner { options, transport }),
        })
    }

    /// How many hosts a request may try: each one that fails to connect is passed over.
    pub(crate) fn host_count(&self) -> usize {
        self.inner.transport.host_count()
    }

    /// The client's hosts and how they are doing: up, or passed over for a while after
    /// connection failures (a client of one server reports it as always up).
    pub fn hosts_status(&self) -> Vec<HostStatus> {
        let hosts = self.inner.transport.hosts();
        if !hosts.is_empty() {
            return hosts;
        }
        vec![HostStatus {
            host: self.inner.options.authority(),
            up: true,
            down_for: None,
            failures: 0,
            last_error: None,
        }]
    }

    pub(crate) fn options(&self) -> &Options {
        &self.inner.options
    }

    /// `"http"` or `"native"`, for logs.
    pub(crate) fn transport_name(&self) -> &'static str {
        self.inner.transport.name()
    }

    /// A link for one request (bound to `session`, if given).
    pub(crate) async fn connect(&self, session: Option<&str>) -> Result<Box<dyn Link>> {
        self.inner.transport.connect(session).await
    }

    /// A connection of its own: a pooled native connection, or over HTTP a connection bound to
    /// a new server session, so that settings (`SET`) and temporary tables persist from one
    /// request to the next. Requests on it run one at a time. Dropping it returns a native
    /// connection to the pool once it is in sync (an answer left unread is cancelled and
    /// drained first).
    pub async fn connection(&self) -> Result<Connection> {
        let deadline = Deadline::of(self, &QueryRequest::default());
        let link = Deadline::run(deadline, "connecting", self.inner.transport.dedicated()).await?;
        Ok(Connection::new(self.clone(), link))
    }

    /// Checks that the server answers (`GET /ping` over HTTP, the Ping packet over TCP).
    pub async fn ping(&self) -> Result<()> {
        let mut link = Target::Client(self.clone())
            .slot(&QueryRequest::default())
            .await?;
        link.link().ping().await
    }

    /// Who the server is: version, time zone, display name (asked once, then kept).
    pub async fn server_info(&self) -> Result<ServerInfo> {
        let mut link = Target::Client(self.clone())
            .slot(&QueryRequest::default())
            .await?;
        link.link().server_info().await
    }

    /// The server's version, e.g. `26.9.2.1` (asked once, then kept; over TCP, from the hello).
    pub async fn server_version(&self) -> Result<String> {
        Ok(self.server_info().await?.version)
    }

    /// Stops the query `query_id`, wherever it runs (`KILL QUERY ... ASYNC`).
    pub async fn cancel(&self, query_id: &str) -> Result<()> {
        self.command(super::connection::kill_sql(query_id))
            .await
            .map(drop)
    }

    /// A statement that returns no rows (DDL, `SET`, `INSERT ... SELECT`, ...); await it, or set
    /// options first. The result has the summary and the text the server answered, if any.
    pub fn command(&self, sql: impl Into<String>) -> Command<'static> {
        Command::new(Target::Client(self.clone()), sql.into())
    }

    /// A query; await it for the whole result, or call [`Query::stream`] for its blocks as they
    /// arrive. Set per-query options (parameters, settings, ids) on the builder first.
    pub fn query(&self, sql: impl Into<String>) -> Query<'static> {
        Query::new(Target::Client(self.clone()), sql.into())
    }

    /// The blocks of a query as they arrive, in bounded memory.
    pub async fn query_stream(&self, sql: impl Into<String>) -> Result<QueryStream<'static>> {
        self.query(sql).stream().await
    }

    /// Inserts rows (`Vec<Value>`s or tuples) into `table`'s `columns` (all insertable columns
    /// when empty). Rows are read from the iterator as the request body is sent, a block at a
    /// time, so the iterator may be far larger than memory.
    pub fn insert<R, I>(&self, table: &str, columns: &[&str], rows: I) -> Insert<'static>
    where
        R: InsertRow,
        I: IntoIterator<Item = R>,
        I::IntoIter: Send + 'static,
    {
        Insert::from_iter(Target::Client(self.clone()), table, columns, rows)
    }

    /// Inserts typed rows through serde: each struct's fields name the columns (the first row's
    /// field order is the column list). Each field is serialized straight into its column
    /// (numbers, text, `Option`, sequences into `Array`); nested structs and tuples go into
    /// `Tuple` columns, maps into `Map`, `None` is NULL, through [`Value`](crate::Value).
    pub fn insert_rows<T, I>(&self, table: &str, rows: I) -> Result<Insert<'static>>
    where
        T: serde::Serialize + Send + 'static,
        I: IntoIterator<Item = T>,
        I::IntoIter: Send + 'static,
    {
        Insert::from_serde(Target::Client(self.clone()), table, rows)
    }

    /// Inserts typed rows straight into columns: each field of a `#[derive(ToBlock)]` struct
    /// appends its value to its column (see [`ToBlock`](crate::value::ToBlock)), the fastest
    /// way to insert structs. The type's fields name the columns.
    pub fn insert_typed<T, I>(&self, table: &str, rows: I) -> Insert<'static>
    where
        T: crate::value::ToBlock + Send + 'static,
        I: IntoIterator<Item = T>,
        I::IntoIter: Send + 'static,
    {
        Insert::from_typed(Target::Client(self.clone()), table, rows)
    }

    /// Inserts a block whose column names and types match the table's.
    pub fn insert_block(&self, table: &str, block: Block) -> Insert<'static> {
        Insert::from_block(Target::Client(self.clone()), table, block)
    }

    /// Inserts rows from a stream, sending each block as soon as it is full.
    pub fn insert_stream<R, S>(&self, table: &str, columns: &[&str], rows: S) -> Insert<'static>
    where
        R: InsertRow,
        S: Stream<Item = R> + Send + 'static,
    {
        Insert::from_stream(Target::Client(self.clone()), table, columns, rows)
    }

    /// Inserts data in `format`, any input format the server reads (`CSVWithNames`,
    /// `JSONEachRow`, `Parquet`, ...), from `body` as it is read: `INSERT INTO <table> FORMAT
    /// <format>` with the bytes as the request body, never decoded by the client, in bounded
    /// memory. The result's `rows` and `summary.written_rows` are the rows the server reports
    /// written (servers before ≈20.x report none over HTTP: 0).
    ///
    /// HTTP only: over the native protocol, which carries only Native blocks, it fails with an
    /// error of kind [`Unsupported`](crate::ErrorKind::Unsupported).
    ///
    /// `body` is any stream of byte chunks (over a file: `tokio_util::io::ReaderStream`).
    ///
    /// ```no_run
    /// # async fn run(client: clickhouse_connect::Client) -> clickhouse_connect::Result<()> {
    /// let csv = "id,name\n1,one\n2,two\n";
    /// let body = futures_util::stream::iter([Ok(bytes::Bytes::from(csv))]);
    /// let done = client.insert_raw("events", "CSVWithNames", body).await?;
    /// println!("{} rows written", done.summary.written_rows);
    /// # Ok(())
    /// # }
    /// ```
    pub fn insert_raw<S>(&self, table: &str, format: &str, body: S) -> RawInsert<'static>
    where
        S: Stream<Item = std::io::Result<bytes::Bytes>> + Send + 'static,
    {
        RawInsert::new(Target::Client(self.clone()), table, format, body)
    }
}
