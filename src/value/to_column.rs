//! Rows written straight into columns: [`ToBlock`] (usually derived with `#[derive(ToBlock)]`)
//! and the field-level [`ToColumn`], the mirror of [`FromBlock`](super::FromBlock).
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

/// A row type written straight into a block's columns. Derive it with `#[derive(ToBlock)]`.
pub trait ToBlock {
    /// The columns the row fills, in the order [`append`](Self::append) fills them.
    fn column_names() -> Vec<&'static str>;

    /// Appends the row: field `i` to `columns[i]`. On failure, the index of the column that
    /// refused its value and why (the columns before it may have taken theirs: the block is
    /// not to be sent).
    fn append(&self, columns: &mut [Column]) -> std::result::Result<(), (usize, Error)>;

    /// Appends many rows. The derive appends the fields held in the row (numbers, dates:
    /// [`ToColumn::BY_COLUMN`]) column by column, each field's column storage found once for
    /// all the rows ([`ToColumn::push_many`]), and the fields behind a pointer (text, arrays)
    /// row by row, so that a row's allocations are read together. On the benchmark's rows
    /// (`cargo bench --bench peers`), text column by column was a third slower than row by
    /// row, except into a `LowCardinality` column, where only the dictionary lookup reads
    /// the text ([`ToColumn::by_column_into`]). The default appends the rows one by one with
    /// [`append`](Self::append).
    ///
    /// On failure, the first cell that refused its value in row order, as `(row, column,
    /// why)`; the columns may then hold different numbers of rows (the block is not to be
    /// sent).
    fn append_rows<'a, I>(rows: I, columns: &mut [Column]) -> RowsResult
    where
        Self: Sized + 'a,
        I: Iterator<Item = &'a Self> + Clone,
    {
        for (i, row) in rows.enumerate() {
            row.append(columns).map_err(|(column, e)| (i, column, e))?;
        }
        Ok(())
    }
}

/// What [`ToBlock::append_rows`] returns: on failure, the row, the column and why.
pub type RowsResult = std::result::Result<(), (usize, usize, Error)>;

/// What [`ToColumn::push_many`] returns: on failure, the index of the value refused and why.
pub type ManyResult = std::result::Result<(), (usize, Error)>;

/// A field type written into a column. Implemented for the integers, floats, `bool`, `String`
/// and `&str`, binary data through [`Bytes`], `Option<T>` (NULL for `None`),
/// `Vec<T>` and slices (`Array`), chrono's dates and times, `Uuid`, `Ipv4Addr`/`Ipv6Addr`,
/// [`Value`] itself, and references to any of these.
pub trait ToColumn {
    /// Whether a derived [`ToBlock::append_rows`] appends this field column by column
    /// ([`push_many`](Self::push_many)) rather than row by row. True for values held in the
    /// row itself (numbers, `bool`, and `Option`s of them): one pass over the rows per such
    /// field costs little. False (the default) for values behind a pointer (text, arrays):
    /// reading each row's allocations together, row by row, is cheaper than one pass over
    /// the rows' allocations per field.
    const BY_COLUMN: bool = false;

    /// Whether a derived [`ToBlock::append_rows`] appends this field into `column` column by
    /// column: [`BY_COLUMN`](Self::BY_COLUMN), unless the column is cheaper filled in one
    /// pass whatever the field (text into a `LowCardinality` column: the dictionary found
    /// once for all the rows, and no bytes copied). Asked once per batch of rows.
    #[inline]
    fn by_column_into(column: &Column) -> bool {
        let _ = column;
        Self::BY_COLUMN
    }

    /// Appends the value to `column`, or says why the column cannot take it.
    fn push_to(&self, column: &mut Column) -> Result<()>;

    /// Appends many values to `column`, in order: what a derived [`ToBlock::append_rows`]
    /// calls for each field. Numbers, text, `Option` and `Vec` find the column's storage once
    /// for all of them; the default pushes each with [`push_to`](Self::push_to). On failure,
    /// the index among `values` of the value refused.
    #[inline]
    fn push_many<'a, I>(values: I, column: &mut Column) -> ManyResult
    where
        Self: 'a,
        I: Iterator<Item = &'a Self> + Clone,
    {
        push_each(values, column)
    }

    /// Appends the values under a `Nullable` column's rows (the caller writes the null map):
    /// each `Some` value, and the type's default under each `None`.
    #[inline]
    fn push_many_nullable<'a, I>(values: I, column: &mut Column) -> ManyResult
    where
        Self: 'a,
        I: Iterator<Item = Option<&'a Self>> + Clone,
    {
        push_each_or_default(values, column, |column, value| value.push_to(column))
    }
}

/// Appends each `Some` value with `push`, and the type's default under each `None` (the rows
/// of a `Nullable` column whose null map the caller writes).
#[inline]
fn push_each_or_default<T>(
    values: impl Iterator<Item = Option<T>>,
    column: &mut Column,
    mut push: impl FnMut(&mut Column, T) -> Result<()>,
) -> ManyResult {
    for (i, value) in values.enumerate() {
        match value {
            Some(value) => push(column, value),
            None => push_default_under_null(column),
        }
        .map_err(|e| (i, e))?;
    }
    Ok(())
}

/// [`ToColumn::push_many`] one value at a time.
#[inline]
fn push_each<'a, T, I>(values: I, column: &mut Column) -> ManyResult
where
    T: ToColumn + ?Sized + 'a,
    I: Iterator<Item = &'a T>,
{
    for (i, value) in values.enumerate() {
        value.push_to(column).map_err(|e| (i, e))?;
    }
    Ok(())
}

impl<T: ToColumn + ?Sized> ToColumn for &T {
    #[inline]
    fn push_to(&self, column: &mut Column) -> Result<()> {
        (**self).push_to(column)
    }

    #[inline]
    fn push_many<'a, I>(values: I, column: &mut Column) -> ManyResult
    where
        Self: 'a,
        I: Iterator<Item = &'a Self> + Clone,
    {
        T::push_many(values.map(|v| &**v), column)
    }

    #[inline]
    fn push_many_nullable<'a, I>(values: I, column: &mut Column) -> ManyResult
    where
        Self: 'a,
        I: Iterator<Item = Option<&'a Self>> + Clone,
    {
        T::push_many_nullable(values.map(|v| v.map(|v| &**v)), column)
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
                const BY_COLUMN: bool = true;

                #[inline]
                fn push_to(&self, column: &mut Column) -> Result<()> {
                    $fn(column, *self)
                }

                #[inline]
                fn push_many<'a, I>(values: I, column: &mut Column) -> ManyResult
                where
                    I: Iterator<Item = &'a Self> + Clone,
                {
                    if let (t, ColumnData::$variant(c)) = column.parts_mut() {
                        let $t = t;
                        if $fits {
                            c.extend(values.copied());
                            return Ok(());
                        }
                    }
                    push_each(values, column)
                }

                #[inline]
                fn push_many_nullable<'a, I>(values: I, column: &mut Column) -> ManyResult
                where
                    I: Iterator<Item = Option<&'a Self>> + Clone,
                {
                    if let (t, ColumnData::$variant(c)) = column.parts_mut() {
                        let $t = t;
                        if $fits {
                            c.extend(values.map(|v| v.copied().unwrap_or_default()));
                            return Ok(());
                        }
                    }
                    push_each_or_default(values, column, |column, value| $fn(column, *value))
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
    const BY_COLUMN: bool = true;

    #[inline]
    fn push_to(&self, column: &mut Column) -> Result<()> {
        push_bool(column, *self)
    }
}

/// Appends text or bytes: copied into a `String` column's buffer; a `LowCardinality(String)`
/// column finds it in its dictionary; other columns parse or convert it.
#[inline(always)]
pub(crate) fn push_bytes(column: &mut Column, v: &[u8], text: bool) -> Result<()> {
    if let (DataType::String, ColumnData::String(c)) = column.parts_mut() {
        c.push(v);
        return Ok(());
    }
    push_bytes_elsewhere(column, v, text)
}

/// [`push_bytes`] into any column but a `String` one, out of line.
#[inline(never)]
fn push_bytes_elsewhere(column: &mut Column, v: &[u8], text: bool) -> Result<()> {
    match column.parts_mut() {
        (_, ColumnData::LowCardinality(c))
            if matches!(c.dictionary().data_type(), DataType::String) =>
        {
            push_low_cardinality_string(c, v)
        }
        _ if text => push_slow(column, Value::from(String::from_utf8_lossy(v).into_owned())),
        _ => push_slow(column, Value::String(v.to_vec())),
    }
}

/// The dictionary key of `v` in a `LowCardinality(String)` column, added when new.
#[inline(always)]
fn push_low_cardinality_string(c: &mut LowCardinalityColumn, v: &[u8]) -> Result<()> {
    if c.push_known_string(v) {
        return Ok(());
    }
    push_new_low_cardinality_string(c, v)
}

/// [`push_low_cardinality_string`] for a value not found in a small dictionary: looked up by
/// its encoded form, added when new.
#[inline(never)]
fn push_new_low_cardinality_string(c: &mut LowCardinalityColumn, v: &[u8]) -> Result<()> {
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

/// Appends many texts or byte strings (`None`: the empty string under a NULL): the column's
/// storage found once for all of them.
#[inline]
fn push_many_bytes<'a, I>(values: I, column: &mut Column, text: bool) -> ManyResult
where
    I: Iterator<Item = Option<&'a [u8]>> + Clone,
{
    match column.parts_mut() {
        (DataType::String, ColumnData::String(c)) => {
            for value in values {
                c.push(value.unwrap_or_default());
            }
            Ok(())
        }
        (_, ColumnData::LowCardinality(c))
            if matches!(c.dictionary().data_type(), DataType::String) =>
        {
            for (i, value) in values.enumerate() {
                push_low_cardinality_string(c, value.unwrap_or_default()).map_err(|e| (i, e))?;
            }
            Ok(())
        }
        _ => push_each_or_default(values, column, |column, value| {
            push_bytes(column, value, text)
        }),
    }
}

/// `ToColumn` for a text or bytes type: `$bytes` turns a value into its bytes.
macro_rules! text_to_column {
    ($ty:ty, $text:expr, |$v:ident| $bytes:expr) => {
        impl ToColumn for $ty {
            /// Into a `LowCardinality` column, text goes in column by column: only its
            /// dictionary lookup reads the bytes, and the column is found once.
            #[inline]
            fn by_column_into(column: &Column) -> bool {
                matches!(column.data(), ColumnData::LowCardinality(_))
            }

            #[inline]
            fn push_to(&self, column: &mut Column) -> Result<()> {
                let $v = self;
                push_bytes(column, $bytes, $text)
            }

            #[inline]
            fn push_many<'a, I>(values: I, column: &mut Column) -> ManyResult
            where
                Self: 'a,
                I: Iterator<Item = &'a Self> + Clone,
            {
                push_many_bytes(values.map(|$v| Some($bytes)), column, $text)
            }

            #[inline]
            fn push_many_nullable<'a, I>(values: I, column: &mut Column) -> ManyResult
            where
                Self: 'a,
                I: Iterator<Item = Option<&'a Self>> + Clone,
            {
                push_many_bytes(values.map(|v| v.map(|$v| $bytes)), column, $text)
            }
        }
    };
}

text_to_column!(str, true, |v| v.as_bytes());
text_to_column!(String, true, |v| v.as_bytes());
text_to_column!(Bytes<'_>, false, |v| v.0);

/// Appends NULL: a `Nullable` column's null map, a nullable `LowCardinality`'s key 0.
#[inline]
pub(crate) fn push_null(column: &mut Column) -> Result<()> {
    match column.parts_mut() {
        (_, ColumnData::Nullable(c)) => {
            let (nulls, values) = c.parts_mut();
            nulls.push(1);
            push_default_under_null(values)
        }
        _ => push_slow(column, Value::Null),
    }
}

/// Appends the value under a NULL (the type's default) to a `Nullable` column's values: the
/// common layouts directly.
#[inline]
fn push_default_under_null(values: &mut Column) -> Result<()> {
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
    const BY_COLUMN: bool = T::BY_COLUMN;

    #[inline]
    fn push_to(&self, column: &mut Column) -> Result<()> {
        match self {
            Some(v) => v.push_to(some_column(column)),
            None => push_null(column),
        }
    }

    #[inline]
    fn push_many<'a, I>(values: I, column: &mut Column) -> ManyResult
    where
        Self: 'a,
        I: Iterator<Item = &'a Self> + Clone,
    {
        if let (_, ColumnData::Nullable(c)) = column.parts_mut() {
            let (nulls, inner) = c.parts_mut();
            nulls.extend(values.clone().map(|v| u8::from(v.is_none())));
            return T::push_many_nullable(values.map(Option::as_ref), inner);
        }
        push_each(values, column)
    }
}

/// Appends an array of `count` elements: `fill` appends them to the column's values (one
/// value each), then the row's end follows, counted from the last row's end rather than
/// asked of the values' column. `Array(T)` columns only; anything else is refused with the
/// column's type.
#[inline]
fn push_array(
    column: &mut Column,
    count: usize,
    fill: impl FnOnce(&mut Column) -> Result<()>,
) -> Result<()> {
    let (t, data) = column.parts_mut();
    let (DataType::Array(_), ColumnData::Array(c)) = (t, data) else {
        return Err(Error::invalid_input(format!(
            "cannot insert a sequence into a column of type {t}"
        )));
    };
    let (ends, values) = c.parts_mut();
    let end = ends.last().copied().unwrap_or(0) + count as u64;
    fill(values)?;
    debug_assert_eq!(values.len() as u64, end, "one value per element");
    ends.push(end);
    Ok(())
}

/// Appends many arrays: every element to the `Array` column's values at once, then each
/// row's end. On failure, the row whose element was refused.
#[inline]
fn push_many_arrays<'a, T, I>(rows: I, column: &mut Column) -> ManyResult
where
    T: ToColumn + 'a,
    I: Iterator<Item = &'a [T]> + Clone,
{
    let (DataType::Array(_), ColumnData::Array(c)) = column.parts_mut() else {
        return push_each(rows, column);
    };
    let (ends, values) = c.parts_mut();
    let mut end = values.len() as u64;
    if let Err((element, e)) = T::push_many(rows.clone().flatten(), values) {
        let mut seen = 0;
        let row = rows
            .take_while(|row| {
                seen += row.len();
                seen <= element
            })
            .count();
        return Err((row, e));
    }
    ends.extend(rows.map(|row| {
        end += row.len() as u64;
        end
    }));
    Ok(())
}

impl<T: ToColumn> ToColumn for [T] {
    /// The elements go in with [`ToColumn::push_many`]: the values' column storage is found
    /// once for the whole array.
    #[inline]
    fn push_to(&self, column: &mut Column) -> Result<()> {
        push_array(column, self.len(), |values| {
            T::push_many(self.iter(), values).map_err(|(_, e)| e)
        })
    }

    #[inline]
    fn push_many<'a, I>(values: I, column: &mut Column) -> ManyResult
    where
        Self: 'a,
        I: Iterator<Item = &'a Self> + Clone,
    {
        push_many_arrays(values, column)
    }
}

impl<T: ToColumn> ToColumn for Vec<T> {
    #[inline]
    fn push_to(&self, column: &mut Column) -> Result<()> {
        self.as_slice().push_to(column)
    }

    #[inline]
    fn push_many<'a, I>(values: I, column: &mut Column) -> ManyResult
    where
        Self: 'a,
        I: Iterator<Item = &'a Self> + Clone,
    {
        push_many_arrays(values.map(Vec::as_slice), column)
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
