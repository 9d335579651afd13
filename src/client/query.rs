//! `Client::query`: results as blocks, collected or streamed, over either transport.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, Instant};

use chrono_tz::Tz;
use futures_util::Stream;

use super::Client;
use super::client::Transport;
use super::request::{QueryRequest, request_options};
use super::result::QueryResult;
use super::summary::QuerySummary;
use crate::error::{Error, Result};
use crate::http::{Body, HttpResponse};
use crate::native::{Block, BlockStream};
use crate::tcp::TcpQuery;
use crate::value::FromValue;
use futures_util::FutureExt;

/// A query waiting to be sent; set options, then `.await` it (or [`stream`](Query::stream) it).
#[must_use = "a query does nothing until it is awaited"]
pub struct Query {
    client: Client,
    request: QueryRequest,
    zone: Option<Tz>,
}

request_options!(Query);

impl Query {
    pub(crate) fn new(client: Client, sql: String) -> Self {
        Query {
            client,
            request: QueryRequest::new(sql),
            zone: None,
        }
    }

    /// Sends the query and returns its blocks as they arrive.
    pub async fn stream(mut self) -> Result<QueryStream> {
        let client = self.client.clone();
        let deadline = client
            .options()
            .request_timeout
            .map(|t| (Instant::now() + t, t));
        let inner = match client.transport() {
            Transport::Http(http) => {
                let response = http
                    .send(&mut self.request, Body::Sql, "Native", true)
                    .await?;
                // Servers before 20.x write the dictionary of empty LowCardinality slices.
                let old_server = http.server_info().await?.major < 20;
                let blocks = BlockStream::new(0)
                    .expect_empty_low_cardinality_bodies(old_server)
                    .with_server_zone(response.default_zone());
                Inner::Http { blocks, response }
            }
            Transport::Tcp(tcp) => {
                let start = tcp.query(&mut self.request);
                let query = match deadline {
                    Some((at, t)) => {
                        tokio::time::timeout_at(at.into(), start)
                            .await
                            .map_err(|_| {
                                Error::timeout(format!("the query did not start within {t:?}"))
                            })??
                    }
                    None => start.await?,
                };
                let mut query = query;
                let zone = query
                    .timezone()
                    .and_then(|tz| tz.parse().ok())
                    .unwrap_or(Tz::UTC);
                Inner::Tcp {
                    query: Box::new(query),
                    zone,
                }
            }
        };
        let query_id = match &inner {
            Inner::Http { response, .. } => response.query_id().map(str::to_owned),
            Inner::Tcp { .. } => None,
        }
        .unwrap_or_else(|| self.request.query_id().to_owned());
        Ok(QueryStream {
            inner,
            client,
            query_id,
            done: false,
            deadline,
            zone: self.zone,
        })
    }

    /// Reads `DateTime` columns whose type names no zone in `zone`, instead of the server's
    /// zone. (Columns with a zone of their own keep it; the host's zone is never used.)
    pub fn timezone(mut self, zone: Tz) -> Self {
        self.zone = Some(zone);
        self
    }

    /// Sends the query and collects the whole result.
    pub async fn fetch(self) -> Result<QueryResult> {
        let mut stream = self.stream().await?;
        let mut blocks = Vec::new();
        while let Some(block) = stream.next_block().await? {
            blocks.push(block);
        }
        let (summary, zone) = (stream.summary(), stream.default_zone());
        Ok(QueryResult::new(
            blocks,
            summary,
            stream.query_id.clone(),
            zone,
        ))
    }

    /// The first column of the first row, converted to `T`.
    pub async fn scalar<T: FromValue>(self) -> Result<T> {
        self.fetch().await?.scalar()
    }

    /// Every row as `T` through serde: a struct takes columns by field name, a tuple by
    /// position. A missing column, a type that does not fit or a NULL into a non-`Option` field
    /// is an error naming the column, its ClickHouse type and the Rust type.
    pub async fn fetch_all<T: serde::de::DeserializeOwned>(self) -> Result<Vec<T>> {
        let mut stream = self.stream().await?;
        let zone = stream.default_zone();
        let mut rows = Vec::new();
        while let Some(block) = stream.next_block().await? {
            rows.reserve(block.rows());
            for row in crate::value::de::rows(&block, zone) {
                rows.push(row?);
            }
        }
        Ok(rows)
    }

    /// Every row as `T`, read column by column: the fast typed path for structs that
    /// `#[derive(FromBlock)]` (see [`FromBlock`](crate::value::FromBlock)). Each block's
    /// columns are checked against the fields once; a column the field cannot read, a NULL
    /// into a non-`Option` field or a number out of range is an error naming the column, its
    /// ClickHouse type and the Rust type.
    pub async fn fetch_rows<T>(self) -> Result<Vec<T>>
    where
        T: for<'de> crate::value::FromBlock<'de>,
    {
        let mut stream = self.stream().await?;
        let zone = stream.default_zone();
        let mut rows = Vec::new();
        while let Some(block) = stream.next_block().await? {
            rows.reserve(block.rows());
            for row in crate::value::from_block::rows::<T>(&block, zone)? {
                rows.push(row?);
            }
        }
        Ok(rows)
    }

    /// The rows as `T`, decoded a block at a time as they arrive.
    pub async fn fetch_stream<T: serde::de::DeserializeOwned + Send + 'static>(
        self,
    ) -> Result<impl Stream<Item = Result<T>> + Send> {
        let stream = self.stream().await?;
        let state = (stream, std::collections::VecDeque::<T>::new());
        Ok(futures_util::stream::unfold(
            Some(state),
            |state| async move {
                let (mut stream, mut ready) = state?;
                loop {
                    if let Some(row) = ready.pop_front() {
                        return Some((Ok(row), Some((stream, ready))));
                    }
                    let zone = stream.default_zone();
                    match stream.next_block().await {
                        Ok(Some(block)) => {
                            for row in crate::value::de::rows::<T>(&block, zone) {
                                match row {
                                    Ok(row) => ready.push_back(row),
                                    Err(e) => return Some((Err(e), None)),
                                }
                            }
                        }
                        Ok(None) => return None,
                        Err(e) => return Some((Err(e), None)),
                    }
                }
            },
        ))
    }
}

impl IntoFuture for Query {
    type Output = Result<QueryResult>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.fetch())
    }
}

/// `KILL QUERY` for `query_id`, sent on another connection (HTTP has no cancel message).
async fn kill_query(client: &Client, query_id: &str) -> Result<()> {
    let Transport::Http(http) = client.transport() else {
        return Ok(());
    };
    let mut kill = super::request::QueryRequest::new(format!(
        "KILL QUERY WHERE query_id = {} ASYNC",
        crate::types::quote(query_id)
    ));
    http.send(&mut kill, Body::Sql, "TabSeparated", false)
        .await?
        .text()
        .await?;
    Ok(())
}

impl Drop for QueryStream {
    fn drop(&mut self) {
        // An HTTP result dropped before its end: the closed socket alone may not stop the server
        // until it writes again, so kill the query too. (TCP cancels in its own drop.)
        if self.done || !matches!(self.inner, Inner::Http { .. }) {
            return;
        }
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            let client = self.client.clone();
            let query_id = std::mem::take(&mut self.query_id);
            handle.spawn(async move {
                let _ = kill_query(&client, &query_id).await;
            });
        }
    }
}

/// One per stream, so the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
enum Inner {
    Http {
        response: HttpResponse,
        blocks: BlockStream,
    },
    Tcp {
        query: Box<TcpQuery>,
        zone: Tz,
    },
}

/// The blocks of a result, decoded as they arrive.
///
/// Memory stays around one block whatever the result's size. Over TCP, dropping the stream
/// before its end (or [`cancel`](Self::cancel)) sends Cancel, so the server stops working and
/// the connection goes back to the pool clean; over HTTP it closes the response. Use
/// [`next_block`](Self::next_block), or the `Stream` implementation via
/// [`into_stream`](Self::into_stream).
pub struct QueryStream {
    inner: Inner,
    client: Client,
    query_id: String,
    done: bool,
    deadline: Option<(Instant, Duration)>,
    /// The caller's zone for zone-less `DateTime` columns, overriding the server's.
    zone: Option<Tz>,
}

impl QueryStream {
    /// The next block, `None` at the end of the result.
    pub async fn next_block(&mut self) -> Result<Option<Block>> {
        if self.done {
            return Ok(None);
        }
        let result = match self.deadline {
            Some((at, limit)) => {
                match tokio::time::timeout_at(at.into(), self.next_inner()).await {
                    Ok(result) => result,
                    Err(_) => {
                        // Stop the server's work too, then report the timeout.
                        let _ =
                            tokio::time::timeout(Duration::from_secs(5), self.cancel_inner()).await;
                        self.done = true;
                        return Err(Error::timeout(format!(
                            "the query did not finish within {limit:?}"
                        )));
                    }
                }
            }
            None => self.next_inner().await,
        };
        if !matches!(result, Ok(Some(_))) {
            self.done = true;
        }
        result
    }

    async fn next_inner(&mut self) -> Result<Option<Block>> {
        match &mut self.inner {
            Inner::Tcp { query, .. } => loop {
                match query.next_data().await? {
                    // The header block (no rows) says the names and types: keep it only when the
                    // result has nothing else to say them with.
                    Some(block) if block.rows() == 0 => continue,
                    other => return Ok(other),
                }
            },
            Inner::Http { response, blocks } => loop {
                let decoded = blocks
                    .next_block()
                    .map_err(|e| response.exception_in(blocks.pending()).unwrap_or(e))?;
                if let Some(block) = decoded {
                    if block.is_empty() && block.column_count() == 0 {
                        continue;
                    }
                    return Ok(Some(block));
                }
                // Bytes that are ready go in without a decode attempt (the stream waits for
                // about a block's worth); when the network has nothing more for now, what has
                // arrived is tried, so a whole block never waits for the next one.
                let next = match response.next_chunk().now_or_never() {
                    Some(next) => next,
                    None if blocks.try_now() => continue,
                    None => response.next_chunk().await,
                };
                match next? {
                    Some(chunk) => blocks.push(&chunk),
                    None => {
                        blocks.finish();
                        return blocks
                            .next_block()
                            .map_err(|e| response.exception_in(blocks.pending()).unwrap_or(e));
                    }
                }
            },
        }
    }

    async fn cancel_inner(&mut self) -> Result<()> {
        match &mut self.inner {
            Inner::Tcp { query, .. } => query.cancel().await,
            // HTTP has no cancel message: kill the query from another connection.
            Inner::Http { .. } => kill_query(&self.client, &self.query_id).await,
        }
    }

    /// Stops the query: over TCP sends Cancel and drains the connection so it can be reused;
    /// over HTTP sends `KILL QUERY` for its id on another connection.
    pub async fn cancel(mut self) -> Result<()> {
        self.done = true;
        self.cancel_inner().await
    }

    /// What the query read and wrote: from the response headers over HTTP, summed from the
    /// Progress packets over TCP.
    pub fn summary(&self) -> QuerySummary {
        match &self.inner {
            Inner::Http { response, .. } => response.summary(),
            Inner::Tcp { query, .. } => query.summary(),
        }
    }

    /// The query id.
    pub fn query_id(&self) -> &str {
        &self.query_id
    }

    /// The zone `DateTime` columns without one of their own are read in (the server's).
    pub fn default_zone(&self) -> Tz {
        if let Some(zone) = self.zone {
            return zone;
        }
        match &self.inner {
            Inner::Http { response, .. } => response.default_zone(),
            Inner::Tcp { zone, .. } => *zone,
        }
    }

    /// The blocks as a `futures` stream.
    pub fn into_stream(self) -> impl Stream<Item = Result<Block>> + Send {
        futures_util::stream::unfold(self, |mut s| async move {
            match s.next_block().await {
                Ok(Some(block)) => Some((Ok(block), s)),
                Ok(None) => None,
                Err(e) => Some((Err(e), s)),
            }
        })
    }
}
