//! Rows written column by column: [`ToBlock`] (usually derived with `#[derive(ToBlock)]`) and
//! the field-level [`ToColumn`], the mirror of [`FromBlock`](super::FromBlock).
//!
//! Each field appends its value to its column: numbers are pushed onto the column's vector,
//! text is copied into the string buffer, `Option` writes the null map, `Vec` the array ends,
//! a `LowCardinality` column looks the value up in its dictionary by its bytes. Where the
//! column's type is not the field's natural one (an `u32` into `UInt64`, text into `Date`,
//! anything into `Variant`), the value goes through [`Value`] and
//! [`Column::push_value`], with its conversions and range checks. The serde insert path
//! (`Client::insert_rows`) uses the same appenders.
//!
//! ```
//! use clickhouse_connect::value::ToBlock;
//!
//! #[derive(ToBlock)]
//! struct Event {
//!     id: u64,
//!     #[to_block(rename = "label")]
//!     name: String,
//!     note: Option<String>,
//!     tags: Vec<u32>,
//! }
//! assert_eq!(Event::column_names(), ["id", "label", "note", "tags"]);
//! ```

use std::net::{Ipv4Addr, Ipv6Addr};

pub use clickhouse_connect_derive::ToBlock;

use crate::column::{Column, ColumnData, LowCardinalityColumn};
use crate::error::{Error, Result};
use crate::types::DataType;
use crate::value::Value;

/// A row type written into a block column by column. Derive it with `#[derive(ToBlock)]`.
pub trait ToBlock {
    /// The columns the row fills, in the order [`append`](Self::append) fills them.
    fn column_names() -> Vec<&'static str>;

    /// Appends the row: field `i` to `columns[i]`. On failure, the index of the column that
    /// refused its value and why (the columns before it may have taken theirs: the block is
    /// not to be sent).
    fn append(&self, columns: &mut [Column]) -> std::result::Result<(), (usize, Error)>;
}

/// A field type written into a column. Implemented for the integers, floats, `bool`, `String`
/// and `&str`, binary data through [`Bytes`], `Option<T>` (NULL for `None`),
/// `Vec<T>` and slices (`Array`), chrono's dates and times, `Uuid`, `Ipv4Addr`/`Ipv6Addr`,
/// [`Value`] itself, and references to any of these.
pub trait ToColumn {
    /// Appends the value to `column`, or says why the column cannot take it.
    fn push_to(&self, column: &mut Column) -> Result<()>;
}

impl<T: ToColumn + ?Sized> ToColumn for &T {
    #[inline]
    fn push_to(&self, column: &mut Column) -> Result<()> {
        (**self).push_to(column)
    }
}

/// Binary data for a `String` or `FixedString` column (a `Vec<u8>` would be an `Array(UInt8)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bytes<'a>(pub &'a [u8]);

/// The general path: the value through [`Value`] and [`Column::push_value`].
#[cold]
#[inline(never)]
pub(crate) fn push_slow(column: &mut Column, value: Value) -> Result<()> {
    column.push_value(&value)
}

macro_rules! numbers {
    ($($fn:ident $ty:ty, $variant:ident, $value:ident, |$t:ident| $fits:expr;)*) => {
        $(
            /// Appends a number: straight onto the column when it is of this exact width (and
            /// a type stored as it), else converted and range-checked.
            #[inline]
            pub(crate) fn $fn(column: &mut Column, v: $ty) -> Result<()> {
                if let (t, ColumnData::$variant(c)) = column.parts_mut() {
                    let $t = t;
                    if $fits {
                        c.push(v);
                        return Ok(());
                    }
                }
                push_slow(column, Value::$value(v))
            }

            impl ToColumn for $ty {
                #[inline]
                fn push_to(&self, column: &mut Column) -> Result<()> {
                    $fn(column, *self)
                }
            }
        )*
    };
}

numbers! {
    push_u8 u8, UInt8, UInt8, |t| matches!(t, DataType::UInt8);
    push_u16 u16, UInt16, UInt16, |t| matches!(t, DataType::UInt16);
    push_u32 u32, UInt32, UInt32, |t| matches!(t, DataType::UInt32 | DataType::DateTime { .. });
    push_u64 u64, UInt64, UInt64, |t| matches!(t, DataType::UInt64);
    push_u128 u128, UInt128, UInt128, |t| matches!(t, DataType::UInt128);
    push_i8 i8, Int8, Int8, |t| matches!(t, DataType::Int8);
    push_i16 i16, Int16, Int16, |t| matches!(t, DataType::Int16);
    push_i32 i32, Int32, Int32, |t| matches!(t, DataType::Int32);
    push_i64 i64, Int64, Int64, |t| matches!(t, DataType::Int64);
    push_i128 i128, Int128, Int128, |t| matches!(t, DataType::Int128);
    push_f32 f32, Float32, Float32, |t| matches!(t, DataType::Float32);
    push_f64 f64, Float64, Float64, |t| matches!(t, DataType::Float64);
}

/// Appends a bool: `Bool` and `UInt8` columns take 0 or 1.
#[inline]
pub(crate) fn push_bool(column: &mut Column, v: bool) -> Result<()> {
    if let (DataType::Bool | DataType::UInt8, ColumnData::UInt8(c)) = column.parts_mut() {
        c.push(u8::from(v));
        return Ok(());
    }
    push_slow(column, Value::Bool(v))
}

impl ToColumn for bool {
    #[inline]
    fn push_to(&self, column: &mut Column) -> Result<()> {
        push_bool(column, *self)
    }
}

/// Appends text or bytes: copied into a `String` column's buffer; a `LowCardinality(String)`
/// column finds it in its dictionary; other columns parse or convert it.
#[inline]
pub(crate) fn push_bytes(column: &mut Column, v: &[u8], text: bool) -> Result<()> {
    match column.parts_mut() {
        (DataType::String, ColumnData::String(c)) => {
            c.push(v);
            Ok(())
        }
        (_, ColumnData::LowCardinality(c)) if c.dictionary().data_type() == &DataType::String => {
            push_low_cardinality_string(c, v)
        }
        _ if text => push_slow(column, Value::from(String::from_utf8_lossy(v).into_owned())),
        _ => push_slow(column, Value::String(v.to_vec())),
    }
}

/// The dictionary key of `v` in a `LowCardinality(String)` column, added when new.
fn push_low_cardinality_string(c: &mut LowCardinalityColumn, v: &[u8]) -> Result<()> {
    if c.push_known_string(v) {
        return Ok(());
    }
    // The lookup key is the value as the dictionary stores it: a length prefix, the bytes
    // (built on the stack for short values: no allocation per row).
    let mut stack = [0u8; 64];
    let mut heap = Vec::new();
    let encoded: &[u8] = if v.len() < 0x80 && v.len() < stack.len() {
        stack[0] = v.len() as u8;
        stack[1..=v.len()].copy_from_slice(v);
        &stack[..=v.len()]
    } else {
        crate::wire::put_varuint(&mut heap, v.len() as u64);
        heap.extend_from_slice(v);
        &heap
    };
    c.push_encoded(encoded, |dictionary| {
        if let (_, ColumnData::String(d)) = dictionary.parts_mut() {
            d.push(v);
        }
        Ok(())
    })
}

impl ToColumn for str {
    #[inline]
    fn push_to(&self, column: &mut Column) -> Result<()> {
        push_bytes(column, self.as_bytes(), true)
    }
}

impl ToColumn for String {
    #[inline]
    fn push_to(&self, column: &mut Column) -> Result<()> {
        push_bytes(column, self.as_bytes(), true)
    }
}

impl ToColumn for Bytes<'_> {
    #[inline]
    fn push_to(&self, column: &mut Column) -> Result<()> {
        push_bytes(column, self.0, false)
    }
}

/// Appends NULL: a `Nullable` column's null map, a nullable `LowCardinality`'s key 0.
#[inline]
pub(crate) fn push_null(column: &mut Column) -> Result<()> {
    match column.parts_mut() {
        (_, ColumnData::Nullable(c)) => {
            let (nulls, values) = c.parts_mut();
            nulls.push(1);
            // The value under a NULL is the type's default: the common layouts directly.
            match values.parts_mut() {
                (DataType::String, ColumnData::String(s)) => s.push(b""),
                (DataType::UInt64, ColumnData::UInt64(v)) => v.push(0),
                (DataType::Int64, ColumnData::Int64(v)) => v.push(0),
                (DataType::UInt32, ColumnData::UInt32(v)) => v.push(0),
                (DataType::Int32, ColumnData::Int32(v)) => v.push(0),
                (DataType::Float64, ColumnData::Float64(v)) => v.push(0.0),
                _ => return values.push_default(),
            }
            Ok(())
        }
        _ => push_slow(column, Value::Null),
    }
}

/// The column a non-NULL value of a nullable cell goes to: a `Nullable` column's values (its
/// null map marked), or the column itself (a nullable `LowCardinality` takes values as they
/// are, other columns take `Some(v)` as `v`).
#[inline]
pub(crate) fn some_column(column: &mut Column) -> &mut Column {
    if let (_, ColumnData::Nullable(_)) = column.parts_mut() {
        let (_, ColumnData::Nullable(c)) = column.parts_mut() else {
            unreachable!("checked just above")
        };
        let (nulls, values) = c.parts_mut();
        nulls.push(0);
        return values;
    }
    column
}

impl<T: ToColumn> ToColumn for Option<T> {
    #[inline]
    fn push_to(&self, column: &mut Column) -> Result<()> {
        match self {
            Some(v) => v.push_to(some_column(column)),
            None => push_null(column),
        }
    }
}

/// Appends an array: each element to the column's values, then the row's end.
/// `Array(T)` columns only; anything else is refused with the column's type.
#[inline]
pub(crate) fn push_array<I, F>(column: &mut Column, items: I, mut push: F) -> Result<()>
where
    I: IntoIterator,
    F: FnMut(&mut Column, I::Item) -> Result<()>,
{
    let (t, data) = column.parts_mut();
    let ColumnData::Array(c) = data else {
        return Err(Error::invalid_input(format!(
            "cannot insert a sequence into a column of type {t}"
        )));
    };
    if !matches!(t, DataType::Array(_)) {
        return Err(Error::invalid_input(format!(
            "cannot insert a sequence into a column of type {t}"
        )));
    }
    let (ends, values) = c.parts_mut();
    for item in items {
        push(values, item)?;
    }
    ends.push(values.len() as u64);
    Ok(())
}

/// Ends an `Array` row whose elements were pushed onto the column's values.
pub(crate) fn push_array_end(column: &mut Column) {
    if let (_, ColumnData::Array(c)) = column.parts_mut() {
        let (ends, values) = c.parts_mut();
        ends.push(values.len() as u64);
    }
}

impl<T: ToColumn> ToColumn for [T] {
    #[inline]
    fn push_to(&self, column: &mut Column) -> Result<()> {
        push_array(column, self, |values, item| item.push_to(values))
    }
}

impl<T: ToColumn> ToColumn for Vec<T> {
    #[inline]
    fn push_to(&self, column: &mut Column) -> Result<()> {
        self.as_slice().push_to(column)
    }
}

macro_rules! via_value {
    ($($ty:ty),* $(,)?) => {
        $(impl ToColumn for $ty {
            fn push_to(&self, column: &mut Column) -> Result<()> {
                column.push_value(&Value::from(self.clone()))
            }
        })*
    };
}

via_value!(
    chrono::NaiveDate,
    chrono::DateTime<chrono::Utc>,
    chrono::DateTime<chrono_tz::Tz>,
    uuid::Uuid,
    Ipv4Addr,
    Ipv6Addr,
    super::Decimal,
);

impl ToColumn for Value {
    fn push_to(&self, column: &mut Column) -> Result<()> {
        column.push_value(self)
    }
}

/// Appends a value through its `serde::Serialize` impl (for `#[to_block(serde)]` fields): the
/// same path as the serde insert's fields.
pub fn push_serde<T: serde::Serialize + ?Sized>(value: &T, column: &mut Column) -> Result<()> {
    super::ser_columns::serialize_into(value, column)
}

/// The error of a row handed more or fewer columns than it has fields.
#[doc(hidden)]
pub fn column_count_mismatch(given: usize, fields: usize) -> Error {
    Error::invalid_input(format!(
        "a row of {fields} fields was given {given} columns"
    ))
}
