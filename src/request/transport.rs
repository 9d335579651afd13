//! The one contract between the client and its transports.
//!
//! A [`Transport`] hands out [`Link`]s: one connection each (a pooled native connection, or an
//! HTTP connection optionally bound to a session), on which queries, commands and inserts run
//! one at a time. The client builds requests and reads blocks; what travels on the wire, and how
//! a query is stopped, is the transport's.

use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;

use super::{
    BlockSource, CommandResult, InsertResult, InsertTarget, QueryRequest, ServerInfo, Summary,
};
use crate::error::{Error, Result};
use crate::native::Block;

/// The body of a pass-through insert: the data in the server's input format, as it is read.
pub(crate) type RawBody = BoxStream<'static, std::io::Result<Bytes>>;

/// Why a transport that carries only Native blocks (the native protocol) refuses pass-through
/// formats.
pub(crate) fn raw_unsupported(format: &str) -> Error {
    Error::unsupported(format!(
        "pass-through formats ({format}) need an HTTP URL (http:// or https://): the native \
         protocol carries only Native blocks"
    ))
}

/// How long bringing a connection back in sync after an answer left unread (Cancel and drain
/// over TCP, `KILL QUERY` and a free session over HTTP) may take before the connection is
/// closed instead.
pub(crate) const DRAIN_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// How a query's answer began.
#[derive(Debug, Clone)]
pub(crate) struct Started {
    /// The query id (the server's, where it reported one).
    pub(crate) query_id: String,
    /// The zone of `DateTime` columns that name none: the server's (or the session's).
    pub(crate) zone: chrono_tz::Tz,
}

/// A way to reach the server: HTTP or the native protocol.
#[async_trait::async_trait]
pub(crate) trait Transport: Send + Sync + 'static {
    /// `"http"` or `"native"`, for logs.
    fn name(&self) -> &'static str;

    /// A connection to run requests on; `session` binds it to a server session.
    async fn connect(&self, session: Option<&str>) -> Result<Box<dyn Link>>;

    /// A connection of its own for a caller that keeps it, on which state persists from one
    /// request to the next (settings, temporary tables): a pooled native connection, or an HTTP
    /// link bound to a new session.
    async fn dedicated(&self) -> Result<Box<dyn Link>>;

    /// The hosts behind this transport and how they are doing (empty for a single server, which
    /// is never marked down).
    fn hosts(&self) -> Vec<super::HostStatus> {
        Vec::new()
    }

    /// How many hosts a request may try (each failing host is passed over).
    fn host_count(&self) -> usize {
        1
    }
}

/// One connection. Requests run one at a time; a query's blocks are read with
/// [`next_block`](Link::next_block) until `None`. A link whose answer was not read to the end
/// ([`is_busy`](Link::is_busy)) brings itself back in sync before its next request, or is
/// handed to [`abandon`](Link::abandon).
#[async_trait::async_trait]
pub(crate) trait Link: Send {
    /// Who the server is.
    async fn server_info(&mut self) -> Result<ServerInfo>;

    /// Checks that the server answers.
    async fn ping(&mut self) -> Result<()>;

    /// Sends a query whose answer is `Native` blocks.
    async fn send_query(&mut self, request: &mut QueryRequest) -> Result<Started>;

    /// The next block of the answer, `None` at its end.
    async fn next_block(&mut self) -> Result<Option<Block>>;

    /// Takes a block of the answer the caller is done with, to read a later block into its
    /// memory; gives it back when the transport does not reuse blocks (the caller then frees
    /// it after the next block, see `QueryStream::recycle`).
    fn recycle(&mut self, block: Block) -> Option<Block> {
        Some(block)
    }

    /// What the current (or last) query read and wrote, as far as known.
    fn summary(&self) -> Summary;

    /// The rows the server reported as written for `request` (an insert under way or just
    /// failed), where it reports such a count.
    fn acknowledged_rows(&self, request: &QueryRequest) -> Option<u64>;

    /// Stops the query under way, so the server's work stops too.
    async fn cancel(&mut self) -> Result<()>;

    /// Runs a statement and returns its answer as text.
    async fn command(&mut self, request: &mut QueryRequest) -> Result<CommandResult>;

    /// Runs an insert: `request` carries the options, `target` the table and columns, `source`
    /// the blocks.
    async fn insert(
        &mut self,
        request: &mut QueryRequest,
        target: &InsertTarget,
        source: &mut dyn BlockSource,
    ) -> Result<InsertResult>;

    /// Sends a query whose answer is passed through in `format` (any output format the server
    /// writes), read with [`next_chunk`](Link::next_chunk). Transports that carry only Native
    /// blocks refuse it before sending anything.
    async fn send_raw(&mut self, request: &mut QueryRequest, format: &str) -> Result<Started> {
        let _ = request;
        Err(raw_unsupported(format))
    }

    /// The next piece of a pass-through answer, as the server wrote it; `None` at its end.
    async fn next_chunk(&mut self) -> Result<Option<Bytes>> {
        Ok(None)
    }

    /// Runs `request.sql`, an `INSERT ... FORMAT <format>` statement, with `body` as its data
    /// (in `format`), sent as it is read. Transports that carry only Native blocks refuse it.
    async fn insert_raw(
        &mut self,
        request: &mut QueryRequest,
        format: &str,
        body: RawBody,
    ) -> Result<InsertResult> {
        let _ = (request, body);
        Err(raw_unsupported(format))
    }

    /// Whether an answer is under way (not read to its end).
    fn is_busy(&self) -> bool;

    /// Lets the link go without waiting: the future (which the caller spawns) stops the work
    /// under way on the server, then frees the connection (back to the pool when in sync).
    fn abandon(self: Box<Self>) -> BoxFuture<'static, ()>;
}
