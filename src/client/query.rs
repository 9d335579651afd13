//! `Client::query`: results as blocks, collected or streamed.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use chrono_tz::Tz;
use futures_util::Stream;

use super::Client;
use super::request::{QueryRequest, request_options};
use super::result::QueryResult;
use super::summary::QuerySummary;
use crate::error::{Error, Result};
use crate::http::{Body, HttpResponse};
use crate::native::{Block, BlockStream};
use crate::value::FromValue;

/// A query waiting to be sent; set options, then `.await` it (or [`stream`](Query::stream) it).
#[must_use = "a query does nothing until it is awaited"]
pub struct Query {
    client: Client,
    request: QueryRequest,
}

request_options!(Query);

impl Query {
    pub(crate) fn new(client: Client, sql: String) -> Self {
        Query {
            client,
            request: QueryRequest::new(sql),
        }
    }

    /// Sends the query and returns its blocks as they arrive.
    pub async fn stream(mut self) -> Result<QueryStream> {
        let response = self
            .client
            .transport
            .send(&mut self.request, Body::Sql, "Native", true)
            .await?;
        let query_id = response
            .query_id()
            .map(str::to_owned)
            .unwrap_or_else(|| self.request.query_id().to_owned());
        // Servers before 20.x write the dictionary of empty LowCardinality slices.
        let old_server = self.client.transport.server_info().await?.major < 20;
        Ok(QueryStream {
            response,
            blocks: BlockStream::new(0).expect_empty_low_cardinality_bodies(old_server),
            query_id,
            done: false,
        })
    }

    /// Sends the query and collects the whole result.
    pub async fn fetch(self) -> Result<QueryResult> {
        let mut stream = self.stream().await?;
        let mut blocks = Vec::new();
        while let Some(block) = stream.next_block().await? {
            blocks.push(block);
        }
        Ok(QueryResult::new(
            blocks,
            stream.summary(),
            stream.query_id,
            stream.response.default_zone(),
        ))
    }

    /// The first column of the first row, converted to `T`.
    pub async fn scalar<T: FromValue>(self) -> Result<T> {
        self.fetch().await?.scalar()
    }
}

impl IntoFuture for Query {
    type Output = Result<QueryResult>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.fetch())
    }
}

/// The blocks of a result, decoded as the response arrives.
///
/// Memory stays around one block whatever the result's size. Dropping the stream closes the
/// response. Use [`next_block`](Self::next_block), or the `Stream` implementation via
/// [`into_stream`](Self::into_stream).
pub struct QueryStream {
    response: HttpResponse,
    blocks: BlockStream,
    query_id: String,
    done: bool,
}

impl QueryStream {
    /// The next block, `None` at the end of the result.
    pub async fn next_block(&mut self) -> Result<Option<Block>> {
        loop {
            if self.done {
                return Ok(None);
            }
            let decoded = self.blocks.next_block().map_err(|e| self.exception_or(e))?;
            if let Some(block) = decoded {
                if block.is_empty() && block.column_count() == 0 {
                    continue;
                }
                return Ok(Some(block));
            }
            match self.response.next_chunk().await {
                Ok(Some(chunk)) => self.blocks.push(&chunk),
                Ok(None) => {
                    self.blocks.finish();
                    let last = self.blocks.next_block().map_err(|e| self.exception_or(e))?;
                    if last.is_none() {
                        self.done = true;
                    }
                    if let Some(block) = last {
                        return Ok(Some(block));
                    }
                }
                Err(e) => {
                    self.done = true;
                    return Err(e);
                }
            }
        }
    }

    /// An exception the server wrote into the stream explains a decoding failure best.
    fn exception_or(&mut self, decode_error: Error) -> Error {
        self.done = true;
        self.response
            .exception_in(self.blocks.pending())
            .unwrap_or(decode_error)
    }

    /// The summary the server sent with the response headers.
    pub fn summary(&self) -> QuerySummary {
        self.response.summary()
    }

    /// The query id.
    pub fn query_id(&self) -> &str {
        &self.query_id
    }

    /// The zone `DateTime` columns without one of their own are read in.
    pub fn default_zone(&self) -> Tz {
        self.response.default_zone()
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
