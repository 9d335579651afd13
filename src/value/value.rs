//! [`Value`]: one ClickHouse value of any type, owned.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use ethnum::{I256, U256};
use uuid::Uuid;

use super::Decimal;
use crate::types::DataType;

/// One ClickHouse value.
///
/// Values read from a result carry the Rust mapping of their column type: `Date` and `Date32`
/// are [`NaiveDate`], `DateTime` and `DateTime64` are [`DateTime<Tz>`] in the column's zone,
/// decimals are exact [`Decimal`]s, `String` is raw bytes (ClickHouse strings need not be
/// UTF-8). To insert, build values with `From` (`Value::from(42u32)`, `Value::from("text")`) or
/// the variants; the insert converts them to the column's type and rejects what does not fit.
///
/// `Debug` shows a `String` as text when it is UTF-8 (`String("abc")`), as a byte string
/// otherwise (`String(b"\xff")`).
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// SQL NULL.
    Null,
    /// `Bool`.
    Bool(bool),
    /// `UInt8`.
    UInt8(u8),
    /// `UInt16`.
    UInt16(u16),
    /// `UInt32`.
    UInt32(u32),
    /// `UInt64`.
    UInt64(u64),
    /// `UInt128`.
    UInt128(u128),
    /// `UInt256`.
    UInt256(U256),
    /// `Int8`.
    Int8(i8),
    /// `Int16`.
    Int16(i16),
    /// `Int32`.
    Int32(i32),
    /// `Int64`; also `Interval*` (units).
    Int64(i64),
    /// `Int128`.
    Int128(i128),
    /// `Int256`.
    Int256(I256),
    /// `Float32` and `BFloat16`.
    Float32(f32),
    /// `Float64`.
    Float64(f64),
    /// `String` and `FixedString(N)`: raw bytes.
    String(Vec<u8>),
    /// `UUID`.
    Uuid(Uuid),
    /// `Date` and `Date32`.
    Date(NaiveDate),
    /// `Time` and `Time64(P)`: a signed duration (ClickHouse times may be negative or past 24 h).
    /// A `Time64` past what a duration holds (about ±292 million years) reads as
    /// [`Value::Int64`] of its raw ticks.
    Time(chrono::TimeDelta),
    /// `DateTime` and `DateTime64`, in the column's time zone. An instant past what the
    /// calendar holds reads as [`Value::Int64`] of its Unix seconds.
    DateTime(DateTime<Tz>),
    /// `Decimal(P, S)`.
    Decimal(Decimal),
    /// `Enum8` and `Enum16`: the label and its number.
    Enum(String, i16),
    /// `IPv4`.
    Ipv4(Ipv4Addr),
    /// `IPv6`.
    Ipv6(Ipv6Addr),
    /// `Array(T)` and the array-shaped geo types.
    Array(Vec<Value>),
    /// `Tuple(...)` and `Point`.
    Tuple(Vec<Value>),
    /// `Map(K, V)`: the pairs in stored order.
    Map(Vec<(Value, Value)>),
    /// `JSON`: a document.
    Json(serde_json::Value),
    /// An `AggregateFunction` state, as the server serializes it.
    AggregateState(Vec<u8>),
    /// A value with the ClickHouse type it is to take: in a `Variant`, `Dynamic` or `Geometry`
    /// column, the member of exactly that type (a `Date` rather than a `Date32`, a `Ring`
    /// rather than a `LineString`, a named `Tuple`); in any other column, the value itself.
    /// [`Column::typed_value`](crate::Column::typed_value) reads values this way.
    Typed(Box<TypedValue>),
}

/// A value and its ClickHouse type: see [`Value::Typed`].
#[derive(Debug, Clone, PartialEq)]
pub struct TypedValue {
    /// The type: a `Variant`'s member type, or what a `Dynamic` column records.
    pub data_type: DataType,
    /// The value.
    pub value: Value,
}

impl Value {
    /// `value` to be stored as `data_type` (see [`Value::Typed`]).
    pub fn typed(data_type: DataType, value: impl Into<Value>) -> Self {
        Value::Typed(Box::new(TypedValue {
            data_type,
            value: value.into(),
        }))
    }

    /// Whether this is NULL (also when typed).
    pub fn is_null(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Typed(typed) => typed.value.is_null(),
            _ => false,
        }
    }

    /// The value without its [`Value::Typed`] wrapper, if it has one.
    pub fn into_untyped(self) -> Value {
        match self {
            Value::Typed(typed) => typed.value.into_untyped(),
            other => other,
        }
    }

    /// The value without its [`Value::Typed`] wrapper (by reference).
    pub fn untyped(&self) -> &Value {
        match self {
            Value::Typed(typed) => typed.value.untyped(),
            other => other,
        }
    }

    /// The ClickHouse type this value has on its own, as an insert into a `Dynamic` column
    /// would type it (`UInt32(1)` is `UInt32`, a date-time `DateTime64(9, 'zone')`, an array
    /// its elements' type); `None` for NULL and for values whose type cannot be told (an empty
    /// array).
    pub fn natural_type(&self) -> Option<DataType> {
        super::write::natural_type(self)
    }

    /// The string's bytes as text, if this is a UTF-8 `String`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(bytes) => std::str::from_utf8(bytes).ok(),
            Value::Enum(label, _) => Some(label),
            _ => None,
        }
    }

    /// The name of the variant, for error messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Bool(_) => "Bool",
            Value::UInt8(_) => "UInt8",
            Value::UInt16(_) => "UInt16",
            Value::UInt32(_) => "UInt32",
            Value::UInt64(_) => "UInt64",
            Value::UInt128(_) => "UInt128",
            Value::UInt256(_) => "UInt256",
            Value::Int8(_) => "Int8",
            Value::Int16(_) => "Int16",
            Value::Int32(_) => "Int32",
            Value::Int64(_) => "Int64",
            Value::Int128(_) => "Int128",
            Value::Int256(_) => "Int256",
            Value::Float32(_) => "Float32",
            Value::Float64(_) => "Float64",
            Value::String(_) => "String",
            Value::Uuid(_) => "UUID",
            Value::Date(_) => "Date",
            Value::Time(_) => "Time",
            Value::DateTime(_) => "DateTime",
            Value::Decimal(_) => "Decimal",
            Value::Enum(..) => "Enum",
            Value::Ipv4(_) => "IPv4",
            Value::Ipv6(_) => "IPv6",
            Value::Array(_) => "Array",
            Value::Tuple(_) => "Tuple",
            Value::Map(_) => "Map",
            Value::Json(_) => "JSON",
            Value::AggregateState(_) => "AggregateFunction state",
            Value::Typed(typed) => typed.value.kind(),
        }
    }

    /// The value as a signed 256-bit integer, if it is an integer of any width.
    pub(crate) fn as_i256(&self) -> Option<I256> {
        Some(match *self {
            Value::Bool(b) => I256::from(u8::from(b)),
            Value::UInt8(v) => I256::from(v),
            Value::UInt16(v) => I256::from(v),
            Value::UInt32(v) => I256::from(v),
            Value::UInt64(v) => I256::from(v),
            Value::UInt128(v) => I256::from(v),
            Value::UInt256(v) => I256::try_from(v).ok()?,
            Value::Int8(v) => I256::from(v),
            Value::Int16(v) => I256::from(v),
            Value::Int32(v) => I256::from(v),
            Value::Int64(v) => I256::from(v),
            Value::Int128(v) => I256::from(v),
            Value::Int256(v) => v,
            _ => return None,
        })
    }
}

fn write_list<'a>(
    f: &mut fmt::Formatter<'_>,
    open: &str,
    close: &str,
    items: impl Iterator<Item = &'a Value>,
) -> fmt::Result {
    f.write_str(open)?;
    for (i, item) in items.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item:#}")?;
    }
    f.write_str(close)
}

/// Prints the value as ClickHouse prints it in text formats; the alternate form (`{:#}`) quotes
/// strings, as inside arrays and tuples.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Bool(v) => write!(f, "{v}"),
            Value::UInt8(v) => write!(f, "{v}"),
            Value::UInt16(v) => write!(f, "{v}"),
            Value::UInt32(v) => write!(f, "{v}"),
            Value::UInt64(v) => write!(f, "{v}"),
            Value::UInt128(v) => write!(f, "{v}"),
            Value::UInt256(v) => write!(f, "{v}"),
            Value::Int8(v) => write!(f, "{v}"),
            Value::Int16(v) => write!(f, "{v}"),
            Value::Int32(v) => write!(f, "{v}"),
            Value::Int64(v) => write!(f, "{v}"),
            Value::Int128(v) => write!(f, "{v}"),
            Value::Int256(v) => write!(f, "{v}"),
            Value::Float32(v) => write!(f, "{v}"),
            Value::Float64(v) => write!(f, "{v}"),
            Value::String(bytes) if f.alternate() => {
                f.write_str(&crate::types::quote(&String::from_utf8_lossy(bytes)))
            }
            Value::String(bytes) => f.write_str(&String::from_utf8_lossy(bytes)),
            Value::Enum(label, _) if f.alternate() => f.write_str(&crate::types::quote(label)),
            Value::Enum(label, _) => f.write_str(label),
            Value::Uuid(v) => write!(f, "{v}"),
            Value::Date(v) => write!(f, "{v}"),
            Value::Time(d) => {
                let sign = if *d < chrono::TimeDelta::zero() {
                    "-"
                } else {
                    ""
                };
                let d = d.abs();
                let (h, m, s) = (d.num_hours(), d.num_minutes() % 60, d.num_seconds() % 60);
                let nanos = d.subsec_nanos();
                write!(f, "{sign}{h:02}:{m:02}:{s:02}")?;
                if nanos != 0 {
                    write!(f, ".{}", format!("{nanos:09}").trim_end_matches('0'))?;
                }
                Ok(())
            }
            Value::DateTime(v) => write!(f, "{}", v.format("%Y-%m-%d %H:%M:%S%.f")),
            Value::Decimal(v) => write!(f, "{v}"),
            Value::Ipv4(v) => write!(f, "{v}"),
            Value::Ipv6(v) => write!(f, "{v}"),
            Value::Array(items) => write_list(f, "[", "]", items.iter()),
            Value::Tuple(items) => write_list(f, "(", ")", items.iter()),
            Value::AggregateState(bytes) => {
                f.write_str("0x")?;
                bytes.iter().try_for_each(|b| write!(f, "{b:02x}"))
            }
            Value::Json(json) if f.alternate() => {
                f.write_str(&crate::types::quote(&json.to_string()))
            }
            Value::Json(json) => write!(f, "{json}"),
            Value::Typed(typed) if f.alternate() => write!(f, "{:#}", typed.value),
            Value::Typed(typed) => write!(f, "{}", typed.value),
            Value::Map(pairs) => {
                f.write_str("{")?;
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k:#}: {v:#}")?;
                }
                f.write_str("}")
            }
        }
    }
}

/// Bytes shown as text when they are UTF-8, as an escaped byte string otherwise.
struct ShownBytes<'a>(&'a [u8]);

impl std::fmt::Debug for ShownBytes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match std::str::from_utf8(self.0) {
            Ok(text) => std::fmt::Debug::fmt(text, f),
            Err(_) => write!(f, "b\"{}\"", self.0.escape_ascii()),
        }
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        macro_rules! tuple {
            ($name:literal, $($field:expr),+) => {
                f.debug_tuple($name)$(.field($field))+.finish()
            };
        }
        match self {
            Value::Null => f.write_str("Null"),
            Value::Bool(v) => tuple!("Bool", v),
            Value::UInt8(v) => tuple!("UInt8", v),
            Value::UInt16(v) => tuple!("UInt16", v),
            Value::UInt32(v) => tuple!("UInt32", v),
            Value::UInt64(v) => tuple!("UInt64", v),
            Value::UInt128(v) => tuple!("UInt128", v),
            Value::UInt256(v) => tuple!("UInt256", v),
            Value::Int8(v) => tuple!("Int8", v),
            Value::Int16(v) => tuple!("Int16", v),
            Value::Int32(v) => tuple!("Int32", v),
            Value::Int64(v) => tuple!("Int64", v),
            Value::Int128(v) => tuple!("Int128", v),
            Value::Int256(v) => tuple!("Int256", v),
            Value::Float32(v) => tuple!("Float32", v),
            Value::Float64(v) => tuple!("Float64", v),
            Value::String(v) => tuple!("String", &ShownBytes(v)),
            Value::Uuid(v) => tuple!("Uuid", v),
            Value::Date(v) => tuple!("Date", v),
            Value::Time(v) => tuple!("Time", v),
            Value::DateTime(v) => tuple!("DateTime", v),
            Value::Decimal(v) => tuple!("Decimal", v),
            Value::Enum(label, n) => tuple!("Enum", label, n),
            Value::Ipv4(v) => tuple!("Ipv4", v),
            Value::Ipv6(v) => tuple!("Ipv6", v),
            Value::Array(v) => tuple!("Array", v),
            Value::Tuple(v) => tuple!("Tuple", v),
            Value::Map(v) => tuple!("Map", v),
            Value::Json(v) => tuple!("Json", v),
            Value::AggregateState(v) => tuple!("AggregateState", &ShownBytes(v)),
            Value::Typed(v) => tuple!("Typed", v),
        }
    }
}

macro_rules! from_rust {
    ($($rust:ty => $variant:ident),* $(,)?) => {
        $(impl From<$rust> for Value {
            fn from(v: $rust) -> Value {
                Value::$variant(v)
            }
        })*
    };
}

from_rust! {
    bool => Bool, u8 => UInt8, u16 => UInt16, u32 => UInt32, u64 => UInt64, u128 => UInt128,
    U256 => UInt256, i8 => Int8, i16 => Int16, i32 => Int32, i64 => Int64, i128 => Int128,
    I256 => Int256, f32 => Float32, f64 => Float64, Vec<u8> => String, Uuid => Uuid,
    NaiveDate => Date, DateTime<Tz> => DateTime, Decimal => Decimal, Ipv4Addr => Ipv4,
    Ipv6Addr => Ipv6, serde_json::Value => Json, chrono::TimeDelta => Time,
}

impl From<rust_decimal::Decimal> for Value {
    fn from(value: rust_decimal::Decimal) -> Self {
        Value::Decimal(value.into())
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::String(v.as_bytes().to_vec())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::String(v.into_bytes())
    }
}

impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Value {
        Value::String(v.to_vec())
    }
}

impl From<DateTime<chrono::Utc>> for Value {
    fn from(v: DateTime<chrono::Utc>) -> Value {
        Value::DateTime(v.with_timezone(&Tz::UTC))
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// A Rust type whose `Vec`s and slices become `Array` values (every type that converts into a
/// [`Value`] except `u8`, whose `Vec<u8>` and `&[u8]` are `String` bytes).
pub trait ArrayElement: Into<Value> {}

macro_rules! array_elements {
    ($($rust:ty),* $(,)?) => {
        $(impl ArrayElement for $rust {})*
    };
}

array_elements! {
    bool, u16, u32, u64, u128, U256, i8, i16, i32, i64, i128, I256, f32, f64, Uuid, NaiveDate,
    DateTime<Tz>, DateTime<chrono::Utc>, Decimal, rust_decimal::Decimal, Ipv4Addr, Ipv6Addr,
    serde_json::Value, chrono::TimeDelta, String, &str, Value,
}

impl<T: Into<Value>> ArrayElement for Option<T> {}
impl<T: ArrayElement> ArrayElement for Vec<T> {}

impl<T: ArrayElement> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}

impl<T: ArrayElement + Clone> From<&[T]> for Value {
    fn from(items: &[T]) -> Value {
        Value::Array(items.iter().cloned().map(Into::into).collect())
    }
}

impl<K: Into<Value>, V: Into<Value>, S> From<std::collections::HashMap<K, V, S>> for Value {
    /// A `Map` value (in the map's iteration order).
    fn from(map: std::collections::HashMap<K, V, S>) -> Value {
        Value::Map(map.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

impl<K: Into<Value>, V: Into<Value>> From<std::collections::BTreeMap<K, V>> for Value {
    /// A `Map` value, in key order.
    fn from(map: std::collections::BTreeMap<K, V>) -> Value {
        Value::Map(map.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

impl Value {
    /// An `Array` value from anything that converts into values.
    pub fn array<T: Into<Value>>(items: impl IntoIterator<Item = T>) -> Value {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_text_as_text() {
        assert_eq!(format!("{:?}", Value::from("abc")), r#"String("abc")"#);
        assert_eq!(
            format!("{:?}", Value::String(vec![0xff, b'a'])),
            r#"String(b"\xffa")"#
        );
        assert_eq!(
            format!("{:?}", vec![Value::UInt32(2000), Value::Float64(-50.5)]),
            "[UInt32(2000), Float64(-50.5)]"
        );
        assert_eq!(format!("{:?}", Value::Null), "Null");
        assert_eq!(
            format!("{:?}", Value::Enum("a".into(), 1)),
            r#"Enum("a", 1)"#
        );
    }

    #[test]
    fn vectors_slices_options_and_maps_convert() {
        assert_eq!(
            Value::from(vec!["a".to_string(), "b".to_string()]),
            Value::Array(vec![Value::from("a"), Value::from("b")])
        );
        assert_eq!(
            Value::from(&[1u32, 2][..]),
            Value::Array(vec![Value::UInt32(1), Value::UInt32(2)])
        );
        assert_eq!(
            Value::from(vec![Some(1i64), None]),
            Value::Array(vec![Value::Int64(1), Value::Null])
        );
        assert_eq!(
            Value::from(vec![vec![1u16], vec![]]),
            Value::Array(vec![
                Value::Array(vec![Value::UInt16(1)]),
                Value::Array(vec![])
            ])
        );
        // Bytes stay bytes.
        assert_eq!(Value::from(vec![1u8, 2]), Value::String(vec![1, 2]));
        let map: std::collections::BTreeMap<&str, u8> = [("k", 1), ("j", 2)].into();
        assert_eq!(
            Value::from(map),
            Value::Map(vec![
                (Value::from("j"), Value::UInt8(2)),
                (Value::from("k"), Value::UInt8(1))
            ])
        );
    }
}
