//! Types read through [`Value`]: dates and times, UUIDs, IPs, decimals, 256-bit integers, JSON
//! documents and `Value` itself. One `Value` per cell, built from the column's buffers.

use std::net::{Ipv4Addr, Ipv6Addr};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Utc};
use uuid::Uuid;

use super::{FromColumn, Mismatch, Tz};
use crate::column::Column;
use ethnum::{I256, U256};

use crate::value::{Decimal, FromValue, TypedValue, Value};

/// A column and the zone for its `DateTime` values.
pub struct Values<'de> {
    column: &'de Column,
    zone: Tz,
}

#[inline]
fn value<T: FromValue>(reader: &Values<'_>, row: usize) -> Result<T, Mismatch> {
    T::from_value(reader.column.value(row, reader.zone)).map_err(|e| Mismatch::new(e.to_string()))
}

macro_rules! via_value {
    ($($rust:ty),*) => {$(
        impl<'de> FromColumn<'de> for $rust {
            type Reader = Values<'de>;

            fn reader(column: &'de Column, zone: Tz) -> Result<Values<'de>, Mismatch> {
                Ok(Values { column, zone })
            }

            fn read(reader: &Values<'de>, row: usize) -> Result<Self, Mismatch> {
                value(reader, row)
            }
        }
    )*};
}

via_value!(
    NaiveDate,
    DateTime<Tz>,
    DateTime<Utc>,
    DateTime<FixedOffset>,
    NaiveTime,
    TimeDelta,
    Uuid,
    Ipv4Addr,
    Ipv6Addr,
    Decimal,
    rust_decimal::Decimal,
    serde_json::Value,
    I256,
    U256
);

impl<'de> FromColumn<'de> for Value {
    type Reader = Values<'de>;

    fn reader(column: &'de Column, zone: Tz) -> Result<Values<'de>, Mismatch> {
        Ok(Values { column, zone })
    }

    fn read(reader: &Values<'de>, row: usize) -> Result<Value, Mismatch> {
        Ok(reader.column.value(row, reader.zone))
    }

    fn null() -> Result<Value, Mismatch> {
        Ok(Value::Null)
    }
}

/// A cell with its type: the member type for `Variant`, `Dynamic` and `Geometry` columns (see
/// [`Column::typed_value`](crate::Column::typed_value)), else the column's own type.
impl<'de> FromColumn<'de> for TypedValue {
    type Reader = Values<'de>;

    fn reader(column: &'de Column, zone: Tz) -> Result<Values<'de>, Mismatch> {
        Ok(Values { column, zone })
    }

    fn read(reader: &Values<'de>, row: usize) -> Result<TypedValue, Mismatch> {
        Ok(match reader.column.typed_value(row, reader.zone) {
            Value::Typed(typed) => *typed,
            value => TypedValue {
                data_type: reader.column.data_type().clone(),
                value,
            },
        })
    }
}
