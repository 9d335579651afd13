//! [`HttpLink`]: one HTTP "connection" of the transport contract: requests on the shared reqwest
//! pool, optionally bound to a session; the byte pump that turns a response body into blocks,
//! with exceptions the server writes into a stream that had started well, run on a task of its
//! own a block ahead of the caller; stopping a query with `KILL QUERY` (HTTP has no cancel
//! message).

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::{FutureExt, StreamExt};

use super::insert;
use super::kept::Kept;
use super::response::HttpResponse;
use super::transport::{Answer, Body, Shared};
use std::time::Duration;

use crate::error::{Error, ErrorCode, Result};
use crate::native::{Block, BlockStream};
use crate::request::{
    BlockSource, CommandResult, DRAIN_LIMIT, InsertResult, InsertTarget, Link, QueryRequest,
    RawBody, ServerInfo, Started, Summary,
};

/// A query's answer being read.
struct Answering {
    response: HttpResponse,
    blocks: BlockStream,
}

/// A query's answer, decoded a block ahead on a task of its own: the task reads and decodes
/// the next block while the caller works on the last one. Dropping it stops the task.
struct Ahead {
    decoded: tokio::sync::mpsc::Receiver<Decoded>,
    task: tokio::task::JoinHandle<()>,
    /// A block the caller is done with, for the task to read a later block into.
    spent: Kept<Block, 1>,
}

impl Drop for Ahead {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What the decoding task hands over: the next block, the end, or an error; and whether the
/// body had ended then (the server is done with the query).
struct Decoded {
    block: Result<Option<Block>>,
    finished: bool,
}

/// The decoding task: a block at a time, each decoded once the caller has taken the one
/// before (so at most one block waits for the caller), into the buffers of a block the
/// caller gave back when there is one.
async fn decode_ahead(
    mut answering: Answering,
    decoded: tokio::sync::mpsc::Sender<Decoded>,
    spent: Kept<Block, 1>,
) {
    loop {
        let Ok(permit) = decoded.reserve().await else {
            return;
        };
        if let Some(block) = spent.pop() {
            answering.blocks.recycle(block);
        }
        let block = answering.pump().await;
        let end = !matches!(block, Ok(Some(_)));
        let finished = answering.response.is_finished();
        permit.send(Decoded { block, finished });
        if end {
            return;
        }
    }
}

/// One HTTP link: the shared client, a session, the answer under way.
pub(crate) struct HttpLink {
    shared: Arc<Shared>,
    session: Option<String>,
    /// The id of the request under way (its answer not read to the end), which `KILL QUERY`
    /// stops if the link is let go.
    busy: Option<String>,
    answer: Option<Ahead>,
    /// A pass-through answer being read.
    raw: Option<HttpResponse>,
    /// The last query's summary as the server sent it, and the rows received.
    summary: Option<Summary>,
    rows: u64,
}

impl HttpLink {
    pub(crate) fn new(shared: Arc<Shared>, session: Option<String>) -> Self {
        HttpLink {
            shared,
            session,
            busy: None,
            answer: None,
            raw: None,
            summary: None,
            rows: 0,
        }
    }

    /// Stops what a previous request left running (its answer was dropped unread).
    async fn settle(&mut self) {
        self.answer = None;
        self.raw = None;
        if let Some(query_id) = self.busy.take() {
            let _ = self.stop(&query_id).await;
        }
    }

    /// `KILL QUERY`, then, on a session, waits until the session is free again: the server
    /// holds a session's lock until its query has ended, which comes a little after the kill.
    async fn stop(&mut self, query_id: &str) -> Result<()> {
        self.shared.kill(query_id).await?;
        let Some(session) = self.session.clone() else {
            return Ok(());
        };
        let free = async {
            loop {
                let mut probe = QueryRequest::new("SELECT 1");
                let answer = self
                    .shared
                    .send(&mut probe, Body::Sql, Answer::TEXT, Some(&session))
                    .await;
                match answer {
                    Ok(response) => {
                        return response
                            .text_at_most(super::transport::MAX_SMALL_ANSWER)
                            .await
                            .map(drop);
                    }
                    Err(e)
                        if e.server()
                            .is_some_and(|s| s.code == ErrorCode::SessionIsLocked) =>
                    {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        tokio::time::timeout(DRAIN_LIMIT, free).await.map_err(|_| {
            Error::timeout(format!(
                "the session stayed locked {DRAIN_LIMIT:?} after its query was killed"
            ))
        })?
    }

    /// Ends the answer under way after an error: the rest of it is not wanted. A server that
    /// may still be writing it stays to be stopped (by the next request, or when the link is
    /// let go).
    fn fail(&mut self, finished: bool) {
        self.answer = None;
        if finished {
            self.busy = None;
        }
    }
}

impl Answering {
    async fn pump(&mut self) -> Result<Option<Block>> {
        let Answering { response, blocks } = self;
        loop {
            let decoded = blocks
                .next_block()
                .map_err(|e| response.exception_in(blocks.pending()).unwrap_or(e))?;
            if let Some(block) = decoded {
                if block.is_empty() && block.column_count() == 0 {
                    continue;
                }
                return Ok(Some(block));
            }
            // Bytes that are ready go in without a decode attempt (the stream waits for about a
            // block's worth); when the network has nothing more for now, what has arrived is
            // tried, so a whole block never waits for the next one.
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
        }
    }
}

#[async_trait::async_trait]
impl Link for HttpLink {
    async fn server_info(&mut self) -> Result<ServerInfo> {
        Ok(self.shared.server_info().await?.clone())
    }

    async fn ping(&mut self) -> Result<()> {
        self.shared.ping().await
    }

    async fn send_query(&mut self, request: &mut QueryRequest) -> Result<Started> {
        self.settle().await;
        self.summary = None;
        self.rows = 0;
        let server = self.shared.server_info().await?.clone();
        self.busy = Some(request.query_id().to_owned());
        let response = match self
            .shared
            .send(request, Body::Sql, Answer::NATIVE, self.session.as_deref())
            .await
        {
            Ok(response) => response,
            Err(e) => {
                // An error answer ended the query; a failure to get one may not have.
                if e.server().is_some() || e.http_status().is_some() {
                    self.busy = None;
                }
                return Err(e);
            }
        };
        let blocks = BlockStream::new(0)
            .expect_empty_low_cardinality_bodies(server.writes_empty_low_cardinality_bodies())
            .with_server_zone(response.default_zone());
        let started = Started {
            query_id: response
                .query_id()
                .map(str::to_owned)
                .unwrap_or_else(|| request.query_id().to_owned()),
            zone: response.default_zone(),
        };
        self.summary = response.summary();
        let (sender, decoded) = tokio::sync::mpsc::channel(1);
        let spent = Kept::default();
        let task = tokio::spawn(tracing::Instrument::in_current_span(decode_ahead(
            Answering { response, blocks },
            sender,
            spent.clone(),
        )));
        self.answer = Some(Ahead {
            decoded,
            task,
            spent,
        });
        Ok(started)
    }

    async fn next_block(&mut self) -> Result<Option<Block>> {
        let Some(ahead) = self.answer.as_mut() else {
            return Ok(None);
        };
        let Some(Decoded { block, finished }) = ahead.decoded.recv().await else {
            self.fail(false);
            return Err(Error::connection(
                "the task reading the answer ended without handing it over (it panicked, or \
                 the runtime is shutting down)",
            ));
        };
        match block {
            Ok(Some(block)) => {
                self.rows += block.rows() as u64;
                Ok(Some(block))
            }
            Ok(None) => {
                self.answer = None;
                self.busy = None;
                Ok(None)
            }
            Err(e) => {
                self.fail(finished);
                Err(e)
            }
        }
    }

    /// Hands the block to the read-ahead task, which reads a later block into its buffers.
    fn recycle(&mut self, block: Block) -> Option<Block> {
        match &self.answer {
            Some(ahead) => {
                ahead.spent.put(block);
                None
            }
            None => Some(block),
        }
    }

    /// The server's `X-ClickHouse-Summary`, sent with the headers: for an answer that streams,
    /// what had been read when the body started (a lower bound); `result_rows` is at least the
    /// rows received.
    fn summary(&self) -> Summary {
        let mut summary = self.summary.unwrap_or_default();
        summary.result_rows = summary.result_rows.max(self.rows);
        summary
    }

    fn acknowledged_rows(&self, request: &QueryRequest) -> Option<u64> {
        // From the answer's summary header (20.x and newer send one, an error answer too).
        request.server_summary.map(|s| s.written_rows)
    }

    async fn cancel(&mut self) -> Result<()> {
        self.answer = None;
        self.raw = None;
        match self.busy.take() {
            Some(query_id) => self.stop(&query_id).await,
            None => Ok(()),
        }
    }

    async fn command(&mut self, request: &mut QueryRequest) -> Result<CommandResult> {
        self.settle().await;
        // The whole answer is produced before it is sent, so a failure is an error status.
        request.setting("wait_end_of_query", 1);
        self.busy = Some(request.query_id().to_owned());
        let response = self
            .shared
            .send(request, Body::Sql, Answer::TEXT, self.session.as_deref())
            .await;
        let response = match response {
            Ok(response) => response,
            Err(e) => {
                if e.server().is_some() || e.http_status().is_some() {
                    self.busy = None;
                }
                return Err(e);
            }
        };
        let summary = response.summary().unwrap_or_default();
        let query_id = response
            .query_id()
            .map(str::to_owned)
            .unwrap_or_else(|| request.query_id().to_owned());
        let output = response.text().await?;
        self.busy = None;
        Ok(CommandResult {
            summary,
            query_id,
            output: output.strip_suffix('\n').unwrap_or(&output).to_owned(),
            hosts: Vec::new(),
        })
    }

    async fn insert(
        &mut self,
        request: &mut QueryRequest,
        target: &InsertTarget,
        source: &mut dyn BlockSource,
    ) -> Result<InsertResult> {
        self.settle().await;
        let targets = match source.fixed_columns() {
            Some(targets) => targets,
            None => {
                insert::describe(&self.shared, self.session.as_deref(), request, target).await?
            }
        };
        let columns: Vec<&str> = targets.iter().map(|(n, _)| n.as_str()).collect();
        request.sql = target.sql(&columns, "FORMAT Native");
        self.busy = Some(request.query_id().to_owned());
        let result = insert::send(
            &self.shared,
            self.session.as_deref(),
            request,
            targets,
            source,
        )
        .await;
        match &result {
            // Stored, or refused by the server: nothing runs any more.
            Ok(_) => self.busy = None,
            Err(e) if e.server().is_some() || e.http_status().is_some() => self.busy = None,
            Err(_) => {}
        }
        result
    }

    async fn send_raw(&mut self, request: &mut QueryRequest, format: &str) -> Result<Started> {
        self.settle().await;
        self.summary = None;
        self.rows = 0;
        self.busy = Some(request.query_id().to_owned());
        let response = match self
            .shared
            .send(
                request,
                Body::Sql,
                Answer::raw(format),
                self.session.as_deref(),
            )
            .await
        {
            Ok(response) => response,
            Err(e) => {
                if e.server().is_some() || e.http_status().is_some() {
                    self.busy = None;
                }
                return Err(e);
            }
        };
        let started = Started {
            query_id: response
                .query_id()
                .map(str::to_owned)
                .unwrap_or_else(|| request.query_id().to_owned()),
            zone: response.default_zone(),
        };
        self.summary = response.summary();
        self.raw = Some(response);
        Ok(started)
    }

    async fn next_chunk(&mut self) -> Result<Option<Bytes>> {
        let Some(response) = self.raw.as_mut() else {
            return Ok(None);
        };
        match response.next_chunk().await {
            Ok(Some(chunk)) => Ok(Some(chunk)),
            Ok(None) => {
                // Nothing decodes the bytes: an exception the server wrote after the data is
                // found at the end of the body.
                let exception = response.exception_at_end();
                self.raw = None;
                self.busy = None;
                exception.map_or(Ok(None), Err)
            }
            Err(e) => {
                // A server exception ended the query; a broken connection may not have.
                self.raw = None;
                if e.server().is_some() {
                    self.busy = None;
                }
                Err(e)
            }
        }
    }

    async fn insert_raw(
        &mut self,
        request: &mut QueryRequest,
        _format: &str,
        body: RawBody,
    ) -> Result<InsertResult> {
        self.settle().await;
        self.busy = Some(request.query_id().to_owned());
        // A failure to read the data is the caller's error, not the broken request it causes.
        let failure: Arc<Mutex<Option<Error>>> = Arc::default();
        let record = failure.clone();
        let body = body.map(move |chunk| {
            chunk.map_err(|e| {
                let shown = std::io::Error::new(e.kind(), e.to_string());
                *record.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some(Error::from(e).context("reading the data to insert"));
                shown
            })
        });
        let sent = self
            .shared
            .send(
                request,
                Body::Raw(reqwest::Body::wrap_stream(body)),
                Answer::TEXT,
                self.session.as_deref(),
            )
            .await;
        if let Some(e) = failure.lock().unwrap_or_else(|p| p.into_inner()).take() {
            return Err(e);
        }
        let result: Result<InsertResult> = async {
            let response = sent?;
            let summary = response.summary().unwrap_or_default();
            let query_id = response
                .query_id()
                .map(str::to_owned)
                .unwrap_or_else(|| request.query_id().to_owned());
            response.text().await?;
            Ok(InsertResult {
                rows: summary.written_rows,
                summary,
                query_id,
            })
        }
        .await;
        match &result {
            Ok(_) => self.busy = None,
            Err(e) if e.server().is_some() || e.http_status().is_some() => self.busy = None,
            Err(_) => {}
        }
        result
    }

    fn is_busy(&self) -> bool {
        self.busy.is_some()
    }

    fn abandon(mut self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async move { self.settle().await })
    }
}
