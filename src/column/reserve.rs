//! Room up front: a column sized like the one before it.
//!
//! An insert builds blocks of about the same shape one after another. Growing each new
//! column from empty costs a dozen reallocations per buffer, each copying what it holds and
//! touching fresh pages; [`Column::capacity`] notes what a block's column ended up holding and
//! [`Column::reserve`] gives the next block's column that room at once.

use super::{Column, ColumnData};

/// What a column held: rows, payload bytes (strings), and the same for its inner columns.
#[derive(Debug, Clone, Default)]
pub(crate) struct Capacity {
    rows: usize,
    bytes: usize,
    inner: Vec<Capacity>,
}

impl Column {
    /// What this column holds, to size the next one like it.
    pub(crate) fn capacity(&self) -> Capacity {
        let rows = self.len();
        match &self.data {
            ColumnData::String(c) | ColumnData::Json(c) => Capacity {
                rows,
                bytes: c.wire_bytes().len(),
                inner: Vec::new(),
            },
            ColumnData::Nullable(c) => Capacity {
                rows,
                bytes: 0,
                inner: vec![c.values().capacity()],
            },
            ColumnData::Array(c) => Capacity {
                rows,
                bytes: 0,
                inner: vec![c.values().capacity()],
            },
            ColumnData::Tuple(columns) => Capacity {
                rows,
                bytes: 0,
                inner: columns.iter().map(Column::capacity).collect(),
            },
            _ => Capacity {
                rows,
                bytes: 0,
                inner: Vec::new(),
            },
        }
    }

    /// Makes room for what `capacity` says (a no-op for layouts it does not size).
    pub(crate) fn reserve(&mut self, capacity: &Capacity) {
        let rows = capacity.rows;
        let inner = |i: usize| capacity.inner.get(i);
        match &mut self.data {
            ColumnData::UInt8(v) => v.reserve(rows),
            ColumnData::UInt16(v) => v.reserve(rows),
            ColumnData::UInt32(v) => v.reserve(rows),
            ColumnData::UInt64(v) => v.reserve(rows),
            ColumnData::UInt128(v) => v.reserve(rows),
            ColumnData::Int8(v) => v.reserve(rows),
            ColumnData::Int16(v) => v.reserve(rows),
            ColumnData::Int32(v) => v.reserve(rows),
            ColumnData::Int64(v) => v.reserve(rows),
            ColumnData::Int128(v) => v.reserve(rows),
            ColumnData::Float32(v) => v.reserve(rows),
            ColumnData::Float64(v) => v.reserve(rows),
            ColumnData::Bytes16(v) => v.reserve(rows),
            ColumnData::Bytes32(v) => v.reserve(rows),
            ColumnData::String(c) | ColumnData::Json(c) => c.reserve(rows, capacity.bytes),
            ColumnData::Nullable(c) => {
                let (nulls, values) = c.parts_mut();
                nulls.reserve(rows);
                if let Some(inner) = inner(0) {
                    values.reserve(inner);
                }
            }
            ColumnData::Array(c) => {
                let (ends, values) = c.parts_mut();
                ends.reserve(rows);
                if let Some(inner) = inner(0) {
                    values.reserve(inner);
                }
            }
            ColumnData::Tuple(columns) => {
                for (i, column) in columns.iter_mut().enumerate() {
                    if let Some(inner) = inner(i) {
                        column.reserve(inner);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::column::{Column, ColumnData};
    use crate::value::Value;

    /// The inner `String` column of an `Array(Nullable(String))`, and its buffer's address.
    fn strings(column: &Column) -> *const u8 {
        let ColumnData::Array(array) = column.data() else {
            panic!("an array column")
        };
        let ColumnData::Nullable(nullable) = array.values().data() else {
            panic!("a nullable column")
        };
        let ColumnData::String(strings) = nullable.values().data() else {
            panic!("a string column")
        };
        strings.wire_bytes().as_ptr()
    }

    fn fill(column: &mut Column) {
        for i in 0..1000 {
            let items = (0..i % 3)
                .map(|j| match j {
                    1 => Value::Null,
                    _ => Value::from(format!("value {i} {j}")),
                })
                .collect();
            column.push_value(&Value::Array(items)).unwrap();
        }
    }

    #[test]
    fn a_column_sized_like_another_takes_its_rows_without_growing() {
        let data_type = "Array(Nullable(String))".parse().unwrap();
        let mut first = Column::empty(data_type).unwrap();
        fill(&mut first);
        let mut next = Column::empty(first.data_type().clone()).unwrap();
        next.reserve(&first.capacity());
        // The buffers are allocated up front and never move while the same rows go in.
        let before = strings(&next);
        fill(&mut next);
        assert_eq!(strings(&next), before);
        assert_eq!(next, first);
    }
}
