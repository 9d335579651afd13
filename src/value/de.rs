//! Typed rows: serde deserialization straight from the columns.
//!
//! A struct maps its fields to columns by name, a tuple (or array) takes the columns in order.
//! Scalars are handed to serde from the column buffers (strings borrowed, numbers copied).
//! Dates and date-times go to integer fields as their stored number (days, Unix seconds,
//! ticks) and to other fields (chrono's types) as text (RFC 3339); UUIDs, IPs and decimals as
//! text, decimals to float fields as numbers.
//! A mismatch is an error that names the column, its ClickHouse type and what serde expected.

use std::cell::OnceCell;
use std::fmt;

use chrono_tz::Tz;
use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use crate::column::{Column, ColumnData};
use crate::error::Error;
use crate::native::Block;
use crate::types::DataType;

/// A deserialization failure, before the column it happened in is known.
#[derive(Debug)]
pub(crate) struct DeError(String);

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError(msg.to_string())
    }
}

type DeResult<T> = Result<T, DeError>;

/// Deserializes row `row` of `block` into `T`.
pub(crate) fn row<'de, T: serde::Deserialize<'de>>(
    block: &'de Block,
    row: usize,
    zone: Tz,
) -> crate::error::Result<T> {
    let order = OnceCell::new();
    deserialize_row(block, row, zone, &order)
}

/// Deserializes every row of `block` into `T`, matching struct fields to columns once.
pub(crate) fn rows<'de, T: serde::Deserialize<'de>>(
    block: &'de Block,
    zone: Tz,
) -> impl Iterator<Item = crate::error::Result<T>> + 'de {
    let order = OnceCell::new();
    (0..block.rows()).map(move |i| deserialize_row(block, i, zone, &order))
}

fn deserialize_row<'de, T: serde::Deserialize<'de>>(
    block: &'de Block,
    row: usize,
    zone: Tz,
    order: &FieldOrder,
) -> crate::error::Result<T> {
    T::deserialize(RowDeserializer {
        block,
        row,
        zone,
        order,
    })
    .map_err(|e| Error::Conversion {
        from: e.0,
        to: std::any::type_name::<T>().to_owned(),
    })
}

/// For each struct field, its column; `None` when a field has no column (the map path then
/// reports it as missing, or leaves an `Option` unset).
type FieldOrder = OnceCell<Option<Vec<usize>>>;

struct RowDeserializer<'de, 'o> {
    block: &'de Block,
    row: usize,
    zone: Tz,
    order: &'o FieldOrder,
}

fn cell<'de>(block: &'de Block, row: usize, zone: Tz, i: usize) -> Cell<'de> {
    Cell {
        column: &block.columns()[i],
        row,
        zone,
        name: &block.names()[i],
    }
}

impl<'de> Deserializer<'de> for RowDeserializer<'de, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        visitor.visit_map(RowMap {
            de: self,
            next: 0,
            fields: None,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> DeResult<V::Value> {
        let order = self.order.get_or_init(|| {
            let names = self.block.names();
            fields
                .iter()
                .map(|f| names.iter().position(|n| n == f))
                .collect()
        });
        match order {
            // Every field has a column: hand them over by position, no names compared per row.
            Some(order) => visitor.visit_seq(FieldSeq {
                block: self.block,
                row: self.row,
                zone: self.zone,
                order,
                next: 0,
            }),
            // Fields without a column stay unset: serde reports them as missing (or None for Option).
            None => visitor.visit_map(RowMap {
                de: self,
                next: 0,
                fields: Some(fields),
            }),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> DeResult<V::Value> {
        if len != self.block.column_count() {
            return Err(DeError(format!(
                "a tuple of {len} for a row of {} columns",
                self.block.column_count()
            )));
        }
        visitor.visit_seq(RowSeq { de: self, next: 0 })
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        visitor.visit_seq(RowSeq { de: self, next: 0 })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> DeResult<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct tuple_struct map enum identifier ignored_any
    }
}

/// A struct's fields by position, in the columns the field names chose.
struct FieldSeq<'de, 'o> {
    block: &'de Block,
    row: usize,
    zone: Tz,
    order: &'o [usize],
    next: usize,
}

impl<'de> SeqAccess<'de> for FieldSeq<'de, '_> {
    type Error = DeError;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> DeResult<Option<S::Value>> {
        let Some(&column) = self.order.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        let c = cell(self.block, self.row, self.zone, column);
        seed.deserialize(c).map(Some).map_err(|e| c.fail(e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.order.len() - self.next)
    }
}

struct RowSeq<'de, 'o> {
    de: RowDeserializer<'de, 'o>,
    next: usize,
}

impl<'de> SeqAccess<'de> for RowSeq<'de, '_> {
    type Error = DeError;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> DeResult<Option<S::Value>> {
        if self.next >= self.de.block.column_count() {
            return Ok(None);
        }
        let c = cell(self.de.block, self.de.row, self.de.zone, self.next);
        self.next += 1;
        seed.deserialize(c).map(Some).map_err(|e| c.fail(e))
    }
}

struct RowMap<'de, 'o> {
    de: RowDeserializer<'de, 'o>,
    next: usize,
    fields: Option<&'static [&'static str]>,
}

impl<'de> MapAccess<'de> for RowMap<'de, '_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> DeResult<Option<K::Value>> {
        let names = self.de.block.names();
        // Columns the struct does not name are skipped.
        while self.next < names.len() {
            let name = &names[self.next];
            if self.fields.is_none_or(|f| f.contains(&name.as_str())) {
                return seed
                    .deserialize(name.as_str().into_deserializer())
                    .map(Some);
            }
            self.next += 1;
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> DeResult<V::Value> {
        let c = cell(self.de.block, self.de.row, self.de.zone, self.next);
        self.next += 1;
        seed.deserialize(c).map_err(|e| c.fail(e))
    }
}

/// One value of a column.
#[derive(Clone, Copy)]
struct Cell<'de> {
    column: &'de Column,
    row: usize,
    zone: Tz,
    name: &'de str,
}

impl<'de> Cell<'de> {
    fn fail(&self, what: impl fmt::Display) -> DeError {
        DeError(format!(
            "column `{}` of type {}: {what}",
            self.name,
            self.column.data_type()
        ))
    }

    fn at(&self, column: &'de Column, row: usize) -> Cell<'de> {
        Cell {
            column,
            row,
            ..*self
        }
    }

    /// Whether the cell is NULL (Nullable, LowCardinality(Nullable), Variant, Dynamic, Nothing).
    fn is_null(&self) -> bool {
        match self.column.data() {
            ColumnData::Nullable(c) => c.is_null(self.row),
            ColumnData::LowCardinality(c) => c.index(self.row).is_none(),
            ColumnData::Variant(c) => c.locate(self.row).is_none(),
            ColumnData::Dynamic(c) => c.values().locate(self.row).is_none(),
            ColumnData::Nothing(_) => true,
            _ => false,
        }
    }

    /// The cell that holds the value, through Nullable, LowCardinality, Variant and Dynamic.
    fn inner(self) -> Cell<'de> {
        match self.column.data() {
            ColumnData::Nullable(c) => self.at(c.values(), self.row).inner(),
            ColumnData::LowCardinality(c) => match c.index(self.row) {
                Some(k) => self.at(c.dictionary(), k).inner(),
                None => self,
            },
            ColumnData::Variant(c) => match c.locate(self.row) {
                Some((d, p)) => self.at(&c.variants()[d], p).inner(),
                None => self,
            },
            ColumnData::Dynamic(c) => match c.values().locate(self.row) {
                Some((d, p)) => self.at(&c.values().variants()[d], p).inner(),
                None => self,
            },
            _ => self,
        }
    }

    /// The value as text, through the owned `Value` (dates, decimals, UUIDs, IPs).
    fn text(&self) -> String {
        match self.column.value(self.row, self.zone) {
            super::Value::DateTime(dt) => dt.to_rfc3339(),
            other => other.to_string(),
        }
    }
}

impl<'de> Deserializer<'de> for Cell<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        if self.is_null() {
            return visitor.visit_none();
        }
        let c = self.inner();
        let i = c.row;
        let t = c.column.data_type();
        match (c.column.data(), t) {
            (ColumnData::UInt8(v), DataType::Bool) => visitor.visit_bool(v[i] != 0),
            (ColumnData::UInt8(v), _) => visitor.visit_u8(v[i]),
            (ColumnData::UInt16(v), DataType::UInt16) => visitor.visit_u16(v[i]),
            (ColumnData::UInt32(v), DataType::UInt32) => visitor.visit_u32(v[i]),
            (ColumnData::UInt64(v), _) => visitor.visit_u64(v[i]),
            (ColumnData::UInt128(v), _) => visitor.visit_u128(v[i]),
            (ColumnData::Int8(v), DataType::Int8) => visitor.visit_i8(v[i]),
            (ColumnData::Int16(v), DataType::Int16) => visitor.visit_i16(v[i]),
            (ColumnData::Int32(v), DataType::Int32 | DataType::Time) => visitor.visit_i32(v[i]),
            (
                ColumnData::Int64(v),
                DataType::Int64 | DataType::Time64 { .. } | DataType::Interval(_),
            ) => visitor.visit_i64(v[i]),
            (ColumnData::Int128(v), DataType::Int128) => visitor.visit_i128(v[i]),
            (ColumnData::Float32(v), _) => visitor.visit_f32(v[i]),
            (ColumnData::Float64(v), _) => visitor.visit_f64(v[i]),
            (ColumnData::String(s), _) | (ColumnData::Json(s), _) => {
                let bytes = s.get(i).unwrap_or_default();
                match std::str::from_utf8(bytes) {
                    Ok(text) => visitor.visit_borrowed_str(text),
                    Err(_) => visitor.visit_borrowed_bytes(bytes),
                }
            }
            (ColumnData::FixedString(s), _) => {
                visitor.visit_borrowed_bytes(s.get(i).unwrap_or_default())
            }
            (ColumnData::Array(a), DataType::Map(..)) => visitor.visit_map(CellMap {
                cell: c,
                range: a.range(i),
            }),
            (ColumnData::Array(a), _) => visitor.visit_seq(CellSeq {
                cell: c,
                range: a.range(i),
                tuple: None,
            }),
            (ColumnData::Tuple(elements), _) => visitor.visit_seq(CellSeq {
                cell: c,
                range: 0..elements.len(),
                tuple: Some(elements),
            }),
            (
                ColumnData::Int8(_) | ColumnData::Int16(_),
                DataType::Enum8(_) | DataType::Enum16(_),
            ) => visitor.visit_string(c.text()),
            // Dates, date-times, decimals, UUIDs, IPs, 256-bit integers: their text.
            _ => visitor.visit_string(c.text()),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        if self.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        if self.is_null() {
            return Err(DeError("NULL into a field that is not an Option".into()));
        }
        let c = self.inner();
        match c.column.value(c.row, c.zone) {
            super::Value::Decimal(d) => visitor.visit_f64(d.to_f64()),
            _ => c.deserialize_any(visitor),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        self.integer(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        self.integer(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        self.integer(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        self.integer(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> DeResult<V::Value> {
        let text = self.inner().text();
        visitor.visit_enum(text.into_deserializer())
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

    serde::forward_to_deserialize_any! {
        bool i8 i16 i128 u8 u16 u128 char str string bytes byte_buf
        unit_struct seq tuple tuple_struct map struct identifier
    }
}

impl<'de> Cell<'de> {
    /// An integer field: dates and date-times give their stored number (days, Unix seconds,
    /// ticks) instead of text; everything else as `deserialize_any`.
    fn integer<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        if self.is_null() {
            return visitor.visit_none();
        }
        let c = self.inner();
        let i = c.row;
        match (c.column.data(), c.column.data_type()) {
            (ColumnData::UInt16(v), DataType::Date) => visitor.visit_u16(v[i]),
            (ColumnData::UInt32(v), DataType::DateTime { .. }) => visitor.visit_u32(v[i]),
            (ColumnData::Int32(v), DataType::Date32) => visitor.visit_i32(v[i]),
            (ColumnData::Int64(v), DataType::DateTime64 { .. }) => visitor.visit_i64(v[i]),
            _ => c.deserialize_any(visitor),
        }
    }
}

/// The elements of an array or a tuple.
struct CellSeq<'de> {
    cell: Cell<'de>,
    range: std::ops::Range<usize>,
    tuple: Option<&'de [Column]>,
}

impl<'de> SeqAccess<'de> for CellSeq<'de> {
    type Error = DeError;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> DeResult<Option<S::Value>> {
        let Some(i) = self.range.next() else {
            return Ok(None);
        };
        let element = match (self.tuple, self.cell.column.data()) {
            (Some(elements), _) => self.cell.at(&elements[i], self.cell.row),
            (None, ColumnData::Array(a)) => self.cell.at(a.values(), i),
            _ => return Err(self.cell.fail("not a sequence")),
        };
        seed.deserialize(element).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.range.len())
    }
}

struct CellMap<'de> {
    cell: Cell<'de>,
    range: std::ops::Range<usize>,
}

impl<'de> CellMap<'de> {
    fn pair(&self, i: usize, which: usize) -> DeResult<Cell<'de>> {
        match self.cell.column.data() {
            ColumnData::Array(a) => match a.values().data() {
                ColumnData::Tuple(kv) if kv.len() == 2 => Ok(self.cell.at(&kv[which], i)),
                _ => Err(self.cell.fail("a map without key and value columns")),
            },
            _ => Err(self.cell.fail("not a map")),
        }
    }
}

impl<'de> MapAccess<'de> for CellMap<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> DeResult<Option<K::Value>> {
        let Some(i) = self.range.clone().next() else {
            return Ok(None);
        };
        seed.deserialize(self.pair(i, 0)?).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> DeResult<V::Value> {
        let i = self
            .range
            .next()
            .ok_or_else(|| self.cell.fail("a map value without a key"))?;
        seed.deserialize(self.pair(i, 1)?)
    }
}
