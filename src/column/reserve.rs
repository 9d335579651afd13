//! Room up front: a column sized like the one before it, or the one before it emptied.
//!
//! An insert builds blocks of about the same shape one after another. Growing each new
//! column from empty costs a dozen reallocations per buffer, each copying what it holds and
//! touching fresh pages; [`Column::capacity`] notes what a block's column ended up holding and
//! [`Column::reserve`] gives the next block's column that room at once. Better still, once a
//! block is encoded its columns are [cleared](Column::clear) and filled again: no allocation
//! and no page fault per block.

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

    /// Removes every row, keeping the buffers' room for the next rows. Layouts that keep more
    /// than buffers (variants, `Dynamic`, aggregate states) start again empty.
    pub(crate) fn clear(&mut self) {
        match &mut self.data {
            ColumnData::UInt8(v) => v.clear(),
            ColumnData::UInt16(v) => v.clear(),
            ColumnData::UInt32(v) => v.clear(),
            ColumnData::UInt64(v) => v.clear(),
            ColumnData::UInt128(v) => v.clear(),
            ColumnData::Int8(v) => v.clear(),
            ColumnData::Int16(v) => v.clear(),
            ColumnData::Int32(v) => v.clear(),
            ColumnData::Int64(v) => v.clear(),
            ColumnData::Int128(v) => v.clear(),
            ColumnData::Float32(v) => v.clear(),
            ColumnData::Float64(v) => v.clear(),
            ColumnData::Bytes16(v) => v.clear(),
            ColumnData::Bytes32(v) => v.clear(),
            ColumnData::String(c) | ColumnData::Json(c) => c.clear(),
            ColumnData::FixedString(c) => c.clear(),
            ColumnData::Nullable(c) => {
                let (nulls, values) = c.parts_mut();
                nulls.clear();
                values.clear();
            }
            ColumnData::Array(c) => {
                let (ends, values) = c.parts_mut();
                ends.clear();
                values.clear();
            }
            ColumnData::Tuple(columns) => columns.iter_mut().for_each(Column::clear),
            ColumnData::LowCardinality(c) => c.clear(),
            ColumnData::Nothing(rows) | ColumnData::EmptyTuple(rows) => *rows = 0,
            ColumnData::Variant(_) | ColumnData::Dynamic(_) | ColumnData::AggregateState(_) => {
                if let Ok(empty) = Column::empty(self.data_type.clone()) {
                    *self = empty;
                }
            }
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

    /// Row `i` of a column of `data_type`, from a set of `distinct` values.
    fn value(data_type: &str, i: usize, distinct: usize) -> Value {
        let text = |i: usize| Value::from(format!("v{}", i % distinct));
        match data_type {
            "UInt64" => Value::UInt64(i as u64),
            "Nullable(String)" | "LowCardinality(Nullable(String))" if i % 7 == 0 => Value::Null,
            "Array(Nullable(String))" => Value::Array(
                (0..i % 3)
                    .map(|j| if j == 1 { Value::Null } else { text(i + j) })
                    .collect(),
            ),
            "Tuple(FixedString(3), LowCardinality(String))" => {
                Value::Tuple(vec![Value::from(format!("{:03}", i % 1000)), text(i)])
            }
            "Variant(String, UInt8)" if i % 2 == 0 => Value::UInt8(i as u8),
            _ => text(i),
        }
    }

    #[test]
    fn a_cleared_column_fills_like_a_new_one() {
        for data_type in [
            "UInt64",
            "String",
            "Nullable(String)",
            "Array(Nullable(String))",
            "LowCardinality(String)",
            "LowCardinality(Nullable(String))",
            "Tuple(FixedString(3), LowCardinality(String))",
            "Variant(String, UInt8)",
        ] {
            let data_type: crate::types::DataType = data_type.parse().unwrap();
            let name = data_type.to_string();
            let mut column = Column::empty(data_type.clone()).unwrap();
            // First many distinct values (a dictionary past its scanned size), then few.
            for i in 0..1000 {
                column.push_value(&value(&name, i, 50)).unwrap();
            }
            column.clear();
            assert_eq!(column.len(), 0, "{name}");
            let mut fresh = Column::empty(data_type).unwrap();
            for i in 0..700 {
                column.push_value(&value(&name, i + 3, 5)).unwrap();
                fresh.push_value(&value(&name, i + 3, 5)).unwrap();
            }
            assert_eq!(column, fresh, "{name}");
            let mut written = Vec::new();
            let mut expected = Vec::new();
            column.write_data(&mut written);
            fresh.write_data(&mut expected);
            assert_eq!(written, expected, "{name}");
        }
        // The buffers stay: a cleared string column takes as many rows without moving.
        let mut column = Column::empty("Array(Nullable(String))".parse().unwrap()).unwrap();
        fill(&mut column);
        column.clear();
        let before = strings(&column);
        fill(&mut column);
        assert_eq!(strings(&column), before);
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
