//! Typed rows for inserts through serde, written straight into the columns.
//!
//! A row (a struct, or a map of column names) is serialized field by field into the target
//! columns, in the order of the first row's fields: each scalar goes through the appenders of
//! [`to_column`](super::to_column) (no [`Value`] per cell), `Option` into the null map,
//! sequences into `Array` columns element by element. Shapes without a direct path (tuples,
//! nested structs, maps, a sequence into a non-`Array` column) are collected as one [`Value`]
//! and pushed with its conversions, as before.

use serde::ser::{self, Serialize, Serializer};

use super::Value;
use super::ser::{Collect, CollectMap, NESTED};
use super::serde_error::SerdeError;
use super::to_column as to;
use crate::column::{Column, ColumnData};
use crate::error::Error;
use crate::types::DataType;

type SerResult<T> = std::result::Result<T, SerdeError>;

fn fail(e: Error) -> SerdeError {
    SerdeError::new(e.to_string())
}

/// The columns of a serde insert: the first row's field names. The names a struct gives as
/// `&'static str` are remembered by address, so each later row's fields are matched with a
/// pointer comparison instead of a string comparison.
pub(crate) struct FieldNames {
    names: Vec<String>,
    statics: Vec<Option<&'static str>>,
}

impl FieldNames {
    /// The columns named `names`, in order.
    pub(crate) fn new(names: Vec<String>) -> Self {
        let statics = vec![None; names.len()];
        FieldNames { names, statics }
    }

    /// Whether field `i` is the `&'static str` seen there before.
    #[inline(always)]
    fn is_known(&self, i: usize, name: &'static str) -> bool {
        self.statics
            .get(i)
            .copied()
            .flatten()
            .is_some_and(|known| std::ptr::eq(known, name))
    }
}

/// Appends `row` to `columns` (named `names`, the first row's fields). On failure, the index
/// of the column that refused its value (`None` when the row as a whole does not fit) and why.
pub(crate) fn append_row<T: Serialize + ?Sized>(
    row: &T,
    columns: &mut [Column],
    names: &mut FieldNames,
) -> std::result::Result<(), (Option<usize>, SerdeError)> {
    let mut failed = None;
    let result = row.serialize(RowWriter {
        columns,
        names,
        at: 0,
        failed: &mut failed,
    });
    result.map_err(|e| (failed, e))
}

/// Appends one value to `column` (a field written through serde).
pub(crate) fn serialize_into<T: Serialize + ?Sized>(
    value: &T,
    column: &mut Column,
) -> crate::error::Result<()> {
    value
        .serialize(Cell(column))
        .map_err(|e| Error::invalid_input(e.into_message()))
}

/// The top level: a struct's fields (or a map's entries) in column order.
struct RowWriter<'r> {
    columns: &'r mut [Column],
    names: &'r mut FieldNames,
    /// The next field's column.
    at: usize,
    /// Set to the column that refused its value, when one does.
    failed: &'r mut Option<usize>,
}

impl RowWriter<'_> {
    /// Writes the next field, named `name`, into its column.
    fn field<T: ?Sized + Serialize>(&mut self, name: &str, value: &T) -> SerResult<()> {
        check_name(self.names, self.at, name)?;
        self.write(self.at, value)
    }

    /// Writes field `i` (its name checked) into its column.
    #[inline(always)]
    fn write<T: ?Sized + Serialize>(&mut self, i: usize, value: &T) -> SerResult<()> {
        value
            .serialize(Cell(&mut self.columns[i]))
            .inspect_err(|_| *self.failed = Some(i))?;
        self.at += 1;
        Ok(())
    }

    #[inline(always)]
    fn end(self) -> SerResult<()> {
        if self.at != self.names.names.len() {
            return Err(too_few_fields(self.at, self.names));
        }
        Ok(())
    }

    fn not_a_row<T>(what: &str) -> SerResult<T> {
        Err(SerdeError::new(format!(
            "is {what}, not a struct or a map of column names"
        )))
    }
}

/// The error of a row of `fields` fields, fewer than the first row's.
#[cold]
#[inline(never)]
fn too_few_fields(fields: usize, names: &FieldNames) -> SerdeError {
    SerdeError::new(format!(
        "has {fields} fields for the first row's {} columns",
        names.names.len()
    ))
}

/// Checks that field `i` is named `name` as in the first row.
#[inline(never)]
fn check_name(names: &FieldNames, i: usize, name: &str) -> SerResult<()> {
    match names.names.get(i) {
        Some(expected) if expected == name => Ok(()),
        Some(expected) => Err(SerdeError::new(format!(
            "does not serialize like the first row: field `{name}` where `{expected}` was \
             expected"
        ))),
        None => Err(SerdeError::new(format!(
            "has more fields than the first row's {} (`{name}`)",
            names.names.len()
        ))),
    }
}

/// Checks field `i`, named by a `&'static str` not seen there before, then remembers it by
/// address for the next rows. Out of line and given only the names, so that the row's
/// writer never leaves the registers of the struct's `Serialize` it is inlined into.
#[cold]
#[inline(never)]
fn learn_name(names: &mut FieldNames, i: usize, name: &'static str) -> SerResult<()> {
    check_name(names, i, name)?;
    names.statics[i] = Some(name);
    Ok(())
}

/// A map row's entries: the key names the next column.
struct RowMap<'r> {
    row: RowWriter<'r>,
    key: Option<String>,
}

impl ser::SerializeMap for RowMap<'_> {
    type Ok = ();
    type Error = SerdeError;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> SerResult<()> {
        self.key = Some(match key.serialize(NESTED)? {
            Value::String(name) => String::from_utf8(name)
                .map_err(|_| SerdeError::new("a column name is not UTF-8"))?,
            other => {
                return Err(SerdeError::new(format!(
                    "a row key must be a column name, got {other}"
                )));
            }
        });
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> SerResult<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| SerdeError::new("a map value without its key"))?;
        self.row.field(&key, value)
    }
    fn end(self) -> SerResult<()> {
        self.row.end()
    }
}

impl ser::SerializeStruct for RowWriter<'_> {
    type Ok = ();
    type Error = SerdeError;
    // Inlined into the row's `Serialize`, so that its fields run as one function.
    #[inline(always)]
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> SerResult<()> {
        let i = self.at;
        if !self.names.is_known(i, key) {
            learn_name(self.names, i, key)?;
        }
        self.write(i, value)
    }
    #[inline(always)]
    fn end(self) -> SerResult<()> {
        RowWriter::end(self)
    }
}

/// Everything a row cannot be.
macro_rules! not_a_row {
    ($($method:ident($($arg:ty),*) => $what:expr;)*) => {
        $(fn $method(self, $(_: $arg),*) -> SerResult<()> { Self::not_a_row($what) })*
    };
}

impl<'r> Serializer for RowWriter<'r> {
    type Ok = ();
    type Error = SerdeError;
    type SerializeSeq = ser::Impossible<(), SerdeError>;
    type SerializeTuple = ser::Impossible<(), SerdeError>;
    type SerializeTupleStruct = ser::Impossible<(), SerdeError>;
    type SerializeTupleVariant = ser::Impossible<(), SerdeError>;
    type SerializeMap = RowMap<'r>;
    type SerializeStruct = RowWriter<'r>;
    type SerializeStructVariant = ser::Impossible<(), SerdeError>;

    not_a_row! {
        serialize_bool(bool) => "a bool"; serialize_i8(i8) => "a number";
        serialize_i16(i16) => "a number"; serialize_i32(i32) => "a number";
        serialize_i64(i64) => "a number"; serialize_u8(u8) => "a number";
        serialize_u16(u16) => "a number"; serialize_u32(u32) => "a number";
        serialize_u64(u64) => "a number"; serialize_f32(f32) => "a number";
        serialize_f64(f64) => "a number"; serialize_char(char) => "a char";
        serialize_str(&str) => "a string"; serialize_bytes(&[u8]) => "bytes";
        serialize_none() => "None"; serialize_unit() => "()";
        serialize_unit_struct(&'static str) => "a unit struct";
        serialize_unit_variant(&'static str, u32, &'static str) => "an enum";
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> SerResult<()> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> SerResult<()> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> SerResult<()> {
        Self::not_a_row("an enum")
    }
    fn serialize_seq(self, _: Option<usize>) -> SerResult<Self::SerializeSeq> {
        Self::not_a_row("a sequence")
    }
    fn serialize_tuple(self, _: usize) -> SerResult<Self::SerializeTuple> {
        Self::not_a_row("a tuple")
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> SerResult<Self::SerializeTupleStruct> {
        Self::not_a_row("a tuple")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> SerResult<Self::SerializeTupleVariant> {
        Self::not_a_row("an enum")
    }
    fn serialize_map(self, _: Option<usize>) -> SerResult<RowMap<'r>> {
        Ok(RowMap {
            row: self,
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> SerResult<RowWriter<'r>> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> SerResult<Self::SerializeStructVariant> {
        Self::not_a_row("an enum")
    }
}

/// One field's value into its column.
struct Cell<'c>(&'c mut Column);

macro_rules! scalars {
    ($($method:ident($ty:ty) => $push:path;)*) => {
        $(#[inline]
        fn $method(self, v: $ty) -> SerResult<()> {
            $push(self.0, v).map_err(fail)
        })*
    };
}

impl<'c> Serializer for Cell<'c> {
    type Ok = ();
    type Error = SerdeError;
    type SerializeSeq = Compound<'c>;
    type SerializeTuple = Compound<'c>;
    type SerializeTupleStruct = Compound<'c>;
    type SerializeTupleVariant = Compound<'c>;
    type SerializeMap = CompoundMap<'c>;
    type SerializeStruct = CompoundMap<'c>;
    type SerializeStructVariant = CompoundMap<'c>;

    scalars! {
        serialize_bool(bool) => to::push_bool;
        serialize_i8(i8) => to::push_i8; serialize_i16(i16) => to::push_i16;
        serialize_i32(i32) => to::push_i32; serialize_i64(i64) => to::push_i64;
        serialize_i128(i128) => to::push_i128;
        serialize_u8(u8) => to::push_u8; serialize_u16(u16) => to::push_u16;
        serialize_u32(u32) => to::push_u32; serialize_u64(u64) => to::push_u64;
        serialize_u128(u128) => to::push_u128;
        serialize_f32(f32) => to::push_f32; serialize_f64(f64) => to::push_f64;
    }

    fn serialize_char(self, v: char) -> SerResult<()> {
        to::push_bytes(self.0, v.encode_utf8(&mut [0; 4]).as_bytes(), true).map_err(fail)
    }
    #[inline]
    fn serialize_str(self, v: &str) -> SerResult<()> {
        to::push_bytes(self.0, v.as_bytes(), true).map_err(fail)
    }
    fn serialize_bytes(self, v: &[u8]) -> SerResult<()> {
        to::push_bytes(self.0, v, false).map_err(fail)
    }
    #[inline]
    fn serialize_none(self) -> SerResult<()> {
        to::push_null(self.0).map_err(fail)
    }
    #[inline]
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> SerResult<()> {
        value.serialize(Cell(to::some_column(self.0)))
    }
    fn serialize_unit(self) -> SerResult<()> {
        to::push_null(self.0).map_err(fail)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> SerResult<()> {
        to::push_null(self.0).map_err(fail)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> SerResult<()> {
        to::push_bytes(self.0, variant.as_bytes(), true).map_err(fail)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> SerResult<()> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        value: &T,
    ) -> SerResult<()> {
        value.serialize(self)
    }
    /// A sequence (a `Vec`, a slice) into an `Array` column: each element straight into the
    /// values' column, then the row's end.
    #[inline]
    fn collect_seq<I>(self, iter: I) -> SerResult<()>
    where
        I: IntoIterator,
        I::Item: Serialize,
    {
        if let (DataType::Array(_), ColumnData::Array(_)) = self.0.parts_mut() {
            let (_, ColumnData::Array(array)) = self.0.parts_mut() else {
                unreachable!("checked just above")
            };
            let (ends, values) = array.parts_mut();
            let mut end = ends.last().copied().unwrap_or(0);
            for item in iter {
                item.serialize(Cell(&mut *values))?;
                end += 1;
            }
            ends.push(end);
            return Ok(());
        }
        let iter = iter.into_iter();
        let len = match iter.size_hint() {
            (low, Some(high)) if low == high => Some(low),
            _ => None,
        };
        let mut seq = self.serialize_seq(len)?;
        for item in iter {
            ser::SerializeSeq::serialize_element(&mut seq, &item)?;
        }
        ser::SerializeSeq::end(seq)
    }

    #[inline]
    fn serialize_seq(self, len: Option<usize>) -> SerResult<Compound<'c>> {
        if let (DataType::Array(_), ColumnData::Array(_)) = self.0.parts_mut() {
            let (_, ColumnData::Array(array)) = self.0.parts_mut() else {
                unreachable!("checked just above")
            };
            let (ends, values) = array.parts_mut();
            return Ok(Compound::Array {
                ends,
                values,
                count: 0,
            });
        }
        Ok(Compound::Value(self.0, NESTED.serialize_seq(len)?))
    }
    fn serialize_tuple(self, len: usize) -> SerResult<Compound<'c>> {
        Ok(Compound::Value(self.0, NESTED.serialize_tuple(len)?))
    }
    fn serialize_tuple_struct(self, name: &'static str, len: usize) -> SerResult<Compound<'c>> {
        Ok(Compound::Value(
            self.0,
            NESTED.serialize_tuple_struct(name, len)?,
        ))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> SerResult<Compound<'c>> {
        Ok(Compound::Value(
            self.0,
            NESTED.serialize_tuple_variant(name, index, variant, len)?,
        ))
    }
    fn serialize_map(self, len: Option<usize>) -> SerResult<CompoundMap<'c>> {
        Ok(CompoundMap(self.0, NESTED.serialize_map(len)?))
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> SerResult<CompoundMap<'c>> {
        Ok(CompoundMap(self.0, NESTED.serialize_struct(name, len)?))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> SerResult<CompoundMap<'c>> {
        Ok(CompoundMap(
            self.0,
            NESTED.serialize_struct_variant(name, index, variant, len)?,
        ))
    }
}

/// A sequence into an `Array` column element by element, or anything else collected as one
/// [`Value`] and pushed at its end.
enum Compound<'c> {
    /// An `Array` column's row ends and its values' column, found once per sequence, and
    /// the number of elements written so far (each writes one value or fails the row).
    Array {
        ends: &'c mut Vec<u64>,
        values: &'c mut Column,
        count: u64,
    },
    Value(&'c mut Column, Collect),
}

impl Compound<'_> {
    #[inline]
    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> SerResult<()> {
        match self {
            Compound::Array { values, count, .. } => {
                *count += 1;
                value.serialize(Cell(values))
            }
            Compound::Value(_, collect) => ser::SerializeSeq::serialize_element(collect, value),
        }
    }

    #[inline]
    fn done(self) -> SerResult<()> {
        match self {
            Compound::Array { ends, count, .. } => {
                ends.push(ends.last().copied().unwrap_or(0) + count);
                Ok(())
            }
            Compound::Value(column, collect) => {
                let value = ser::SerializeSeq::end(collect)?;
                column.push_value(&value).map_err(fail)
            }
        }
    }
}

/// The four sequence-like serde traits all push an element.
macro_rules! compound_impl {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = SerdeError;
            #[inline]
            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> SerResult<()> {
                self.element(value)
            }
            fn end(self) -> SerResult<()> {
                self.done()
            }
        }
    )*};
}

compound_impl!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// A map or a nested struct, collected as one [`Value`] (a `Map` or a `Tuple`).
struct CompoundMap<'c>(&'c mut Column, CollectMap);

impl ser::SerializeMap for CompoundMap<'_> {
    type Ok = ();
    type Error = SerdeError;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> SerResult<()> {
        self.1.serialize_key(key)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> SerResult<()> {
        self.1.serialize_value(value)
    }
    fn end(self) -> SerResult<()> {
        let CompoundMap(column, collect) = self;
        let value = ser::SerializeMap::end(collect)?;
        column.push_value(&value).map_err(fail)
    }
}

impl ser::SerializeStruct for CompoundMap<'_> {
    type Ok = ();
    type Error = SerdeError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> SerResult<()> {
        ser::SerializeStruct::serialize_field(&mut self.1, key, value)
    }
    fn end(self) -> SerResult<()> {
        let CompoundMap(column, collect) = self;
        let value = ser::SerializeStruct::end(collect)?;
        column.push_value(&value).map_err(fail)
    }
}

impl ser::SerializeStructVariant for CompoundMap<'_> {
    type Ok = ();
    type Error = SerdeError;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> SerResult<()> {
        ser::SerializeStructVariant::serialize_field(&mut self.1, key, value)
    }
    fn end(self) -> SerResult<()> {
        let CompoundMap(column, collect) = self;
        let value = ser::SerializeStructVariant::end(collect)?;
        column.push_value(&value).map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Tz;

    fn columns(types: &[&str]) -> Vec<Column> {
        types
            .iter()
            .map(|t| Column::empty(t.parse().unwrap()).unwrap())
            .collect()
    }

    fn cells(column: &Column) -> Vec<String> {
        (0..column.len())
            .map(|i| column.value(i, Tz::UTC).to_string())
            .collect()
    }

    #[derive(serde::Serialize)]
    struct Nested {
        nested: Vec<Vec<u16>>,
        words: Vec<Option<String>>,
        empty: Vec<u32>,
    }

    /// Sequences go element by element into `Array` columns, nested ones and ones of
    /// `Nullable` elements included, and each row's end is where its elements stop.
    #[test]
    fn sequences_fill_array_columns_row_by_row() {
        let mut columns = columns(&[
            "Array(Array(UInt16))",
            "Array(Nullable(String))",
            "Array(UInt32)",
        ]);
        let mut names = FieldNames::new(vec!["nested".into(), "words".into(), "empty".into()]);
        let rows = [
            Nested {
                nested: vec![vec![1, 2], vec![], vec![3]],
                words: vec![Some("a".into()), None],
                empty: vec![],
            },
            Nested {
                nested: vec![],
                words: vec![None, Some("b".into()), Some("c".into())],
                empty: vec![7],
            },
        ];
        for row in &rows {
            append_row(row, &mut columns, &mut names).unwrap();
        }
        assert_eq!(cells(&columns[0]), ["[[1, 2], [], [3]]", "[]"]);
        assert_eq!(cells(&columns[1]), ["['a', NULL]", "[NULL, 'b', 'c']"]);
        assert_eq!(cells(&columns[2]), ["[]", "[7]"]);
    }

    #[derive(serde::Serialize)]
    struct Signed {
        ok: u8,
        values: Vec<i32>,
    }

    /// An element the values' column refuses fails the row and names its column; a
    /// sequence into a column that is not an `Array` is refused with the column's type.
    #[test]
    fn refused_sequences_name_their_column() {
        let mut names = FieldNames::new(vec!["ok".into(), "values".into()]);
        let mut array = columns(&["UInt8", "Array(UInt8)"]);
        let row = Signed {
            ok: 1,
            values: vec![1, -1],
        };
        let (column, e) = append_row(&row, &mut array, &mut names).unwrap_err();
        assert_eq!(column, Some(1));
        assert!(e.to_string().contains("-1"), "{e}");

        let mut names = FieldNames::new(vec!["ok".into(), "values".into()]);
        let mut text = columns(&["UInt8", "String"]);
        let (column, e) = append_row(&row, &mut text, &mut names).unwrap_err();
        assert_eq!(column, Some(1));
        assert!(e.to_string().contains("String"), "{e}");
    }

    #[derive(serde::Serialize)]
    struct Sparse {
        id: u8,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        done: bool,
    }

    /// Rows must serialize like the first one: rows of its shape go in (their names checked
    /// once, then matched by address), and a field skipped, a field too many or too few
    /// fails the row with what was expected.
    #[test]
    fn rows_unlike_the_first_are_refused_with_the_field_expected() {
        let mut names = FieldNames::new(vec!["id".into(), "note".into(), "done".into()]);
        let mut sparse = columns(&["UInt8", "Nullable(String)", "Bool"]);
        let full = |id| Sparse {
            id,
            note: Some("n".into()),
            done: true,
        };
        for id in 0..3 {
            append_row(&full(id), &mut sparse, &mut names).unwrap();
        }
        assert_eq!(cells(&sparse[0]), ["0", "1", "2"]);
        assert_eq!(cells(&sparse[1]), ["n", "n", "n"]);
        let skipped = Sparse {
            id: 9,
            note: None,
            done: false,
        };
        let (column, e) = append_row(&skipped, &mut sparse, &mut names).unwrap_err();
        assert_eq!(column, None);
        assert!(
            e.to_string()
                .contains("field `done` where `note` was expected"),
            "{e}"
        );

        let mut more = std::collections::BTreeMap::new();
        for name in ["done", "id", "note", "zzz"] {
            more.insert(name, 1u8);
        }
        let mut map_names = FieldNames::new(["done", "id", "note"].map(String::from).to_vec());
        let mut map_columns = columns(&["UInt8", "UInt8", "UInt8"]);
        let (_, e) = append_row(&more, &mut map_columns, &mut map_names).unwrap_err();
        assert!(
            e.to_string()
                .contains("more fields than the first row's 3 (`zzz`)"),
            "{e}"
        );
        more.remove("zzz");
        more.remove("note");
        let (_, e) = append_row(&more, &mut map_columns, &mut map_names).unwrap_err();
        assert!(
            e.to_string().contains("has 2 fields for the first row's 3"),
            "{e}"
        );
    }
}
