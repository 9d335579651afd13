//! The binary encoding of data types: one code byte per type, then its parameters.
//!
//! ClickHouse writes types this way inside `Dynamic` values (the shared variant, `JSON` shared
//! data, RowBinary of `Dynamic`) and in `RowBinaryWithNamesAndTypes` with
//! `output_format_binary_encode_types_in_binary_format = 1`. The codes are those of ClickHouse's
//! `DataTypesBinaryEncoding` as the 26.9 engine writes them (checked byte for byte): note that
//! `Time64` is `0x34` and `QBit` is `0x36`; `0x33` and `0x35` are not written by any engine
//! known here and are reported as unknown codes.
//!
//! Decoding yields the canonical [`DataType`] the type string parser would give: variants and
//! JSON paths sorted, enum items sorted by value, and the default parameters the server omits
//! from type names (`Dynamic` with 32 types, `JSON` with 1024 paths and 32 types) left out.
//! `Set` and `Function`, which no column can have, are refused. Aggregate function parameters
//! (ClickHouse `Field`s) become the literal text [`AggregateFunction::parameters`] holds.

use super::{AggregateFunction, DataType, IntervalUnit, JsonType, NamedType, TupleElement};
use crate::error::{Error, Result};
use crate::native::wire::{ReadError, ReadResult, Reader, put_bytes, put_varuint};

/// Type codes.
mod code {
    pub(super) const NOTHING: u8 = 0x00;
    pub(super) const UINT8: u8 = 0x01;
    pub(super) const UINT16: u8 = 0x02;
    pub(super) const UINT32: u8 = 0x03;
    pub(super) const UINT64: u8 = 0x04;
    pub(super) const UINT128: u8 = 0x05;
    pub(super) const UINT256: u8 = 0x06;
    pub(super) const INT8: u8 = 0x07;
    pub(super) const INT16: u8 = 0x08;
    pub(super) const INT32: u8 = 0x09;
    pub(super) const INT64: u8 = 0x0A;
    pub(super) const INT128: u8 = 0x0B;
    pub(super) const INT256: u8 = 0x0C;
    pub(super) const FLOAT32: u8 = 0x0D;
    pub(super) const FLOAT64: u8 = 0x0E;
    pub(super) const DATE: u8 = 0x0F;
    pub(super) const DATE32: u8 = 0x10;
    pub(super) const DATETIME: u8 = 0x11;
    pub(super) const DATETIME_ZONE: u8 = 0x12;
    pub(super) const DATETIME64: u8 = 0x13;
    pub(super) const DATETIME64_ZONE: u8 = 0x14;
    pub(super) const STRING: u8 = 0x15;
    pub(super) const FIXED_STRING: u8 = 0x16;
    pub(super) const ENUM8: u8 = 0x17;
    pub(super) const ENUM16: u8 = 0x18;
    pub(super) const DECIMAL32: u8 = 0x19;
    pub(super) const DECIMAL64: u8 = 0x1A;
    pub(super) const DECIMAL128: u8 = 0x1B;
    pub(super) const DECIMAL256: u8 = 0x1C;
    pub(super) const UUID: u8 = 0x1D;
    pub(super) const ARRAY: u8 = 0x1E;
    pub(super) const TUPLE: u8 = 0x1F;
    pub(super) const NAMED_TUPLE: u8 = 0x20;
    pub(super) const SET: u8 = 0x21;
    pub(super) const INTERVAL: u8 = 0x22;
    pub(super) const NULLABLE: u8 = 0x23;
    pub(super) const FUNCTION: u8 = 0x24;
    pub(super) const AGGREGATE_FUNCTION: u8 = 0x25;
    pub(super) const LOW_CARDINALITY: u8 = 0x26;
    pub(super) const MAP: u8 = 0x27;
    pub(super) const IPV4: u8 = 0x28;
    pub(super) const IPV6: u8 = 0x29;
    pub(super) const VARIANT: u8 = 0x2A;
    pub(super) const DYNAMIC: u8 = 0x2B;
    pub(super) const CUSTOM: u8 = 0x2C;
    pub(super) const BOOL: u8 = 0x2D;
    pub(super) const SIMPLE_AGGREGATE_FUNCTION: u8 = 0x2E;
    pub(super) const NESTED: u8 = 0x2F;
    pub(super) const JSON: u8 = 0x30;
    pub(super) const BFLOAT16: u8 = 0x31;
    pub(super) const TIME: u8 = 0x32;
    pub(super) const TIME64: u8 = 0x34;
    pub(super) const QBIT: u8 = 0x36;
}

/// `Field` codes (aggregate function parameters).
mod field {
    pub(super) const NULL: u8 = 0x00;
    pub(super) const UINT64: u8 = 0x01;
    pub(super) const INT64: u8 = 0x02;
    pub(super) const UINT128: u8 = 0x03;
    pub(super) const INT128: u8 = 0x04;
    pub(super) const UINT256: u8 = 0x05;
    pub(super) const INT256: u8 = 0x06;
    pub(super) const FLOAT64: u8 = 0x07;
    pub(super) const DECIMAL32: u8 = 0x08;
    pub(super) const DECIMAL64: u8 = 0x09;
    pub(super) const DECIMAL128: u8 = 0x0A;
    pub(super) const DECIMAL256: u8 = 0x0B;
    pub(super) const STRING: u8 = 0x0C;
    pub(super) const ARRAY: u8 = 0x0D;
    pub(super) const TUPLE: u8 = 0x0E;
    pub(super) const BOOL: u8 = 0x13;
}

/// The deepest nesting decoded; deeper input is refused rather than risking the stack.
pub(crate) const MAX_DEPTH: usize = 128;
/// The most elements (tuple items, enum items, variants, paths) one type may list.
const MAX_ITEMS: u64 = 1_000_000;
/// `Dynamic`'s default `max_types`, which type names leave out.
const DEFAULT_DYNAMIC_TYPES: u8 = 32;
/// `JSON`'s default `max_dynamic_paths`, which type names leave out.
const DEFAULT_JSON_PATHS: u64 = 1024;
/// `JSON`'s default `max_dynamic_types`, which type names leave out.
const DEFAULT_JSON_TYPES: u8 = 32;
/// The version of the `JSON` type's own parameter encoding.
const JSON_TYPE_VERSION: u8 = 0;

impl DataType {
    /// Decodes a type from its binary encoding, which must be the whole of `bytes`.
    ///
    /// ```
    /// use clickhouse_connect::DataType;
    ///
    /// // Array(Nullable(String))
    /// let t = DataType::from_binary(&[0x1E, 0x23, 0x15]).unwrap();
    /// assert_eq!(t.to_string(), "Array(Nullable(String))");
    /// assert!(DataType::from_binary(&[0x1E]).is_err()); // truncated
    /// ```
    pub fn from_binary(bytes: &[u8]) -> Result<DataType> {
        let mut r = Reader::new(bytes, 0);
        let t = complete(read(&mut r), &r, "binary type")?;
        if r.remaining() != 0 {
            return Err(Error::decode(
                r.offset(),
                format!("{} bytes after the binary type {t}", r.remaining()),
            ));
        }
        Ok(t)
    }

    /// The type's binary encoding.
    ///
    /// Fails for aggregate function parameters other than numbers, strings and arrays of them,
    /// and for parameters a single byte cannot hold (a `Dynamic` with more than 255 types).
    pub fn to_binary(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        write(self, &mut out)?;
        Ok(out)
    }
}

/// Maps running out of bytes to malformed data: for input that is all there is.
pub(crate) fn complete<T>(result: ReadResult<T>, r: &Reader<'_>, what: &str) -> Result<T> {
    match result {
        Ok(value) => Ok(value),
        Err(ReadError::Invalid(e)) => Err(e),
        Err(ReadError::Incomplete) => Err(Error::decode(
            r.offset(),
            format!("the {what} ends early (truncated input)"),
        )),
    }
}

/// Reads one binary-encoded type.
pub(crate) fn read(r: &mut Reader<'_>) -> ReadResult<DataType> {
    read_nested(r, 0)
}

fn count(r: &mut Reader<'_>, what: &str) -> ReadResult<usize> {
    r.length(what, MAX_ITEMS)
}

fn text(r: &mut Reader<'_>, what: &str) -> ReadResult<String> {
    let at = r.offset();
    let bytes = r.bytes()?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| ReadError::Invalid(Error::decode(at, format!("{what} is not UTF-8"))))
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
        code::NULLABLE => T::Nullable(Box::new(read_nested(r, depth + 1)?)),
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
            let n = r.length("FixedString size", u64::from(u32::MAX))?;
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
        return Ok(DataType::SimpleAggregateFunction(Box::new(
            read_aggregate_function(r, depth)?,
        )));
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
    let name = text(r, "an aggregate function name")?;
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

/// Decimal digits of `mantissa` with `scale` digits after the point.
fn decimal_text(mantissa: String, scale: u32) -> String {
    let (sign, digits) = match mantissa.strip_prefix('-') {
        Some(digits) => ("-", digits.to_owned()),
        None => ("", mantissa),
    };
    let scale = scale as usize;
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}

/// Reads one `Field` as the literal text a type string would hold.
fn read_field(r: &mut Reader<'_>, depth: usize) -> ReadResult<String> {
    if depth > MAX_DEPTH {
        return Err(r.invalid(format!(
            "aggregate function parameter nested deeper than {MAX_DEPTH} levels"
        )));
    }
    let at = r.offset();
    let kind = r.u8()?;
    let list = |r: &mut Reader<'_>, open: &str, close: &str| -> ReadResult<String> {
        let n = count(r, "parameter list size")?;
        let mut items = Vec::with_capacity(n.min(64));
        for _ in 0..n {
            items.push(read_field(r, depth + 1)?);
        }
        Ok(format!("{open}{}{close}", items.join(", ")))
    };
    Ok(match kind {
        field::NULL => "NULL".into(),
        field::UINT64 => r.varuint()?.to_string(),
        field::INT64 => {
            let zigzag = r.varuint()?;
            (((zigzag >> 1) as i64) ^ -((zigzag & 1) as i64)).to_string()
        }
        field::UINT128 => u128::from_le_bytes(r.fixed()?).to_string(),
        field::INT128 => i128::from_le_bytes(r.fixed()?).to_string(),
        field::UINT256 => ethnum::U256::from_le_bytes(r.fixed()?).to_string(),
        field::INT256 => ethnum::I256::from_le_bytes(r.fixed()?).to_string(),
        field::FLOAT64 => f64::from_le_bytes(r.fixed()?).to_string(),
        field::DECIMAL32 | field::DECIMAL64 | field::DECIMAL128 | field::DECIMAL256 => {
            let scale = r.varuint()?;
            let scale = u32::try_from(scale)
                .ok()
                .filter(|&s| s <= 76)
                .ok_or_else(|| r.invalid(format!("decimal parameter scale {scale}")))?;
            let mantissa = match kind {
                field::DECIMAL32 => i32::from_le_bytes(r.fixed()?).to_string(),
                field::DECIMAL64 => i64::from_le_bytes(r.fixed()?).to_string(),
                field::DECIMAL128 => i128::from_le_bytes(r.fixed()?).to_string(),
                _ => ethnum::I256::from_le_bytes(r.fixed()?).to_string(),
            };
            decimal_text(mantissa, scale)
        }
        field::STRING => super::quote(&text(r, "a string parameter")?),
        field::BOOL => (r.u8()? != 0).to_string(),
        field::ARRAY => list(r, "[", "]")?,
        field::TUPLE => list(r, "(", ")")?,
        other => {
            return Err(ReadError::Invalid(Error::decode(
                at,
                format!("aggregate function parameter of field kind {other:#04x} is not supported"),
            )));
        }
    })
}

fn unencodable(t: &DataType, why: &str) -> Error {
    Error::InvalidInput(format!("cannot encode {t} in binary: {why}"))
}

/// Appends the binary encoding of `t`.
fn write(t: &DataType, out: &mut Vec<u8>) -> Result<()> {
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

/// A cursor over a parameter literal (`0.5`, `-3`, `'text'`, `[1, 2]`), for encoding it.
struct Literal<'a> {
    text: &'a str,
    pos: usize,
}

impl Literal<'_> {
    fn write_field(&mut self, out: &mut Vec<u8>) -> std::result::Result<(), String> {
        let rest = &self.text[self.pos..];
        if let Some(body) = rest.strip_prefix('\'') {
            let mut value = String::new();
            let mut chars = body.char_indices();
            loop {
                match chars.next() {
                    None => return Err(format!("unterminated string in {:?}", self.text)),
                    Some((i, '\'')) => {
                        self.pos += 1 + i + 1;
                        break;
                    }
                    Some((_, '\\')) => match chars.next().map(|(_, c)| c) {
                        Some('b') => value.push('\u{8}'),
                        Some('f') => value.push('\u{c}'),
                        Some('n') => value.push('\n'),
                        Some('r') => value.push('\r'),
                        Some('t') => value.push('\t'),
                        Some('0') => value.push('\0'),
                        Some(c) => value.push(c),
                        None => return Err(format!("unterminated string in {:?}", self.text)),
                    },
                    Some((_, c)) => value.push(c),
                }
            }
            out.push(field::STRING);
            put_bytes(out, value.as_bytes());
            return Ok(());
        }
        if rest.starts_with('[') {
            self.pos += 1;
            let mut items = 0u64;
            let mut buf = Vec::new();
            if !self.text[self.pos..].starts_with(']') {
                loop {
                    self.write_field(&mut buf)?;
                    items += 1;
                    let rest = &self.text[self.pos..];
                    if let Some(after) = rest.strip_prefix(", ") {
                        self.pos = self.text.len() - after.len();
                    } else if rest.starts_with(']') {
                        break;
                    } else {
                        return Err(format!("malformed array literal {:?}", self.text));
                    }
                }
            }
            self.pos += 1;
            out.push(field::ARRAY);
            put_varuint(out, items);
            out.extend_from_slice(&buf);
            return Ok(());
        }
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || b"+-._".contains(b))
            .count();
        let token = &rest[..len];
        self.pos += len;
        if let Ok(n) = token.parse::<u64>() {
            out.push(field::UINT64);
            put_varuint(out, n);
        } else if let Ok(n) = token.parse::<i64>() {
            out.push(field::INT64);
            put_varuint(out, ((n << 1) ^ (n >> 63)) as u64);
        } else if let Ok(n) = token.parse::<u128>() {
            out.push(field::UINT128);
            out.extend_from_slice(&n.to_le_bytes());
        } else if let Ok(n) = token.parse::<i128>() {
            out.push(field::INT128);
            out.extend_from_slice(&n.to_le_bytes());
        } else if let Ok(f) = token.parse::<f64>() {
            out.push(field::FLOAT64);
            out.extend_from_slice(&f.to_le_bytes());
        } else {
            return Err(format!(
                "parameter literal {:?} is not supported",
                self.text
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(s: &str) -> DataType {
        DataType::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .flat_map(|w| {
                if let Some(text) = w.strip_prefix('\'') {
                    text.trim_end_matches('\'').as_bytes().to_vec()
                } else {
                    vec![u8::from_str_radix(w, 16).unwrap()]
                }
            })
            .collect()
    }

    /// Encodings the 26.9 engine wrote (`RowBinaryWithNamesAndTypes` with
    /// `output_format_binary_encode_types_in_binary_format = 1`), with the type they name.
    const GOLDEN: &[(&str, &str)] = &[
        ("UInt8", "01"),
        ("Int64", "0a"),
        ("String", "15"),
        ("Bool", "2d"),
        ("UUID", "1d"),
        ("IPv4", "28"),
        ("IPv6", "29"),
        ("BFloat16", "31"),
        ("Time", "32"),
        ("Time64(3)", "34 03"),
        ("DateTime64(3)", "13 03"),
        ("DateTime64(6, 'UTC')", "14 06 03 'UTC'"),
        ("DateTime('Asia/Tokyo')", "12 0a 'Asia/Tokyo'"),
        ("Decimal(5, 2)", "19 05 02"),
        ("Decimal(40, 5)", "1c 28 05"),
        ("FixedString(3)", "16 03"),
        ("Enum8('y' = -2, 'x' = 1)", "17 02 01 'y' fe 01 'x' 01"),
        ("IntervalNanosecond", "22 00"),
        ("IntervalDay", "22 06"),
        ("IntervalYear", "22 0a"),
        ("Nullable(Nothing)", "23 00"),
        ("LowCardinality(Nullable(String))", "26 23 15"),
        ("Map(String, UInt8)", "27 15 01"),
        ("Tuple(a UInt8, b String)", "20 02 01 'a' 01 01 'b' 15"),
        ("Tuple(UInt8, String)", "1f 02 01 15"),
        ("Nested(a UInt8, b String)", "2f 02 01 'a' 01 01 'b' 15"),
        ("Variant(String, UInt64)", "2a 02 15 04"),
        ("Dynamic", "2b 20"),
        ("Dynamic(max_types=3)", "2b 03"),
        ("JSON", "30 00 80 08 20 00 00 00"),
        (
            "JSON(max_dynamic_paths=2, max_dynamic_types=3, a.b UInt32, SKIP c, SKIP REGEXP 'x.*')",
            "30 00 02 03 01 03 'a.b' 03 01 01 'c' 01 03 'x.*'",
        ),
        ("Point", "2c 05 'Point'"),
        ("MultiPoint", "2c 0a 'MultiPoint'"),
        ("Geometry", "2c 08 'Geometry'"),
        ("QBit(Float32, 3)", "36 0d 03"),
        (
            "SimpleAggregateFunction(sum, UInt64)",
            "2e 03 'sum' 00 01 04",
        ),
        ("AggregateFunction(sum, UInt64)", "25 00 03 'sum' 00 01 04"),
        (
            "AggregateFunction(quantile(0.5), Float64)",
            "25 00 08 'quantile' 01 07 00 00 00 00 00 00 e0 3f 01 0e",
        ),
    ];

    #[test]
    fn engine_encodings_decode_and_encode_back() {
        for (name, bytes) in GOLDEN {
            let bytes = hex(bytes);
            let decoded = DataType::from_binary(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(decoded, ty(name), "{name}");
            assert_eq!(decoded.to_binary().unwrap(), bytes, "{name} encodes back");
        }
    }

    #[test]
    fn the_hand_list_round_trips_through_the_binary_form() {
        let mut checked = 0;
        for (_, canonical, _) in crate::types::tests::hand_list() {
            let t = ty(canonical);
            let bytes = t.to_binary().unwrap_or_else(|e| panic!("{canonical}: {e}"));
            let back = DataType::from_binary(&bytes).unwrap_or_else(|e| panic!("{canonical}: {e}"));
            // The server leaves default parameters out of type names; so does the decoder.
            let expected = canonical
                .replace("Dynamic(max_types=32)", "Dynamic")
                .replace("(max_dynamic_paths=1024)", "");
            assert_eq!(back.to_string(), expected, "{canonical}");
            checked += 1;
        }
        assert!(checked >= 150, "{checked} types");
    }

    #[test]
    fn every_truncation_is_an_error() {
        for (name, bytes) in GOLDEN {
            let bytes = hex(bytes);
            for end in 0..bytes.len() {
                let err = DataType::from_binary(&bytes[..end])
                    .expect_err(&format!("{name} cut at {end}"));
                assert!(
                    err.to_string().contains("ends early"),
                    "{name} cut at {end}: {err}"
                );
            }
        }
    }

    #[test]
    fn malformed_encodings_are_errors() {
        let cases: &[(&str, &str)] = &[
            ("33", "unknown binary type code 0x33"),
            ("35", "unknown binary type code 0x35"),
            ("ff", "unknown binary type code 0xff"),
            ("21", "Set"),
            ("24 00 15", "Function"),
            ("22 0b", "interval kind 11"),
            ("19 0a 02", "Decimal precision 10"),
            ("19 05 06", "scale 6"),
            ("13 0a", "precision 10"),
            ("16 00", "FixedString(0)"),
            ("12 02 ff fe", "not UTF-8"),
            ("30 01 00 00 00 00 00", "JSON type encoding version 1"),
            ("2c 03 'Foo'", "custom type name"),
            ("15 15", "1 bytes after the binary type String"),
            ("25 00 03 'sum' 01 ee 01 04", "field kind 0xee"),
        ];
        for (bytes, message) in cases {
            let err = DataType::from_binary(&hex(bytes)).expect_err(bytes);
            assert!(err.to_string().contains(message), "{bytes}: {err}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let mut bytes = vec![code::ARRAY; 100_000];
        bytes.push(code::STRING);
        let err = DataType::from_binary(&bytes).unwrap_err();
        assert!(err.to_string().contains("deeper than"), "{err}");
        let mut ok = vec![code::ARRAY; 100];
        ok.push(code::STRING);
        assert!(DataType::from_binary(&ok).is_ok());
    }

    #[test]
    fn aggregate_parameters_of_every_field_kind_become_literals() {
        // quantiles(0.5, -3, 'x', [1, 2], NULL, true, (1, 2), 1.50 as Decimal32(2))
        let mut bytes = hex("25 00 09 'quantiles' 08");
        bytes.extend(hex("07 00 00 00 00 00 00 e0 3f"));
        bytes.extend(hex("02 05")); // zigzag(-3) = 5
        bytes.extend(hex("0c 01 'x'"));
        bytes.extend(hex("0d 02 01 01 01 02"));
        bytes.extend(hex("00"));
        bytes.extend(hex("13 01"));
        bytes.extend(hex("0e 02 01 01 01 02"));
        bytes.extend(hex("08 02 96 00 00 00"));
        bytes.extend(hex("01 0e"));
        let t = DataType::from_binary(&bytes).unwrap();
        let DataType::AggregateFunction(f) = &t else {
            panic!("{t:?}")
        };
        assert_eq!(
            f.parameters,
            [
                "0.5", "-3", "'x'", "[1, 2]", "NULL", "true", "(1, 2)", "1.50"
            ]
        );
        // Numbers, strings and arrays encode back to the same fields.
        let t = ty(r"AggregateFunction(2, groupArray(0.5, -3, 'x\'y', [1, [2]]), UInt8)");
        assert_eq!(DataType::from_binary(&t.to_binary().unwrap()).unwrap(), t);
        let null = DataType::AggregateFunction(Box::new(AggregateFunction {
            version: None,
            name: "f".into(),
            parameters: vec!["NULL".into()],
            arguments: vec![DataType::UInt8],
        }));
        let err = null.to_binary().unwrap_err();
        assert!(err.to_string().contains("not supported"), "{err}");
    }
}
