//! Appending [`Value`]s to columns, converting them to the column's type.
//!
//! Integers go into any integer, decimal or date-time column whose range holds them; strings
//! into `String`, `FixedString`, enums (by label), `UUID`, IP and `Decimal` columns (parsed);
//! everything else must match the column's type. A value that does not fit is an error that
//! names the column type and the value, and the column is left unchanged.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chrono::{DateTime, NaiveDate, Utc};
use ethnum::{I256, U256};
use uuid::Uuid;

use super::{Decimal, TypedValue, Value};
use crate::column::{Column, ColumnData, DynamicColumn, LowCardinalityColumn};
use crate::error::{Error, Result};
use crate::types::DataType;

fn mismatch(data_type: &DataType, value: &Value) -> Error {
    let shown = match value {
        Value::Null => {
            return Error::invalid_input(format!(
                "cannot insert NULL into a column of type {data_type}, which is not Nullable"
            ));
        }
        Value::String(_) | Value::Array(_) | Value::Tuple(_) | Value::Map(_) => {
            value.kind().to_owned()
        }
        other => format!("{} {other}", other.kind()),
    };
    Error::invalid_input(format!(
        "cannot insert {shown} into a column of type {data_type}"
    ))
}

fn int<T: TryFrom<I256>>(data_type: &DataType, value: &Value) -> Result<T> {
    value
        .as_i256()
        .and_then(|v| T::try_from(v).ok())
        .ok_or_else(|| mismatch(data_type, value))
}

fn days_since_epoch(date: NaiveDate) -> i64 {
    date.signed_duration_since(NaiveDate::default()).num_days()
}

fn epoch_seconds(data_type: &DataType, value: &Value) -> Result<(i64, u32)> {
    match value {
        Value::DateTime(dt) => Ok((dt.timestamp(), dt.timestamp_subsec_nanos())),
        Value::Date(d) => Ok((days_since_epoch(*d) * 86_400, 0)),
        Value::String(_) => {
            let text = text(data_type, value)?;
            let zone = match data_type {
                DataType::DateTime { timezone } | DataType::DateTime64 { timezone, .. } => timezone
                    .as_deref()
                    .and_then(|z| z.parse::<chrono_tz::Tz>().ok()),
                _ => None,
            };
            date_time_text(text, zone).ok_or_else(|| {
                let without_zone = if zone.is_none() {
                    "; text without an offset needs a column that names its zone \
                     (`DateTime('UTC')`), as the server would read it in its own zone"
                } else {
                    ""
                };
                Error::invalid_input(format!(
                    "cannot insert {text:?} into a column of type {data_type}: date-time text is \
                     read as `YYYY-MM-DD hh:mm:ss[.fraction]` or `YYYY-MM-DDThh:mm:ss[.fraction]` \
                     with an optional offset (`Z`, `+02:00`), a date `YYYY-MM-DD`, or Unix \
                     seconds{without_zone}"
                ))
            })
        }
        other => Ok((int::<i64>(data_type, other)?, 0)),
    }
}

/// The instant a date-time text names, as the server's text parser reads it: an offset fixes the
/// instant; text without one is in `zone` (none: not readable here).
pub(crate) fn date_time_text(text: &str, zone: Option<chrono_tz::Tz>) -> Option<(i64, u32)> {
    use chrono::{NaiveDateTime, TimeZone};
    let text = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some((dt.timestamp(), dt.timestamp_subsec_nanos()));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f%#z",
        "%Y-%m-%dT%H:%M:%S%.f%#z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(text, format) {
            return Some((dt.timestamp(), dt.timestamp_subsec_nanos()));
        }
    }
    let utc = text
        .strip_suffix('Z')
        .and_then(|t| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f").ok());
    if let Some(naive) = utc {
        let dt = naive.and_utc();
        return Some((dt.timestamp(), dt.timestamp_subsec_nanos()));
    }
    // Unix seconds, with an optional fraction.
    if let Some((whole, fraction)) = unix_seconds(text) {
        return Some((whole, fraction));
    }
    let naive = ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?;
    // A time that a zone's clock skips or repeats takes the earlier instant, as the server does.
    let dt = zone?.from_local_datetime(&naive).earliest()?;
    Some((dt.timestamp(), dt.timestamp_subsec_nanos()))
}

/// `1700000000` or `1700000000.25`.
fn unix_seconds(text: &str) -> Option<(i64, u32)> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) || fraction.len() > 9 {
        return None;
    }
    let nanos = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<9}").parse().ok()?
    };
    Some((whole.parse().ok()?, nanos))
}

fn decimal(data_type: &DataType, scale: u8, value: &Value) -> Result<I256> {
    let float = match value {
        Value::Float64(f) => Some(*f),
        Value::Float32(f) => Some(f64::from(*f)),
        _ => None,
    };
    let d = match value {
        Value::Decimal(d) => *d,
        // Floats are inexact anyway: rounded to the column's scale.
        _ if float.is_some_and(f64::is_finite) => {
            format!("{:.*}", usize::from(scale), float.unwrap_or_default())
                .parse::<Decimal>()
                .map_err(|_| mismatch(data_type, value))?
        }
        Value::String(bytes) => std::str::from_utf8(bytes)
            .ok()
            .and_then(|s| s.parse::<Decimal>().ok())
            .ok_or_else(|| mismatch(data_type, value))?,
        other => Decimal::new(
            other.as_i256().ok_or_else(|| mismatch(data_type, other))?,
            0,
        ),
    };
    let exact = d.rescale(scale).ok_or_else(|| {
        Error::invalid_input(format!(
            "{d} does not fit {data_type} without losing digits"
        ))
    })?;
    let precision = match data_type {
        DataType::Decimal { precision, .. } => *precision,
        _ => 76,
    };
    let limit = I256::new(10).pow(u32::from(precision));
    if exact.mantissa().abs() >= limit {
        return Err(Error::invalid_input(format!(
            "{d} is out of range for {data_type}"
        )));
    }
    Ok(exact.mantissa())
}

fn text<'a>(data_type: &DataType, value: &'a Value) -> Result<&'a str> {
    match value {
        Value::String(bytes) => std::str::from_utf8(bytes).map_err(|_| mismatch(data_type, value)),
        _ => Err(mismatch(data_type, value)),
    }
}

fn uuid_to_wire(uuid: Uuid) -> [u8; 16] {
    let (high, low) = uuid.as_u64_pair();
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&high.to_le_bytes());
    out[8..].copy_from_slice(&low.to_le_bytes());
    out
}

fn enum_value<V: Copy + TryFrom<I256>>(
    data_type: &DataType,
    items: &[(String, V)],
    value: &Value,
) -> Result<V>
where
    I256: From<V>,
{
    let found = match value {
        Value::Enum(label, _) => items.iter().find(|(n, _)| n == label).map(|(_, v)| *v),
        Value::String(bytes) => items
            .iter()
            .find(|(n, _)| n.as_bytes() == bytes.as_slice())
            .map(|(_, v)| *v),
        other => {
            let number: Option<V> = other.as_i256().and_then(|n| V::try_from(n).ok());
            number.filter(|n| items.iter().any(|(_, v)| I256::from(*v) == I256::from(*n)))
        }
    };
    found.ok_or_else(|| mismatch(data_type, value))
}

impl Column {
    /// Appends `value`, converted to the column's type.
    pub fn push_value(&mut self, value: &Value) -> Result<()> {
        if let Value::Typed(typed) = value {
            return self.push_typed(typed);
        }
        let (t, data) = self.parts_mut();
        let v = value;
        match data {
            ColumnData::UInt8(c) => c.push(match (t, v) {
                (DataType::Bool, Value::Bool(b)) => u8::from(*b),
                _ => int(t, v)?,
            }),
            ColumnData::UInt16(c) => c.push(match (t, v) {
                (DataType::Date, Value::Date(d)) => {
                    u16::try_from(days_since_epoch(*d)).map_err(|_| mismatch(t, v))?
                }
                (DataType::Date, Value::String(_)) => {
                    let d: NaiveDate = text(t, v)?.parse().map_err(|_| mismatch(t, v))?;
                    u16::try_from(days_since_epoch(d)).map_err(|_| mismatch(t, v))?
                }
                (DataType::BFloat16, Value::Float32(f)) => (f.to_bits() >> 16) as u16,
                (DataType::BFloat16, Value::Float64(f)) => ((*f as f32).to_bits() >> 16) as u16,
                _ => int(t, v)?,
            }),
            ColumnData::UInt32(c) => c.push(match (t, v) {
                (DataType::DateTime { .. }, _) => {
                    u32::try_from(epoch_seconds(t, v)?.0).map_err(|_| mismatch(t, v))?
                }
                (DataType::IPv4, Value::Ipv4(ip)) => u32::from(*ip),
                (DataType::IPv4, Value::String(_)) => u32::from(
                    text(t, v)?
                        .parse::<Ipv4Addr>()
                        .map_err(|_| mismatch(t, v))?,
                ),
                _ => int(t, v)?,
            }),
            ColumnData::UInt64(c) => c.push(int(t, v)?),
            ColumnData::UInt128(c) => c.push(int(t, v)?),
            ColumnData::Int8(c) => c.push(match t {
                DataType::Enum8(items) => enum_value(t, items, v)?,
                _ => int(t, v)?,
            }),
            ColumnData::Int16(c) => c.push(match t {
                DataType::Enum16(items) => enum_value(t, items, v)?,
                _ => int(t, v)?,
            }),
            ColumnData::Int32(c) => c.push(match (t, v) {
                (DataType::Time, Value::Time(d)) if d.subsec_nanos() == 0 => {
                    i32::try_from(d.num_seconds()).map_err(|_| mismatch(t, v))?
                }
                (DataType::Date32, Value::Date(d)) => {
                    i32::try_from(days_since_epoch(*d)).map_err(|_| mismatch(t, v))?
                }
                (DataType::Date32, Value::String(_)) => {
                    let d: NaiveDate = text(t, v)?.parse().map_err(|_| mismatch(t, v))?;
                    i32::try_from(days_since_epoch(d)).map_err(|_| mismatch(t, v))?
                }
                (DataType::Decimal { scale, .. }, _) => {
                    i32::try_from(decimal(t, *scale, v)?).map_err(|_| mismatch(t, v))?
                }
                _ => int(t, v)?,
            }),
            ColumnData::Int64(c) => c.push(match (t, v) {
                (DataType::Time64 { precision }, Value::Time(d)) => {
                    let nanos = d.num_nanoseconds().ok_or_else(|| mismatch(t, v))?;
                    let per_tick = 10i64.pow(9 - u32::from((*precision).min(9)));
                    if nanos % per_tick != 0 {
                        return Err(Error::invalid_input(format!(
                            "{v} has more digits than {t} keeps"
                        )));
                    }
                    nanos / per_tick
                }
                (
                    DataType::DateTime64 { precision, .. },
                    Value::DateTime(_) | Value::Date(_) | Value::String(_),
                ) => {
                    let (seconds, nanos) = epoch_seconds(t, v)?;
                    let per_second = 10i64.pow(u32::from(*precision));
                    seconds
                        .checked_mul(per_second)
                        .and_then(|s| {
                            s.checked_add(i64::from(nanos) / (1_000_000_000 / per_second))
                        })
                        .ok_or_else(|| mismatch(t, v))?
                }
                (DataType::Decimal { scale, .. }, _) => {
                    i64::try_from(decimal(t, *scale, v)?).map_err(|_| mismatch(t, v))?
                }
                _ => int(t, v)?,
            }),
            ColumnData::Int128(c) => c.push(match t {
                DataType::Decimal { scale, .. } => {
                    i128::try_from(decimal(t, *scale, v)?).map_err(|_| mismatch(t, v))?
                }
                _ => int(t, v)?,
            }),
            ColumnData::Float32(c) => c.push(match v {
                Value::Float32(f) => *f,
                Value::Float64(f) => *f as f32,
                other => int::<i64>(t, other)? as f32,
            }),
            ColumnData::Float64(c) => c.push(match v {
                Value::Float64(f) => *f,
                Value::Float32(f) => f64::from(*f),
                Value::Decimal(d) => d.to_f64(),
                other => int::<i64>(t, other)? as f64,
            }),
            ColumnData::Bytes16(c) => c.push(match (t, v) {
                (DataType::Uuid, Value::Uuid(u)) => uuid_to_wire(*u),
                (DataType::Uuid, Value::String(_)) => {
                    uuid_to_wire(text(t, v)?.parse::<Uuid>().map_err(|_| mismatch(t, v))?)
                }
                (DataType::IPv6, Value::Ipv6(ip)) => ip.octets(),
                (DataType::IPv6, Value::Ipv4(ip)) => ip.to_ipv6_mapped().octets(),
                (DataType::IPv6, Value::String(_)) => match text(t, v)?.parse::<IpAddr>() {
                    Ok(IpAddr::V6(ip)) => ip.octets(),
                    Ok(IpAddr::V4(ip)) => ip.to_ipv6_mapped().octets(),
                    Err(_) => return Err(mismatch(t, v)),
                },
                _ => return Err(mismatch(t, v)),
            }),
            ColumnData::Bytes32(c) => c.push(match (t, v) {
                (DataType::UInt256, Value::UInt256(u)) => u.to_le_bytes(),
                (DataType::UInt256, _) => {
                    let i = v
                        .as_i256()
                        .filter(|i| *i >= 0)
                        .ok_or_else(|| mismatch(t, v))?;
                    U256::try_from(i).map_err(|_| mismatch(t, v))?.to_le_bytes()
                }
                (DataType::Decimal { scale, .. }, _) => decimal(t, *scale, v)?.to_le_bytes(),
                _ => v.as_i256().ok_or_else(|| mismatch(t, v))?.to_le_bytes(),
            }),
            ColumnData::String(c) => match v {
                Value::String(bytes) => c.push(bytes),
                Value::Enum(label, _) => c.push(label.as_bytes()),
                _ => return Err(mismatch(t, v)),
            },
            ColumnData::FixedString(c) => {
                let bytes = match v {
                    Value::String(bytes) => bytes.as_slice(),
                    _ => return Err(mismatch(t, v)),
                };
                if !c.push(bytes) {
                    return Err(Error::invalid_input(format!(
                        "a string of {} bytes does not fit {t}",
                        bytes.len()
                    )));
                }
            }
            ColumnData::Nullable(c) => {
                let (nulls, values) = c.parts_mut();
                if v.is_null() {
                    values.push_default()?;
                    nulls.push(1);
                } else {
                    values.push_value(v)?;
                    nulls.push(0);
                }
            }
            ColumnData::Array(c) => {
                let items: Vec<Value> = match (t, v) {
                    (DataType::Map(..), Value::Map(pairs)) => pairs
                        .iter()
                        .map(|(k, v)| Value::Tuple(vec![k.clone(), v.clone()]))
                        .collect(),
                    (_, Value::Array(items)) => items.clone(),
                    _ => return Err(mismatch(t, v)),
                };
                let (ends, values) = c.parts_mut();
                let before = values.len();
                for item in &items {
                    if let Err(e) = values.push_value(item) {
                        *values = values.slice(0, before);
                        return Err(e);
                    }
                }
                ends.push(values.len() as u64);
            }
            ColumnData::Tuple(elements) => {
                let items = match v {
                    Value::Tuple(items) | Value::Array(items) if items.len() == elements.len() => {
                        items
                    }
                    _ => return Err(mismatch(t, v)),
                };
                let before = elements.first().map_or(0, Column::len);
                for (i, (element, item)) in elements.iter_mut().zip(items).enumerate() {
                    if let Err(e) = element.push_value(item) {
                        for done in &mut elements[..i] {
                            *done = done.slice(0, before);
                        }
                        return Err(e);
                    }
                }
            }
            ColumnData::LowCardinality(c) => push_low_cardinality(c, t, v)?,
            ColumnData::Variant(c) => {
                if v.is_null() {
                    c.push_null();
                } else {
                    // The variant of the value's own type first, then any that takes it.
                    let natural = natural_type(v);
                    let variants = c.variants_mut();
                    let order: Vec<usize> = (0..variants.len())
                        .filter(|&d| Some(variants[d].data_type()) == natural.as_ref())
                        .chain(0..variants.len())
                        .collect();
                    let chosen = order
                        .into_iter()
                        .find(|&d| variants[d].push_value(v).is_ok());
                    match chosen {
                        Some(d) => c.pushed(d),
                        None => return Err(mismatch(t, v)),
                    }
                }
            }
            ColumnData::Dynamic(c) => {
                if v.is_null() {
                    c.push_null();
                } else {
                    let natural = natural_type(v).ok_or_else(|| {
                        Error::invalid_input(format!(
                            "cannot tell the ClickHouse type of {} for a Dynamic column",
                            v.kind()
                        ))
                    })?;
                    push_dynamic(c, &natural, v)?;
                }
            }
            ColumnData::AggregateState(c) => match v {
                Value::AggregateState(state) => c.push(state)?,
                _ => return Err(mismatch(t, v)),
            },
            ColumnData::Json(c) => match v {
                Value::Json(json) => c.push(json.to_string().as_bytes()),
                Value::String(text)
                    if serde_json::from_slice::<serde_json::Value>(text).is_ok() =>
                {
                    c.push(text)
                }
                _ => return Err(mismatch(t, v)),
            },
            ColumnData::Nothing(n) => {
                if !v.is_null() {
                    return Err(mismatch(t, v));
                }
                *n += 1;
            }
            ColumnData::EmptyTuple(rows) => match v {
                Value::Tuple(items) | Value::Array(items) if items.is_empty() => *rows += 1,
                _ => return Err(mismatch(t, v)),
            },
        }
        Ok(())
    }

    /// Appends a value of a given type: in a `Variant` (or `Geometry`) column into the member
    /// of exactly that type, in a `Dynamic` column as that type; elsewhere the value alone.
    fn push_typed(&mut self, typed: &TypedValue) -> Result<()> {
        let TypedValue { data_type, value } = typed;
        if value.is_null() {
            return self.push_value(value);
        }
        let (column_type, data) = self.parts_mut();
        match data {
            ColumnData::Variant(c) => {
                let d = c
                    .variants()
                    .iter()
                    .position(|v| v.data_type() == data_type)
                    .ok_or_else(|| {
                        Error::invalid_input(format!(
                            "a value typed {data_type} does not fit {column_type}: no member \
                             of that type"
                        ))
                    })?;
                c.variants_mut()[d].push_value(value)?;
                c.pushed(d);
            }
            ColumnData::Dynamic(c) => push_dynamic(c, data_type, value)?,
            _ => self.push_value(value)?,
        }
        Ok(())
    }

    /// Appends the type's default value (zero, empty, epoch).
    pub(crate) fn push_default(&mut self) -> Result<()> {
        let default = default_value(self.data_type());
        self.push_value(&default)
    }
}

/// Appends `v` to a `Dynamic` column as a value of `data_type` (a new member if needed).
fn push_dynamic(c: &mut DynamicColumn, data_type: &DataType, v: &Value) -> Result<()> {
    let d = c.variant_for(data_type)?;
    let values = c.values_mut();
    values.variants_mut()[d].push_value(v)?;
    values.pushed(d);
    Ok(())
}

/// The ClickHouse type a value has on its own (for Dynamic columns and Variant choice).
pub(crate) fn natural_type(v: &Value) -> Option<DataType> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(_) => DataType::Bool,
        Value::UInt8(_) => DataType::UInt8,
        Value::UInt16(_) => DataType::UInt16,
        Value::UInt32(_) => DataType::UInt32,
        Value::UInt64(_) => DataType::UInt64,
        Value::UInt128(_) => DataType::UInt128,
        Value::UInt256(_) => DataType::UInt256,
        Value::Int8(_) => DataType::Int8,
        Value::Int16(_) => DataType::Int16,
        Value::Int32(_) => DataType::Int32,
        Value::Int64(_) => DataType::Int64,
        Value::Int128(_) => DataType::Int128,
        Value::Int256(_) => DataType::Int256,
        Value::Float32(_) => DataType::Float32,
        Value::Float64(_) => DataType::Float64,
        Value::String(_) | Value::Enum(..) => DataType::String,
        Value::Uuid(_) => DataType::Uuid,
        Value::Date(_) => DataType::Date32,
        Value::Time(_) => DataType::Time64 { precision: 9 },
        Value::DateTime(dt) => DataType::DateTime64 {
            precision: 6,
            timezone: Some(dt.timezone().name().to_owned()),
        },
        Value::Decimal(d) => DataType::Decimal {
            precision: 76,
            scale: d.scale(),
        },
        Value::Ipv4(_) => DataType::IPv4,
        Value::Ipv6(_) => DataType::IPv6,
        Value::Json(_) => DataType::Json(Box::default()),
        Value::AggregateState(_) => return None,
        Value::Typed(typed) => typed.data_type.clone(),
        Value::Array(items) => {
            let element = items.iter().find_map(natural_type)?;
            let element = if items.iter().any(Value::is_null) {
                DataType::Nullable(Box::new(element))
            } else {
                element
            };
            DataType::Array(Box::new(element))
        }
        Value::Tuple(items) => DataType::Tuple(
            items
                .iter()
                .map(|i| {
                    natural_type(i).map(|data_type| crate::types::TupleElement {
                        name: None,
                        data_type,
                    })
                })
                .collect::<Option<_>>()?,
        ),
        Value::Map(pairs) => {
            let (k, v) = pairs.first()?;
            DataType::Map(Box::new(natural_type(k)?), Box::new(natural_type(v)?))
        }
    })
}

/// The value a column of `data_type` holds under a NULL.
fn default_value(data_type: &DataType) -> Value {
    match data_type {
        DataType::String | DataType::FixedString(_) => Value::String(Vec::new()),
        DataType::Float32 | DataType::BFloat16 => Value::Float32(0.0),
        DataType::Float64 => Value::Float64(0.0),
        DataType::Bool => Value::Bool(false),
        DataType::Date | DataType::Date32 => Value::Date(NaiveDate::default()),
        DataType::DateTime { .. } | DataType::DateTime64 { .. } => {
            Value::DateTime(DateTime::<Utc>::default().with_timezone(&chrono_tz::Tz::UTC))
        }
        DataType::Uuid => Value::Uuid(Uuid::nil()),
        DataType::IPv4 => Value::Ipv4(Ipv4Addr::UNSPECIFIED),
        DataType::IPv6 => Value::Ipv6(Ipv6Addr::UNSPECIFIED),
        DataType::Enum8(items) => items
            .first()
            .map_or(Value::Int8(0), |(n, v)| Value::Enum(n.clone(), (*v).into())),
        DataType::Enum16(items) => items
            .first()
            .map_or(Value::Int16(0), |(n, v)| Value::Enum(n.clone(), *v)),
        DataType::Nullable(_) | DataType::Nothing => Value::Null,
        DataType::LowCardinality(inner) => default_value(inner),
        DataType::Array(_)
        | DataType::Ring
        | DataType::LineString
        | DataType::MultiPoint
        | DataType::MultiLineString
        | DataType::Polygon
        | DataType::MultiPolygon
        | DataType::Nested(_) => Value::Array(Vec::new()),
        DataType::Map(..) => Value::Map(Vec::new()),
        DataType::Tuple(elements) => Value::Tuple(
            elements
                .iter()
                .map(|e| default_value(&e.data_type))
                .collect(),
        ),
        DataType::Point => Value::Tuple(vec![Value::Float64(0.0), Value::Float64(0.0)]),
        DataType::SimpleAggregateFunction(f) => {
            f.arguments.first().map_or(Value::Null, default_value)
        }
        _ => Value::UInt8(0),
    }
}

/// Appends to a LowCardinality column, reusing the dictionary entry of an equal value.
pub(crate) fn push_low_cardinality(
    c: &mut LowCardinalityColumn,
    t: &DataType,
    v: &Value,
) -> Result<()> {
    if v.is_null() {
        if !c.is_nullable() {
            return Err(mismatch(t, v));
        }
        if c.dictionary().is_empty() {
            // Key 0 stands for NULL; its dictionary slot holds the default value.
            c.dictionary_mut().push_default()?;
        }
        c.push_key(0);
        return Ok(());
    }
    // The value as the dictionary stores it: the lookup key.
    let encoded = match (c.dictionary().data(), v) {
        (ColumnData::String(_), Value::String(bytes)) => {
            let mut encoded = Vec::with_capacity(bytes.len() + 2);
            crate::wire::put_varuint(&mut encoded, bytes.len() as u64);
            encoded.extend_from_slice(bytes);
            encoded
        }
        _ => {
            let mut probe = c.dictionary().slice(0, 0);
            probe.push_value(v)?;
            let mut encoded = Vec::new();
            probe.write_data(&mut encoded);
            encoded
        }
    };
    c.push_encoded(&encoded, |dictionary| dictionary.push_value(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_text_in_the_forms_the_server_reads() {
        let berlin: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
        // 2024-01-01 00:00:00 UTC is 1704067200.
        let utc = Some(chrono_tz::Tz::UTC);
        assert_eq!(
            date_time_text("2024-01-01 00:00:00", utc),
            Some((1_704_067_200, 0))
        );
        assert_eq!(
            date_time_text("2024-01-01T00:00:00", utc),
            Some((1_704_067_200, 0))
        );
        assert_eq!(date_time_text("2024-01-01", utc), Some((1_704_067_200, 0)));
        assert_eq!(
            date_time_text("2024-01-01 00:00:00.25", utc),
            Some((1_704_067_200, 250_000_000))
        );
        assert_eq!(
            date_time_text("2024-01-01 01:00:00", Some(berlin)),
            Some((1_704_067_200, 0))
        );
        // An offset fixes the instant whatever the column's zone; none needed then.
        for text in [
            "2024-01-01T02:00:00+02:00",
            "2024-01-01 02:00:00+02:00",
            "2024-01-01 02:00:00+0200",
            "2024-01-01T00:00:00Z",
            "2024-01-01 00:00:00Z",
            "1704067200",
        ] {
            assert_eq!(
                date_time_text(text, None),
                Some((1_704_067_200, 0)),
                "{text}"
            );
        }
        assert_eq!(
            date_time_text("1704067200.5", None),
            Some((1_704_067_200, 500_000_000))
        );
        // Without an offset and without a zone, the instant is unknown here.
        assert_eq!(date_time_text("2024-01-01 00:00:00", None), None);
        assert_eq!(date_time_text("yesterday", utc), None);
    }

    #[test]
    fn errors_name_what_is_accepted() {
        let mut column = Column::empty(DataType::parse("DateTime").unwrap()).unwrap();
        let err = column
            .push_value(&Value::from("2024-01-01 00:00:00"))
            .unwrap_err();
        assert!(err.to_string().contains("names its zone"), "{err}");
        let mut column = Column::empty(DataType::UInt8).unwrap();
        let err = column.push_value(&Value::Null).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot insert NULL into a column of type UInt8, which is not Nullable"
        );
    }
}
