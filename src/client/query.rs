//! `Client::query`: results as blocks, collected or streamed, whatever the transport.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use chrono_tz::Tz;
use futures_util::Stream;
use tracing::Instrument;

use super::Client;
use super::options::request_options;
use super::result::QueryResult;
use super::rows::RowStream;
use super::slot::{Deadline, Slot, Target, attempts, may_retry};
use super::trace::Traced;
use crate::error::Result;
use crate::native::Block;
use crate::request::{QueryRequest, Started, Summary};
use crate::value::FromValue;

/// A query waiting to be sent; set options, then `.await` it (or [`stream`](Query::stream) it).
#[must_use = "a query does nothing until it is awaited"]
pub struct Query<'a> {
    target: Target<'a>,
    request: QueryRequest,
    zone: Option<Tz>,
}

request_options!(Query);

impl<'a> Query<'a> {
    pub(crate) fn new(target: Target<'a>, sql: String) -> Self {
        Query {
            target,
            request: QueryRequest::new(sql),
            zone: None,
        }
    }

    /// Sends the query and returns its blocks as they arrive.
    ///
    /// On a client of several hosts, a query whose connection fails before its first block goes
    /// to the next host (see [`idempotent`](Self::idempotent)); once a block has been returned,
    /// a failure is the caller's.
    pub async fn stream(self) -> Result<QueryStream<'a>> {
        let Query {
            target,
            mut request,
            zone,
        } = self;
        let traced = Traced::new("query", target.client(), &request);
        let deadline = Deadline::of(target.client(), &request);
        let attempts = target.attempts(&request, true);
        let retry_target = target.again();
        let sent = send(target, &mut request, deadline)
            .instrument(traced.span.clone())
            .await;
        let (slot, started) = match sent {
            Ok(sent) => sent,
            Err(e) => {
                traced.finish(None, Some(&e));
                return Err(e);
            }
        };
        traced.query_id(&started.query_id);
        let retry = match retry_target {
            Some(Target::Client(client)) if attempts > 1 => Some(Retry {
                client,
                request,
                left: attempts - 1,
            }),
            _ => None,
        };
        Ok(QueryStream {
            slot,
            query_id: started.query_id,
            done: false,
            deadline,
            zone: zone.unwrap_or(started.zone),
            traced,
            retry,
            collected_rows: false,
            spent: None,
        })
    }

    /// The target and the request, for the other ways of sending a query (`raw`).
    pub(super) fn into_parts(self) -> (Target<'a>, QueryRequest) {
        (self.target, self.request)
    }

    /// Reads `DateTime` columns whose type names no zone in `zone`, instead of the server's
    /// zone. (Columns with a zone of their own keep it; the host's zone is never used.)
    pub fn timezone(mut self, zone: Tz) -> Self {
        self.zone = Some(zone);
        self
    }

    /// Sends the query and collects the whole result.
    ///
    /// On a client of several hosts, a query safe to repeat (see
    /// [`idempotent`](Self::idempotent)) whose connection breaks at any point before the end
    /// goes to the next host and starts over: no row has reached the caller yet, so the rows
    /// read so far are dropped. The same holds for [`scalar`](Self::scalar),
    /// [`fetch_all`](Self::fetch_all) and [`fetch_rows`](Self::fetch_rows).
    pub async fn fetch(self) -> Result<QueryResult> {
        let mut stream = self.stream().await?;
        let blocks = stream
            .collect(|block, blocks| {
                blocks.push(block);
                Ok(None)
            })
            .await?;
        Ok(QueryResult::new(
            blocks,
            stream.summary(),
            stream.query_id.clone(),
            stream.zone,
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
        let zone = stream.zone;
        stream
            .collect(|block, rows| {
                rows.reserve(block.rows());
                for row in crate::value::de::rows(&block, zone) {
                    rows.push(row?);
                }
                Ok(Some(block))
            })
            .await
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
        let zone = stream.zone;
        stream
            .collect(|block, rows| {
                rows.reserve(block.rows());
                for row in crate::value::from_block::rows::<T>(&block, zone)? {
                    rows.push(row?);
                }
                Ok(Some(block))
            })
            .await
    }

    /// The rows as `T` through serde (as [`fetch_all`](Self::fetch_all)), decoded a block at a
    /// time as they arrive: see [`RowStream`].
    pub async fn fetch_stream<T: serde::de::DeserializeOwned>(self) -> Result<RowStream<'a, T>> {
        fn decode<T: serde::de::DeserializeOwned>(
            block: &Block,
            zone: Tz,
            range: std::ops::Range<usize>,
        ) -> (Vec<T>, Option<crate::error::Error>) {
            let mut rows = Vec::with_capacity(range.len());
            for row in crate::value::de::rows_in::<T>(block, zone, range) {
                match row {
                    Ok(row) => rows.push(row),
                    Err(e) => return (rows, Some(e)),
                }
            }
            (rows, None)
        }
        Ok(RowStream::new(self.stream().await?, decode::<T>))
    }
}

/// Connects and sends `request`, trying the next host after a connection failure while the
/// target allows more attempts.
async fn send<'a>(
    target: Target<'a>,
    request: &mut QueryRequest,
    deadline: Option<Deadline>,
) -> Result<(Slot<'a>, Started)> {
    let count = target.attempts(request, true);
    attempts!(target, count, |current| {
        async {
            let mut slot = Deadline::run(deadline, "connecting", current.slot(request)).await?;
            let started =
                Deadline::run(deadline, "the query", slot.link().send_query(request)).await?;
            Ok((slot, started))
        }
        .await
    })
}

/// What a stream needs to send its query again, to another host, while no row has reached the
/// caller.
struct Retry {
    client: Client,
    request: QueryRequest,
    left: usize,
}

impl<'a> IntoFuture for Query<'a> {
    type Output = Result<QueryResult>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.fetch())
    }
}

/// The blocks of a result, decoded as they arrive.
///
/// Memory stays around a block or two whatever the result's size (over HTTP the next block is
/// received and decoded on a task of its own while the caller has the last one; at most one
/// decoded block waits). Dropping the stream before its
/// end, [`cancel`](Self::cancel), or a timeout stops the server's work: over TCP the Cancel
/// packet (the connection is drained and reused), over HTTP `KILL QUERY` for its id. Use
/// [`next_block`](Self::next_block), or the `Stream` implementation via
/// [`into_stream`](Self::into_stream).
pub struct QueryStream<'a> {
    slot: Slot<'a>,
    query_id: String,
    done: bool,
    deadline: Option<Deadline>,
    /// The zone for zone-less `DateTime` columns: the caller's, else the server's.
    zone: Tz,
    traced: Traced,
    /// Set while no row has reached the caller and the query may go to another host.
    retry: Option<Retry>,
    /// Whether blocks with rows have been handed to a collector of the whole result, which
    /// must drop them if the query starts over on another host.
    collected_rows: bool,
    /// A block the caller is done with that the link did not take (see
    /// [`recycle`](Self::recycle)), freed once the next block has been read.
    spent: Option<Block>,
}

/// What [`QueryStream::step`] gives: a block, or word that the query started over.
enum Step {
    /// The next block.
    Block(Block),
    /// The query starts over on another host: drop what was collected.
    Restarted,
}

impl QueryStream<'_> {
    /// The next block, `None` at the end of the result.
    pub async fn next_block(&mut self) -> Result<Option<Block>> {
        loop {
            match self.step(false).await? {
                Some(Step::Block(block)) => return Ok(Some(block)),
                None => return Ok(None),
                // Not reached when streaming: the first rows handed out end the retries.
                Some(Step::Restarted) => continue,
            }
        }
    }

    /// Gives back a block the caller is done with. A loop over a large result reads faster
    /// this way: a block dropped before the next is read hands its pages back to the system
    /// (glibc returns memory freed at the top of a heap once there is enough of it), and the
    /// next block faults fresh pages in (the first queries of a process pay this on every
    /// block). Over HTTP, a later block is read into the given block's buffers (numbers,
    /// strings, and `Nullable` and `Array` columns of them), so the memory is not freed at
    /// all; over TCP, the block is freed after the next one is read, so that its memory lies
    /// below that block's and is reused for the one after. Memory stays around two blocks
    /// (three over HTTP, where the next block is decoded ahead).
    ///
    /// ```no_run
    /// # async fn run(client: clickhouse_connect::Client) -> clickhouse_connect::Result<()> {
    /// let mut stream = client.query("SELECT number FROM numbers(10000000)").stream().await?;
    /// let mut total = 0;
    /// while let Some(block) = stream.next_block().await? {
    ///     total += block.rows();
    ///     stream.recycle(block);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn recycle(&mut self, block: Block) {
        self.spent = self.slot.link().recycle(block);
    }

    /// The whole result, each block handed to `take` with what it made of the blocks before
    /// (`take` gives the block back when it is done with it, to be [recycled](Self::recycle)):
    /// nothing reaches the caller until the end, so a query broken after rows may still start
    /// over on another host (what `take` made of the broken answer is dropped).
    async fn collect<T>(
        &mut self,
        mut take: impl FnMut(Block, &mut Vec<T>) -> Result<Option<Block>>,
    ) -> Result<Vec<T>> {
        let mut collected = Vec::new();
        while let Some(step) = self.step(true).await? {
            match step {
                Step::Block(block) => {
                    if let Some(spent) = take(block, &mut collected)? {
                        self.recycle(spent);
                    }
                }
                Step::Restarted => collected.clear(),
            }
        }
        Ok(collected)
    }

    /// Reads the next block; on a connection failure while the query may go to another host,
    /// sends it there. `collecting`: the caller drops what it has on [`Step::Restarted`], so
    /// rows do not end the retries.
    async fn step(&mut self, collecting: bool) -> Result<Option<Step>> {
        if self.done {
            return Ok(None);
        }
        let mut result = Deadline::run(self.deadline, "the query", self.slot.link().next_block())
            .instrument(self.traced.span.clone())
            .await;
        self.spent = None;
        // The connection failed before the caller had any row: the query goes to the next host.
        while let (Err(e), Some(retry)) = (&result, &mut self.retry) {
            if !may_retry(e) || retry.left == 0 {
                break;
            }
            retry.left -= 1;
            let target = Target::Client(retry.client.clone());
            let sent = send(target, &mut retry.request, self.deadline)
                .instrument(self.traced.span.clone())
                .await;
            result = match sent {
                Ok((slot, started)) => {
                    self.slot = slot;
                    self.query_id = started.query_id;
                    self.traced.query_id(&self.query_id);
                    if std::mem::take(&mut self.collected_rows) {
                        return Ok(Some(Step::Restarted));
                    }
                    Deadline::run(self.deadline, "the query", self.slot.link().next_block())
                        .instrument(self.traced.span.clone())
                        .await
                }
                Err(e) => Err(e),
            };
        }
        // Only rows commit the query to this host: an empty header block (what the native
        // protocol sends first) does not, so a connection lost right after it still retries.
        if matches!(&result, Ok(Some(block)) if block.rows() > 0) {
            if collecting {
                self.collected_rows = true;
            } else {
                self.retry = None;
            }
        }
        let slot = &self.slot;
        self.traced
            .settle(&result, &mut self.done, || slot.link_ref().summary());
        result.map(|block| block.map(Step::Block))
    }

    /// Stops the query: over TCP sends Cancel and drains the connection so it can be reused;
    /// over HTTP sends `KILL QUERY` for its id on another connection.
    pub async fn cancel(mut self) -> Result<()> {
        self.done = true;
        self.slot.link().cancel().await
    }

    /// What the query read and wrote: from the response headers over HTTP, summed from the
    /// Progress packets over TCP (see [`Summary`]).
    pub fn summary(&self) -> Summary {
        self.slot.link_ref().summary()
    }

    /// The query id.
    pub fn query_id(&self) -> &str {
        &self.query_id
    }

    /// The zone `DateTime` columns without one of their own are read in (the server's, unless
    /// the query set one).
    pub fn default_zone(&self) -> Tz {
        self.zone
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
