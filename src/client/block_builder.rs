//! Insert blocks built from rows: rows of values, serde rows and `ToBlock` rows into blocks of
//! the target columns, of at most `insert_block_rows` rows or about `insert_block_bytes` bytes.

use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;

use crate::column::{Capacity, Column};
use crate::error::{Error, Result};
use crate::native::Block;
use crate::request::BlockSource;
use crate::types::DataType;
use crate::value::{FieldNames, ToBlock, Value, append_row};

/// Rows to build blocks from.
pub(super) enum Rows {
    /// Each row as its values.
    Values(BoxStream<'static, Vec<Value>>),
    /// Rows that write themselves into the columns (serde and `ToBlock` rows).
    Typed(Box<dyn TypedRows>),
}

/// A column that refused a row's value (`None`: the row as a whole), and why.
type RowError = (Option<usize>, Error);

/// How many rows were appended, or the index among them of the row that failed, and why.
type Appended = std::result::Result<usize, (usize, RowError)>;

/// Rows that append themselves to the block's columns, in the insert's column order.
pub(super) trait TypedRows: Send {
    /// Appends up to `n` rows (fewer when the rows end); on failure, the index among them of
    /// the row that failed.
    fn append_up_to(&mut self, columns: &mut [Column], n: usize) -> Appended;
}

/// Serde rows: the first row (already taken, to name the columns), then the rest.
pub(super) struct SerdeRows<T, I> {
    first: Option<T>,
    rest: I,
    names: FieldNames,
}

impl<T, I> SerdeRows<T, I> {
    /// `first`, then `rest`, into the columns `names` (the first row's fields).
    pub(super) fn new(first: T, rest: I, names: FieldNames) -> Self {
        SerdeRows {
            first: Some(first),
            rest,
            names,
        }
    }
}

impl<T, I> TypedRows for SerdeRows<T, I>
where
    T: serde::Serialize + Send + 'static,
    I: Iterator<Item = T> + Send,
{
    fn append_up_to(&mut self, columns: &mut [Column], n: usize) -> Appended {
        let mut appended = 0;
        if n > 0 {
            if let Some(first) = self.first.take() {
                append_serde_row(&first, columns, &mut self.names, appended)?;
                appended = 1;
            }
        }
        // The rest without a chained iterator: one adapter less per row.
        for row in self.rest.by_ref().take(n - appended) {
            append_serde_row(&row, columns, &mut self.names, appended)?;
            appended += 1;
        }
        Ok(appended)
    }
}

/// Appends a serde row, the `at`th of those appended in one call.
#[inline(always)]
fn append_serde_row<T: serde::Serialize>(
    row: &T,
    columns: &mut [Column],
    names: &mut FieldNames,
    at: usize,
) -> std::result::Result<(), (usize, RowError)> {
    append_row(row, columns, names)
        .map_err(|(column, e)| (at, (column, Error::invalid_input(e.into_message()))))
}

/// `ToBlock` rows, taken a batch at a time and appended with [`ToBlock::append_rows`].
pub(super) struct ToBlockRows<T, I> {
    rows: I,
    batch: Vec<T>,
}

impl<T, I> ToBlockRows<T, I> {
    /// The rows of `rows`.
    pub(super) fn new(rows: I) -> Self {
        ToBlockRows {
            rows,
            batch: Vec::new(),
        }
    }
}

impl<T, I> TypedRows for ToBlockRows<T, I>
where
    T: ToBlock + Send + 'static,
    I: Iterator<Item = T> + Send,
{
    fn append_up_to(&mut self, columns: &mut [Column], n: usize) -> Appended {
        self.batch.clear();
        self.batch.extend(self.rows.by_ref().take(n));
        T::append_rows(self.batch.iter(), columns)
            .map_err(|(row, column, e)| (row, (Some(column), e)))?;
        Ok(self.batch.len())
    }
}

/// The most rows and about the most bytes of a block.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    pub(super) rows: usize,
    pub(super) bytes: usize,
}

/// Pulls rows into blocks of the target columns.
pub(super) struct BlockBuilder {
    rows: Rows,
    limits: Limits,
    /// What the previous block's columns held: the next block's get that room up front.
    sizes: Vec<Capacity>,
    /// The columns of blocks the transport has encoded, emptied: the next blocks'. A few are
    /// kept, as the transport may encode a block while the next ones are built.
    spares: Vec<Vec<Column>>,
    /// The number of the next row taken from the rows.
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

    /// Blocks of `rows`, each within `limits`.
    pub(super) fn new(rows: Rows, limits: Limits) -> Self {
        BlockBuilder {
            rows,
            limits: Limits {
                rows: limits.rows.max(1),
                bytes: limits.bytes.max(1),
            },
            sizes: Vec::new(),
            spares: Vec::new(),
            row_number: 0,
        }
    }

    /// Builds the next block; `None` when no rows are left.
    async fn build(&mut self, targets: &[(String, DataType)]) -> Result<Option<Block>> {
        let mut columns = columns_for(self.spares.pop(), targets, &self.sizes)?;
        let fill = Fill {
            targets,
            limits: self.limits,
            first_row: self.row_number,
        };
        let count = match &mut self.rows {
            Rows::Values(rows) => fill.values(rows, &mut columns).await?,
            Rows::Typed(rows) => fill.typed(rows.as_mut(), &mut columns)?,
        };
        self.row_number += count as u64;
        if count == 0 {
            self.spares.push(columns);
            return Ok(None);
        }
        self.sizes = columns.iter().map(Column::capacity).collect();
        block_of(columns, targets).map(Some)
    }
}

/// Empty columns of the target types: `spare`'s when it has them, else new ones sized like
/// the previous block's (`sizes`).
fn columns_for(
    spare: Option<Vec<Column>>,
    targets: &[(String, DataType)],
    sizes: &[Capacity],
) -> Result<Vec<Column>> {
    let fits = |spare: &Vec<Column>| {
        spare.len() == targets.len()
            && spare
                .iter()
                .zip(targets)
                .all(|(c, (_, t))| c.data_type() == t)
    };
    if let Some(columns) = spare.filter(fits) {
        return Ok(columns);
    }
    let mut columns: Vec<Column> = targets
        .iter()
        .map(|(_, t)| Column::empty(t.clone()))
        .collect::<Result<_>>()?;
    if sizes.len() == columns.len() {
        for (column, size) in columns.iter_mut().zip(sizes) {
            column.reserve(size);
        }
    }
    Ok(columns)
}

/// The block of `columns`, named as the targets.
fn block_of(columns: Vec<Column>, targets: &[(String, DataType)]) -> Result<Block> {
    let mut block = Block::new();
    for (column, (name, _)) in columns.into_iter().zip(targets) {
        block.push(name.clone(), column)?;
    }
    Ok(block)
}

/// Rows go in 256 at a time between checks of the block's size: cheap next to converting
/// them.
const CHECK_EVERY: usize = 256;

/// A block being filled: its target columns, its limits and the number of its first row.
struct Fill<'t> {
    targets: &'t [(String, DataType)],
    limits: Limits,
    first_row: u64,
}

impl Fill<'_> {
    /// Fills `columns` with typed rows up to the block's limits: how many (fewer than the
    /// limit when the rows ran out).
    fn typed(&self, rows: &mut dyn TypedRows, columns: &mut [Column]) -> Result<usize> {
        let mut count = 0;
        while count < self.limits.rows {
            let batch = (self.limits.rows - count).min(CHECK_EVERY);
            let appended = rows
                .append_up_to(columns, batch)
                .map_err(|(at, e)| self.failed(count + at, e))?;
            count += appended;
            if appended < batch || self.full_by_bytes(columns) {
                break;
            }
        }
        Ok(count)
    }

    /// Fills `columns` with rows of values up to the block's limits: how many.
    async fn values(
        &self,
        rows: &mut BoxStream<'static, Vec<Value>>,
        columns: &mut [Column],
    ) -> Result<usize> {
        let mut count = 0;
        while count < self.limits.rows {
            let batch = (self.limits.rows - count).min(CHECK_EVERY);
            for _ in 0..batch {
                let Some(values) = rows.next().await else {
                    return Ok(count);
                };
                push_values(columns, &values).map_err(|e| self.failed(count, e))?;
                count += 1;
            }
            if self.full_by_bytes(columns) {
                break;
            }
        }
        Ok(count)
    }

    /// Whether `columns` hold a full block by bytes.
    fn full_by_bytes(&self, columns: &[Column]) -> bool {
        columns.iter().map(Column::byte_size).sum::<usize>() >= self.limits.bytes
    }

    /// The error of the block's row `at`, refused by a column (or as a whole).
    fn failed(&self, at: usize, (column, e): RowError) -> Error {
        let row = self.first_row + at as u64;
        match column.and_then(|i| self.targets.get(i)) {
            Some((name, data_type)) => {
                Error::invalid_input(format!("row {row}, column `{name}` ({data_type}): {e}"))
            }
            None => Error::invalid_input(format!("row {row} {e}")),
        }
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
