//! Reading one row of a column as a [`Value`].

use std::net::{Ipv4Addr, Ipv6Addr};

use chrono::{DateTime, NaiveDate, TimeZone};
use chrono_tz::Tz;
use ethnum::{I256, U256};
use uuid::Uuid;

use super::{Decimal, Value};
use crate::column::{Column, ColumnData};
use crate::types::DataType;

/// The zone for `DateTime` columns whose type names none: the server's zone when known.
pub(crate) fn column_zone(timezone: Option<&str>, default: Tz) -> Tz {
    timezone.and_then(|tz| tz.parse().ok()).unwrap_or(default)
}

fn date_from_days(days: i64) -> Value {
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(days)))
        .map_or(Value::Int64(days), Value::Date)
}

fn date_time(seconds: i64, nanos: u32, tz: Tz) -> Value {
    DateTime::from_timestamp(seconds, nanos)
        .map(|utc| Value::DateTime(tz.from_utc_datetime(&utc.naive_utc())))
        .unwrap_or(Value::Int64(seconds))
}

fn date_time64(ticks: i64, precision: u8, tz: Tz) -> Value {
    let per_second = 10i64.pow(u32::from(precision.min(9)));
    let seconds = ticks.div_euclid(per_second);
    let nanos = ticks.rem_euclid(per_second) * (1_000_000_000 / per_second);
    date_time(seconds, nanos as u32, tz)
}

/// A `Time64(precision)` value: a duration, or its raw ticks when a duration cannot hold it
/// (past about ±292 million years).
fn time64(ticks: i64, precision: u8) -> Value {
    let per_second = 10i64.pow(u32::from(precision.min(9)));
    let nanos = (ticks % per_second) * (1_000_000_000 / per_second);
    chrono::TimeDelta::try_seconds(ticks / per_second)
        .and_then(|seconds| seconds.checked_add(&chrono::TimeDelta::nanoseconds(nanos)))
        .map_or(Value::Int64(ticks), Value::Time)
}

/// UUIDs travel as two little-endian halves.
pub(crate) fn uuid_from_wire(bytes: &[u8; 16]) -> Uuid {
    let high = u64::from_le_bytes(bytes[..8].try_into().unwrap_or_default());
    let low = u64::from_le_bytes(bytes[8..].try_into().unwrap_or_default());
    Uuid::from_u64_pair(high, low)
}

fn enum_label<V: Copy + Into<i16> + PartialEq>(items: &[(String, V)], value: V) -> Value {
    let label = items
        .iter()
        .find(|(_, v)| *v == value)
        .map(|(name, _)| name.clone());
    Value::Enum(
        label.unwrap_or_else(|| value.into().to_string()),
        value.into(),
    )
}

impl Column {
    /// Row `i` as a [`Value`]; `DateTime` columns without a zone use `default_zone`.
    ///
    /// Panics if `i` is out of range, like slice indexing.
    pub fn value(&self, i: usize, default_zone: Tz) -> Value {
        self.read_value(i, default_zone, false)
    }

    /// Row `i` as a [`Value`] that keeps the member type of each `Variant`, `Dynamic` and
    /// `Geometry` value (also inside arrays, maps and tuples) as [`Value::Typed`]. Inserted
    /// back, such values take the same member types; [`value`](Self::value) gives the plain
    /// values, which an insert types by their Rust shape (a date as `Date32`, a tuple
    /// unnamed, a ring as a `LineString`).
    ///
    /// Panics if `i` is out of range, like slice indexing.
    pub fn typed_value(&self, i: usize, default_zone: Tz) -> Value {
        self.read_value(i, default_zone, true)
    }

    fn read_value(&self, i: usize, default_zone: Tz, typed: bool) -> Value {
        let t = self.data_type().stored();
        match (self.data(), t) {
            (ColumnData::UInt8(v), DataType::Bool) => Value::Bool(v[i] != 0),
            (ColumnData::UInt8(v), _) => Value::UInt8(v[i]),
            (ColumnData::UInt16(v), DataType::Date) => date_from_days(i64::from(v[i])),
            (ColumnData::UInt16(v), DataType::BFloat16) => {
                Value::Float32(f32::from_bits(u32::from(v[i]) << 16))
            }
            (ColumnData::UInt16(v), _) => Value::UInt16(v[i]),
            (ColumnData::UInt32(v), DataType::DateTime { timezone }) => date_time(
                i64::from(v[i]),
                0,
                column_zone(timezone.as_deref(), default_zone),
            ),
            (ColumnData::UInt32(v), DataType::IPv4) => Value::Ipv4(Ipv4Addr::from(v[i])),
            (ColumnData::UInt32(v), _) => Value::UInt32(v[i]),
            (ColumnData::UInt64(v), _) => Value::UInt64(v[i]),
            (ColumnData::UInt128(v), _) => Value::UInt128(v[i]),
            (ColumnData::Int8(v), DataType::Enum8(items)) => enum_label(items, v[i]),
            (ColumnData::Int8(v), _) => Value::Int8(v[i]),
            (ColumnData::Int16(v), DataType::Enum16(items)) => enum_label(items, v[i]),
            (ColumnData::Int16(v), _) => Value::Int16(v[i]),
            (ColumnData::Int32(v), DataType::Date32) => date_from_days(i64::from(v[i])),
            (ColumnData::Int32(v), DataType::Time) => {
                Value::Time(chrono::TimeDelta::seconds(i64::from(v[i])))
            }
            (ColumnData::Int32(v), DataType::Decimal { scale, .. }) => {
                Value::Decimal(Decimal::new(v[i], *scale))
            }
            (ColumnData::Int32(v), _) => Value::Int32(v[i]),
            (
                ColumnData::Int64(v),
                DataType::DateTime64 {
                    precision,
                    timezone,
                },
            ) => date_time64(
                v[i],
                *precision,
                column_zone(timezone.as_deref(), default_zone),
            ),
            (ColumnData::Int64(v), DataType::Decimal { scale, .. }) => {
                Value::Decimal(Decimal::new(v[i], *scale))
            }
            (ColumnData::Int64(v), DataType::Time64 { precision }) => time64(v[i], *precision),
            (ColumnData::Int64(v), _) => Value::Int64(v[i]),
            (ColumnData::Int128(v), DataType::Decimal { scale, .. }) => {
                Value::Decimal(Decimal::new(v[i], *scale))
            }
            (ColumnData::Int128(v), _) => Value::Int128(v[i]),
            (ColumnData::Float32(v), _) => Value::Float32(v[i]),
            (ColumnData::Float64(v), _) => Value::Float64(v[i]),
            (ColumnData::Bytes16(v), DataType::IPv6) => Value::Ipv6(Ipv6Addr::from(v[i])),
            (ColumnData::Bytes16(v), _) => Value::Uuid(uuid_from_wire(&v[i])),
            (ColumnData::Bytes32(v), DataType::UInt256) => {
                Value::UInt256(U256::from_le_bytes(v[i]))
            }
            (ColumnData::Bytes32(v), DataType::Decimal { scale, .. }) => {
                Value::Decimal(Decimal::new(I256::from_le_bytes(v[i]), *scale))
            }
            (ColumnData::Bytes32(v), _) => Value::Int256(I256::from_le_bytes(v[i])),
            (ColumnData::String(c), _) => Value::String(c.get(i).unwrap_or_default().to_vec()),
            (ColumnData::FixedString(c), _) => Value::String(c.get(i).unwrap_or_default().to_vec()),
            (ColumnData::Nullable(c), _) => {
                if c.is_null(i) {
                    Value::Null
                } else {
                    c.values().read_value(i, default_zone, typed)
                }
            }
            (ColumnData::Array(c), DataType::Map(..)) => {
                let range = c.range(i);
                match c.values().data() {
                    ColumnData::Tuple(kv) if kv.len() == 2 => Value::Map(
                        range
                            .map(|j| {
                                (
                                    kv[0].read_value(j, default_zone, typed),
                                    kv[1].read_value(j, default_zone, typed),
                                )
                            })
                            .collect(),
                    ),
                    _ => Value::Array(
                        range
                            .map(|j| c.values().read_value(j, default_zone, typed))
                            .collect(),
                    ),
                }
            }
            (ColumnData::Array(c), _) => Value::Array(
                c.range(i)
                    .map(|j| c.values().read_value(j, default_zone, typed))
                    .collect(),
            ),
            (ColumnData::Tuple(elements), _) => Value::Tuple(
                elements
                    .iter()
                    .map(|e| e.read_value(i, default_zone, typed))
                    .collect(),
            ),
            (ColumnData::LowCardinality(c), _) => match c.index(i) {
                None => Value::Null,
                Some(key) => c.dictionary().read_value(key, default_zone, typed),
            },
            (ColumnData::Variant(c), _) => match c.locate(i) {
                None => Value::Null,
                Some((d, p)) => c.variants()[d].member_value(p, default_zone, typed),
            },
            (ColumnData::Dynamic(c), _) => match c.values().locate(i) {
                None => Value::Null,
                Some((d, p)) => c.values().variants()[d].member_value(p, default_zone, typed),
            },
            (ColumnData::Json(c), _) => {
                let text = c.get(i).unwrap_or_default();
                serde_json::from_slice(text)
                    .map_or_else(|_| Value::String(text.to_vec()), Value::Json)
            }
            (ColumnData::AggregateState(c), _) => {
                Value::AggregateState(c.get(i).unwrap_or_default().to_vec())
            }
            (ColumnData::Nothing(_), _) => Value::Null,
            (ColumnData::EmptyTuple(_), _) => Value::Tuple(Vec::new()),
        }
    }

    /// Row `i` of a `Variant` or `Dynamic` member column, typed when asked.
    fn member_value(&self, i: usize, default_zone: Tz, typed: bool) -> Value {
        let value = self.read_value(i, default_zone, typed);
        if typed {
            Value::typed(self.data_type().clone(), value)
        } else {
            value
        }
    }
}
