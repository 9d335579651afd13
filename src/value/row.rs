//! Row views over blocks and conversion of values to Rust types.

use std::net::{Ipv4Addr, Ipv6Addr};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use ethnum::{I256, U256};
use uuid::Uuid;

use super::{Decimal, Value};
use crate::error::{Error, Result};
use crate::native::Block;

/// One row of a block: a view, not a copy.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    block: &'a Block,
    index: usize,
    zone: Tz,
}

/// Something that picks a column of a row: its position (`usize`) or its name (`&str`).
pub trait ColumnIndex {
    /// The column's position in `block`, if it exists.
    fn position(&self, block: &Block) -> Option<usize>;
    /// The index as text, for error messages.
    fn describe(&self) -> String;
}

impl ColumnIndex for usize {
    fn position(&self, block: &Block) -> Option<usize> {
        (*self < block.column_count()).then_some(*self)
    }
    fn describe(&self) -> String {
        format!("#{self}")
    }
}

impl ColumnIndex for &str {
    fn position(&self, block: &Block) -> Option<usize> {
        block.names().iter().position(|n| n == self)
    }
    fn describe(&self) -> String {
        format!("`{self}`")
    }
}

impl<'a> Row<'a> {
    /// Row `index` of `block`; `DateTime` columns without a zone read in `zone`.
    pub fn new(block: &'a Block, index: usize, zone: Tz) -> Self {
        Row { block, index, zone }
    }

    /// The row's position in its block.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        self.block.column_count()
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column names.
    pub fn names(&self) -> &'a [String] {
        self.block.names()
    }

    /// The value of a column, by position or name.
    pub fn value(&self, column: impl ColumnIndex) -> Option<Value> {
        let i = column.position(self.block)?;
        Some(self.block.columns()[i].value(self.index, self.zone))
    }

    /// Every value of the row, in column order.
    pub fn values(&self) -> Vec<Value> {
        self.block
            .columns()
            .iter()
            .map(|c| c.value(self.index, self.zone))
            .collect()
    }

    /// Every value of the row, with the member type of each `Variant`, `Dynamic` and
    /// `Geometry` value kept (see [`Column::typed_value`](crate::Column::typed_value)):
    /// inserted back, they take the same member types.
    pub fn typed_values(&self) -> Vec<Value> {
        self.block
            .columns()
            .iter()
            .map(|c| c.typed_value(self.index, self.zone))
            .collect()
    }

    /// The row as `T` through serde: a struct takes columns by field name, a tuple by position.
    /// Strings are borrowed from the block; no intermediate [`Value`] is built per cell.
    pub fn deserialize<T: serde::Deserialize<'a>>(&self) -> Result<T> {
        super::de::row(self.block, self.index, self.zone)
    }

    /// The value of a column converted to `T`, by position or name.
    pub fn get<T: FromValue>(&self, column: impl ColumnIndex) -> Result<T> {
        let Some(i) = column.position(self.block) else {
            return Err(Error::invalid_input(format!(
                "the result has no column {}",
                column.describe()
            )));
        };
        let col = &self.block.columns()[i];
        T::from_value(col.value(self.index, self.zone)).map_err(|e| {
            let named = e.conversion_parts().map(|(from, to)| {
                Error::conversion(
                    format!(
                        "{from} in column `{}` of type {}",
                        self.block.names()[i],
                        col.data_type()
                    ),
                    to,
                )
            });
            named.unwrap_or(e)
        })
    }
}

/// A Rust type a [`Value`] converts to.
pub trait FromValue: Sized {
    /// Converts, or fails with an error of kind [`Conversion`](crate::ErrorKind::Conversion).
    fn from_value(value: Value) -> Result<Self>;
}

fn conversion<T>(value: &Value) -> Error {
    let shown = match value {
        Value::String(_) | Value::Array(_) | Value::Tuple(_) | Value::Map(_) => {
            value.kind().to_owned()
        }
        other => format!("{} {other}", other.kind()),
    };
    Error::conversion(shown, std::any::type_name::<T>())
}

impl FromValue for Value {
    fn from_value(value: Value) -> Result<Self> {
        Ok(value)
    }
}

macro_rules! from_integer {
    ($($rust:ty),*) => {$(
        impl FromValue for $rust {
            fn from_value(value: Value) -> Result<Self> {
                let value = value.into_untyped();
                value
                    .as_i256()
                    .and_then(|v| <$rust>::try_from(v).ok())
                    .ok_or_else(|| conversion::<$rust>(&value))
            }
        }
    )*};
}

from_integer!(u8, u16, u32, u64, u128, i8, i16, i32, i64, i128, I256);

impl FromValue for U256 {
    fn from_value(value: Value) -> Result<Self> {
        let value = value.into_untyped();
        match value {
            Value::UInt256(v) => Ok(v),
            other => other
                .as_i256()
                .and_then(|v| U256::try_from(v).ok())
                .ok_or_else(|| conversion::<U256>(&other)),
        }
    }
}

impl FromValue for rust_decimal::Decimal {
    fn from_value(value: Value) -> Result<Self> {
        let value = value.into_untyped();
        match value {
            Value::Decimal(d) => d.try_into(),
            other => match other.as_i256().and_then(|i| i128::try_from(i).ok()) {
                Some(i) => rust_decimal::Decimal::try_from_i128_with_scale(i, 0)
                    .map_err(|_| conversion::<rust_decimal::Decimal>(&other)),
                None => Err(conversion::<rust_decimal::Decimal>(&other)),
            },
        }
    }
}

impl FromValue for f64 {
    fn from_value(value: Value) -> Result<Self> {
        let value = value.into_untyped();
        match value {
            Value::Float64(v) => Ok(v),
            Value::Float32(v) => Ok(f64::from(v)),
            Value::Decimal(d) => Ok(d.to_f64()),
            other => match other.as_i256() {
                Some(i) => Ok(i.as_f64()),
                None => Err(conversion::<f64>(&other)),
            },
        }
    }
}

impl FromValue for f32 {
    fn from_value(value: Value) -> Result<Self> {
        let value = value.into_untyped();
        match value {
            Value::Float32(v) => Ok(v),
            other => f64::from_value(other).map(|v| v as f32),
        }
    }
}

impl FromValue for bool {
    fn from_value(value: Value) -> Result<Self> {
        let value = value.into_untyped();
        match value {
            Value::Bool(b) => Ok(b),
            other => match other.as_i256() {
                Some(i) if i == 0 || i == 1 => Ok(i == 1),
                _ => Err(conversion::<bool>(&other)),
            },
        }
    }
}

impl FromValue for String {
    fn from_value(value: Value) -> Result<Self> {
        let value = value.into_untyped();
        match value {
            Value::String(bytes) => String::from_utf8(bytes)
                .map_err(|e| conversion::<String>(&Value::String(e.into_bytes()))),
            Value::Enum(label, _) => Ok(label),
            other => Err(conversion::<String>(&other)),
        }
    }
}

/// A `String` column's raw bytes (which need not be UTF-8).
impl FromValue for bytes::Bytes {
    fn from_value(value: Value) -> Result<Self> {
        let value = value.into_untyped();
        match value {
            Value::String(bytes) => Ok(bytes.into()),
            other => Err(conversion::<bytes::Bytes>(&other)),
        }
    }
}

macro_rules! from_variant {
    ($($rust:ty => $variant:ident),*) => {$(
        impl FromValue for $rust {
            fn from_value(value: Value) -> Result<Self> {
                let value = value.into_untyped();
                match value {
                    Value::$variant(v) => Ok(v),
                    other => Err(conversion::<$rust>(&other)),
                }
            }
        }
    )*};
}

from_variant!(NaiveDate => Date, DateTime<Tz> => DateTime, Uuid => Uuid, Decimal => Decimal,
    Ipv4Addr => Ipv4, Ipv6Addr => Ipv6, chrono::TimeDelta => Time);

/// A `Time` within a day (`00:00:00` to `23:59:59.999999999`).
impl FromValue for chrono::NaiveTime {
    fn from_value(value: Value) -> Result<Self> {
        let value = value.into_untyped();
        match value {
            Value::Time(d) if d >= chrono::TimeDelta::zero() && d < chrono::TimeDelta::days(1) => {
                Ok(chrono::NaiveTime::MIN + d)
            }
            other => Err(conversion::<chrono::NaiveTime>(&other)),
        }
    }
}

impl FromValue for DateTime<chrono::FixedOffset> {
    fn from_value(value: Value) -> Result<Self> {
        let value = value.into_untyped();
        DateTime::<Tz>::from_value(value).map(|dt| dt.fixed_offset())
    }
}

/// A `JSON` document.
impl FromValue for serde_json::Value {
    fn from_value(value: Value) -> Result<Self> {
        let value = value.into_untyped();
        match value {
            Value::Json(json) => Ok(json),
            other => Err(conversion::<serde_json::Value>(&other)),
        }
    }
}

impl FromValue for DateTime<Utc> {
    fn from_value(value: Value) -> Result<Self> {
        let value = value.into_untyped();
        DateTime::<Tz>::from_value(value).map(|dt| dt.with_timezone(&Utc))
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value) -> Result<Self> {
        let value = value.into_untyped();
        match value {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: Value) -> Result<Self> {
        let value = value.into_untyped();
        match value {
            Value::Array(items) => items.into_iter().map(T::from_value).collect(),
            other => Err(conversion::<Vec<T>>(&other)),
        }
    }
}

impl<K: FromValue + Ord, V: FromValue> FromValue for std::collections::BTreeMap<K, V> {
    fn from_value(value: Value) -> Result<Self> {
        let value = value.into_untyped();
        match value {
            Value::Map(pairs) => pairs
                .into_iter()
                .map(|(k, v)| Ok((K::from_value(k)?, V::from_value(v)?)))
                .collect(),
            other => Err(conversion::<Self>(&other)),
        }
    }
}

macro_rules! from_tuple {
    ($($name:ident),+) => {
        impl<$($name: FromValue),+> FromValue for ($($name,)+) {
            fn from_value(value: Value) -> Result<Self> {
                let value = value.into_untyped();
                const LEN: usize = [$(stringify!($name)),+].len();
                match value {
                    Value::Tuple(items) if items.len() == LEN => {
                        let mut items = items.into_iter();
                        Ok(($($name::from_value(items.next().unwrap_or(Value::Null))?,)+))
                    }
                    other => Err(conversion::<Self>(&other)),
                }
            }
        }
    };
}

from_tuple!(A);
from_tuple!(A, B);
from_tuple!(A, B, C);
from_tuple!(A, B, C, D);
from_tuple!(A, B, C, D, E);
