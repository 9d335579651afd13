//! column: typed columnar storage and each type family's Native serialization.
//!
//! A [`Column`] is a [`DataType`] and its values in contiguous buffers: fixed-width values in a
//! `Vec<T>` filled by bulk copy, strings as one byte buffer plus end offsets, `Nullable` as a
//! null map beside the values, arrays (and maps) as end offsets plus a child column,
//! `LowCardinality` as a dictionary plus keys. Decoding allocates per column, never per cell.
//!
//! Each family's file holds its storage and its Native serialization (state prefix and data);
//! `binary.rs` appends single values given in their per-row binary (RowBinary) form, which is how
//! `Dynamic` and `JSON` carry values of types they do not hold as columns.
//! Block framing and streams are the `native` layer's; values and rows are the `value` layer's.

mod aggregate;
mod array;
mod binary;
mod dynamic;
mod fixed;
mod json;
mod low_cardinality;
mod nullable;
mod reserve;
pub(crate) mod sparse;
mod string;
mod tuple;
mod variant;

pub use aggregate::AggregateStateColumn;
pub use array::ArrayColumn;
pub use dynamic::DynamicColumn;
pub use low_cardinality::{LowCardinalityColumn, LowCardinalityKeys};
pub use nullable::NullableColumn;
pub(crate) use reserve::Capacity;
pub(crate) use string::TextRows;
pub use string::{FixedStringColumn, StringColumn};
pub use variant::VariantColumn;

use crate::error::{Error, Result};
use crate::types::DataType;
use crate::wire::{ReadResult, Reader};
use fixed::FixedKind;

/// One column of a block: its type and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    data_type: DataType,
    data: ColumnData,
}

/// The values of a column, by physical layout.
///
/// Several types share a layout: `Date` is `UInt16`, `DateTime` is `UInt32`, `Decimal(9, S)` is
/// `Int32`, `Enum8` is `Int8`, `Map(K, V)` is an array of `(K, V)` tuples. The column's
/// [`DataType`] says how to read them.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum ColumnData {
    UInt8(Vec<u8>),
    UInt16(Vec<u16>),
    UInt32(Vec<u32>),
    UInt64(Vec<u64>),
    UInt128(Vec<u128>),
    Int8(Vec<i8>),
    Int16(Vec<i16>),
    Int32(Vec<i32>),
    Int64(Vec<i64>),
    Int128(Vec<i128>),
    Float32(Vec<f32>),
    Float64(Vec<f64>),
    /// 16 raw bytes per row: `UUID` (in wire order) and `IPv6`.
    Bytes16(Vec<[u8; 16]>),
    /// 32 little-endian bytes per row: `Int256`, `UInt256`, `Decimal(P > 38, S)`.
    Bytes32(Vec<[u8; 32]>),
    String(StringColumn),
    FixedString(FixedStringColumn),
    Nullable(NullableColumn),
    /// `Array(T)`, `Map(K, V)` (an array of tuples), `Nested` and the array-shaped geo types.
    Array(ArrayColumn),
    /// `Tuple(...)` and `Point`.
    Tuple(Vec<Column>),
    /// `Tuple()`: no element column to count the rows, so only a row count (in Native a byte
    /// per row, in RowBinary none).
    EmptyTuple(usize),
    LowCardinality(LowCardinalityColumn),
    /// `Variant(...)` and `Geometry`.
    Variant(VariantColumn),
    /// `Dynamic`.
    Dynamic(DynamicColumn),
    /// `JSON`, as one JSON document per row.
    Json(StringColumn),
    /// `AggregateFunction(...)` states the client can size, as raw bytes.
    AggregateState(AggregateStateColumn),
    /// `Nothing`: only a row count.
    Nothing(usize),
}

/// What a column's state prefix said, handed to the reading of its data.
#[derive(Debug, Clone, Default)]
pub(crate) enum Prefix {
    /// Nothing the data depends on.
    #[default]
    Plain,
    /// The prefixes of the nested columns, in order.
    Children(Vec<Prefix>),
    /// A Dynamic column's member types.
    Dynamic(Box<dynamic::DynamicPrefix>),
    /// A JSON column in the object serialization: its paths and their prefixes.
    Json(Box<json::ObjectPrefix>),
}

static PLAIN: Prefix = Prefix::Plain;

impl Prefix {
    /// The prefix of nested column `i`.
    pub(crate) fn child(&self, i: usize) -> &Prefix {
        match self {
            Prefix::Children(children) => children.get(i).unwrap_or(&PLAIN),
            _ => &PLAIN,
        }
    }
}

/// What a type is made of on the wire, after unwrapping `SimpleAggregateFunction`.
pub(crate) enum Shape<'a> {
    Fixed(FixedKind),
    String,
    FixedString(usize),
    Nullable(&'a DataType),
    /// An array of the given element type (owned: geo and map element types are synthesised).
    Array(DataType),
    Tuple(Vec<DataType>),
    /// `Tuple()`.
    EmptyTuple,
    LowCardinality(&'a DataType),
    Variant(Vec<DataType>),
    Dynamic,
    Json(&'a crate::types::JsonType),
    AggregateState(aggregate::StateLayout),
    Nothing,
}

/// The wire shape of `data_type`, or an error naming a type this crate cannot read yet.
pub(crate) fn shape(data_type: &DataType) -> Result<Shape<'_>> {
    use DataType as T;
    if let Some(kind) = FixedKind::of(data_type) {
        return Ok(Shape::Fixed(kind));
    }
    let point = || T::Point;
    Ok(match data_type {
        T::String => Shape::String,
        T::FixedString(n) => Shape::FixedString(*n),
        T::Nullable(inner) => Shape::Nullable(inner),
        T::LowCardinality(inner) => Shape::LowCardinality(inner),
        T::Array(inner) => Shape::Array((**inner).clone()),
        T::Map(key, value) => Shape::Array(T::Tuple(vec![
            crate::types::TupleElement {
                name: Some("keys".into()),
                data_type: (**key).clone(),
            },
            crate::types::TupleElement {
                name: Some("values".into()),
                data_type: (**value).clone(),
            },
        ])),
        T::Nested(fields) => Shape::Array(T::Tuple(
            fields
                .iter()
                .map(|f| crate::types::TupleElement {
                    name: Some(f.name.clone()),
                    data_type: f.data_type.clone(),
                })
                .collect(),
        )),
        T::Tuple(elements) if elements.is_empty() => Shape::EmptyTuple,
        T::Tuple(elements) => Shape::Tuple(elements.iter().map(|e| e.data_type.clone()).collect()),
        T::Point => Shape::Tuple(vec![T::Float64, T::Float64]),
        T::Ring | T::LineString | T::MultiPoint => Shape::Array(point()),
        T::Polygon => Shape::Array(T::Ring),
        T::MultiLineString => Shape::Array(T::LineString),
        T::MultiPolygon => Shape::Array(T::Polygon),
        T::Nothing => Shape::Nothing,
        T::Variant(types) => Shape::Variant(types.clone()),
        // Geometry travels exactly as this Variant: the first six sorted by name, then
        // `MultiPoint`, which newer servers (26.x) added last so that the older discriminators
        // stay (older servers never send discriminator 6; an empty seventh variant writes no bytes).
        T::Geometry => Shape::Variant(vec![
            T::LineString,
            T::MultiLineString,
            T::MultiPolygon,
            T::Point,
            T::Polygon,
            T::Ring,
            T::MultiPoint,
        ]),
        T::Dynamic { .. } => Shape::Dynamic,
        T::Json(json) => Shape::Json(json),
        T::AggregateFunction(f) => match aggregate::layout(f) {
            Some(layout) => Shape::AggregateState(layout),
            None => return Err(unsupported(data_type)),
        },
        T::SimpleAggregateFunction(f) if f.arguments.len() == 1 => return shape(&f.arguments[0]),
        other => return Err(unsupported(other)),
    })
}

fn unsupported(data_type: &DataType) -> Error {
    let reason = match data_type {
        DataType::AggregateFunction(_) => {
            "this function's states have no size the client can tell (only sum, count, min, max, any and \
             anyLast of fixed-width types are read); select `finalizeAggregation(col)` or use the `-Merge` \
             combinator instead"
        }
        _ => {
            "this type family is not supported by the Native codec yet; CAST the column to a supported type or select `toString(col)`"
        }
    };
    Error::unsupported_type(data_type.to_string(), reason)
}

impl Column {
    /// A column of `data_type` with no rows, ready to be filled.
    pub fn empty(data_type: DataType) -> Result<Column> {
        let data = match shape(&data_type)? {
            Shape::Fixed(kind) => kind.empty(),
            Shape::String => ColumnData::String(StringColumn::default()),
            Shape::FixedString(n) => ColumnData::FixedString(FixedStringColumn::new(n)),
            Shape::Nullable(inner) => {
                ColumnData::Nullable(NullableColumn::new(Column::empty(inner.clone())?))
            }
            Shape::Array(element) => ColumnData::Array(ArrayColumn::new(Column::empty(element)?)),
            Shape::Tuple(elements) => ColumnData::Tuple(
                elements
                    .into_iter()
                    .map(Column::empty)
                    .collect::<Result<_>>()?,
            ),
            Shape::EmptyTuple => ColumnData::EmptyTuple(0),
            Shape::LowCardinality(inner) => {
                ColumnData::LowCardinality(LowCardinalityColumn::new(inner)?)
            }
            Shape::Variant(types) => ColumnData::Variant(VariantColumn::new(
                types
                    .into_iter()
                    .map(Column::empty)
                    .collect::<Result<_>>()?,
            )),
            Shape::Dynamic => ColumnData::Dynamic(DynamicColumn::new()),
            Shape::Json(_) => ColumnData::Json(StringColumn::default()),
            Shape::AggregateState(layout) => {
                ColumnData::AggregateState(AggregateStateColumn::new(layout))
            }
            Shape::Nothing => ColumnData::Nothing(0),
        };
        Ok(Column { data_type, data })
    }

    /// The column's type.
    pub fn data_type(&self) -> &DataType {
        &self.data_type
    }

    /// The column's values.
    pub fn data(&self) -> &ColumnData {
        &self.data
    }

    /// The type beside the mutable values, to append values of that type.
    pub(crate) fn parts_mut(&mut self) -> (&DataType, &mut ColumnData) {
        (&self.data_type, &mut self.data)
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        match &self.data {
            ColumnData::UInt8(v) => v.len(),
            ColumnData::UInt16(v) => v.len(),
            ColumnData::UInt32(v) => v.len(),
            ColumnData::UInt64(v) => v.len(),
            ColumnData::UInt128(v) => v.len(),
            ColumnData::Int8(v) => v.len(),
            ColumnData::Int16(v) => v.len(),
            ColumnData::Int32(v) => v.len(),
            ColumnData::Int64(v) => v.len(),
            ColumnData::Int128(v) => v.len(),
            ColumnData::Float32(v) => v.len(),
            ColumnData::Float64(v) => v.len(),
            ColumnData::Bytes16(v) => v.len(),
            ColumnData::Bytes32(v) => v.len(),
            ColumnData::String(c) => c.len(),
            ColumnData::FixedString(c) => c.len(),
            ColumnData::Nullable(c) => c.len(),
            ColumnData::Array(c) => c.len(),
            ColumnData::Tuple(elements) => elements.first().map_or(0, Column::len),
            ColumnData::LowCardinality(c) => c.len(),
            ColumnData::Variant(c) => c.len(),
            ColumnData::Dynamic(c) => c.len(),
            ColumnData::Json(c) => c.len(),
            ColumnData::AggregateState(c) => c.len(),
            ColumnData::Nothing(n) | ColumnData::EmptyTuple(n) => *n,
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Approximate bytes held, for sizing insert blocks.
    pub fn byte_size(&self) -> usize {
        match &self.data {
            ColumnData::String(c) => c.byte_size(),
            ColumnData::FixedString(c) => c.byte_size(),
            ColumnData::Nullable(c) => c.len() + c.values().byte_size(),
            ColumnData::Array(c) => c.len() * 8 + c.values().byte_size(),
            ColumnData::Tuple(elements) => elements.iter().map(Column::byte_size).sum(),
            ColumnData::LowCardinality(c) => c.byte_size(),
            ColumnData::Variant(c) => c.byte_size(),
            ColumnData::Dynamic(c) => c.byte_size(),
            ColumnData::Json(c) => c.byte_size(),
            ColumnData::AggregateState(c) => c.byte_size(),
            // A byte per row on the wire (see `tuple` for `Tuple()`).
            ColumnData::Nothing(n) | ColumnData::EmptyTuple(n) => *n,
            _ => self.len() * FixedKind::of(&self.data_type).map_or(8, FixedKind::width),
        }
    }

    /// Reads the state prefix of a column of `data_type`.
    pub(crate) fn read_prefix(data_type: &DataType, r: &mut Reader<'_>) -> ReadResult<Prefix> {
        r.descend()?;
        let prefix = Column::read_prefix_here(data_type, r);
        r.ascend();
        prefix
    }

    fn read_prefix_here(data_type: &DataType, r: &mut Reader<'_>) -> ReadResult<Prefix> {
        Ok(match shape(data_type)? {
            Shape::Nullable(inner) => Prefix::Children(vec![Column::read_prefix(inner, r)?]),
            Shape::Array(element) => Prefix::Children(vec![Column::read_prefix(&element, r)?]),
            Shape::Tuple(elements) => Prefix::Children(
                elements
                    .iter()
                    .map(|e| Column::read_prefix(e, r))
                    .collect::<ReadResult<_>>()?,
            ),
            Shape::LowCardinality(_) => {
                low_cardinality::read_prefix(r)?;
                Prefix::Plain
            }
            Shape::Variant(types) => variant::read_prefix(&types, r)?,
            Shape::Dynamic => dynamic::read_prefix(r)?,
            Shape::Json(json) => json::read_prefix(json, r)?,
            _ => Prefix::Plain,
        })
    }

    /// Reads `rows` values of a type without a state prefix that matters (dictionaries).
    pub(crate) fn read_data(
        data_type: &DataType,
        rows: usize,
        r: &mut Reader<'_>,
    ) -> ReadResult<Column> {
        Column::read_data_with(data_type, &PLAIN, rows, r)
    }

    /// Reads `rows` values of `data_type`, given what its prefix said.
    pub(crate) fn read_data_with(
        data_type: &DataType,
        prefix: &Prefix,
        rows: usize,
        r: &mut Reader<'_>,
    ) -> ReadResult<Column> {
        r.descend()?;
        let column = Column::read_data_here(data_type, prefix, rows, r);
        r.ascend();
        column
    }

    /// Reads `rows` values of `data_type` into the buffers of `spare` (a spent column of a
    /// block before) when it has that type and a layout that can take them (numbers, strings,
    /// and `Nullable` and `Array` columns of them); the spare is then taken. Otherwise, or
    /// when `spare` is `None`, reads them fresh. The values are the same either way. On an
    /// error the spare stays in `spare` (holding no valid rows, fit to be filled again).
    pub(crate) fn read_data_reusing(
        data_type: &DataType,
        prefix: &Prefix,
        rows: usize,
        r: &mut Reader<'_>,
        spare: &mut Option<Column>,
    ) -> ReadResult<Column> {
        let Some(mut column) = spare.take() else {
            return Column::read_data_with(data_type, prefix, rows, r);
        };
        match column.fill_or_read(data_type, prefix, rows, r) {
            Ok(()) => Ok(column),
            Err(e) => {
                *spare = Some(column);
                Err(e)
            }
        }
    }

    /// Reads `rows` values of `data_type` into this column's buffers, replacing its rows, or
    /// reads them fresh into a new column in its place when its type differs or its layout
    /// has no such path.
    pub(crate) fn fill_or_read(
        &mut self,
        data_type: &DataType,
        prefix: &Prefix,
        rows: usize,
        r: &mut Reader<'_>,
    ) -> ReadResult<()> {
        if self.data_type == *data_type {
            r.descend()?;
            let filled = self.fill(prefix, rows, r);
            r.ascend();
            if filled? {
                return Ok(());
            }
        }
        *self = Column::read_data_with(data_type, prefix, rows, r)?;
        Ok(())
    }

    /// [`fill_or_read`](Self::fill_or_read)'s reuse: `false` (nothing read) when the
    /// column's layout has no reuse path.
    fn fill(&mut self, prefix: &Prefix, rows: usize, r: &mut Reader<'_>) -> ReadResult<bool> {
        let Column { data_type, data } = self;
        match (shape(data_type)?, data) {
            (Shape::Fixed(kind), data) => kind.fill(rows, r, data),
            (Shape::String, ColumnData::String(c)) => c.fill(rows, r).map(|()| true),
            (Shape::Nullable(inner), ColumnData::Nullable(c)) => {
                c.fill(inner, prefix, rows, r).map(|()| true)
            }
            (Shape::Array(element), ColumnData::Array(c)) => {
                c.fill(&element, prefix, rows, r).map(|()| true)
            }
            _ => Ok(false),
        }
    }

    fn read_data_here(
        data_type: &DataType,
        prefix: &Prefix,
        rows: usize,
        r: &mut Reader<'_>,
    ) -> ReadResult<Column> {
        let data = match shape(data_type)? {
            Shape::Fixed(kind) => kind.read(rows, r)?,
            Shape::String => ColumnData::String(StringColumn::read(rows, r)?),
            Shape::FixedString(n) => ColumnData::FixedString(FixedStringColumn::read(n, rows, r)?),
            Shape::Nullable(inner) => {
                ColumnData::Nullable(NullableColumn::read(inner, prefix, rows, r)?)
            }
            Shape::Array(element) => {
                ColumnData::Array(ArrayColumn::read(element, prefix, rows, r)?)
            }
            Shape::Tuple(elements) => ColumnData::Tuple(tuple::read(&elements, prefix, rows, r)?),
            Shape::EmptyTuple => {
                r.take(rows)?;
                ColumnData::EmptyTuple(rows)
            }
            Shape::LowCardinality(inner) => {
                ColumnData::LowCardinality(LowCardinalityColumn::read(inner, rows, r)?)
            }
            Shape::Variant(types) => {
                ColumnData::Variant(VariantColumn::read(&types, prefix, rows, r)?)
            }
            Shape::Dynamic => ColumnData::Dynamic(DynamicColumn::read(prefix, rows, r)?),
            Shape::Json(json) => ColumnData::Json(json::read(json, prefix, rows, r)?),
            Shape::AggregateState(layout) => {
                ColumnData::AggregateState(AggregateStateColumn::read(layout, rows, r)?)
            }
            Shape::Nothing => {
                r.take(rows)?;
                ColumnData::Nothing(rows)
            }
        };
        Ok(Column {
            data_type: data_type.clone(),
            data,
        })
    }

    /// Appends the column's state prefix.
    pub(crate) fn write_prefix(&self, out: &mut Vec<u8>) {
        match &self.data {
            ColumnData::Nullable(c) => c.values().write_prefix(out),
            ColumnData::Array(c) => c.values().write_prefix(out),
            ColumnData::Tuple(elements) => elements.iter().for_each(|e| e.write_prefix(out)),
            ColumnData::LowCardinality(_) => low_cardinality::write_prefix(out),
            ColumnData::Variant(c) => c.write_prefix(out),
            ColumnData::Dynamic(c) => c.write_prefix(out),
            ColumnData::Json(_) => json::write_prefix(out),
            _ => {}
        }
    }

    /// Appends the column's values.
    pub(crate) fn write_data(&self, out: &mut Vec<u8>) {
        use crate::wire::put_pod;
        match &self.data {
            ColumnData::UInt8(v) => put_pod(out, v),
            ColumnData::UInt16(v) => put_pod(out, v),
            ColumnData::UInt32(v) => put_pod(out, v),
            ColumnData::UInt64(v) => put_pod(out, v),
            ColumnData::UInt128(v) => put_pod(out, v),
            ColumnData::Int8(v) => put_pod(out, v),
            ColumnData::Int16(v) => put_pod(out, v),
            ColumnData::Int32(v) => put_pod(out, v),
            ColumnData::Int64(v) => put_pod(out, v),
            ColumnData::Int128(v) => put_pod(out, v),
            ColumnData::Float32(v) => put_pod(out, v),
            ColumnData::Float64(v) => put_pod(out, v),
            ColumnData::Bytes16(v) => v.iter().for_each(|b| out.extend_from_slice(b)),
            ColumnData::Bytes32(v) => v.iter().for_each(|b| out.extend_from_slice(b)),
            ColumnData::String(c) => c.write(out),
            ColumnData::FixedString(c) => c.write(out),
            ColumnData::Nullable(c) => c.write(out),
            ColumnData::Array(c) => c.write(out),
            ColumnData::Tuple(elements) => elements.iter().for_each(|e| e.write_data(out)),
            ColumnData::LowCardinality(c) => c.write(out),
            ColumnData::Variant(c) => c.write(out),
            ColumnData::Dynamic(c) => c.write(out),
            ColumnData::Json(c) => c.write(out),
            ColumnData::AggregateState(c) => c.write(out),
            // A byte per row, as the server writes them (see `tuple` for `Tuple()`).
            ColumnData::Nothing(n) | ColumnData::EmptyTuple(n) => out.resize(out.len() + n, b'0'),
        }
    }

    /// A copy of rows `start..end`.
    pub fn slice(&self, start: usize, end: usize) -> Column {
        let data = match &self.data {
            ColumnData::UInt8(v) => ColumnData::UInt8(v[start..end].to_vec()),
            ColumnData::UInt16(v) => ColumnData::UInt16(v[start..end].to_vec()),
            ColumnData::UInt32(v) => ColumnData::UInt32(v[start..end].to_vec()),
            ColumnData::UInt64(v) => ColumnData::UInt64(v[start..end].to_vec()),
            ColumnData::UInt128(v) => ColumnData::UInt128(v[start..end].to_vec()),
            ColumnData::Int8(v) => ColumnData::Int8(v[start..end].to_vec()),
            ColumnData::Int16(v) => ColumnData::Int16(v[start..end].to_vec()),
            ColumnData::Int32(v) => ColumnData::Int32(v[start..end].to_vec()),
            ColumnData::Int64(v) => ColumnData::Int64(v[start..end].to_vec()),
            ColumnData::Int128(v) => ColumnData::Int128(v[start..end].to_vec()),
            ColumnData::Float32(v) => ColumnData::Float32(v[start..end].to_vec()),
            ColumnData::Float64(v) => ColumnData::Float64(v[start..end].to_vec()),
            ColumnData::Bytes16(v) => ColumnData::Bytes16(v[start..end].to_vec()),
            ColumnData::Bytes32(v) => ColumnData::Bytes32(v[start..end].to_vec()),
            ColumnData::String(c) => ColumnData::String(c.slice(start, end)),
            ColumnData::FixedString(c) => ColumnData::FixedString(c.slice(start, end)),
            ColumnData::Nullable(c) => ColumnData::Nullable(c.slice(start, end)),
            ColumnData::Array(c) => ColumnData::Array(c.slice(start, end)),
            ColumnData::EmptyTuple(_) => ColumnData::EmptyTuple(end - start),
            ColumnData::Tuple(elements) => {
                ColumnData::Tuple(elements.iter().map(|e| e.slice(start, end)).collect())
            }
            ColumnData::LowCardinality(c) => ColumnData::LowCardinality(c.slice(start, end)),
            ColumnData::Variant(c) => ColumnData::Variant(c.slice(start, end)),
            ColumnData::Dynamic(c) => ColumnData::Dynamic(c.slice(start, end)),
            ColumnData::Json(c) => ColumnData::Json(c.slice(start, end)),
            ColumnData::AggregateState(c) => ColumnData::AggregateState(c.slice(start, end)),
            ColumnData::Nothing(_) => ColumnData::Nothing(end - start),
        };
        Column {
            data_type: self.data_type.clone(),
            data,
        }
    }
}
