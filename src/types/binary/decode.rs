//! Binary type encodings to [`DataType`]s.

use super::field::read_field;
use super::{
    DEFAULT_DYNAMIC_TYPES, DEFAULT_JSON_PATHS, DEFAULT_JSON_TYPES, JSON_TYPE_VERSION, MAX_DEPTH,
    MAX_ITEMS, code,
};
use crate::error::Error;
use crate::types::{AggregateFunction, DataType, IntervalUnit, JsonType, NamedType, TupleElement};
use crate::wire::{ReadError, ReadResult, Reader};

/// Reads one binary-encoded type.
pub(crate) fn read(r: &mut Reader<'_>) -> ReadResult<DataType> {
    read_nested(r, 0)
}

pub(super) fn count(r: &mut Reader<'_>, what: &str) -> ReadResult<usize> {
    r.length(what, MAX_ITEMS)
}

pub(super) fn text(r: &mut Reader<'_>, what: &str) -> ReadResult<String> {
    r.text(what, crate::wire::MAX_NAME)
}

fn read_nested(r: &mut Reader<'_>, depth: usize) -> ReadResult<DataType> {
    use DataType as T;
    if depth > MAX_DEPTH {
        return Err(r.invalid(format!("binary type nested deeper than {MAX_DEPTH} levels")));
    }
    // Composite types recurse: their parameters are read by helpers of their own, so that
    // each level of nesting costs a small stack frame.
    let code = r.u8()?;
    Ok(match code {
        code::NOTHING => T::Nothing,
        code::UINT8 => T::UInt8,
        code::UINT16 => T::UInt16,
        code::UINT32 => T::UInt32,
        code::UINT64 => T::UInt64,
        code::UINT128 => T::UInt128,
        code::UINT256 => T::UInt256,
        code::INT8 => T::Int8,
        code::INT16 => T::Int16,
        code::INT32 => T::Int32,
        code::INT64 => T::Int64,
        code::INT128 => T::Int128,
        code::INT256 => T::Int256,
        code::FLOAT32 => T::Float32,
        code::FLOAT64 => T::Float64,
        code::BFLOAT16 => T::BFloat16,
        code::DATE => T::Date,
        code::DATE32 => T::Date32,
        code::TIME => T::Time,
        code::STRING => T::String,
        code::UUID => T::Uuid,
        code::IPV4 => T::IPv4,
        code::IPV6 => T::IPv6,
        code::BOOL => T::Bool,
        code::ARRAY => T::Array(Box::new(read_nested(r, depth + 1)?)),
        code::NULLABLE => {
            let at = r.offset();
            let inner = read_nested(r, depth + 1)?;
            if !crate::types::rules::can_be_inside_nullable(&inner) {
                return Err(invalid_at(
                    at,
                    format!("nested type {inner} cannot be inside Nullable type"),
                ));
            }
            T::Nullable(Box::new(inner))
        }
        code::LOW_CARDINALITY => T::LowCardinality(Box::new(read_nested(r, depth + 1)?)),
        code::MAP => {
            let key = read_nested(r, depth + 1)?;
            T::Map(Box::new(key), Box::new(read_nested(r, depth + 1)?))
        }
        code::TUPLE | code::NAMED_TUPLE | code::NESTED | code::VARIANT => {
            read_list(code, r, depth)?
        }
        code::JSON => T::Json(Box::new(read_json(r, depth)?)),
        code::AGGREGATE_FUNCTION | code::SIMPLE_AGGREGATE_FUNCTION => {
            read_aggregate(code, r, depth)?
        }
        code::QBIT => read_qbit(r, depth)?,
        _ => read_leaf(code, r)?,
    })
}

fn invalid_at(at: u64, message: String) -> ReadError {
    ReadError::Invalid(Error::decode(at, message))
}

/// Types with parameters but no nested types, and the codes that are errors.
#[inline(never)]
fn read_leaf(code: u8, r: &mut Reader<'_>) -> ReadResult<DataType> {
    use DataType as T;
    let at = r.offset() - 1;
    let precision = |r: &mut Reader<'_>, what: &str| -> ReadResult<u8> {
        let p = r.u8()?;
        if p > 9 {
            return Err(invalid_at(at, format!("{what} precision {p} (at most 9)")));
        }
        Ok(p)
    };
    Ok(match code {
        code::DATETIME => T::DateTime { timezone: None },
        code::DATETIME_ZONE => T::DateTime {
            timezone: Some(text(r, "a time zone")?),
        },
        code::DATETIME64 => T::DateTime64 {
            precision: precision(r, "DateTime64")?,
            timezone: None,
        },
        code::DATETIME64_ZONE => T::DateTime64 {
            precision: precision(r, "DateTime64")?,
            timezone: Some(text(r, "a time zone")?),
        },
        code::TIME64 => T::Time64 {
            precision: precision(r, "Time64")?,
        },
        code::FIXED_STRING => {
            let n = r.length("FixedString size", DataType::MAX_FIXED_STRING_SIZE as u64)?;
            if n == 0 {
                return Err(invalid_at(at, "FixedString(0)".into()));
            }
            T::FixedString(n)
        }
        code::ENUM8 => {
            let n = count(r, "Enum8 size")?;
            let mut items = Vec::with_capacity(n.min(256));
            for _ in 0..n {
                let name = text(r, "an enum name")?;
                items.push((name, r.u8()? as i8));
            }
            items.sort_by_key(|item| item.1);
            crate::types::rules::enum_items(&items).map_err(|e| invalid_at(at, e.into()))?;
            T::Enum8(items)
        }
        code::ENUM16 => {
            let n = count(r, "Enum16 size")?;
            let mut items = Vec::with_capacity(n.min(1024));
            for _ in 0..n {
                let name = text(r, "an enum name")?;
                items.push((name, i16::from_le_bytes(r.fixed()?)));
            }
            items.sort_by_key(|item| item.1);
            crate::types::rules::enum_items(&items).map_err(|e| invalid_at(at, e.into()))?;
            T::Enum16(items)
        }
        code::DECIMAL32 | code::DECIMAL64 | code::DECIMAL128 | code::DECIMAL256 => {
            let precision = r.u8()?;
            let scale = r.u8()?;
            let range = match code {
                code::DECIMAL32 => 1..=9,
                code::DECIMAL64 => 1..=18,
                code::DECIMAL128 => 1..=38,
                _ => 1..=76,
            };
            if !range.contains(&precision) || scale > precision {
                return Err(invalid_at(
                    at,
                    format!(
                        "Decimal precision {precision} and scale {scale} do not fit type code {code:#04x}"
                    ),
                ));
            }
            T::Decimal { precision, scale }
        }
        code::INTERVAL => {
            let kind = r.u8()?;
            match IntervalUnit::ALL.get(usize::from(kind)) {
                Some(unit) => T::Interval(*unit),
                None => return Err(invalid_at(at, format!("unknown interval kind {kind}"))),
            }
        }
        code::DYNAMIC => {
            let max_types = r.u8()?;
            // As the text parser (and the server): at most 254 types.
            if max_types > 254 {
                return Err(invalid_at(
                    at,
                    format!("Dynamic max_types must be between 0 and 254, got {max_types}"),
                ));
            }
            T::Dynamic {
                max_types: (max_types != DEFAULT_DYNAMIC_TYPES).then_some(u32::from(max_types)),
            }
        }
        code::CUSTOM => {
            let name = text(r, "a custom type name")?;
            DataType::parse(&name)
                .map_err(|e| invalid_at(at, format!("custom type name {name:?}: {e}")))?
        }
        code::SET | code::FUNCTION => {
            return Err(invalid_at(
                at,
                format!(
                    "type code {code:#04x} ({}) is not a column type",
                    if code == code::SET { "Set" } else { "Function" }
                ),
            ));
        }
        other => {
            return Err(invalid_at(
                at,
                format!("unknown binary type code {other:#04x}"),
            ));
        }
    })
}

/// Tuples, `Nested` and `Variant`: a count, then each (named) type.
#[inline(never)]
fn read_list(code: u8, r: &mut Reader<'_>, depth: usize) -> ReadResult<DataType> {
    let at = r.offset() - 1;
    let n = count(r, "type list size")?;
    let named = matches!(code, code::NAMED_TUPLE | code::NESTED);
    let mut items = Vec::with_capacity(n.min(64));
    for _ in 0..n {
        let name = if named {
            Some(text(r, "an element name")?)
        } else {
            None
        };
        items.push((name, read_nested(r, depth + 1)?));
    }
    if named {
        crate::types::rules::unique_names(items.iter().filter_map(|(n, _)| n.as_deref()))
            .map_err(|e| invalid_at(at, e.into()))?;
    }
    if code == code::NESTED && items.is_empty() {
        return Err(invalid_at(at, "Nested needs at least one field".into()));
    }
    Ok(match code {
        code::NESTED => DataType::Nested(
            items
                .into_iter()
                .map(|(name, data_type)| NamedType {
                    name: name.unwrap_or_default(),
                    data_type,
                })
                .collect(),
        ),
        code::VARIANT => {
            if n > 255 {
                return Err(invalid_at(
                    at,
                    format!("Variant of {n} types (at most 255)"),
                ));
            }
            let mut variants: Vec<DataType> = items.into_iter().map(|(_, t)| t).collect();
            variants.sort_by_cached_key(DataType::to_string);
            crate::types::rules::variant(&variants).map_err(|e| invalid_at(at, e.into()))?;
            DataType::Variant(variants)
        }
        _ => DataType::Tuple(
            items
                .into_iter()
                .map(|(name, data_type)| TupleElement { name, data_type })
                .collect(),
        ),
    })
}

#[inline(never)]
fn read_aggregate(code: u8, r: &mut Reader<'_>, depth: usize) -> ReadResult<DataType> {
    if code == code::SIMPLE_AGGREGATE_FUNCTION {
        let at = r.offset();
        let f = read_aggregate_function(r, depth)?;
        // As in a type string (and on the server): the one type is the column's storage type.
        if f.arguments.len() != 1 {
            return Err(invalid_at(
                at,
                format!(
                    "SimpleAggregateFunction needs exactly one argument type, got {}",
                    f.arguments.len()
                ),
            ));
        }
        return Ok(DataType::SimpleAggregateFunction(Box::new(f)));
    }
    let at = r.offset();
    let version = r.varuint()?;
    let version = u32::try_from(version)
        .map_err(|_| invalid_at(at, format!("aggregate function version {version}")))?;
    let mut f = read_aggregate_function(r, depth)?;
    f.version = (version != 0).then_some(version);
    Ok(DataType::AggregateFunction(Box::new(f)))
}

#[inline(never)]
fn read_qbit(r: &mut Reader<'_>, depth: usize) -> ReadResult<DataType> {
    let element = read_nested(r, depth + 1)?;
    let at = r.offset();
    let dimension = r.varuint()?;
    let dimension = u32::try_from(dimension)
        .ok()
        .filter(|&d| d > 0)
        .ok_or_else(|| invalid_at(at, format!("QBit dimension {dimension}")))?;
    Ok(DataType::QBit {
        element: Box::new(element),
        dimension,
    })
}

#[inline(never)]
fn read_json(r: &mut Reader<'_>, depth: usize) -> ReadResult<JsonType> {
    let at = r.offset();
    let version = r.u8()?;
    if version != JSON_TYPE_VERSION {
        return Err(ReadError::Invalid(Error::decode(
            at,
            format!("JSON type encoding version {version} (only {JSON_TYPE_VERSION} is known)"),
        )));
    }
    let max_dynamic_paths = r.varuint()?;
    let max_dynamic_types = r.u8()?;
    let mut json = JsonType {
        max_dynamic_paths: (max_dynamic_paths != DEFAULT_JSON_PATHS).then_some(max_dynamic_paths),
        max_dynamic_types: (max_dynamic_types != DEFAULT_JSON_TYPES)
            .then_some(u64::from(max_dynamic_types)),
        ..JsonType::default()
    };
    for _ in 0..count(r, "JSON typed path count")? {
        let name = text(r, "a JSON path")?;
        json.typed_paths.push(NamedType {
            name,
            data_type: read_nested(r, depth + 1)?,
        });
    }
    for _ in 0..count(r, "JSON skipped path count")? {
        json.skip_paths.push(text(r, "a JSON path")?);
    }
    for _ in 0..count(r, "JSON skipped regexp count")? {
        json.skip_regexps.push(text(r, "a JSON path regexp")?);
    }
    json.typed_paths.sort_by(|a, b| a.name.cmp(&b.name));
    json.skip_paths.sort();
    json.skip_regexps.sort();
    Ok(json)
}

fn read_aggregate_function(r: &mut Reader<'_>, depth: usize) -> ReadResult<AggregateFunction> {
    let at = r.offset();
    let name = text(r, "an aggregate function name")?;
    crate::types::rules::function_name(&name)
        .map_err(|e| invalid_at(at, format!("{e}: {name:?}")))?;
    let mut parameters = Vec::new();
    for _ in 0..count(r, "aggregate function parameter count")? {
        parameters.push(read_field(r, depth + 1)?);
    }
    let mut arguments = Vec::new();
    for _ in 0..count(r, "aggregate function argument count")? {
        arguments.push(read_nested(r, depth + 1)?);
    }
    Ok(AggregateFunction {
        version: None,
        name,
        parameters,
        arguments,
    })
}
