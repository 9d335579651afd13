//! Rust types and ClickHouse types, both ways.
//!
//! | Rust | ClickHouse (bound as) | decodes from |
//! |---|---|---|
//! | `bool` | `Bool` | `Bool`, `UInt8` |
//! | `i8` .. `i128`, `u8` .. `u128`, `ethnum::I256`/`U256` | `Int8` .. `UInt256` | every integer type whose values fit (checked per value) |
//! | `f32`, `f64` | `Float32`, `Float64` | `Float32`, `Float64`, `BFloat16` |
//! | `String`, `&str` | `String` | `String`, `FixedString`, enums (their label; `String` only), `JSON` as text |
//! | `Vec<u8>`, `&[u8]` | `String` | `String`, `FixedString` |
//! | `chrono::NaiveDate` | `Date` | `Date`, `Date32` |
//! | `chrono::NaiveDateTime` | `DateTime64(9)`, as text the server reads in its zone | `DateTime`, `DateTime64`: the wall clock in the column's zone (else the server's) |
//! | `chrono::DateTime<Utc>`, `chrono::DateTime<chrono_tz::Tz>` | `DateTime64(9)`, the instant | `DateTime`, `DateTime64`, in the column's zone (else the server's; never the host's) |
//! | `uuid::Uuid` | `UUID` | `UUID` |
//! | `rust_decimal::Decimal`, the driver's `Decimal` | `Decimal(P, S)` of the value | `Decimal(P, S)`, integers (`rust_decimal`: 96-bit values, else an error) |
//! | `std::net::IpAddr`, `Ipv4Addr`, `Ipv6Addr` | `IPv4`, `IPv6` | `IPv4`, `IPv6` |
//! | `serde_json::Value`, `sqlx::types::Json<T>` | `JSON` | `JSON`, and JSON text in `String` |
//! | `Vec<T>` | `Array(T)` | `Array(T)` |
//! | `Option<T>` | `Nullable(T)` | `Nullable(T)`: NULL is `None` |
//! | `clickhouse_connect::Value` | the value's own type | any |
//!
//! `LowCardinality` and `Nullable` wrappers are seen through when checking a column.

mod cell;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use cell::FromCell;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use clickhouse_connect::value::FromValue;
use clickhouse_connect::{DataType, Value};
use ethnum::{I256, U256};
use sqlx_core::decode::Decode;
use sqlx_core::encode::{Encode, IsNull};
use sqlx_core::error::BoxDynError;
use sqlx_core::types::{Json, Type};
use uuid::Uuid;

use crate::{ClickHouse, ClickHouseArgumentBuffer, ClickHouseTypeInfo, ClickHouseValueRef};

fn info(t: DataType) -> ClickHouseTypeInfo {
    ClickHouseTypeInfo::new(t)
}

fn is_integer(t: &DataType) -> bool {
    use DataType as T;
    matches!(
        t,
        T::UInt8
            | T::UInt16
            | T::UInt32
            | T::UInt64
            | T::UInt128
            | T::UInt256
            | T::Int8
            | T::Int16
            | T::Int32
            | T::Int64
            | T::Int128
            | T::Int256
    )
}

/// Types whose value goes into a [`Value`] with `From` and comes out with the driver's
/// `FromValue` (straight from the cell first for the `fast` ones, which [`FromCell`] reads), with
/// the ClickHouse type they bind as and the column types they read.
macro_rules! through_value {
    ($($rust:ty => $bound:expr, |$t:ident| $compatible:expr, $speed:ident;)*) => {$(
        impl Type<ClickHouse> for $rust {
            fn type_info() -> ClickHouseTypeInfo {
                info($bound)
            }

            fn compatible(ty: &ClickHouseTypeInfo) -> bool {
                let $t = ty.base();
                $compatible
            }
        }

        impl<'q> Encode<'q, ClickHouse> for $rust {
            fn encode_by_ref(&self, buf: &mut ClickHouseArgumentBuffer) -> Result<IsNull, BoxDynError> {
                buf.set(Value::from(self.clone()));
                Ok(IsNull::No)
            }
        }

        impl<'r> Decode<'r, ClickHouse> for $rust {
            fn decode(value: ClickHouseValueRef<'r>) -> Result<Self, BoxDynError> {
                through_value!(@$speed $rust, value);
                Ok(<$rust as FromValue>::from_value(value.value())?)
            }
        }
    )*};
    (@fast $rust:ty, $value:ident) => {
        if let Some(read) = <$rust as FromCell>::from_ref(&$value) {
            return read;
        }
    };
    (@slow $rust:ty, $value:ident) => {};
}

through_value! {
    bool => DataType::Bool, |t| matches!(t, DataType::Bool | DataType::UInt8), slow;
    i8 => DataType::Int8, |t| is_integer(t), fast;
    i16 => DataType::Int16, |t| is_integer(t), fast;
    i32 => DataType::Int32, |t| is_integer(t), fast;
    i64 => DataType::Int64, |t| is_integer(t), fast;
    i128 => DataType::Int128, |t| is_integer(t), fast;
    I256 => DataType::Int256, |t| is_integer(t), slow;
    u8 => DataType::UInt8, |t| is_integer(t) || matches!(t, DataType::Bool), fast;
    u16 => DataType::UInt16, |t| is_integer(t), fast;
    u32 => DataType::UInt32, |t| is_integer(t), fast;
    u64 => DataType::UInt64, |t| is_integer(t), fast;
    u128 => DataType::UInt128, |t| is_integer(t), fast;
    U256 => DataType::UInt256, |t| is_integer(t), slow;
    f32 => DataType::Float32, |t| matches!(t, DataType::Float32 | DataType::BFloat16 | DataType::Float64), fast;
    f64 => DataType::Float64, |t| matches!(t, DataType::Float32 | DataType::BFloat16 | DataType::Float64), fast;
    String => DataType::String,
        |t| matches!(t, DataType::String | DataType::FixedString(_) | DataType::Enum8(_) | DataType::Enum16(_) | DataType::Json(_)), fast;
    NaiveDate => DataType::Date, |t| matches!(t, DataType::Date | DataType::Date32), slow;
    Uuid => DataType::Uuid, |t| matches!(t, DataType::Uuid), slow;
    Ipv4Addr => DataType::IPv4, |t| matches!(t, DataType::IPv4), slow;
    Ipv6Addr => DataType::IPv6, |t| matches!(t, DataType::IPv6), slow;
    DateTime<Tz> => DataType::DateTime64 { precision: 9, timezone: None },
        |t| matches!(t, DataType::DateTime { .. } | DataType::DateTime64 { .. }), slow;
    DateTime<Utc> => DataType::DateTime64 { precision: 9, timezone: None },
        |t| matches!(t, DataType::DateTime { .. } | DataType::DateTime64 { .. }), fast;
}

/// The decimal type a value needs: its scale, the widest precision.
fn decimal_type(scale: u32) -> DataType {
    DataType::Decimal {
        precision: 76,
        scale: scale.min(76) as u8,
    }
}

impl Type<ClickHouse> for rust_decimal::Decimal {
    fn type_info() -> ClickHouseTypeInfo {
        info(decimal_type(10))
    }

    fn compatible(ty: &ClickHouseTypeInfo) -> bool {
        matches!(ty.base(), DataType::Decimal { .. }) || is_integer(ty.base())
    }
}

impl<'q> Encode<'q, ClickHouse> for rust_decimal::Decimal {
    fn encode_by_ref(&self, buf: &mut ClickHouseArgumentBuffer) -> Result<IsNull, BoxDynError> {
        buf.set(Value::from(*self));
        Ok(IsNull::No)
    }

    fn produces(&self) -> Option<ClickHouseTypeInfo> {
        Some(info(decimal_type(self.scale())))
    }
}

impl<'r> Decode<'r, ClickHouse> for rust_decimal::Decimal {
    fn decode(value: ClickHouseValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(<rust_decimal::Decimal as FromValue>::from_value(
            value.value(),
        )?)
    }
}

impl Type<ClickHouse> for clickhouse_connect::value::Decimal {
    fn type_info() -> ClickHouseTypeInfo {
        info(decimal_type(10))
    }

    fn compatible(ty: &ClickHouseTypeInfo) -> bool {
        matches!(ty.base(), DataType::Decimal { .. })
    }
}

impl<'q> Encode<'q, ClickHouse> for clickhouse_connect::value::Decimal {
    fn encode_by_ref(&self, buf: &mut ClickHouseArgumentBuffer) -> Result<IsNull, BoxDynError> {
        buf.set(Value::Decimal(*self));
        Ok(IsNull::No)
    }

    fn produces(&self) -> Option<ClickHouseTypeInfo> {
        Some(info(decimal_type(u32::from(self.scale()))))
    }
}

impl<'r> Decode<'r, ClickHouse> for clickhouse_connect::value::Decimal {
    fn decode(value: ClickHouseValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(<clickhouse_connect::value::Decimal as FromValue>::from_value(value.value())?)
    }
}

impl Type<ClickHouse> for str {
    fn type_info() -> ClickHouseTypeInfo {
        info(DataType::String)
    }

    fn compatible(ty: &ClickHouseTypeInfo) -> bool {
        matches!(
            ty.base(),
            DataType::String | DataType::FixedString(_) | DataType::Json(_)
        )
    }
}

impl<'q> Encode<'q, ClickHouse> for &'_ str {
    fn encode_by_ref(&self, buf: &mut ClickHouseArgumentBuffer) -> Result<IsNull, BoxDynError> {
        buf.set(Value::from(*self));
        Ok(IsNull::No)
    }
}

impl<'r> Decode<'r, ClickHouse> for &'r str {
    fn decode(value: ClickHouseValueRef<'r>) -> Result<Self, BoxDynError> {
        let bytes = value.bytes().ok_or_else(|| {
            format!(
                "a `&str` borrows from a String column; decode a {} column into `String`",
                value.clickhouse_type()
            )
        })?;
        Ok(std::str::from_utf8(bytes)?)
    }
}

impl Type<ClickHouse> for [u8] {
    fn type_info() -> ClickHouseTypeInfo {
        info(DataType::String)
    }

    fn compatible(ty: &ClickHouseTypeInfo) -> bool {
        matches!(ty.base(), DataType::String | DataType::FixedString(_))
    }
}

impl<'q> Encode<'q, ClickHouse> for &'_ [u8] {
    fn encode_by_ref(&self, buf: &mut ClickHouseArgumentBuffer) -> Result<IsNull, BoxDynError> {
        buf.set(Value::from(*self));
        Ok(IsNull::No)
    }
}

impl<'r> Decode<'r, ClickHouse> for &'r [u8] {
    fn decode(value: ClickHouseValueRef<'r>) -> Result<Self, BoxDynError> {
        value.bytes().ok_or_else(|| {
            format!(
                "a `&[u8]` borrows from a String column, not {}",
                value.clickhouse_type()
            )
            .into()
        })
    }
}

impl Type<ClickHouse> for Vec<u8> {
    fn type_info() -> ClickHouseTypeInfo {
        info(DataType::String)
    }

    fn compatible(ty: &ClickHouseTypeInfo) -> bool {
        <[u8] as Type<ClickHouse>>::compatible(ty)
    }
}

impl<'q> Encode<'q, ClickHouse> for Vec<u8> {
    fn encode_by_ref(&self, buf: &mut ClickHouseArgumentBuffer) -> Result<IsNull, BoxDynError> {
        buf.set(Value::String(self.clone()));
        Ok(IsNull::No)
    }
}

impl<'r> Decode<'r, ClickHouse> for Vec<u8> {
    fn decode(value: ClickHouseValueRef<'r>) -> Result<Self, BoxDynError> {
        match value.bytes() {
            Some(bytes) => Ok(bytes.to_vec()),
            None => match value.value() {
                Value::String(bytes) => Ok(bytes),
                other => Err(format!("cannot decode {other} as bytes").into()),
            },
        }
    }
}

impl Type<ClickHouse> for NaiveDateTime {
    fn type_info() -> ClickHouseTypeInfo {
        info(DataType::DateTime64 {
            precision: 9,
            timezone: None,
        })
    }

    fn compatible(ty: &ClickHouseTypeInfo) -> bool {
        matches!(
            ty.base(),
            DataType::DateTime { .. } | DataType::DateTime64 { .. }
        )
    }
}

impl<'q> Encode<'q, ClickHouse> for NaiveDateTime {
    /// As text, which the server reads in its own zone (the wall clock, like a column without a
    /// zone reads it).
    fn encode_by_ref(&self, buf: &mut ClickHouseArgumentBuffer) -> Result<IsNull, BoxDynError> {
        buf.set(Value::from(
            self.format("%Y-%m-%d %H:%M:%S%.9f").to_string(),
        ));
        Ok(IsNull::No)
    }
}

impl<'r> Decode<'r, ClickHouse> for NaiveDateTime {
    fn decode(value: ClickHouseValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(<DateTime<Tz> as FromValue>::from_value(value.value())?.naive_local())
    }
}

impl Type<ClickHouse> for IpAddr {
    fn type_info() -> ClickHouseTypeInfo {
        info(DataType::IPv6)
    }

    fn compatible(ty: &ClickHouseTypeInfo) -> bool {
        matches!(ty.base(), DataType::IPv4 | DataType::IPv6)
    }
}

impl<'q> Encode<'q, ClickHouse> for IpAddr {
    fn encode_by_ref(&self, buf: &mut ClickHouseArgumentBuffer) -> Result<IsNull, BoxDynError> {
        buf.set(match self {
            IpAddr::V4(ip) => Value::Ipv4(*ip),
            IpAddr::V6(ip) => Value::Ipv6(*ip),
        });
        Ok(IsNull::No)
    }

    fn produces(&self) -> Option<ClickHouseTypeInfo> {
        Some(info(match self {
            IpAddr::V4(_) => DataType::IPv4,
            IpAddr::V6(_) => DataType::IPv6,
        }))
    }
}

impl<'r> Decode<'r, ClickHouse> for IpAddr {
    fn decode(value: ClickHouseValueRef<'r>) -> Result<Self, BoxDynError> {
        match value.value() {
            Value::Ipv4(ip) => Ok(IpAddr::V4(ip)),
            Value::Ipv6(ip) => Ok(IpAddr::V6(ip)),
            other => Err(format!("cannot decode {other} as an IP address").into()),
        }
    }
}

impl<T> Type<ClickHouse> for Json<T> {
    fn type_info() -> ClickHouseTypeInfo {
        info(DataType::parse("JSON").unwrap_or(DataType::String))
    }

    fn compatible(ty: &ClickHouseTypeInfo) -> bool {
        matches!(ty.base(), DataType::Json(_) | DataType::String)
    }
}

impl<'q, T: serde::Serialize> Encode<'q, ClickHouse> for Json<T> {
    fn encode_by_ref(&self, buf: &mut ClickHouseArgumentBuffer) -> Result<IsNull, BoxDynError> {
        buf.set(Value::Json(serde_json::to_value(&self.0)?));
        Ok(IsNull::No)
    }
}

impl<'r, T: serde::de::DeserializeOwned> Decode<'r, ClickHouse> for Json<T> {
    fn decode(value: ClickHouseValueRef<'r>) -> Result<Self, BoxDynError> {
        let json = match value.value() {
            Value::Json(json) => json,
            Value::String(text) => serde_json::from_slice(&text)?,
            other => return Err(format!("cannot decode {other} as JSON").into()),
        };
        Ok(Json(serde_json::from_value(json)?))
    }
}

impl Type<ClickHouse> for Value {
    fn type_info() -> ClickHouseTypeInfo {
        info(DataType::Nothing)
    }

    fn compatible(_: &ClickHouseTypeInfo) -> bool {
        true
    }
}

impl<'q> Encode<'q, ClickHouse> for Value {
    fn encode_by_ref(&self, buf: &mut ClickHouseArgumentBuffer) -> Result<IsNull, BoxDynError> {
        buf.set(self.clone());
        Ok(if self.is_null() {
            IsNull::Yes
        } else {
            IsNull::No
        })
    }

    fn produces(&self) -> Option<ClickHouseTypeInfo> {
        Some(info(self.natural_type().unwrap_or(DataType::String)))
    }
}

impl<'r> Decode<'r, ClickHouse> for Value {
    fn decode(value: ClickHouseValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(value.value())
    }
}

/// Element types of arrays (`Vec<T>`): every type here but `u8`, whose `Vec<u8>` is bytes.
pub trait ClickHouseHasArrayType: Type<ClickHouse> + Sized {
    /// The elements of an `Array` cell read straight from its column, where this type can be.
    #[doc(hidden)]
    fn array(_value: &ClickHouseValueRef<'_>) -> Option<Result<Vec<Self>, BoxDynError>> {
        None
    }
}

macro_rules! array_elements {
    (fast: $($fast:ty),*; slow: $($slow:ty),*) => {
        $(impl ClickHouseHasArrayType for $fast {
            fn array(value: &ClickHouseValueRef<'_>) -> Option<Result<Vec<Self>, BoxDynError>> {
                cell::array::<$fast>(value)
            }
        })*
        $(impl ClickHouseHasArrayType for $slow {})*
    };
}

array_elements!(
    fast: i8, i16, i32, i64, i128, u16, u32, u64, u128, f32, f64, String, DateTime<Utc>;
    slow: bool, I256, U256, NaiveDate, Uuid, Ipv4Addr, Ipv6Addr, DateTime<Tz>, rust_decimal::Decimal, Value
);
impl<T: ClickHouseHasArrayType> ClickHouseHasArrayType for Option<T> {}
impl<T: ClickHouseHasArrayType> ClickHouseHasArrayType for Vec<T> {}

impl<T: ClickHouseHasArrayType> Type<ClickHouse> for Vec<T> {
    fn type_info() -> ClickHouseTypeInfo {
        info(DataType::Array(Box::new(
            T::type_info().data_type().clone(),
        )))
    }

    fn compatible(ty: &ClickHouseTypeInfo) -> bool {
        match ty.base() {
            DataType::Array(inner) => T::compatible(&info((**inner).clone())),
            _ => false,
        }
    }
}

impl<'q, T> Encode<'q, ClickHouse> for Vec<T>
where
    T: ClickHouseHasArrayType + Clone + Into<Value>,
{
    fn encode_by_ref(&self, buf: &mut ClickHouseArgumentBuffer) -> Result<IsNull, BoxDynError> {
        buf.set(Value::Array(self.iter().cloned().map(Into::into).collect()));
        Ok(IsNull::No)
    }
}

impl<'r, T> Decode<'r, ClickHouse> for Vec<T>
where
    T: ClickHouseHasArrayType + FromValue,
{
    fn decode(value: ClickHouseValueRef<'r>) -> Result<Self, BoxDynError> {
        if let Some(read) = T::array(&value) {
            return read;
        }
        Ok(<Vec<T> as FromValue>::from_value(value.value())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_bind_as_their_clickhouse_types() {
        assert_eq!(<u64 as Type<ClickHouse>>::type_info().to_string(), "UInt64");
        assert_eq!(
            <Vec<String> as Type<ClickHouse>>::type_info().to_string(),
            "Array(String)"
        );
        assert_eq!(
            <Vec<Vec<i32>> as Type<ClickHouse>>::type_info().to_string(),
            "Array(Array(Int32))"
        );
        assert_eq!(
            <Vec<u8> as Type<ClickHouse>>::type_info().to_string(),
            "String"
        );
        let lc = info(DataType::parse("LowCardinality(Nullable(String))").unwrap());
        assert!(<String as Type<ClickHouse>>::compatible(&lc));
        assert!(!<i64 as Type<ClickHouse>>::compatible(&lc));
        assert!(<u64 as Type<ClickHouse>>::compatible(&info(
            DataType::UInt32
        )));
        assert!(<Vec<i64> as Type<ClickHouse>>::compatible(&info(
            DataType::parse("Array(Int8)").unwrap()
        )));
    }
}
