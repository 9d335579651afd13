//! Rows read column by column: [`FromBlock`], usually derived with `#[derive(FromBlock)]`.
//!
//! Per block, each field finds its column (by name, or by position for tuple structs) and
//! builds a reader for it once: a direct slice for numbers, the string buffer (checked for
//! UTF-8 once) for text, the null map or dictionary keys for `Nullable` and
//! `LowCardinality`, array ends plus an element reader for `Vec`. A row is then one slice
//! index per field: no serde dispatch and no [`Value`](crate::Value) on the way.
//!
//! The field types and the columns they read are listed on [`FromColumn`]; any other type can
//! be read through serde with `#[from_block(serde)]`. A column of a type the field cannot take
//! is refused when the block is planned; a NULL into a non-`Option` field, or a number out of
//! the field's range, when the row is read. Errors name the column, its ClickHouse type and
//! the Rust type.
//!
//! ```
//! use clickhouse_connect::native::decode_blocks;
//! use clickhouse_connect::value::from_block::FromBlock;
//!
//! #[derive(FromBlock)]
//! struct Event<'a> {
//!     id: u64,
//!     #[from_block(rename = "label")]
//!     name: &'a str,
//!     note: Option<String>,
//!     tags: Vec<u32>,
//! }
//! # let _ = decode_blocks;
//! ```

mod nested;
mod numbers;
mod text;
mod via_value;

use std::fmt;
use std::marker::PhantomData;

pub use chrono_tz::Tz;
pub use clickhouse_connect_derive::FromBlock;

use crate::column::{Column, ColumnData, LowCardinalityColumn, VariantColumn};
use crate::error::{Error, Result};
use crate::native::Block;

/// A row type read from a block column by column. Derive it with `#[derive(FromBlock)]`.
pub trait FromBlock<'de>: Sized {
    /// What each field resolved in a block: its column and reader.
    type Columns;

    /// Finds and checks each field's column in `block`; `zone` is the zone of `DateTime`
    /// columns whose type names none.
    fn columns(block: &'de Block, zone: Tz) -> Result<Self::Columns>;

    /// Builds row `row` (which must be below the block's row count).
    fn row(columns: &Self::Columns, row: usize) -> Result<Self>;
}

/// A field type read from a column, implemented for:
///
/// - `u8`..`u128`, `i8`..`i128` from integer columns of any width that fits the value, `Bool`,
///   `Date`/`Date32` (days), `DateTime` (seconds), `DateTime64`/`Time64` (ticks), `Time`,
///   `Enum8/16` (the number) and intervals; `bool` from `Bool`/`UInt8`;
/// - `f32`/`f64` from floats, `BFloat16`, integers and decimals;
/// - `&str` and `String` from `String` and `JSON` (and `String` from enums, as the label);
///   `&[u8]` from `String` and `FixedString`;
/// - `Option<T>` for any of these, NULL being `None`; `Vec<T>` from `Array(T)`;
///   `HashMap`/`BTreeMap` from `Map(K, V)`;
/// - through [`Value`](crate::Value): chrono's `NaiveDate`, `DateTime<Tz>`, `DateTime<Utc>`,
///   `NaiveTime` and `TimeDelta`, `Uuid`, `Ipv4Addr`/`Ipv6Addr`, [`Decimal`](crate::value::Decimal),
///   `rust_decimal::Decimal`, `serde_json::Value`, ethnum's `I256`/`U256`, `Value` itself and
///   [`TypedValue`](crate::value::TypedValue) (a `Variant`/`Dynamic` cell with its member type).
///
/// `Nullable` and `LowCardinality` are seen through for every field type.
pub trait FromColumn<'de>: Sized {
    /// What is resolved once per block.
    type Reader;

    /// The reader for `column` (already unwrapped from `Nullable` and `LowCardinality`), or
    /// why this type cannot read it.
    fn reader(column: &'de Column, zone: Tz) -> std::result::Result<Self::Reader, Mismatch>;

    /// The value at `row`.
    fn read(reader: &Self::Reader, row: usize) -> std::result::Result<Self, Mismatch>;

    /// Appends the values of `rows` (with no NULLs among them) to `out`; types whose
    /// column layout matches their own copy them in bulk.
    #[inline]
    fn read_range(
        reader: &Self::Reader,
        rows: std::ops::Range<usize>,
        out: &mut Vec<Self>,
    ) -> std::result::Result<(), Mismatch> {
        for row in rows {
            out.push(Self::read(reader, row)?);
        }
        Ok(())
    }

    /// The value for NULL: an error, except for `Option`.
    fn null() -> std::result::Result<Self, Mismatch> {
        Err(Mismatch::new("NULL, which needs an Option field"))
    }
}

/// Why a column's value does not fit a field, before the column is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch(String);

impl Mismatch {
    /// A mismatch saying `what`.
    pub fn new(what: impl Into<String>) -> Self {
        Mismatch(what.into())
    }

    /// A column type the field type does not read.
    pub(crate) fn unreadable() -> Self {
        Mismatch(
            "a type this field does not read; pick another field type or \
                  `#[from_block(serde)]`"
                .into(),
        )
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a field names its column.
#[derive(Debug, Clone, Copy)]
pub enum ColumnRef {
    /// By name.
    Name(&'static str),
    /// By position (tuple structs).
    Position(usize),
}

/// How a row reaches the value: directly, through a null map, through dictionary keys, or
/// directly with NULL told by a `Variant`/`Dynamic` discriminator.
#[derive(Clone, Copy)]
enum Rows<'de> {
    Direct,
    Nullable(&'de [u8]),
    LowCardinality(&'de LowCardinalityColumn),
    Variant(&'de VariantColumn),
}

/// A column's cells as `T`, with `Nullable` and `LowCardinality` seen through.
pub struct Cells<'de, T: FromColumn<'de>> {
    rows: Rows<'de>,
    reader: T::Reader,
}

impl<'de, T: FromColumn<'de>> Cells<'de, T> {
    /// The cells of `column`.
    pub fn new(column: &'de Column, zone: Tz) -> std::result::Result<Self, Mismatch> {
        let (rows, values) = match column.data() {
            ColumnData::Nullable(c) => (Rows::Nullable(c.nulls()), c.values()),
            ColumnData::LowCardinality(c) => (Rows::LowCardinality(c), c.dictionary()),
            ColumnData::Variant(c) => (Rows::Variant(c), column),
            ColumnData::Dynamic(c) => (Rows::Variant(c.values()), column),
            _ => (Rows::Direct, column),
        };
        Ok(Cells {
            rows,
            reader: T::reader(values, zone)?,
        })
    }

    /// The value at `row`.
    #[inline(always)]
    pub fn get(&self, row: usize) -> std::result::Result<T, Mismatch> {
        let at = match self.rows {
            Rows::Direct => row,
            Rows::Nullable(nulls) => {
                if nulls[row] != 0 {
                    return T::null();
                }
                row
            }
            Rows::LowCardinality(column) => match column.index(row) {
                Some(key) => key,
                None => return T::null(),
            },
            Rows::Variant(column) => match column.locate(row) {
                Some(_) => row,
                None => return T::null(),
            },
        };
        T::read(&self.reader, at)
    }
}

/// Finds the column a field reads.
fn find(block: &Block, at: ColumnRef) -> Result<(&str, &Column)> {
    let index = match at {
        ColumnRef::Name(name) => block.names().iter().position(|n| n == name),
        ColumnRef::Position(i) => (i < block.column_count()).then_some(i),
    };
    index
        .map(|i| (block.names()[i].as_str(), &block.columns()[i]))
        .ok_or_else(|| {
            let missing = match at {
                ColumnRef::Name(name) => format!("no column `{name}`"),
                ColumnRef::Position(i) => format!("no column at position {i}"),
            };
            let present: Vec<String> = block.names().iter().map(|n| format!("`{n}`")).collect();
            Error::invalid_input(format!(
                "the result has {missing} for a field to read (its columns: {})",
                present.join(", ")
            ))
        })
}

/// The error for `column`, named, failing a field of type `T`.
#[cold]
#[inline(never)]
fn field_error<T>(name: &str, column: &Column, why: Mismatch) -> Error {
    Error::conversion(
        format!("column `{name}` of type {} ({why})", column.data_type()),
        std::any::type_name::<T>().to_owned(),
    )
}

/// A field read from its column (what `#[derive(FromBlock)]` builds per field).
pub struct Field<'de, T: FromColumn<'de>> {
    name: &'de str,
    column: &'de Column,
    cells: Cells<'de, T>,
}

impl<'de, T: FromColumn<'de>> Field<'de, T> {
    /// Finds the field's column in `block` and plans reading it.
    pub fn find(block: &'de Block, at: ColumnRef, zone: Tz) -> Result<Self> {
        let (name, column) = find(block, at)?;
        let cells = Cells::new(column, zone).map_err(|e| field_error::<T>(name, column, e))?;
        Ok(Field {
            name,
            column,
            cells,
        })
    }

    /// The field's value at `row`.
    #[inline(always)]
    pub fn get(&self, row: usize) -> Result<T> {
        self.cells
            .get(row)
            .map_err(|e| field_error::<T>(self.name, self.column, e))
    }
}

/// A field read through its `serde::Deserialize` impl (`#[from_block(serde)]`).
pub struct SerdeField<'de, T> {
    name: &'de str,
    column: &'de Column,
    reader: crate::value::de::ColumnReader<'de>,
    _type: PhantomData<fn() -> T>,
}

impl<'de, T: serde::Deserialize<'de>> SerdeField<'de, T> {
    /// Finds the field's column in `block` and plans reading it.
    pub fn find(block: &'de Block, at: ColumnRef, zone: Tz) -> Result<Self> {
        let (name, column) = find(block, at)?;
        Ok(SerdeField {
            name,
            column,
            reader: crate::value::de::ColumnReader::new(column, zone),
            _type: PhantomData,
        })
    }

    /// The field's value at `row`.
    pub fn get(&self, row: usize) -> Result<T> {
        self.reader
            .deserialize(row)
            .map_err(|e| field_error::<T>(self.name, self.column, Mismatch(e)))
    }
}

/// Every row of `block` as `T`, the columns planned once.
pub fn rows<'de, T: FromBlock<'de>>(
    block: &'de Block,
    zone: Tz,
) -> Result<impl Iterator<Item = Result<T>> + 'de>
where
    T::Columns: 'de,
{
    let columns = T::columns(block, zone)?;
    Ok((0..block.rows()).map(move |row| T::row(&columns, row)))
}
