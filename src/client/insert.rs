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
use futures_util::stream::{self, BoxStream, StreamExt};

use super::options::request_options;
use super::slot::{Deadline, Target, attempts};
use super::trace::Traced;
use crate::column::Column;
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

/// Rows to build blocks from.
enum Rows {
    /// Each row as its values.
    Values(BoxStream<'static, Vec<Value>>),
    /// Rows that write themselves into the columns (serde and `ToBlock` rows).
    Typed(Box<dyn TypedRows>),
}

/// A column that refused a row's value (`None`: the row as a whole), and why.
type RowError = (Option<usize>, Error);

/// Rows that append themselves to the block's columns, in the insert's column order.
trait TypedRows: Send {
    /// Appends the next row to `columns`; `None` when there are no more rows.
    fn append_next(&mut self, columns: &mut [Column]) -> Option<std::result::Result<(), RowError>>;

    /// Appends up to `n` rows (fewer when the rows end), one call for many rows; on failure,
    /// the index among them of the row that failed.
    fn append_up_to(
        &mut self,
        columns: &mut [Column],
        n: usize,
    ) -> std::result::Result<usize, (usize, RowError)> {
        for i in 0..n {
            match self.append_next(columns) {
                Some(Ok(())) => {}
                Some(Err(e)) => return Err((i, e)),
                None => return Ok(i),
            }
        }
        Ok(n)
    }
}

/// Serde rows: the first row (already taken, to name the columns), then the rest.
struct SerdeRows<T, I> {
    first: Option<T>,
    rest: I,
    names: crate::value::FieldNames,
}

impl<T, I> TypedRows for SerdeRows<T, I>
where
    T: serde::Serialize + Send,
    I: Iterator<Item = T> + Send,
{
    fn append_next(&mut self, columns: &mut [Column]) -> Option<std::result::Result<(), RowError>> {
        let row = self.first.take().or_else(|| self.rest.next())?;
        Some(
            crate::value::append_row(&row, columns, &mut self.names)
                .map_err(|(column, e)| (column, Error::invalid_input(e.into_message()))),
        )
    }

    fn append_up_to(
        &mut self,
        columns: &mut [Column],
        n: usize,
    ) -> std::result::Result<usize, (usize, RowError)> {
        let first = self.first.take();
        let rows = first.into_iter().chain(self.rest.by_ref()).take(n);
        let mut appended = 0;
        for row in rows {
            crate::value::append_row(&row, columns, &mut self.names).map_err(|(column, e)| {
                (appended, (column, Error::invalid_input(e.into_message())))
            })?;
            appended += 1;
        }
        Ok(appended)
    }
}

/// `ToBlock` rows, taken a batch at a time and appended with [`ToBlock::append_rows`].
struct ToBlockRows<T, I> {
    rows: I,
    batch: Vec<T>,
}

impl<T, I> TypedRows for ToBlockRows<T, I>
where
    T: ToBlock + Send,
    I: Iterator<Item = T> + Send,
{
    fn append_next(&mut self, columns: &mut [Column]) -> Option<std::result::Result<(), RowError>> {
        let row = self.rows.next()?;
        Some(row.append(columns).map_err(|(i, e)| (Some(i), e)))
    }

    fn append_up_to(
        &mut self,
        columns: &mut [Column],
        n: usize,
    ) -> std::result::Result<usize, (usize, RowError)> {
        self.batch.clear();
        self.batch.extend(self.rows.by_ref().take(n));
        T::append_rows(self.batch.iter(), columns)
            .map_err(|(row, column, e)| (row, (Some(column), e)))?;
        Ok(self.batch.len())
    }
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
        let rows = SerdeRows {
            first: Some(first),
            rest: rows,
            names: crate::value::FieldNames::new(names.clone()),
        };
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
        let rows = ToBlockRows {
            rows: rows.into_iter(),
            batch: Vec::new(),
        };
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
            Source::Rows(rows) => Box::new(BlockBuilder {
                rows,
                sizes: Vec::new(),
                spares: Vec::new(),
                max_rows: options.insert_block_rows,
                max_bytes: options.insert_block_bytes,
                row_number: 0,
            }),
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

/// Pulls rows into blocks of the target columns.
struct BlockBuilder {
    rows: Rows,
    /// What the previous block's columns held: the next block's get that room up front.
    sizes: Vec<crate::column::Capacity>,
    /// The columns of blocks the transport has encoded, emptied: the next blocks'. A few are
    /// kept, as the transport may encode a block while the next ones are built.
    spares: Vec<Vec<Column>>,
    max_rows: usize,
    max_bytes: usize,
    row_number: u64,
}

impl BlockSource for BlockBuilder {
    fn next_block<'a>(
        &'a mut self,
        targets: &'a [(String, DataType)],
    ) -> BoxFuture<'a, Result<Option<Block>>> {
        Box::pin(self.build(targets))
    }

    fn recycle(&mut self, block: Block) {
        let (_, mut columns) = block.into_parts();
        columns.iter_mut().for_each(Column::clear);
        if self.spares.len() < Self::SPARES {
            self.spares.push(columns);
        }
    }
}

impl BlockBuilder {
    /// The most spare blocks' columns kept.
    const SPARES: usize = 3;

    async fn build(&mut self, targets: &[(String, DataType)]) -> Result<Option<Block>> {
        let spare = self.spares.pop().filter(|spare| {
            spare.len() == targets.len()
                && spare
                    .iter()
                    .zip(targets)
                    .all(|(c, (_, t))| c.data_type() == t)
        });
        let mut columns: Vec<Column> = match spare {
            Some(columns) => columns,
            None => {
                let mut columns: Vec<Column> = targets
                    .iter()
                    .map(|(_, t)| Column::empty(t.clone()))
                    .collect::<Result<_>>()?;
                if self.sizes.len() == columns.len() {
                    for (column, size) in columns.iter_mut().zip(&self.sizes) {
                        column.reserve(size);
                    }
                }
                columns
            }
        };
        let failed =
            |row_number: u64, (column, e): RowError| match column.and_then(|i| targets.get(i)) {
                Some((name, data_type)) => Error::invalid_input(format!(
                    "row {row_number}, column `{name}` ({data_type}): {e}"
                )),
                None => Error::invalid_input(format!("row {row_number} {e}")),
            };
        let mut count = 0;
        while count < self.max_rows {
            // Rows go in 256 at a time; checking the size is cheap next to converting them.
            let batch = (self.max_rows - count).min(256);
            let appended = match &mut self.rows {
                Rows::Values(rows) => {
                    let mut appended = 0;
                    while appended < batch {
                        let Some(values) = rows.next().await else {
                            break;
                        };
                        push_values(&mut columns, &values)
                            .map_err(|e| failed(self.row_number + appended as u64, e))?;
                        appended += 1;
                    }
                    appended
                }
                Rows::Typed(rows) => rows
                    .append_up_to(&mut columns, batch)
                    .map_err(|(at, e)| failed(self.row_number + at as u64, e))?,
            };
            self.row_number += appended as u64;
            count += appended;
            if appended < batch
                || columns.iter().map(Column::byte_size).sum::<usize>() >= self.max_bytes
            {
                break;
            }
        }
        if count == 0 {
            return Ok(None);
        }
        self.sizes = columns.iter().map(Column::capacity).collect();
        let mut block = Block::new();
        for (column, (name, _)) in columns.into_iter().zip(targets) {
            block.push(name.clone(), column)?;
        }
        Ok(Some(block))
    }
}

/// Appends a row given as its values.
fn push_values(columns: &mut [Column], values: &[Value]) -> std::result::Result<(), RowError> {
    if values.len() != columns.len() {
        return Err((
            None,
            Error::invalid_input(format!(
                "has {} values for {} columns",
                values.len(),
                columns.len()
            )),
        ));
    }
    for (i, (column, value)) in columns.iter_mut().zip(values).enumerate() {
        column.push_value(value).map_err(|e| (Some(i), e))?;
    }
    Ok(())
}
