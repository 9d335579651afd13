//! How each column of a block is read into serde, resolved once per block.
//!
//! A [`Reader`] holds direct references to a column's buffers, chosen by its type, so that a
//! row's cell costs one `match` and a slice index: no walk through `Column`/`DataType` pairs,
//! no `Value`, no allocation. String buffers are checked for UTF-8 once, on first use.

use std::cell::OnceCell;

use chrono_tz::Tz;

use crate::column::{
    ArrayColumn, Column, ColumnData, FixedStringColumn, LowCardinalityColumn, StringColumn,
    TextRows, VariantColumn,
};
use crate::types::DataType;

/// One column, ready to hand its cells to serde.
pub(super) enum Reader<'de> {
    /// `Nothing`: every row is NULL.
    Null,
    Bool(&'de [u8]),
    U8(&'de [u8]),
    U16(&'de [u16]),
    U32(&'de [u32]),
    U64(&'de [u64]),
    U128(&'de [u128]),
    I8(&'de [i8]),
    I16(&'de [i16]),
    I32(&'de [i32]),
    I64(&'de [i64]),
    I128(&'de [i128]),
    F32(&'de [f32]),
    F64(&'de [f64]),
    /// `BFloat16`: the upper half of an `f32`.
    BFloat16(&'de [u16]),
    /// `String`.
    Str(Strings<'de>),
    /// `JSON` documents as text: parsed by `serde_json` into the field's type, or the text
    /// itself to string fields.
    Json(Strings<'de>),
    /// `FixedString(N)`: raw bytes.
    Bytes(&'de FixedStringColumn),
    /// Values handed over as text (dates, date-times, enums, decimals, UUIDs, IPs, 256-bit
    /// integers); dates, date-times and enums also as their stored number to integer fields.
    Text {
        column: &'de Column,
        number: Option<Number<'de>>,
        /// The zone of `DateTime` columns whose type names none.
        zone: Tz,
    },
    Nullable {
        nulls: &'de [u8],
        values: Box<Reader<'de>>,
    },
    LowCardinality {
        column: &'de LowCardinalityColumn,
        dictionary: Box<Reader<'de>>,
    },
    Array {
        array: &'de ArrayColumn,
        values: Box<Reader<'de>>,
    },
    Map {
        array: &'de ArrayColumn,
        keys: Box<Reader<'de>>,
        values: Box<Reader<'de>>,
    },
    Tuple(Vec<Reader<'de>>),
    /// `Variant`, `Geometry` and `Dynamic`.
    Variant {
        column: &'de VariantColumn,
        variants: Vec<Reader<'de>>,
    },
}

/// The stored number of a date, date-time or enum.
#[derive(Clone, Copy)]
pub(super) enum Number<'de> {
    U16(&'de [u16]),
    U32(&'de [u32]),
    I8(&'de [i8]),
    I16(&'de [i16]),
    I32(&'de [i32]),
    I64(&'de [i64]),
}

/// A string column's rows as text, its UTF-8 check done on first use.
pub(super) struct Strings<'de> {
    column: &'de StringColumn,
    text: OnceCell<TextRows<'de>>,
}

impl<'de> Strings<'de> {
    fn new(column: &'de StringColumn) -> Self {
        Strings {
            column,
            text: OnceCell::new(),
        }
    }

    /// Hands row `i` to `visitor`, borrowed: as text, or as bytes when it is not UTF-8.
    #[inline(always)]
    pub(super) fn visit<V: serde::de::Visitor<'de>, E>(
        &self,
        i: usize,
        visitor: V,
    ) -> Result<V::Value, E>
    where
        E: serde::de::Error,
    {
        match self.get(i) {
            Ok(text) => visitor.visit_borrowed_str(text),
            Err(bytes) => visitor.visit_borrowed_bytes(bytes),
        }
    }

    /// Row `i` as text, or as bytes when it is not UTF-8.
    #[inline(always)]
    pub(super) fn get(&self, i: usize) -> Result<&'de str, &'de [u8]> {
        self.text.get_or_init(|| TextRows::new(self.column)).get(i)
    }
}

impl<'de> Reader<'de> {
    /// The reader for `column`, by its type and layout.
    pub(super) fn new(column: &'de Column, zone: Tz) -> Reader<'de> {
        let t = column.data_type().stored();
        let text = |number| Reader::Text {
            column,
            number,
            zone,
        };
        let new = |column| Reader::new(column, zone);
        match (column.data(), t) {
            (ColumnData::UInt8(v), DataType::Bool) => Reader::Bool(v),
            (ColumnData::UInt8(v), _) => Reader::U8(v),
            (ColumnData::UInt16(v), DataType::UInt16) => Reader::U16(v),
            (ColumnData::UInt16(v), DataType::BFloat16) => Reader::BFloat16(v),
            (ColumnData::UInt16(v), _) => text(Some(Number::U16(v))),
            (ColumnData::UInt32(v), DataType::UInt32) => Reader::U32(v),
            (ColumnData::UInt32(v), DataType::DateTime { .. }) => text(Some(Number::U32(v))),
            (ColumnData::UInt64(v), _) => Reader::U64(v),
            (ColumnData::UInt128(v), _) => Reader::U128(v),
            (ColumnData::Int8(v), DataType::Int8) => Reader::I8(v),
            (ColumnData::Int8(v), DataType::Enum8(_)) => text(Some(Number::I8(v))),
            (ColumnData::Int16(v), DataType::Int16) => Reader::I16(v),
            (ColumnData::Int16(v), DataType::Enum16(_)) => text(Some(Number::I16(v))),
            (ColumnData::Int32(v), DataType::Int32 | DataType::Time) => Reader::I32(v),
            (ColumnData::Int32(v), DataType::Date32) => text(Some(Number::I32(v))),
            (
                ColumnData::Int64(v),
                DataType::Int64 | DataType::Time64 { .. } | DataType::Interval(_),
            ) => Reader::I64(v),
            (ColumnData::Int64(v), DataType::DateTime64 { .. }) => text(Some(Number::I64(v))),
            (ColumnData::Int128(v), DataType::Int128) => Reader::I128(v),
            (ColumnData::Float32(v), _) => Reader::F32(v),
            (ColumnData::Float64(v), _) => Reader::F64(v),
            (ColumnData::String(s), _) => Reader::Str(Strings::new(s)),
            (ColumnData::Json(s), _) => Reader::Json(Strings::new(s)),
            (ColumnData::FixedString(s), _) => Reader::Bytes(s),
            (ColumnData::Nullable(c), _) => Reader::Nullable {
                nulls: c.nulls(),
                values: Box::new(new(c.values())),
            },
            (ColumnData::LowCardinality(c), _) => Reader::LowCardinality {
                column: c,
                dictionary: Box::new(new(c.dictionary())),
            },
            (ColumnData::Array(array), t) => match (t, array.values().data()) {
                (DataType::Map(..), ColumnData::Tuple(kv)) if kv.len() == 2 => Reader::Map {
                    array,
                    keys: Box::new(new(&kv[0])),
                    values: Box::new(new(&kv[1])),
                },
                _ => Reader::Array {
                    array,
                    values: Box::new(new(array.values())),
                },
            },
            (ColumnData::Tuple(elements), _) => Reader::Tuple(elements.iter().map(new).collect()),
            (ColumnData::EmptyTuple(_), _) => Reader::Tuple(Vec::new()),
            (ColumnData::Variant(c), _) => Reader::variant(c, zone),
            (ColumnData::Dynamic(c), _) => Reader::variant(c.values(), zone),
            (ColumnData::Nothing(_), _) => Reader::Null,
            // Decimals, UUIDs, IPs, 256-bit integers, aggregate states.
            _ => text(None),
        }
    }

    fn variant(column: &'de VariantColumn, zone: Tz) -> Reader<'de> {
        Reader::Variant {
            column,
            variants: column
                .variants()
                .iter()
                .map(|v| Reader::new(v, zone))
                .collect(),
        }
    }
}

impl Number<'_> {
    /// Row `i`'s number, widened.
    #[inline(always)]
    pub(super) fn get(self, i: usize) -> i64 {
        match self {
            Number::U16(v) => i64::from(v[i]),
            Number::U32(v) => i64::from(v[i]),
            Number::I8(v) => i64::from(v[i]),
            Number::I16(v) => i64::from(v[i]),
            Number::I32(v) => i64::from(v[i]),
            Number::I64(v) => v[i],
        }
    }
}
