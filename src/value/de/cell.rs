//! One cell of a planned column as a serde [`Deserializer`].
//!
//! Numbers, strings (borrowed), arrays, maps and tuples go to serde straight from the buffers.
//! Dates and date-times go to integer fields as their stored number (days, Unix seconds, ticks)
//! and to other fields (chrono's types) as text (RFC 3339); enums to integer fields as their
//! number, else as their label; UUIDs, IPs and decimals as text, decimals to float fields as
//! numbers; `JSON` documents parsed by `serde_json` into the field's type (a string field gets
//! the text). `Nullable`, `LowCardinality` and `Variant` are seen through, NULL being `None`.
//! Each typed method has a fast path for the layout it expects and falls back to the general
//! one, kept out of line so the fast paths inline into serde's generated code.

use chrono_tz::Tz;
use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Unexpected,
    Visitor,
};

use super::reader::Reader;
use super::{DeResult, SerdeError};
use crate::column::Column;
use crate::value::Value;

/// Row `row` of the column `reader` reads.
#[derive(Clone, Copy)]
pub(super) struct Cell<'de, 'p> {
    pub(super) reader: &'p Reader<'de>,
    pub(super) row: usize,
}

impl<'de, 'p> Cell<'de, 'p> {
    #[inline]
    fn at(self, reader: &'p Reader<'de>, row: usize) -> Self {
        Cell { reader, row }
    }

    /// The cell holding the value, through Nullable, LowCardinality and Variant; `None` for NULL.
    #[inline(always)]
    fn resolve(self) -> Option<Self> {
        let mut c = self;
        loop {
            match c.reader {
                Reader::Nullable { nulls, values } => {
                    if nulls[c.row] != 0 {
                        return None;
                    }
                    c.reader = values;
                }
                Reader::LowCardinality { column, dictionary } => {
                    c.row = column.index(c.row)?;
                    c.reader = dictionary;
                }
                Reader::Variant { column, variants } => {
                    let (d, p) = column.locate(c.row)?;
                    c = c.at(&variants[d], p);
                }
                Reader::Null => return None,
                _ => return Some(c),
            }
        }
    }

    /// The value, or an error for NULL naming what the field expected.
    #[inline]
    fn required<V: Visitor<'de>>(self, visitor: &V) -> DeResult<Self> {
        self.resolve()
            .ok_or_else(|| de::Error::invalid_type(Unexpected::Other("NULL"), visitor))
    }

    /// Any field type, through Nullable, LowCardinality and Variant: the path the fast
    /// paths of the typed methods fall back to.
    #[inline(never)]
    fn general<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        self.required(&visitor)?.any(visitor)
    }

    /// A resolved cell's value for a field that takes anything.
    fn any<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        let i = self.row;
        match self.reader {
            Reader::Bool(v) => visitor.visit_bool(v[i] != 0),
            Reader::U8(v) => visitor.visit_u8(v[i]),
            Reader::U16(v) => visitor.visit_u16(v[i]),
            Reader::U32(v) => visitor.visit_u32(v[i]),
            Reader::U64(v) => visitor.visit_u64(v[i]),
            Reader::U128(v) => visitor.visit_u128(v[i]),
            Reader::I8(v) => visitor.visit_i8(v[i]),
            Reader::I16(v) => visitor.visit_i16(v[i]),
            Reader::I32(v) => visitor.visit_i32(v[i]),
            Reader::I64(v) => visitor.visit_i64(v[i]),
            Reader::I128(v) => visitor.visit_i128(v[i]),
            Reader::F32(v) => visitor.visit_f32(v[i]),
            Reader::F64(v) => visitor.visit_f64(v[i]),
            Reader::BFloat16(v) => visitor.visit_f32(f32::from_bits(u32::from(v[i]) << 16)),
            Reader::Str(s) => s.visit(i, visitor),
            Reader::Json(s) => match s.get(i) {
                Ok(text) => serde_json::Deserializer::from_str(text)
                    .deserialize_any(visitor)
                    .map_err(|e| {
                        SerdeError::new(format!("a JSON document that does not fit: {e}"))
                    }),
                Err(bytes) => visitor.visit_borrowed_bytes(bytes),
            },
            Reader::Bytes(s) => visitor.visit_borrowed_bytes(s.get(i).unwrap_or_default()),
            Reader::Text { column, zone, .. } => visitor.visit_string(text(column, i, *zone)),
            Reader::Array { array, values } => visitor.visit_seq(Elements {
                reader: values,
                range: array.range(i),
            }),
            Reader::Map {
                array,
                keys,
                values,
            } => visitor.visit_map(Pairs {
                keys,
                values,
                range: array.range(i),
            }),
            Reader::Tuple(elements) => visitor.visit_seq(TupleElements {
                cell: self,
                elements: elements.iter(),
            }),
            // Resolved before: wrappers never reach here with a value.
            Reader::Null
            | Reader::Nullable { .. }
            | Reader::LowCardinality { .. }
            | Reader::Variant { .. } => visitor.visit_none(),
        }
    }

    /// A float field: decimals give their nearest float.
    #[inline(never)]
    fn float<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        let c = self.required(&visitor)?;
        match c.reader {
            Reader::Text { column, zone, .. } => match column.value(c.row, *zone) {
                Value::Decimal(d) => visitor.visit_f64(d.to_f64()),
                _ => c.any(visitor),
            },
            _ => c.any(visitor),
        }
    }

    /// An integer field: dates, date-times and enums give their stored number.
    #[inline(never)]
    fn integer<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        let c = self.required(&visitor)?;
        match c.reader {
            Reader::Text {
                number: Some(n), ..
            } => visitor.visit_i64(n.get(c.row)),
            _ => c.any(visitor),
        }
    }
}

/// The value as text, through the owned `Value` (dates, decimals, UUIDs, IPs).
fn text(column: &Column, row: usize, zone: Tz) -> String {
    match column.value(row, zone) {
        Value::DateTime(dt) => dt.to_rfc3339(),
        other => other.to_string(),
    }
}

/// Integer fields: the column's own width straight from the buffer, anything else (other
/// widths, dates, enums, wrappers) through [`Cell::integer`].
macro_rules! integers {
    ($($method:ident $variant:ident $visit:ident)*) => {
        $(#[inline]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
            match self.reader {
                Reader::$variant(v) => visitor.$visit(v[self.row]),
                Reader::Text { number: Some(n), .. } => visitor.visit_i64(n.get(self.row)),
                _ => self.integer(visitor),
            }
        })*
    };
}

impl<'de> Deserializer<'de> for Cell<'de, '_> {
    type Error = SerdeError;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        match self.resolve() {
            Some(c) => c.any(visitor),
            None => visitor.visit_none(),
        }
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        match self.reader {
            Reader::Nullable { nulls, values } => {
                if nulls[self.row] != 0 {
                    visitor.visit_none()
                } else {
                    visitor.visit_some(self.at(values, self.row))
                }
            }
            Reader::LowCardinality { .. } | Reader::Variant { .. } | Reader::Null => {
                match self.resolve() {
                    Some(c) => visitor.visit_some(c),
                    None => visitor.visit_none(),
                }
            }
            _ => visitor.visit_some(self),
        }
    }

    #[inline]
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        match self.reader {
            Reader::Str(s) | Reader::Json(s) => s.visit(self.row, visitor),
            Reader::LowCardinality { column, dictionary } => {
                match (&**dictionary, column.index(self.row)) {
                    (Reader::Str(s), Some(k)) => s.visit(k, visitor),
                    _ => self.general(visitor),
                }
            }
            _ => self.general(visitor),
        }
    }

    #[inline]
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        self.deserialize_str(visitor)
    }

    #[inline]
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        match self.reader {
            Reader::Array { array, values } => visitor.visit_seq(Elements {
                reader: values,
                range: array.range(self.row),
            }),
            _ => self.general(visitor),
        }
    }

    integers! {
        deserialize_i8 I8 visit_i8
        deserialize_i16 I16 visit_i16
        deserialize_i32 I32 visit_i32
        deserialize_i64 I64 visit_i64
        deserialize_i128 I128 visit_i128
        deserialize_u8 U8 visit_u8
        deserialize_u16 U16 visit_u16
        deserialize_u32 U32 visit_u32
        deserialize_u64 U64 visit_u64
        deserialize_u128 U128 visit_u128
    }

    #[inline]
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        match self.reader {
            Reader::F64(v) => visitor.visit_f64(v[self.row]),
            _ => self.float(visitor),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> DeResult<V::Value> {
        let c = self.required(&visitor)?;
        let label = match c.reader {
            Reader::Str(s) => match s.get(c.row) {
                Ok(text) => text.to_owned(),
                Err(_) => return Err(SerdeError::new("an enum label that is not UTF-8")),
            },
            Reader::Text { column, zone, .. } => text(column, c.row, *zone),
            _ => return c.any(visitor),
        };
        visitor.visit_enum(label.into_deserializer())
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> DeResult<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        visitor.visit_unit()
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        visitor.visit_unit()
    }

    /// A bool field: `Bool`, and `UInt8` (0 or 1, as ClickHouse before `Bool` stored flags).
    #[inline]
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        let c = self.required(&visitor)?;
        match c.reader {
            Reader::Bool(v) => visitor.visit_bool(v[c.row] != 0),
            Reader::U8(v) if v[c.row] <= 1 => visitor.visit_bool(v[c.row] == 1),
            _ => c.any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        char bytes byte_buf unit_struct tuple tuple_struct map struct identifier
    }
}

/// The elements of an array.
struct Elements<'de, 'p> {
    reader: &'p Reader<'de>,
    range: std::ops::Range<usize>,
}

impl<'de> SeqAccess<'de> for Elements<'de, '_> {
    type Error = SerdeError;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> DeResult<Option<S::Value>> {
        match self.range.next() {
            Some(row) => seed
                .deserialize(Cell {
                    reader: self.reader,
                    row,
                })
                .map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.range.len())
    }
}

/// The elements of a tuple, all at the tuple's row.
struct TupleElements<'de, 'p> {
    cell: Cell<'de, 'p>,
    elements: std::slice::Iter<'p, Reader<'de>>,
}

impl<'de> SeqAccess<'de> for TupleElements<'de, '_> {
    type Error = SerdeError;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> DeResult<Option<S::Value>> {
        match self.elements.next() {
            Some(reader) => seed
                .deserialize(self.cell.at(reader, self.cell.row))
                .map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.elements.len())
    }
}

/// The key-value pairs of a map.
struct Pairs<'de, 'p> {
    keys: &'p Reader<'de>,
    values: &'p Reader<'de>,
    range: std::ops::Range<usize>,
}

impl<'de> MapAccess<'de> for Pairs<'de, '_> {
    type Error = SerdeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> DeResult<Option<K::Value>> {
        match self.range.clone().next() {
            Some(row) => seed
                .deserialize(Cell {
                    reader: self.keys,
                    row,
                })
                .map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> DeResult<V::Value> {
        let row = self
            .range
            .next()
            .ok_or_else(|| SerdeError::new("a map value without a key"))?;
        seed.deserialize(Cell {
            reader: self.values,
            row,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.range.len())
    }
}
