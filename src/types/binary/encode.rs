//! [`DataType`]s to their binary encoding.

use super::field::Literal;
use super::{
    DEFAULT_DYNAMIC_TYPES, DEFAULT_JSON_PATHS, DEFAULT_JSON_TYPES, JSON_TYPE_VERSION, code,
};
use crate::error::{Error, Result};
use crate::types::{AggregateFunction, DataType, IntervalUnit};
use crate::wire::{put_bytes, put_varuint};

fn unencodable(t: &DataType, why: &str) -> Error {
    Error::invalid_input(format!("cannot encode {t} in binary: {why}"))
}

/// Appends the binary encoding of `t`.
pub(super) fn write(t: &DataType, out: &mut Vec<u8>) -> Result<()> {
    use DataType as T;
    let custom = |out: &mut Vec<u8>| {
        out.push(code::CUSTOM);
        put_bytes(out, t.to_string().as_bytes());
    };
    match t {
        T::Nothing => out.push(code::NOTHING),
        T::UInt8 => out.push(code::UINT8),
        T::UInt16 => out.push(code::UINT16),
        T::UInt32 => out.push(code::UINT32),
        T::UInt64 => out.push(code::UINT64),
        T::UInt128 => out.push(code::UINT128),
        T::UInt256 => out.push(code::UINT256),
        T::Int8 => out.push(code::INT8),
        T::Int16 => out.push(code::INT16),
        T::Int32 => out.push(code::INT32),
        T::Int64 => out.push(code::INT64),
        T::Int128 => out.push(code::INT128),
        T::Int256 => out.push(code::INT256),
        T::Float32 => out.push(code::FLOAT32),
        T::Float64 => out.push(code::FLOAT64),
        T::BFloat16 => out.push(code::BFLOAT16),
        T::Bool => out.push(code::BOOL),
        T::String => out.push(code::STRING),
        T::Uuid => out.push(code::UUID),
        T::IPv4 => out.push(code::IPV4),
        T::IPv6 => out.push(code::IPV6),
        T::Date => out.push(code::DATE),
        T::Date32 => out.push(code::DATE32),
        T::Time => out.push(code::TIME),
        T::FixedString(n) => {
            out.push(code::FIXED_STRING);
            put_varuint(out, *n as u64);
        }
        T::DateTime { timezone: None } => out.push(code::DATETIME),
        T::DateTime {
            timezone: Some(zone),
        } => {
            out.push(code::DATETIME_ZONE);
            put_bytes(out, zone.as_bytes());
        }
        T::DateTime64 {
            precision,
            timezone,
        } => {
            out.push(match timezone {
                None => code::DATETIME64,
                Some(_) => code::DATETIME64_ZONE,
            });
            out.push(*precision);
            if let Some(zone) = timezone {
                put_bytes(out, zone.as_bytes());
            }
        }
        T::Time64 { precision } => {
            out.push(code::TIME64);
            out.push(*precision);
        }
        T::Decimal { precision, scale } => {
            out.push(match precision {
                0..=9 => code::DECIMAL32,
                10..=18 => code::DECIMAL64,
                19..=38 => code::DECIMAL128,
                _ => code::DECIMAL256,
            });
            out.push(*precision);
            out.push(*scale);
        }
        T::Enum8(items) => {
            out.push(code::ENUM8);
            put_varuint(out, items.len() as u64);
            for (name, value) in items {
                put_bytes(out, name.as_bytes());
                out.push(*value as u8);
            }
        }
        T::Enum16(items) => {
            out.push(code::ENUM16);
            put_varuint(out, items.len() as u64);
            for (name, value) in items {
                put_bytes(out, name.as_bytes());
                out.extend_from_slice(&value.to_le_bytes());
            }
        }
        T::Nullable(inner) => {
            out.push(code::NULLABLE);
            write(inner, out)?;
        }
        T::LowCardinality(inner) => {
            out.push(code::LOW_CARDINALITY);
            write(inner, out)?;
        }
        T::Array(inner) => {
            out.push(code::ARRAY);
            write(inner, out)?;
        }
        T::Map(key, value) => {
            out.push(code::MAP);
            write(key, out)?;
            write(value, out)?;
        }
        T::Tuple(elements) => {
            let named = elements.iter().all(|e| e.name.is_some()) && !elements.is_empty();
            out.push(if named {
                code::NAMED_TUPLE
            } else {
                code::TUPLE
            });
            put_varuint(out, elements.len() as u64);
            for e in elements {
                if named {
                    put_bytes(out, e.name.as_deref().unwrap_or_default().as_bytes());
                }
                write(&e.data_type, out)?;
            }
        }
        T::Nested(fields) => {
            out.push(code::NESTED);
            put_varuint(out, fields.len() as u64);
            for f in fields {
                put_bytes(out, f.name.as_bytes());
                write(&f.data_type, out)?;
            }
        }
        T::Variant(variants) => {
            out.push(code::VARIANT);
            put_varuint(out, variants.len() as u64);
            for v in variants {
                write(v, out)?;
            }
        }
        T::Dynamic { max_types } => {
            let n = max_types.map_or(Ok(DEFAULT_DYNAMIC_TYPES), u8::try_from);
            let n = n.map_err(|_| unencodable(t, "max_types does not fit a byte"))?;
            out.push(code::DYNAMIC);
            out.push(n);
        }
        T::Json(json) => {
            let types = json
                .max_dynamic_types
                .map_or(Ok(DEFAULT_JSON_TYPES), u8::try_from)
                .map_err(|_| unencodable(t, "max_dynamic_types does not fit a byte"))?;
            out.push(code::JSON);
            out.push(JSON_TYPE_VERSION);
            put_varuint(out, json.max_dynamic_paths.unwrap_or(DEFAULT_JSON_PATHS));
            out.push(types);
            put_varuint(out, json.typed_paths.len() as u64);
            for p in &json.typed_paths {
                put_bytes(out, p.name.as_bytes());
                write(&p.data_type, out)?;
            }
            put_varuint(out, json.skip_paths.len() as u64);
            for p in &json.skip_paths {
                put_bytes(out, p.as_bytes());
            }
            put_varuint(out, json.skip_regexps.len() as u64);
            for p in &json.skip_regexps {
                put_bytes(out, p.as_bytes());
            }
        }
        T::Interval(unit) => {
            out.push(code::INTERVAL);
            let kind = IntervalUnit::ALL
                .iter()
                .position(|u| u == unit)
                .unwrap_or(0);
            out.push(kind as u8);
        }
        T::AggregateFunction(f) => {
            out.push(code::AGGREGATE_FUNCTION);
            put_varuint(out, u64::from(f.version.unwrap_or(0)));
            write_aggregate_function(t, f, out)?;
        }
        T::SimpleAggregateFunction(f) => {
            out.push(code::SIMPLE_AGGREGATE_FUNCTION);
            write_aggregate_function(t, f, out)?;
        }
        T::QBit { element, dimension } => {
            out.push(code::QBIT);
            write(element, out)?;
            put_varuint(out, u64::from(*dimension));
        }
        T::Point
        | T::Ring
        | T::LineString
        | T::MultiPoint
        | T::MultiLineString
        | T::Polygon
        | T::MultiPolygon
        | T::Geometry => custom(out),
    }
    Ok(())
}

fn write_aggregate_function(t: &DataType, f: &AggregateFunction, out: &mut Vec<u8>) -> Result<()> {
    put_bytes(out, f.name.as_bytes());
    put_varuint(out, f.parameters.len() as u64);
    for p in &f.parameters {
        let mut literal = Literal { text: p, pos: 0 };
        literal
            .write_field(out)
            .map_err(|why| unencodable(t, &why))?;
        if literal.pos != p.len() {
            return Err(unencodable(
                t,
                &format!("parameter {p:?} is not one literal"),
            ));
        }
    }
    put_varuint(out, f.arguments.len() as u64);
    for a in &f.arguments {
        write(a, out)?;
    }
    Ok(())
}
