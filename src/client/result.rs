//! [`QueryResult`]: a whole result, held as the blocks it arrived in.

use chrono_tz::Tz;

use crate::column::Column;
use crate::error::{Error, Result};
use crate::native::Block;
use crate::request::Summary;
use crate::types::DataType;
use crate::value::{FromValue, Row, Value};

/// A query's result: its blocks (columns stay columnar), names, types and summary.
#[derive(Debug, Clone)]
pub struct QueryResult {
    blocks: Vec<Block>,
    names: Vec<String>,
    types: Vec<DataType>,
    summary: Summary,
    query_id: String,
    zone: Tz,
}

impl QueryResult {
    pub(crate) fn new(blocks: Vec<Block>, summary: Summary, query_id: String, zone: Tz) -> Self {
        let (names, types) = blocks
            .first()
            .map(|b| (b.names().to_vec(), b.types().cloned().collect()))
            .unwrap_or_default();
        QueryResult {
            blocks,
            names,
            types,
            summary,
            query_id,
            zone,
        }
    }

    /// The column names. Empty when the result has no rows: the server then sends no block.
    pub fn column_names(&self) -> &[String] {
        &self.names
    }

    /// The column types, parsed.
    pub fn column_types(&self) -> &[DataType] {
        &self.types
    }

    /// The blocks as they arrived.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The number of rows.
    pub fn row_count(&self) -> usize {
        self.blocks.iter().map(Block::rows).sum()
    }

    /// Rows and bytes read, from the server.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// The query id.
    pub fn query_id(&self) -> &str {
        &self.query_id
    }

    /// The zone `DateTime` columns without a zone of their own are read in (the server's).
    pub fn timezone(&self) -> Tz {
        self.zone
    }

    /// Every row, as views over the columns.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> + '_ {
        self.blocks
            .iter()
            .flat_map(move |b| (0..b.rows()).map(move |i| Row::new(b, i, self.zone)))
    }

    /// The first row, if any.
    pub fn first_row(&self) -> Option<Row<'_>> {
        self.rows().next()
    }

    /// Every row as owned values.
    pub fn result_rows(&self) -> Vec<Vec<Value>> {
        self.rows().map(|r| r.values()).collect()
    }

    /// Every column as owned values, in column order.
    pub fn result_columns(&self) -> Vec<Vec<Value>> {
        (0..self.names.len())
            .map(|c| {
                self.blocks
                    .iter()
                    .flat_map(|b| {
                        let column: &Column = &b.columns()[c];
                        (0..b.rows()).map(move |i| column.value(i, self.zone))
                    })
                    .collect()
            })
            .collect()
    }

    /// Every row as `T` through serde (see [`Row::deserialize`]).
    pub fn rows_as<'a, T: serde::Deserialize<'a>>(&'a self) -> Result<Vec<T>> {
        self.blocks
            .iter()
            .flat_map(|b| crate::value::de::rows(b, self.zone))
            .collect()
    }

    /// Every row as `T`, read column by column (see [`FromBlock`](crate::value::FromBlock)).
    pub fn rows_of<'a, T: crate::value::FromBlock<'a>>(&'a self) -> Result<Vec<T>>
    where
        T::Columns: 'a,
    {
        let mut rows = Vec::with_capacity(self.row_count());
        for block in &self.blocks {
            for row in block.rows_of::<T>(self.zone)? {
                rows.push(row?);
            }
        }
        Ok(rows)
    }

    /// The first column of the first row, converted to `T`.
    pub fn scalar<T: FromValue>(&self) -> Result<T> {
        let row = self.first_row().ok_or_else(|| {
            Error::invalid_input("the query returned no rows, so it has no scalar")
        })?;
        row.get(0)
    }
}
