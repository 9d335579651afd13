//! Typed rows: serde deserialization straight from the columns.
//!
//! A struct maps its fields to columns by name, a tuple (or array) takes the columns in order.
//! Per block, each column gets a [`Reader`] once (direct references to its buffers) and each
//! struct field its column once; a row then costs one dispatch per field, with strings
//! borrowed and numbers copied (see [`cell`] for the mapping of each type).
//! A mismatch is an error that names the column, its ClickHouse type and what serde expected.

mod cell;
mod reader;

use std::cell::OnceCell;
use std::fmt;

use chrono_tz::Tz;
use serde::de::{DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use crate::error::Error;
use crate::native::Block;
use crate::value::serde_error::SerdeError;
use cell::Cell;
use reader::Reader;

type DeResult<T> = Result<T, SerdeError>;

/// What is resolved once per block: a reader per column, and per struct field its column
/// (`None` inside when a field has no column: the map path then reports it as missing, or
/// leaves an `Option` unset).
struct Plan<'de> {
    block: &'de Block,
    readers: Vec<Reader<'de>>,
    fields: OnceCell<Option<Vec<usize>>>,
}

impl<'de> Plan<'de> {
    fn new(block: &'de Block, zone: Tz) -> Self {
        Plan {
            block,
            readers: block
                .columns()
                .iter()
                .map(|c| Reader::new(c, zone))
                .collect(),
            fields: OnceCell::new(),
        }
    }

    /// Deserializes row `row` into `T`.
    fn row<T: serde::Deserialize<'de>>(&self, row: usize) -> crate::error::Result<T> {
        T::deserialize(RowDeserializer { plan: self, row })
            .map_err(|e| Error::conversion(e.into_message(), std::any::type_name::<T>().to_owned()))
    }

    /// Column `i` at `row`, for serde.
    #[inline(always)]
    fn cell(&self, i: usize, row: usize) -> Cell<'de, '_> {
        Cell {
            reader: &self.readers[i],
            row,
        }
    }

    /// Column `i` named in an error.
    fn fail(&self, i: usize, what: impl fmt::Display) -> SerdeError {
        let column = &self.block.columns()[i];
        SerdeError::new(format!(
            "column `{}` of type {}: {what}",
            self.block.names()[i],
            column.data_type()
        ))
    }

    /// Deserializes column `i` at `row` with `seed`.
    #[inline(always)]
    fn column<S: DeserializeSeed<'de>>(&self, i: usize, row: usize, seed: S) -> DeResult<S::Value> {
        seed.deserialize(self.cell(i, row))
            .map_err(|e| self.fail(i, e))
    }
}

/// One column read through serde (for `#[from_block(serde)]` fields).
pub(crate) struct ColumnReader<'de> {
    reader: Reader<'de>,
}

impl<'de> ColumnReader<'de> {
    pub(crate) fn new(column: &'de crate::column::Column, zone: Tz) -> Self {
        ColumnReader {
            reader: Reader::new(column, zone),
        }
    }

    /// Row `row` as `T`, or serde's message.
    pub(crate) fn deserialize<T: serde::Deserialize<'de>>(&self, row: usize) -> Result<T, String> {
        T::deserialize(Cell {
            reader: &self.reader,
            row,
        })
        .map_err(SerdeError::into_message)
    }
}

/// Deserializes row `row` of `block` into `T`.
pub(crate) fn row<'de, T: serde::Deserialize<'de>>(
    block: &'de Block,
    row: usize,
    zone: Tz,
) -> crate::error::Result<T> {
    Plan::new(block, zone).row(row)
}

/// Deserializes every row of `block` into `T`, planning the columns and fields once.
pub(crate) fn rows<'de, T: serde::Deserialize<'de>>(
    block: &'de Block,
    zone: Tz,
) -> impl Iterator<Item = crate::error::Result<T>> + 'de {
    rows_in(block, zone, 0..block.rows())
}

/// Deserializes the rows `range` of `block` into `T` (a range past the block's rows is cut
/// to them), planning the columns and fields once.
pub(crate) fn rows_in<'de, T: serde::Deserialize<'de>>(
    block: &'de Block,
    zone: Tz,
    range: std::ops::Range<usize>,
) -> impl Iterator<Item = crate::error::Result<T>> + 'de {
    let plan = Plan::new(block, zone);
    (range.start..range.end.min(block.rows())).map(move |i| plan.row(i))
}

struct RowDeserializer<'de, 'p> {
    plan: &'p Plan<'de>,
    row: usize,
}

impl<'de> Deserializer<'de> for RowDeserializer<'de, '_> {
    type Error = SerdeError;

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
        let order = self.plan.fields.get_or_init(|| {
            let names = self.plan.block.names();
            fields
                .iter()
                .map(|f| names.iter().position(|n| n == f))
                .collect()
        });
        match order {
            // Every field has a column: hand them over by position, no names compared per row.
            Some(order) => visitor.visit_seq(FieldSeq {
                de: self,
                order: order.iter(),
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
        let columns = self.plan.block.column_count();
        if len != columns {
            return Err(SerdeError::new(format!(
                "a tuple of {len} for a row of {columns} columns"
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
struct FieldSeq<'de, 'p> {
    de: RowDeserializer<'de, 'p>,
    order: std::slice::Iter<'p, usize>,
}

impl<'de> SeqAccess<'de> for FieldSeq<'de, '_> {
    type Error = SerdeError;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> DeResult<Option<S::Value>> {
        match self.order.next() {
            Some(&i) => self.de.plan.column(i, self.de.row, seed).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.order.len())
    }
}

/// The columns in order.
struct RowSeq<'de, 'p> {
    de: RowDeserializer<'de, 'p>,
    next: usize,
}

impl<'de> SeqAccess<'de> for RowSeq<'de, '_> {
    type Error = SerdeError;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> DeResult<Option<S::Value>> {
        if self.next >= self.de.plan.block.column_count() {
            return Ok(None);
        }
        self.next += 1;
        self.de
            .plan
            .column(self.next - 1, self.de.row, seed)
            .map(Some)
    }
}

/// The columns by name (all of them, or the ones a struct names).
struct RowMap<'de, 'p> {
    de: RowDeserializer<'de, 'p>,
    next: usize,
    fields: Option<&'static [&'static str]>,
}

impl<'de> MapAccess<'de> for RowMap<'de, '_> {
    type Error = SerdeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> DeResult<Option<K::Value>> {
        let names = self.de.plan.block.names();
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
        self.next += 1;
        self.de.plan.column(self.next - 1, self.de.row, seed)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::rows;
    use crate::column::Column;
    use crate::native::Block;
    use crate::types::DataType;
    use crate::value::Value;

    fn block(columns: &[(&str, &str, Vec<Value>)]) -> Block {
        let mut block = Block::new();
        for (name, data_type, values) in columns {
            let data_type: DataType = data_type.parse().unwrap();
            let mut column = Column::empty(data_type).unwrap();
            for value in values {
                column.push_value(value).unwrap();
            }
            block.push(*name, column).unwrap();
        }
        block
    }

    fn text(s: &[u8]) -> Value {
        Value::String(s.to_vec())
    }

    #[test]
    fn strings_borrow_across_multibyte_rows_and_fall_back_to_bytes() {
        // Valid rows around multi-byte characters borrow as text; a row that is not UTF-8 makes
        // the column's buffer invalid as a whole, and each row is then checked on its own.
        let valid = block(&[(
            "s",
            "String",
            vec![text("é".as_bytes()), text(b""), text("日本".as_bytes())],
        )]);
        let texts: Vec<(&str,)> = rows(&valid, chrono_tz::Tz::UTC)
            .collect::<crate::error::Result<_>>()
            .unwrap();
        assert_eq!(texts, [("é",), ("",), ("日本",)]);

        let mixed = block(&[(
            "s",
            "String",
            vec![text("é".as_bytes()), text(b"\xff\xfe"), text(b"ok")],
        )]);
        #[derive(Deserialize, Debug, PartialEq)]
        struct Bytes<'a> {
            #[serde(borrow)]
            s: &'a [u8],
        }
        let bytes: Vec<Bytes<'_>> = rows(&mixed, chrono_tz::Tz::UTC)
            .collect::<crate::error::Result<_>>()
            .unwrap();
        assert_eq!(bytes[1].s, b"\xff\xfe");
        assert_eq!(bytes[0].s, "é".as_bytes());
        // Into a text field the invalid row is an error naming the column.
        let err = rows_text(&mixed).unwrap_err().to_string();
        assert!(err.contains("column `s` of type String"), "{err}");
    }

    fn rows_text(block: &Block) -> crate::error::Result<Vec<(&str,)>> {
        rows(block, chrono_tz::Tz::UTC).collect()
    }

    #[test]
    fn null_into_a_plain_field_names_the_column_and_the_expected_type() {
        let b = block(&[(
            "n",
            "LowCardinality(Nullable(String))",
            vec![text(b"x"), Value::Null],
        )]);
        let results: Vec<crate::error::Result<(&str,)>> = rows(&b, chrono_tz::Tz::UTC).collect();
        assert_eq!(results[0].as_ref().unwrap(), &("x",));
        let err = results[1].as_ref().unwrap_err().to_string();
        assert!(
            err.contains("column `n` of type LowCardinality(Nullable(String))")
                && err.contains("NULL"),
            "{err}"
        );
        let options: Vec<(Option<&str>,)> = rows(&b, chrono_tz::Tz::UTC)
            .collect::<crate::error::Result<_>>()
            .unwrap();
        assert_eq!(options, [(Some("x"),), (None,)]);
    }

    #[test]
    fn dates_and_enums_give_numbers_to_integer_fields_and_text_to_others() {
        let b = block(&[
            ("d", "Date", vec![Value::UInt16(19782)]),
            ("e", "Enum8('a' = -3, 'b' = 5)", vec![Value::Int8(5)]),
        ]);
        let numbers: Vec<(u16, i8)> = rows(&b, chrono_tz::Tz::UTC)
            .collect::<crate::error::Result<_>>()
            .unwrap();
        assert_eq!(numbers, [(19782, 5)]);
        let texts: Vec<(String, String)> = rows(&b, chrono_tz::Tz::UTC)
            .collect::<crate::error::Result<_>>()
            .unwrap();
        assert_eq!(texts, [("2024-02-29".to_string(), "b".to_string())]);
    }
}
