//! Single values in their per-row binary form (ClickHouse's `serializeBinary`, the RowBinary
//! encoding), appended to columns.
//!
//! Fixed-width values are their little-endian bytes (as in Native); `String` is a VarUInt length
//! and the bytes; `FixedString(N)` is N bytes; `Nullable` a flag byte (1 = NULL) then the value
//! when not NULL; `Array` and `Map` a VarUInt count then the elements (pairs); `Tuple` its
//! elements; `LowCardinality` the inner value; `Variant` a discriminator byte (255 = NULL) then
//! the value; `Dynamic` a binary-encoded type (see `types::binary`; `Nothing` = NULL) then the
//! value; `JSON` a VarUInt path count, then each path and its value (typed paths in their type,
//! the others as `Dynamic`). Values decode into a column, so a value of any type is read once
//! and `Column::value` renders it, like any other row.

use chrono_tz::Tz;

use super::{Column, ColumnData};
use crate::error::{Error, Result};
use crate::types::{self, DataType, MAX_DEPTH};
use crate::wire::{ReadError, ReadResult, Reader};

impl Column {
    /// Appends one value given in its RowBinary form and returns the number of bytes it took.
    ///
    /// `zone` is the server's zone, in which zone-less `DateTime` values inside `JSON` documents
    /// are written as text. Malformed or truncated bytes are an error and leave the column as
    /// it was.
    ///
    /// ```
    /// use clickhouse_connect::{Column, DataType, Value};
    ///
    /// let mut column = Column::empty("Array(Nullable(UInt8))".parse().unwrap()).unwrap();
    /// // [1, NULL]: two elements, then (not NULL, 1) and (NULL).
    /// assert_eq!(column.push_row_binary(&[2, 0, 1, 1], chrono_tz::Tz::UTC).unwrap(), 4);
    /// assert_eq!(
    ///     column.value(0, chrono_tz::Tz::UTC),
    ///     Value::Array(vec![Value::UInt8(1), Value::Null])
    /// );
    /// assert!(column.push_row_binary(&[2, 0], chrono_tz::Tz::UTC).is_err());
    /// assert_eq!(column.len(), 1);
    /// ```
    pub fn push_row_binary(&mut self, bytes: &[u8], zone: Tz) -> Result<usize> {
        let before = self.len();
        let mut r = Reader::new(bytes, 0).with_zone(zone);
        let result = self.read_row_binary(&mut r, 0);
        match types::complete_read(result, &r, "binary value") {
            Ok(()) => Ok(r.position()),
            Err(e) => {
                *self = self.slice(0, before);
                Err(e)
            }
        }
    }

    /// Reads one value in its RowBinary form and appends it.
    pub(crate) fn read_row_binary(&mut self, r: &mut Reader<'_>, depth: usize) -> ReadResult<()> {
        if depth > MAX_DEPTH {
            return Err(r.invalid(format!(
                "binary value nested deeper than {MAX_DEPTH} levels"
            )));
        }
        let Column { data_type, data } = self;
        match data {
            ColumnData::UInt8(v) => v.push(r.u8()?),
            ColumnData::UInt16(v) => v.push(u16::from_le_bytes(r.fixed()?)),
            ColumnData::UInt32(v) => v.push(u32::from_le_bytes(r.fixed()?)),
            ColumnData::UInt64(v) => v.push(u64::from_le_bytes(r.fixed()?)),
            ColumnData::UInt128(v) => v.push(u128::from_le_bytes(r.fixed()?)),
            ColumnData::Int8(v) => v.push(r.u8()? as i8),
            ColumnData::Int16(v) => v.push(i16::from_le_bytes(r.fixed()?)),
            ColumnData::Int32(v) => v.push(i32::from_le_bytes(r.fixed()?)),
            ColumnData::Int64(v) => v.push(i64::from_le_bytes(r.fixed()?)),
            ColumnData::Int128(v) => v.push(i128::from_le_bytes(r.fixed()?)),
            ColumnData::Float32(v) => v.push(f32::from_le_bytes(r.fixed()?)),
            ColumnData::Float64(v) => v.push(f64::from_le_bytes(r.fixed()?)),
            ColumnData::Bytes16(v) => v.push(r.fixed()?),
            ColumnData::Bytes32(v) => v.push(r.fixed()?),
            ColumnData::String(c) => c.push(r.bytes()?),
            ColumnData::FixedString(c) => {
                let bytes = r.take(c.width())?;
                c.push(bytes);
            }
            ColumnData::Nullable(c) => {
                let (nulls, values) = c.parts_mut();
                if r.u8()? != 0 {
                    values.push_default().map_err(ReadError::Invalid)?;
                    nulls.push(1);
                } else {
                    values.read_row_binary(r, depth + 1)?;
                    nulls.push(0);
                }
            }
            ColumnData::Array(c) => {
                let n = r.varuint()?;
                let (ends, values) = c.parts_mut();
                // Every element takes at least a byte (no column type has empty values but
                // `Nothing`, whose arrays are empty, and `Tuple()`, whose values are counted
                // against the bound on rows without bytes as they are read): a count past the
                // bytes left cannot be met.
                if n > r.remaining() as u64 && !takes_no_bytes(values) {
                    return Err(ReadError::Incomplete);
                }
                for _ in 0..n {
                    values.read_row_binary(r, depth + 1)?;
                }
                ends.push(values.len() as u64);
            }
            ColumnData::Tuple(elements) => {
                for element in elements {
                    element.read_row_binary(r, depth + 1)?;
                }
            }
            ColumnData::LowCardinality(c) => {
                // The inner value, then into the dictionary as a value of the inner type.
                let inner = match data_type.stored() {
                    DataType::LowCardinality(inner) => (**inner).clone(),
                    other => other.clone(),
                };
                let mut one = Column::empty(inner).map_err(ReadError::Invalid)?;
                one.read_row_binary(r, depth + 1)?;
                let value = one.value(0, Tz::UTC);
                crate::value::push_low_cardinality(c, data_type, &value)
                    .map_err(ReadError::Invalid)?;
            }
            ColumnData::Variant(c) => {
                let at = r.offset();
                let d = r.u8()?;
                if d == super::variant::NULL_DISCRIMINATOR {
                    c.push_null();
                } else {
                    let Some(variant) = c.variants_mut().get_mut(usize::from(d)) else {
                        return Err(ReadError::Invalid(Error::decode(
                            at,
                            format!(
                                "variant discriminator {d} for {} variants",
                                c.variants().len()
                            ),
                        )));
                    };
                    variant.read_row_binary(r, depth + 1)?;
                    c.pushed(usize::from(d));
                }
            }
            ColumnData::Dynamic(c) => c.read_row_binary(r, depth + 1)?,
            ColumnData::Json(c) => super::json::read_row_binary(data_type, c, r, depth + 1)?,
            ColumnData::AggregateState(c) => c.read_row_binary(r)?,
            ColumnData::Nothing(n) => *n += 1,
            ColumnData::EmptyTuple(rows) => {
                r.rows_without_bytes(1, "Tuple()")?;
                *rows += 1;
            }
        }
        Ok(())
    }
}

impl super::DynamicColumn {
    /// Reads a binary-encoded type and a value of it, and appends the value.
    pub(crate) fn read_row_binary(&mut self, r: &mut Reader<'_>, depth: usize) -> ReadResult<()> {
        let at = r.offset();
        let data_type = types::read_binary(r)?;
        if data_type == DataType::Nothing {
            self.push_null();
            return Ok(());
        }
        let d = self.variant_for(&data_type).map_err(|e| {
            ReadError::Invalid(Error::decode(
                at,
                format!("Dynamic value of {data_type}: {e}"),
            ))
        })?;
        let values = self.values_mut();
        values.variants_mut()[d].read_row_binary(r, depth)?;
        values.pushed(d);
        Ok(())
    }
}

/// Whether a value of `column`'s type takes no bytes in RowBinary: `Tuple()`, and tuples of
/// nothing else.
fn takes_no_bytes(column: &Column) -> bool {
    match &column.data {
        ColumnData::EmptyTuple(_) => true,
        ColumnData::Tuple(elements) => elements.iter().all(takes_no_bytes),
        _ => false,
    }
}
