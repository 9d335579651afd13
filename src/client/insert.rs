//! `Client::insert*`: rows, blocks and streams into a table, sent as the body is produced.
//!
//! The target columns' types come from `DESCRIBE TABLE`. Rows are turned into blocks of at most
//! `insert_block_rows` rows (or about `insert_block_bytes` bytes). Over TCP each is encoded,
//! compressed and sent before the next is built; over HTTP the connection's task encodes and
//! sends it while the next is built, and the encoded blocks' columns are filled again, so
//! memory stays at a few blocks. A row that does not fit its columns stops the insert with an
//! error naming the row and the column; blocks sent before it may already be stored by the
//! server.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use futures_util::Stream;
use futures_util::future::BoxFuture;
use futures_util::stream::{self, StreamExt};

use super::block_builder::{BlockBuilder, Limits, Rows, SerdeRows, ToBlockRows};
use super::options::request_options;
use super::slot::{Deadline, Target, attempts};
use super::trace::Traced;
use crate::error::{Error, Result};
use crate::native::Block;
use crate::request::{BlockSource, InsertResult, InsertTarget, QueryRequest};
use crate::types::DataType;
use crate::value::{ToBlock, Value};
use tracing::Instrument;

/// A row to insert: `Vec<Value>`, or a tuple of values that convert into [`Value`].
pub trait InsertRow: Send + 'static {
    /// The row's values, in column order.
    fn into_values(self) -> Vec<Value>;
}

impl InsertRow for Vec<Value> {
    fn into_values(self) -> Vec<Value> {
        self
    }
}

macro_rules! insert_row_tuple {
    ($($name:ident),+) => {
        impl<$($name: Into<Value> + Send + 'static),+> InsertRow for ($($name,)+) {
            #[allow(non_snake_case)]
            fn into_values(self) -> Vec<Value> {
                let ($($name,)+) = self;
                vec![$($name.into()),+]
            }
        }
    };
}

insert_row_tuple!(A);
insert_row_tuple!(A, B);
insert_row_tuple!(A, B, C);
insert_row_tuple!(A, B, C, D);
insert_row_tuple!(A, B, C, D, E);
insert_row_tuple!(A, B, C, D, E, F);
insert_row_tuple!(A, B, C, D, E, F, G);
insert_row_tuple!(A, B, C, D, E, F, G, H);
insert_row_tuple!(A, B, C, D, E, F, G, H, I);
insert_row_tuple!(A, B, C, D, E, F, G, H, I, J);

enum Source {
    Rows(Rows),
    Block(Block),
}

/// An insert waiting to be sent; set options, then `.await` it.
#[must_use = "an insert does nothing until it is awaited"]
pub struct Insert<'a> {
    target: Target<'a>,
    table: InsertTarget,
    source: Source,
    request: QueryRequest,
    deduplication_token: Option<String>,
    async_insert: Option<bool>,
}

request_options!(Insert);

impl<'a> Insert<'a> {
    fn new(target: Target<'a>, table: &str, columns: Vec<String>, source: Source) -> Self {
        Insert {
            target,
            table: InsertTarget {
                table: table.to_owned(),
                columns,
            },
            source,
            request: QueryRequest::default(),
            deduplication_token: None,
            async_insert: None,
        }
    }

    pub(crate) fn from_iter<R, I>(
        target: Target<'a>,
        table: &str,
        columns: &[&str],
        rows: I,
    ) -> Self
    where
        R: InsertRow,
        I: IntoIterator<Item = R>,
        I::IntoIter: Send + 'static,
    {
        let rows = stream::iter(rows).map(InsertRow::into_values).boxed();
        Insert::new(
            target,
            table,
            columns.iter().map(|c| (*c).to_owned()).collect(),
            Source::Rows(Rows::Values(rows)),
        )
    }

    pub(crate) fn from_stream<R, S>(
        target: Target<'a>,
        table: &str,
        columns: &[&str],
        rows: S,
    ) -> Self
    where
        R: InsertRow,
        S: Stream<Item = R> + Send + 'static,
    {
        let rows = rows.map(InsertRow::into_values).boxed();
        Insert::new(
            target,
            table,
            columns.iter().map(|c| (*c).to_owned()).collect(),
            Source::Rows(Rows::Values(rows)),
        )
    }

    pub(crate) fn from_block(target: Target<'a>, table: &str, block: Block) -> Self {
        let columns = block.names().to_vec();
        Insert::new(target, table, columns, Source::Block(block))
    }

    /// Typed rows through serde: the first row's fields name the columns.
    pub(crate) fn from_serde<T, I>(target: Target<'a>, table: &str, rows: I) -> Result<Self>
    where
        T: serde::Serialize + Send + 'static,
        I: IntoIterator<Item = T>,
        I::IntoIter: Send + 'static,
    {
        let mut rows = rows.into_iter();
        let Some(first) = rows.next() else {
            return Ok(Insert::from_iter(
                target,
                table,
                &[],
                Vec::<Vec<Value>>::new(),
            ));
        };
        let names: Vec<String> = crate::value::to_named_values(&first)?
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        let rows = SerdeRows::new(first, rows, crate::value::FieldNames::new(names.clone()));
        Ok(Insert::new(
            target,
            table,
            names,
            Source::Rows(Rows::Typed(Box::new(rows))),
        ))
    }

    /// Rows written column by column (`ToBlock`): the type names the columns.
    pub(crate) fn from_typed<T, I>(target: Target<'a>, table: &str, rows: I) -> Self
    where
        T: ToBlock + Send + 'static,
        I: IntoIterator<Item = T>,
        I::IntoIter: Send + 'static,
    {
        let columns = T::column_names().into_iter().map(str::to_owned).collect();
        let rows = ToBlockRows::new(rows.into_iter());
        Insert::new(
            target,
            table,
            columns,
            Source::Rows(Rows::Typed(Box::new(rows))),
        )
    }

    async fn run(mut self) -> Result<InsertResult> {
        let client = self.target.client().clone();
        let options = client.options();
        let source = std::mem::replace(&mut self.source, Source::Block(Block::new()));
        let mut blocks: Box<dyn BlockSource> = match source {
            Source::Block(block) => Box::new(OneBlock(Some(block))),
            Source::Rows(rows) => {
                let limits = Limits {
                    rows: options.insert_block_rows,
                    bytes: options.insert_block_bytes,
                };
                Box::new(BlockBuilder::new(rows, limits))
            }
        };
        let Insert {
            target,
            table,
            mut request,
            deduplication_token,
            async_insert,
            ..
        } = self;
        // An insert goes to another host only when the server can tell a repeat (a
        // deduplication token), or when marked idempotent; then its blocks are kept until it
        // ends, to be sent again.
        let attempts = target.attempts(&request, deduplication_token.is_some());
        if attempts > 1 {
            blocks = Box::new(Replay {
                source: blocks,
                sent: Vec::new(),
                next: 0,
            });
        }
        let traced = Traced::new("insert", &client, &request);
        let deadline = Deadline::of(&client, &request);
        let mut counted = Counted {
            inner: blocks.as_mut(),
            blocks: 0,
            rows: 0,
        };
        let result = async {
            attempts!(
                target,
                attempts,
                |current| {
                    async {
                        let mut slot =
                            Deadline::run(deadline, "connecting", current.slot(&request)).await?;
                        let server =
                            Deadline::run(deadline, "connecting", slot.link().server_info())
                                .await?;
                        insert_options(
                            &server,
                            &mut request,
                            deduplication_token.as_deref(),
                            async_insert,
                        )?;
                        let step = slot.link().insert(&mut request, &table, &mut counted);
                        let result = Deadline::run(deadline, "the insert", step).await;
                        // A failed insert says how far it came: what was sent, what the server
                        // took.
                        result.map_err(|e| {
                            let acknowledged = slot.link_ref().acknowledged_rows(&request);
                            e.with_insert_progress(counted.progress(acknowledged))
                        })
                    }
                    .await
                },
                before_retry { counted.rewind(); }
            )
        }
        .instrument(traced.span.clone())
        .await;
        traced.done(&result);
        result
    }

    /// Makes the insert safe to send again: the server stores a block it already stored with
    /// the same token only once (`insert_deduplication_token`, ClickHouse 22.2 on, for
    /// Replicated and deduplicating tables). Servers before 22.2 take no token: a repeated
    /// insert into a Replicated table is deduplicated by the blocks' contents, which are the same
    /// when the same rows are sent again. On a client of several hosts an insert with a token
    /// that fails to connect goes to the next host.
    pub fn deduplication_token(mut self, token: impl Into<String>) -> Self {
        self.deduplication_token = Some(token.into());
        self
    }

    /// Inserts asynchronously: the server buffers the rows and writes them with others
    /// (`async_insert = 1`); with `wait`, the insert returns once they are written
    /// (`wait_for_async_insert`). ClickHouse 21.11 on; older servers refuse it before anything
    /// is sent.
    pub fn async_insert(mut self, wait: bool) -> Self {
        self.async_insert = Some(wait);
        self
    }
}

/// The settings the insert's options ask for, where `server` takes them.
fn insert_options(
    server: &crate::request::ServerInfo,
    request: &mut QueryRequest,
    deduplication_token: Option<&str>,
    async_insert: Option<bool>,
) -> Result<()> {
    if let Some(token) = deduplication_token {
        if server.takes_insert_deduplication_token() {
            request.setting("insert_deduplication_token", token);
        }
    }
    if let Some(wait) = async_insert {
        if !server.takes_async_insert() {
            return Err(Error::invalid_input(format!(
                "asynchronous inserts need ClickHouse 21.11 or newer; this server is {}",
                server.version
            )));
        }
        request.setting("async_insert", 1);
        request.setting("wait_for_async_insert", u8::from(wait));
    }
    Ok(())
}

/// A source whose blocks are kept, to be sent again from the first after a failed attempt.
struct Replay {
    source: Box<dyn BlockSource>,
    sent: Vec<Block>,
    next: usize,
}

impl BlockSource for Replay {
    fn fixed_columns(&self) -> Option<Vec<(String, DataType)>> {
        self.source.fixed_columns()
    }

    fn next_block<'a>(
        &'a mut self,
        targets: &'a [(String, DataType)],
    ) -> BoxFuture<'a, Result<Option<Block>>> {
        Box::pin(async move {
            if let Some(block) = self.sent.get(self.next) {
                self.next += 1;
                return Ok(Some(block.clone()));
            }
            let block = self.source.next_block(targets).await?;
            if let Some(block) = &block {
                self.sent.push(block.clone());
                self.next += 1;
            }
            Ok(block)
        })
    }

    fn rewind(&mut self) {
        self.next = 0;
    }

    /// The block given back is a copy of one kept: its columns can be filled again.
    fn recycle(&mut self, block: Block) {
        self.source.recycle(block);
    }
}

impl<'a> IntoFuture for Insert<'a> {
    type Output = Result<InsertResult>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// Counts the blocks and rows a source hands to the transport.
struct Counted<'s> {
    inner: &'s mut dyn BlockSource,
    blocks: u64,
    rows: u64,
}

impl Counted<'_> {
    fn progress(&self, rows_acknowledged: Option<u64>) -> crate::InsertProgress {
        crate::InsertProgress {
            blocks_sent: self.blocks,
            rows_sent: self.rows,
            rows_acknowledged,
        }
    }
}

impl BlockSource for Counted<'_> {
    fn fixed_columns(&self) -> Option<Vec<(String, DataType)>> {
        self.inner.fixed_columns()
    }

    fn next_block<'a>(
        &'a mut self,
        targets: &'a [(String, DataType)],
    ) -> BoxFuture<'a, Result<Option<Block>>> {
        Box::pin(async move {
            let block = self.inner.next_block(targets).await?;
            if let Some(block) = &block {
                self.blocks += 1;
                self.rows += block.rows() as u64;
            }
            Ok(block)
        })
    }

    /// Counts the next attempt from zero: a failed insert reports the attempt that failed.
    fn rewind(&mut self) {
        self.blocks = 0;
        self.rows = 0;
        self.inner.rewind();
    }

    fn recycle(&mut self, block: Block) {
        self.inner.recycle(block);
    }
}

/// A block given whole.
struct OneBlock(Option<Block>);

impl BlockSource for OneBlock {
    fn fixed_columns(&self) -> Option<Vec<(String, DataType)>> {
        self.0
            .as_ref()
            .map(|b| b.names().iter().cloned().zip(b.types().cloned()).collect())
    }

    fn next_block<'a>(
        &'a mut self,
        _targets: &'a [(String, DataType)],
    ) -> BoxFuture<'a, Result<Option<Block>>> {
        let block = self.0.take();
        Box::pin(async move { Ok(block) })
    }
}
