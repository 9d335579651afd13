//! Cells read straight from their column, without making a driver `Value` first: integers,
//! floats, strings, date-times and arrays of them, the types rows are mostly made of. Anything
//! else goes through the driver's `Value` and `FromValue`.

use chrono::{DateTime, Utc};
use clickhouse_connect::column::ColumnData;
use clickhouse_connect::{Column, DataType};
use sqlx_core::error::BoxDynError;

use crate::ClickHouseValueRef;
use crate::value::Source;

/// The column and row that hold a cell's value, `Nullable` and `LowCardinality` seen through;
/// `None` for NULL.
pub(crate) fn resolve(column: &Column, row: usize) -> Option<(&Column, usize)> {
    match column.data() {
        ColumnData::Nullable(n) if n.is_null(row) => None,
        ColumnData::Nullable(n) => resolve(n.values(), row),
        ColumnData::LowCardinality(lc) => resolve(lc.dictionary(), lc.index(row)?),
        _ => Some((column, row)),
    }
}

/// An integer cell, widened (`None`: not an integer column).
pub(crate) fn integer(column: &Column, row: usize) -> Option<i128> {
    Some(match column.data() {
        ColumnData::UInt8(v) => i128::from(*v.get(row)?),
        ColumnData::UInt16(v) => i128::from(*v.get(row)?),
        ColumnData::UInt32(v) => i128::from(*v.get(row)?),
        ColumnData::UInt64(v) => i128::from(*v.get(row)?),
        ColumnData::UInt128(v) => i128::try_from(*v.get(row)?).ok()?,
        ColumnData::Int8(v) => i128::from(*v.get(row)?),
        ColumnData::Int16(v) => i128::from(*v.get(row)?),
        ColumnData::Int32(v) => i128::from(*v.get(row)?),
        ColumnData::Int64(v) => i128::from(*v.get(row)?),
        ColumnData::Int128(v) => *v.get(row)?,
        _ => return None,
    })
}

/// A type read straight from a cell where it can be.
pub(crate) trait FromCell: Sized {
    /// The value of `column` at `row` (already resolved), `None` when this column's layout is
    /// not one read here.
    fn from_cell(column: &Column, row: usize) -> Option<Result<Self, BoxDynError>>;

    /// The value of a row's cell, `None` when it is not read here (or is NULL: the caller's
    /// `Value` path decides what NULL means for the type).
    fn from_ref(value: &ClickHouseValueRef<'_>) -> Option<Result<Self, BoxDynError>> {
        match &value.source {
            Source::Cell { column, row, .. } => {
                let (column, row) = resolve(column, *row)?;
                Self::from_cell(column, row)
            }
            Source::Owned(_) => None,
        }
    }
}

macro_rules! integers {
    ($($rust:ty),*) => {$(
        impl FromCell for $rust {
            fn from_cell(column: &Column, row: usize) -> Option<Result<Self, BoxDynError>> {
                let value = integer(column, row)?;
                Some(<$rust>::try_from(value).map_err(|_| {
                    format!("{value} is out of the range of {}", stringify!($rust)).into()
                }))
            }
        }
    )*};
}

integers!(i8, i16, i32, i64, i128, u8, u16, u32, u64, u128);

impl FromCell for f64 {
    fn from_cell(column: &Column, row: usize) -> Option<Result<Self, BoxDynError>> {
        match column.data() {
            ColumnData::Float64(v) => Some(Ok(*v.get(row)?)),
            ColumnData::Float32(v) if matches!(column.data_type(), DataType::Float32) => {
                Some(Ok(f64::from(*v.get(row)?)))
            }
            _ => None,
        }
    }
}

impl FromCell for f32 {
    fn from_cell(column: &Column, row: usize) -> Option<Result<Self, BoxDynError>> {
        match column.data() {
            ColumnData::Float32(v) if matches!(column.data_type(), DataType::Float32) => {
                Some(Ok(*v.get(row)?))
            }
            _ => None,
        }
    }
}

impl FromCell for String {
    fn from_cell(column: &Column, row: usize) -> Option<Result<Self, BoxDynError>> {
        let bytes = match column.data() {
            ColumnData::String(s) | ColumnData::Json(s) => s.get(row)?,
            ColumnData::FixedString(s) => s.get(row)?,
            _ => return None,
        };
        Some(
            std::str::from_utf8(bytes)
                .map(str::to_owned)
                .map_err(Into::into),
        )
    }
}

impl FromCell for DateTime<Utc> {
    fn from_cell(column: &Column, row: usize) -> Option<Result<Self, BoxDynError>> {
        let instant = match (column.data_type(), column.data()) {
            (DataType::DateTime { .. }, ColumnData::UInt32(v)) => {
                DateTime::from_timestamp(i64::from(*v.get(row)?), 0)
            }
            (DataType::DateTime64 { precision, .. }, ColumnData::Int64(v)) => {
                let ticks = *v.get(row)?;
                let per_second = 10i64.pow(u32::from((*precision).min(9)));
                let nanos = ticks.rem_euclid(per_second) * (1_000_000_000 / per_second);
                DateTime::from_timestamp(ticks.div_euclid(per_second), nanos as u32)
            }
            _ => return None,
        };
        Some(instant.ok_or_else(|| "a date-time out of chrono's range".into()))
    }
}

/// `Vec<T>` of an `Array` cell whose elements are read here.
pub(crate) fn array<T: FromCell>(
    value: &ClickHouseValueRef<'_>,
) -> Option<Result<Vec<T>, BoxDynError>> {
    let Source::Cell { column, row, .. } = &value.source else {
        return None;
    };
    let (column, row) = resolve(column, *row)?;
    let ColumnData::Array(array) = column.data() else {
        return None;
    };
    let values = array.values();
    let range = array.range(row);
    let mut out = Vec::with_capacity(range.len());
    for i in range {
        // Elements that are NULL or not read here: the whole array takes the `Value` path.
        let (element, at) = resolve(values, i)?;
        match T::from_cell(element, at)? {
            Ok(v) => out.push(v),
            Err(e) => return Some(Err(e)),
        }
    }
    Some(Ok(out))
}
