//! [`Connection`]: one connection a caller owns, with the same requests as a [`Client`].

use futures_util::Stream;

use super::Client;
use super::command::Command;
use super::insert::{Insert, InsertRow};
use super::query::{Query, QueryStream};
use super::raw::RawInsert;
use super::slot::{Deadline, Target, let_go};
use crate::error::Result;
use crate::native::Block;
use crate::request::{Link, QueryRequest, ServerInfo};

/// One connection of a [`Client`], from [`Client::connection`]: a pooled native connection, or
/// over HTTP a connection bound to a server session of its own. Settings (`SET`), temporary
/// tables and the current database persist from one request to the next; requests run one at a
/// time (each borrows the connection until its answer is read).
///
/// An answer left unread (a dropped [`QueryStream`], a timeout) is cancelled before the next
/// request, so the connection is never used out of sync; dropping the connection does the same
/// in the background, then returns a native connection to the pool.
///
/// ```no_run
/// # async fn run(client: clickhouse_connect::Client) -> clickhouse_connect::Result<()> {
/// let mut connection = client.connection().await?;
/// connection.command("CREATE TEMPORARY TABLE scratch (n UInt64)").await?;
/// connection.command("INSERT INTO scratch SELECT number FROM numbers(10)").await?;
/// let total: u64 = connection.query("SELECT sum(n) FROM scratch").scalar().await?;
/// assert_eq!(total, 45);
/// connection.close().await?;
/// # Ok(())
/// # }
/// ```
pub struct Connection {
    client: Client,
    link: Option<Box<dyn Link>>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("client", &self.client)
            .field("busy", &self.link.as_ref().is_some_and(|l| l.is_busy()))
            .finish()
    }
}

/// `KILL QUERY` for `query_id`.
pub(crate) fn kill_sql(query_id: &str) -> String {
    format!(
        "KILL QUERY WHERE query_id = {} ASYNC",
        crate::types::quote(query_id)
    )
}

impl Connection {
    pub(crate) fn new(client: Client, link: Box<dyn Link>) -> Self {
        Connection {
            client,
            link: Some(link),
        }
    }

    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    pub(crate) fn link_mut(&mut self) -> &mut Box<dyn Link> {
        self.link
            .as_mut()
            .expect("a connection holds its link until dropped or closed")
    }

    fn target(&mut self) -> Target<'_> {
        Target::Connection(self)
    }

    /// Checks that the server answers.
    pub async fn ping(&mut self) -> Result<()> {
        let deadline = Deadline::of(&self.client, &QueryRequest::default());
        Deadline::run(deadline, "the ping", self.link_mut().ping()).await
    }

    /// Who the server is.
    pub async fn server_info(&mut self) -> Result<ServerInfo> {
        self.link_mut().server_info().await
    }

    /// Stops the query `query_id`, wherever it runs (`KILL QUERY ... ASYNC`). (A query of this
    /// connection is stopped with [`QueryStream::cancel`], or by dropping its stream.)
    pub async fn cancel(&mut self, query_id: &str) -> Result<()> {
        self.command(kill_sql(query_id)).await.map(drop)
    }

    /// Ends the connection: an answer under way is cancelled and drained (a native connection
    /// that does not end it within 10 seconds is closed), then a native connection goes back to
    /// the pool.
    pub async fn close(mut self) -> Result<()> {
        if let Some(mut link) = self.link.take() {
            if link.is_busy() {
                link.cancel().await?;
            }
        }
        Ok(())
    }

    /// A statement that returns no rows (see [`Client::command`]).
    pub fn command(&mut self, sql: impl Into<String>) -> Command<'_> {
        Command::new(self.target(), sql.into())
    }

    /// A query (see [`Client::query`]).
    pub fn query(&mut self, sql: impl Into<String>) -> Query<'_> {
        Query::new(self.target(), sql.into())
    }

    /// The blocks of a query as they arrive (see [`Client::query_stream`]).
    pub async fn query_stream(&mut self, sql: impl Into<String>) -> Result<QueryStream<'_>> {
        self.query(sql).stream().await
    }

    /// Inserts rows (see [`Client::insert`]).
    pub fn insert<R, I>(&mut self, table: &str, columns: &[&str], rows: I) -> Insert<'_>
    where
        R: InsertRow,
        I: IntoIterator<Item = R>,
        I::IntoIter: Send + 'static,
    {
        Insert::from_iter(self.target(), table, columns, rows)
    }

    /// Inserts typed rows through serde (see [`Client::insert_rows`]).
    pub fn insert_rows<T, I>(&mut self, table: &str, rows: I) -> Result<Insert<'_>>
    where
        T: serde::Serialize + Send + 'static,
        I: IntoIterator<Item = T>,
        I::IntoIter: Send + 'static,
    {
        Insert::from_serde(self.target(), table, rows)
    }

    /// Inserts a block (see [`Client::insert_block`]).
    pub fn insert_block(&mut self, table: &str, block: Block) -> Insert<'_> {
        Insert::from_block(self.target(), table, block)
    }

    /// Inserts rows from a stream (see [`Client::insert_stream`]).
    pub fn insert_stream<R, S>(&mut self, table: &str, columns: &[&str], rows: S) -> Insert<'_>
    where
        R: InsertRow,
        S: Stream<Item = R> + Send + 'static,
    {
        Insert::from_stream(self.target(), table, columns, rows)
    }

    /// Inserts data in a server input format (see [`Client::insert_raw`]).
    pub fn insert_raw<S>(&mut self, table: &str, format: &str, body: S) -> RawInsert<'_>
    where
        S: Stream<Item = std::io::Result<bytes::Bytes>> + Send + 'static,
    {
        RawInsert::new(self.target(), table, format, body)
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(link) = self.link.take() {
            let_go(link);
        }
    }
}
