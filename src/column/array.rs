//! `Array(T)` (and `Map`, `Nested`, the array-shaped geo types): end offsets plus one child column.

use super::{Column, Prefix};
use crate::types::DataType;
use crate::wire::{ReadResult, Reader, put_pod};

/// The most elements one block may hold across all rows of an array column.
const MAX_ELEMENTS: u64 = 1 << 40;

/// Array values: row `i` is `values[ends[i-1]..ends[i]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrayColumn {
    ends: Vec<u64>,
    values: Box<Column>,
}

impl ArrayColumn {
    /// An empty array column over an empty element column.
    pub fn new(values: Column) -> Self {
        ArrayColumn {
            ends: Vec::new(),
            values: Box::new(values),
        }
    }

    /// The number of rows (arrays).
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The element range of row `i` in [`values`](Self::values).
    #[inline]
    pub fn range(&self, i: usize) -> std::ops::Range<usize> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        start..self.ends[i] as usize
    }

    /// The end offsets, one per row.
    pub fn ends(&self) -> &[u64] {
        &self.ends
    }

    /// All elements of all rows.
    pub fn values(&self) -> &Column {
        &self.values
    }

    /// Appends a row whose elements were already pushed to the element column.
    pub(crate) fn parts_mut(&mut self) -> (&mut Vec<u64>, &mut Column) {
        (&mut self.ends, &mut self.values)
    }

    pub(crate) fn read(
        element: DataType,
        prefix: &Prefix,
        rows: usize,
        r: &mut Reader<'_>,
    ) -> ReadResult<Self> {
        let at = r.offset();
        let ends: Vec<u64> = r.pod_vec(rows)?;
        let total = checked_total(at, &ends)?;
        let values = Column::read_data_with(&element, prefix.child(0), total as usize, r)?;
        Ok(ArrayColumn {
            ends,
            values: Box::new(values),
        })
    }

    /// Reads `rows` rows into this column's buffers, replacing its rows (see
    /// [`Column::fill_or_read`]).
    pub(crate) fn fill(
        &mut self,
        element: &DataType,
        prefix: &Prefix,
        rows: usize,
        r: &mut Reader<'_>,
    ) -> ReadResult<()> {
        let at = r.offset();
        r.pod_fill(rows, &mut self.ends)?;
        let total = checked_total(at, &self.ends)?;
        self.values
            .fill_or_read(element, prefix.child(0), total as usize, r)
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        put_pod(out, &self.ends);
        self.values.write_data(out);
    }

    pub(crate) fn slice(&self, start: usize, end: usize) -> Self {
        if start == end {
            return ArrayColumn {
                ends: Vec::new(),
                values: Box::new(self.values.slice(0, 0)),
            };
        }
        let first = self.range(start).start;
        let last = self.range(end - 1).end;
        let ends = self.ends[start..end]
            .iter()
            .map(|e| e - first as u64)
            .collect();
        ArrayColumn {
            ends,
            values: Box::new(self.values.slice(first, last)),
        }
    }
}

/// The number of elements of rows ending at `ends` (read at `at`), once the ends are known
/// to rise and to stay within the limit.
fn checked_total(at: u64, ends: &[u64]) -> ReadResult<u64> {
    // Checked without an early exit, so the compiler vectorizes it; the error path finds
    // the offending pair.
    let rising = ends.windows(2).fold(true, |ok, w| ok & (w[0] <= w[1]));
    let total = ends.last().copied().unwrap_or(0);
    if !rising || total > MAX_ELEMENTS {
        let mut previous = 0;
        for &end in ends {
            let why = if end < previous {
                format!("array offsets are not increasing ({previous} then {end})")
            } else if end > MAX_ELEMENTS {
                format!("array offset {end} is past the limit of {MAX_ELEMENTS} elements")
            } else {
                previous = end;
                continue;
            };
            return Err(crate::wire::ReadError::Invalid(
                crate::error::Error::decode(at, why),
            ));
        }
    }
    Ok(total)
}
