//! `Nullable(T)`: a null map (one byte per row, 1 = NULL) beside a column of `T` for every row.

use super::{Column, Prefix};
use crate::types::DataType;
use crate::wire::{ReadResult, Reader};

/// `Nullable(T)` values. Rows under a NULL hold `T`'s default in `values`.
#[derive(Debug, Clone, PartialEq)]
pub struct NullableColumn {
    nulls: Vec<u8>,
    values: Box<Column>,
}

impl NullableColumn {
    /// An empty nullable column over an empty `values` column.
    pub fn new(values: Column) -> Self {
        NullableColumn {
            nulls: Vec::new(),
            values: Box::new(values),
        }
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.nulls.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.nulls.is_empty()
    }

    /// Whether row `i` is NULL.
    pub fn is_null(&self, i: usize) -> bool {
        self.nulls.get(i).is_some_and(|&b| b != 0)
    }

    /// The null map.
    pub fn nulls(&self) -> &[u8] {
        &self.nulls
    }

    /// The values column (defaults under NULLs).
    pub fn values(&self) -> &Column {
        &self.values
    }

    /// The null map and the values column, for builders.
    pub(crate) fn parts_mut(&mut self) -> (&mut Vec<u8>, &mut Column) {
        (&mut self.nulls, &mut self.values)
    }

    pub(crate) fn read(
        inner: &DataType,
        prefix: &Prefix,
        rows: usize,
        r: &mut Reader<'_>,
    ) -> ReadResult<Self> {
        let nulls = r.take(rows)?.to_vec();
        let values = Column::read_data_with(inner, prefix.child(0), rows, r)?;
        Ok(NullableColumn {
            nulls,
            values: Box::new(values),
        })
    }

    /// Reads `rows` rows into this column's buffers, replacing its rows (see
    /// [`Column::fill_or_read`]).
    pub(crate) fn fill(
        &mut self,
        inner: &DataType,
        prefix: &Prefix,
        rows: usize,
        r: &mut Reader<'_>,
    ) -> ReadResult<()> {
        let nulls = r.take(rows)?;
        self.nulls.clear();
        self.nulls.extend_from_slice(nulls);
        self.values.fill_or_read(inner, prefix.child(0), rows, r)
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.nulls);
        self.values.write_data(out);
    }

    pub(crate) fn slice(&self, start: usize, end: usize) -> Self {
        NullableColumn {
            nulls: self.nulls[start..end].to_vec(),
            values: Box::new(self.values.slice(start, end)),
        }
    }
}
