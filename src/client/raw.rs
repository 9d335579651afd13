//! Pass-through formats: a query's answer in any output format the server writes (`Parquet`,
//! `CSVWithNames`, `JSONEachRow`, `Native`, ...) and an insert's data in any input format it
//! reads, as bytes the client never decodes, streamed both ways in bounded memory.
//!
//! Over HTTP only: the native protocol carries only Native blocks, so over `tcp://` these
//! requests fail at once with an error of kind [`Unsupported`](crate::ErrorKind::Unsupported)
//! (read blocks with [`Query::stream`] there instead).

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use tracing::Instrument;

use super::query::Query;
use super::slot::{Deadline, Slot, Target, attempts};
use super::trace::Traced;
use crate::error::{Error, Result};
use crate::request::{InsertResult, InsertTarget, QueryRequest, RawBody, Summary};

/// Refuses a format name that is not one word (it is written into the SQL and the URL).
fn check_format(format: &str) -> Result<()> {
    if !format.is_empty()
        && format
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        Ok(())
    } else {
        Err(Error::invalid_input(format!(
            "{format:?} is not a format name (letters, digits and `_`, as `CSVWithNames`)"
        )))
    }
}

impl<'a> Query<'a> {
    /// Sends the query asking for its answer in `format`, any output format the server knows
    /// (`Parquet`, `CSVWithNames`, `JSONEachRow`, `Native`, ...; a `FORMAT` clause in the SQL
    /// wins), and returns the answer's bytes as the server writes them, untouched, in bounded
    /// memory.
    ///
    /// HTTP only: over the native protocol, which carries only Native blocks, this fails before
    /// the query is sent, with an error of kind [`Unsupported`](crate::ErrorKind::Unsupported).
    /// An exception the server writes after the data has started (the bytes already returned
    /// then hold the start of the answer) is returned as the error of the last
    /// [`next_chunk`](RawStream::next_chunk).
    ///
    /// ```no_run
    /// # async fn run(client: clickhouse_connect::Client) -> clickhouse_connect::Result<()> {
    /// use std::io::Write;
    ///
    /// let mut answer = client.query("SELECT * FROM numbers(10)").raw("Parquet").await?;
    /// let mut file = std::fs::File::create("numbers.parquet")?;
    /// while let Some(chunk) = answer.next_chunk().await? {
    ///     file.write_all(&chunk)?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn raw(self, format: &str) -> Result<RawStream<'a>> {
        check_format(format)?;
        let (target, mut request) = self.into_parts();
        let traced = Traced::new("query", target.client(), &request);
        let deadline = Deadline::of(target.client(), &request);
        let count = target.attempts(&request, true);
        let sent: Result<(Slot<'a>, String)> = async {
            attempts!(target, count, |current| {
                async {
                    let mut slot =
                        Deadline::run(deadline, "connecting", current.slot(&request)).await?;
                    let step = slot.link().send_raw(&mut request, format);
                    let started = Deadline::run(deadline, "the query", step).await?;
                    Ok((slot, started.query_id))
                }
                .await
            })
        }
        .instrument(traced.span.clone())
        .await;
        match sent {
            Ok((slot, query_id)) => {
                traced.query_id(&query_id);
                Ok(RawStream {
                    slot,
                    query_id,
                    done: false,
                    deadline,
                    traced,
                })
            }
            Err(e) => {
                traced.finish(None, Some(&e));
                Err(e)
            }
        }
    }
}

/// A query's answer in a server format, as bytes, from [`Query::raw`].
///
/// Dropping it before its end, [`cancel`](Self::cancel), or a timeout stops the server's work
/// (`KILL QUERY` for its id), as for [`QueryStream`](super::QueryStream).
pub struct RawStream<'a> {
    slot: Slot<'a>,
    query_id: String,
    done: bool,
    deadline: Option<Deadline>,
    traced: Traced,
}

impl RawStream<'_> {
    /// The next piece of the answer as the server wrote it, `None` at its end.
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>> {
        if self.done {
            return Ok(None);
        }
        let result = Deadline::run(self.deadline, "the query", self.slot.link().next_chunk())
            .instrument(self.traced.span.clone())
            .await;
        let slot = &self.slot;
        self.traced
            .settle(&result, &mut self.done, || slot.link_ref().summary());
        result
    }

    /// Stops the query (`KILL QUERY` for its id, on another connection).
    pub async fn cancel(mut self) -> Result<()> {
        self.done = true;
        self.slot.link().cancel().await
    }

    /// What the server reported with the answer's headers (`X-ClickHouse-Summary`: for an
    /// answer that streams, what had been read when it started; servers before ≈20.x send
    /// none). `result_rows` is the server's: the client does not count rows it does not decode.
    pub fn summary(&self) -> Summary {
        self.slot.link_ref().summary()
    }

    /// The query id.
    pub fn query_id(&self) -> &str {
        &self.query_id
    }

    /// The pieces as a `futures` stream.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes>> + Send {
        futures_util::stream::unfold(self, |mut s| async move {
            match s.next_chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), s)),
                Ok(None) => None,
                Err(e) => Some((Err(e), s)),
            }
        })
    }
}

/// An insert of data in a server input format, waiting to be sent; from
/// [`Client::insert_raw`](super::Client::insert_raw). Set options, then `.await` it.
///
/// The body is read once, as it is sent, so the insert is never sent again to another host.
#[must_use = "an insert does nothing until it is awaited"]
pub struct RawInsert<'a> {
    target: Target<'a>,
    table: InsertTarget,
    format: String,
    request: QueryRequest,
    body: RawBody,
}

impl<'a> RawInsert<'a> {
    pub(crate) fn new<S>(target: Target<'a>, table: &str, format: &str, body: S) -> Self
    where
        S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        RawInsert {
            target,
            table: InsertTarget {
                table: table.to_owned(),
                columns: Vec::new(),
            },
            format: format.to_owned(),
            request: QueryRequest::default(),
            body: body.boxed(),
        }
    }

    /// The columns the data holds, in its order (by default the table's insertable columns).
    pub fn columns(mut self, columns: &[&str]) -> Self {
        self.table.columns = columns.iter().map(|c| (*c).to_owned()).collect();
        self
    }

    /// Applies a setting to this insert only (`format_csv_delimiter`,
    /// `input_format_allow_errors_num`, ...).
    pub fn setting(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.request.setting(name, value);
        self
    }

    /// Sets the query id (by default a random UUID).
    pub fn query_id(mut self, id: impl Into<String>) -> Self {
        self.request.query_id = Some(id.into());
        self
    }

    /// Runs the insert in a session.
    pub fn session_id(mut self, id: impl Into<String>) -> Self {
        self.request.session_id = Some(id.into());
        self
    }

    /// Runs the insert in `database` instead of the client's.
    pub fn database(mut self, database: impl Into<String>) -> Self {
        self.request.database = Some(database.into());
        self
    }

    /// How long the insert may take in all, instead of the client's request timeout.
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.request.timeout = Some(timeout);
        self
    }

    async fn run(self) -> Result<InsertResult> {
        let RawInsert {
            target,
            table,
            format,
            mut request,
            body,
        } = self;
        check_format(&format)?;
        request.sql = table.sql(&table.columns, &format!("FORMAT {format}"));
        let traced = Traced::new("insert", target.client(), &request);
        let deadline = Deadline::of(target.client(), &request);
        let result = async {
            let mut slot = Deadline::run(deadline, "connecting", target.slot(&request)).await?;
            let step = slot.link().insert_raw(&mut request, &format, body);
            Deadline::run(deadline, "the insert", step).await
        }
        .instrument(traced.span.clone())
        .await;
        traced.done(&result);
        result
    }
}

impl<'a> IntoFuture for RawInsert<'a> {
    type Output = Result<InsertResult>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_are_one_word() {
        assert!(check_format("CSVWithNames").is_ok());
        assert!(check_format("Parquet").is_ok());
        for bad in ["", "CSV; DROP TABLE t", "JSON Each", "a&b=c"] {
            let e = check_format(bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidInput, "{bad:?}");
        }
    }
}
