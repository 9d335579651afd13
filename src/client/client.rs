//! [`Client`]: the entry point. Each method hands its work to the file named after it.

use std::sync::Arc;

use futures_util::Stream;

use super::builder::{ClientBuilder, ClientOptions};
use super::command::Command;
use super::insert::{Insert, InsertRow};
use super::query::{Query, QueryStream};
use crate::error::Result;
use crate::http::HttpTransport;
use crate::native::Block;
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
    options: ClientOptions,
    transport: Transport,
}

/// The transport the URL scheme chose.
pub(crate) enum Transport {
    /// `http://`, `https://`.
    Http(Box<HttpTransport>),
    /// `tcp://`, `clickhouse://`, `tcps://`.
    Tcp(TcpTransport),
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("url", &self.inner.options.url.as_str())
            .finish()
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

    pub(crate) fn from_options(options: ClientOptions) -> Result<Client> {
        let transport = match options.url.scheme() {
            "tcp" | "clickhouse" | "tcps" => {
                Transport::Tcp(TcpTransport::new(options.tcp_options()?))
            }
            _ => Transport::Http(Box::new(HttpTransport::new(options.clone())?)),
        };
        Ok(Client {
            inner: Arc::new(Inner { options, transport }),
        })
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    pub(crate) fn options(&self) -> &ClientOptions {
        &self.inner.options
    }

    /// Checks that the server answers (`GET /ping` over HTTP, the Ping packet over TCP).
    pub async fn ping(&self) -> Result<()> {
        match self.transport() {
            Transport::Http(http) => http.ping().await,
            Transport::Tcp(tcp) => tcp.ping().await,
        }
    }

    /// The server's version, e.g. `26.9.2.1` (asked once, then kept; over TCP, from the hello).
    pub async fn server_version(&self) -> Result<String> {
        match self.transport() {
            Transport::Http(http) => Ok(http.server_info().await?.version.clone()),
            Transport::Tcp(tcp) => Ok(tcp.server_info().await?.version),
        }
    }

    /// A statement that returns no rows (DDL, `SET`, `INSERT ... SELECT`, ...); await it, or set
    /// options first. The result has the summary and the text the server answered, if any.
    pub fn command(&self, sql: impl Into<String>) -> Command {
        Command::new(self.clone(), sql.into())
    }

    /// A query; await it for the whole result, or call [`Query::stream`] for its blocks as they
    /// arrive. Set per-query options (parameters, settings, ids) on the builder first.
    pub fn query(&self, sql: impl Into<String>) -> Query {
        Query::new(self.clone(), sql.into())
    }

    /// The blocks of a query as they arrive, in bounded memory.
    pub async fn query_stream(&self, sql: impl Into<String>) -> Result<QueryStream> {
        self.query(sql).stream().await
    }

    /// Inserts rows (`Vec<Value>`s or tuples) into `table`'s `columns` (all insertable columns
    /// when empty). Rows are read from the iterator as the request body is sent, a block at a
    /// time, so the iterator may be far larger than memory.
    pub fn insert<R, I>(&self, table: &str, columns: &[&str], rows: I) -> Insert
    where
        R: InsertRow,
        I: IntoIterator<Item = R>,
        I::IntoIter: Send + 'static,
    {
        Insert::from_iter(self.clone(), table, columns, rows)
    }

    /// Inserts typed rows through serde: each struct's fields name the columns (the first row's
    /// field order is the column list). Nested structs and tuples go into `Tuple` columns,
    /// sequences into `Array`, maps into `Map`, `None` is NULL.
    pub fn insert_rows<T, I>(&self, table: &str, rows: I) -> Result<Insert>
    where
        T: serde::Serialize + Send + 'static,
        I: IntoIterator<Item = T>,
        I::IntoIter: Send + 'static,
    {
        let mut rows = rows.into_iter();
        let Some(first) = rows.next() else {
            return Ok(Insert::from_iter(
                self.clone(),
                table,
                &[],
                Vec::<Vec<crate::Value>>::new(),
            ));
        };
        let named = crate::value::to_named_values(&first)?;
        let names: Vec<String> = named.iter().map(|(n, _)| n.clone()).collect();
        let columns: Vec<&str> = names.iter().map(String::as_str).collect();
        let first_values: Vec<crate::Value> = named.into_iter().map(|(_, v)| v).collect();
        let expected = names.clone();
        let rest = rows.map(move |row| match crate::value::to_named_values(&row) {
            Ok(named) if named.iter().map(|(n, _)| n).eq(expected.iter()) => {
                named.into_iter().map(|(_, v)| v).collect()
            }
            // A row that does not serialize like the first one: an empty row, which the
            // insert rejects with its row number.
            _ => Vec::new(),
        });
        Ok(Insert::from_iter(
            self.clone(),
            table,
            &columns,
            std::iter::once(first_values).chain(rest),
        ))
    }

    /// Inserts a block whose column names and types match the table's.
    pub fn insert_block(&self, table: &str, block: Block) -> Insert {
        Insert::from_block(self.clone(), table, block)
    }

    /// Inserts rows from a stream, sending each block as soon as it is full.
    pub fn insert_stream<R, S>(&self, table: &str, columns: &[&str], rows: S) -> Insert
    where
        R: InsertRow,
        S: Stream<Item = R> + Send + 'static,
    {
        Insert::from_stream(self.clone(), table, columns, rows)
    }
}
