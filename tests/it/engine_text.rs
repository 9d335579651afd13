//! The engine's own text of the rows (TSV, or JSONEachRow), compared with the decoded values.

use chrono_tz::Tz;
use clickhouse_connect::types::TupleElement;
use clickhouse_connect::value::Decimal;
use clickhouse_connect::{Compression, DataType, Value};

use crate::common::{Server, client_for};
use crate::roundtrip::{date, date_time};

// ---------------------------------------------------------------------------------------------
// The engine's own text of the rows, compared with the decoded values.
//
// The comparison walks the column type, the decoded value and the engine's bytes together.
// Everything the engine prints in one exact way (integers, strings byte for byte with the TSV
// escapes, dates, date-times with the type's sub-second digits, times, UUIDs, addresses, enum
// labels, `true`/`false`) must be printed exactly so; floats are parsed from the engine's text
// and compared by bits (NaN equal to NaN); decimals are parsed and compared by value.

/// A format in which the engine's text pins a value down.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum TextFormat {
    Tsv,
    JsonEachRow,
}

/// TSV, except for a `Variant` or `Dynamic` at the top of a cell: there TSV prints a String `1`
/// like a UInt64 `1`, a String `[]` like an empty array, a Float64 `1` like an Int32 `1`.
/// JSONEachRow quotes strings and (with `output_format_json_quote_64bit_floats`) floats, leaving
/// integers bare. Inside arrays, tuples and maps TSV quotes strings, so a nested `Variant` stays
/// in TSV. A type holding `JSON` anywhere is compared as a JSON document, in JSONEachRow.
pub(crate) fn text_format(data_type: &DataType) -> TextFormat {
    match data_type.stored() {
        DataType::Variant(_) | DataType::Dynamic { .. } => TextFormat::JsonEachRow,
        t if holds_json(t) => TextFormat::JsonEachRow,
        _ => TextFormat::Tsv,
    }
}

fn holds_json(data_type: &DataType) -> bool {
    match data_type {
        DataType::Json(_) => true,
        DataType::Nullable(inner) | DataType::LowCardinality(inner) | DataType::Array(inner) => {
            holds_json(inner)
        }
        DataType::Map(k, v) => holds_json(k) || holds_json(v),
        DataType::Tuple(elements) => elements.iter().any(|e| holds_json(&e.data_type)),
        DataType::Variant(types) => types.iter().any(holds_json),
        _ => false,
    }
}

/// Settings that make the JSONEachRow text exact: 64-bit integers bare (so they differ from
/// strings), floats and decimals quoted (so they are parsed exactly here, not by serde_json).
const JSON_TEXT_SETTINGS: &[(&str, &str)] = &[
    ("output_format_json_quote_64bit_integers", "0"),
    ("output_format_json_quote_64bit_floats", "1"),
    ("output_format_json_quote_decimals", "1"),
    ("output_format_json_quote_denormals", "1"),
];

/// Settings for types holding `JSON`: documents compare as parsed JSON, so numbers stay bare as
/// the client receives them (`output_format_native_write_json_as_string` prints them bare).
const JSON_DOCUMENT_SETTINGS: &[(&str, &str)] = &[
    ("output_format_json_quote_64bit_integers", "0"),
    ("output_format_json_quote_64bit_floats", "0"),
    ("output_format_json_quote_decimals", "0"),
];

fn snippet(text: &[u8]) -> String {
    let shown = &text[..text.len().min(60)];
    format!("{:?}", String::from_utf8_lossy(shown))
}

fn expect_literal<'t>(text: &'t [u8], literal: &[u8]) -> Result<&'t [u8], String> {
    text.strip_prefix(literal).ok_or_else(|| {
        format!(
            "expected {:?}, the engine printed {}",
            String::from_utf8_lossy(literal),
            snippet(text)
        )
    })
}

/// ClickHouse's escapes in TSV cells and in quoted strings inside them.
fn escape_into(bytes: &[u8], out: &mut Vec<u8>) {
    for &b in bytes {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\'' => out.extend_from_slice(b"\\'"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\0' => out.extend_from_slice(b"\\0"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b => out.push(b),
        }
    }
}

fn not_of_type(value: &Value, data_type: &DataType) -> String {
    format!("decoded {value:?}, which is not a value of {data_type}")
}

/// Sub-second digits as the engine prints them for `precision`; digits past it must be zero.
fn fraction(nanos: u32, precision: u8) -> Result<String, String> {
    let precision = u32::from(precision.min(9));
    let unit = 10u32.pow(9 - precision);
    if nanos % unit != 0 {
        return Err(format!(
            "{nanos} ns has more than {precision} sub-second digits"
        ));
    }
    Ok(if precision == 0 {
        String::new()
    } else {
        format!(".{:0width$}", nanos / unit, width = precision as usize)
    })
}

fn time_text(delta: &chrono::TimeDelta, precision: u8) -> Result<String, String> {
    let sign = if *delta < chrono::TimeDelta::zero() {
        "-"
    } else {
        ""
    };
    let d = delta.abs();
    let seconds = d.num_seconds();
    Ok(format!(
        "{sign}{:02}:{:02}:{:02}{}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        fraction(d.subsec_nanos() as u32, precision)?
    ))
}

/// The instant in the column's zone (the zone the engine prints in; a column without one prints
/// in the server's zone, which the client gives such values), with the type's sub-second digits.
fn date_time_text(
    t: &chrono::DateTime<Tz>,
    zone: Option<&str>,
    precision: u8,
) -> Result<String, String> {
    let local = match zone {
        Some(zone) => {
            let zone: Tz = zone.parse().map_err(|e| format!("zone {zone}: {e}"))?;
            t.with_timezone(&zone)
        }
        None => *t,
    };
    Ok(format!(
        "{}{}",
        local.format("%Y-%m-%d %H:%M:%S"),
        fraction(t.timestamp_subsec_nanos(), precision)?
    ))
}

fn enum_text<V: Copy + Into<i16>>(
    items: &[(String, V)],
    label: &str,
    number: i16,
) -> Option<Vec<u8>> {
    items
        .iter()
        .any(|(l, v)| l == label && (*v).into() == number)
        .then(|| label.as_bytes().to_vec())
}

/// The exact text of a value that prints one way only, unquoted, and whether it is quoted
/// inside arrays, tuples and maps. `Err` when the value is not one of `data_type`.
fn scalar_text(data_type: &DataType, value: &Value) -> Result<(Vec<u8>, bool), String> {
    let plain = |text: String| Ok((text.into_bytes(), false));
    let quoted = |text: String| Ok((text.into_bytes(), true));
    match (data_type, value) {
        (DataType::Bool, Value::Bool(v)) => plain(v.to_string()),
        (DataType::UInt8, Value::UInt8(v)) => plain(v.to_string()),
        (DataType::UInt16, Value::UInt16(v)) => plain(v.to_string()),
        (DataType::UInt32, Value::UInt32(v)) => plain(v.to_string()),
        (DataType::UInt64, Value::UInt64(v)) => plain(v.to_string()),
        (DataType::UInt128, Value::UInt128(v)) => plain(v.to_string()),
        (DataType::UInt256, Value::UInt256(v)) => plain(v.to_string()),
        (DataType::Int8, Value::Int8(v)) => plain(v.to_string()),
        (DataType::Int16, Value::Int16(v)) => plain(v.to_string()),
        (DataType::Int32, Value::Int32(v)) => plain(v.to_string()),
        (DataType::Int64, Value::Int64(v)) | (DataType::Interval(_), Value::Int64(v)) => {
            plain(v.to_string())
        }
        (DataType::Int128, Value::Int128(v)) => plain(v.to_string()),
        (DataType::Int256, Value::Int256(v)) => plain(v.to_string()),
        (DataType::String, Value::String(bytes)) => Ok((bytes.clone(), true)),
        (DataType::FixedString(n), Value::String(bytes)) if bytes.len() == *n => {
            Ok((bytes.clone(), true))
        }
        (DataType::Enum8(items), Value::Enum(label, n)) => enum_text(items, label, *n)
            .map(|t| (t, true))
            .ok_or_else(|| not_of_type(value, data_type)),
        (DataType::Enum16(items), Value::Enum(label, n)) => enum_text(items, label, *n)
            .map(|t| (t, true))
            .ok_or_else(|| not_of_type(value, data_type)),
        (DataType::Date | DataType::Date32, Value::Date(d)) => {
            quoted(d.format("%Y-%m-%d").to_string())
        }
        (DataType::DateTime { timezone }, Value::DateTime(t)) => {
            quoted(date_time_text(t, timezone.as_deref(), 0)?)
        }
        (
            DataType::DateTime64 {
                precision,
                timezone,
            },
            Value::DateTime(t),
        ) => quoted(date_time_text(t, timezone.as_deref(), *precision)?),
        (DataType::Time, Value::Time(d)) => quoted(time_text(d, 0)?),
        (DataType::Time64 { precision }, Value::Time(d)) => quoted(time_text(d, *precision)?),
        (DataType::Uuid, Value::Uuid(u)) => quoted(u.to_string()),
        (DataType::IPv4, Value::Ipv4(ip)) => quoted(ip.to_string()),
        (DataType::IPv6, Value::Ipv6(ip)) => quoted(ip.to_string()),
        // TSV prints a state's raw bytes, escaped like a string.
        (DataType::AggregateFunction(_), Value::AggregateState(bytes)) => Ok((bytes.clone(), true)),
        _ => Err(not_of_type(value, data_type)),
    }
}

/// The engine's float text, parsed as the column's own width (not via f64: no double rounding),
/// compared by bits; NaN equals NaN (the engine prints every NaN as `nan`).
fn float_matches(data_type: &DataType, value: &Value, text: &str) -> Result<(), String> {
    let nan = matches!(text, "nan" | "-nan" | "+nan");
    let bad = |e: String| format!("the engine printed {text:?} for {value:?}: {e}");
    match (data_type, value) {
        (DataType::Float32 | DataType::BFloat16, Value::Float32(ours)) => {
            if *data_type == DataType::BFloat16 && ours.to_bits() & 0xffff != 0 {
                return Err(format!("{ours:?} is not a BFloat16"));
            }
            let theirs = if nan {
                f32::NAN
            } else {
                text.parse::<f32>().map_err(|e| bad(e.to_string()))?
            };
            (ours.to_bits() == theirs.to_bits() || ours.is_nan() && theirs.is_nan())
                .then_some(())
                .ok_or_else(|| bad(format!("that is {theirs:?}")))
        }
        (DataType::Float64, Value::Float64(ours)) => {
            let theirs = if nan {
                f64::NAN
            } else {
                text.parse::<f64>().map_err(|e| bad(e.to_string()))?
            };
            (ours.to_bits() == theirs.to_bits() || ours.is_nan() && theirs.is_nan())
                .then_some(())
                .ok_or_else(|| bad(format!("that is {theirs:?}")))
        }
        _ => Err(not_of_type(value, data_type)),
    }
}

/// The engine's decimal text compared by value with the decoded decimal, which must carry the
/// type's scale.
fn decimal_matches(data_type: &DataType, value: &Value, text: &str) -> Result<(), String> {
    match (data_type, value) {
        (DataType::Decimal { scale, .. }, Value::Decimal(ours)) if ours.scale() == *scale => {
            let theirs: Decimal = text
                .parse()
                .map_err(|e| format!("the engine printed {text:?}: {e}"))?;
            (theirs.rescale(ours.scale()) == Some(*ours))
                .then_some(())
                .ok_or_else(|| format!("the engine printed {text:?}, decoded {ours}"))
        }
        _ => Err(not_of_type(value, data_type)),
    }
}

fn point() -> DataType {
    DataType::Tuple(vec![
        TupleElement {
            name: None,
            data_type: DataType::Float64,
        };
        2
    ])
}

/// The element type of a type whose values are arrays: `Array`, `Nested` and the array-shaped
/// geo types.
fn array_element(data_type: &DataType) -> Option<DataType> {
    let array_of = |t: DataType| DataType::Array(Box::new(t));
    Some(match data_type {
        DataType::Array(inner) => (**inner).clone(),
        DataType::Nested(fields) => DataType::Tuple(
            fields
                .iter()
                .map(|f| TupleElement {
                    name: Some(f.name.clone()),
                    data_type: f.data_type.clone(),
                })
                .collect(),
        ),
        DataType::Ring | DataType::LineString | DataType::MultiPoint => point(),
        DataType::Polygon | DataType::MultiLineString => array_of(point()),
        DataType::MultiPolygon => array_of(array_of(point())),
        _ => return None,
    })
}

/// The element types of a type whose values are tuples.
fn tuple_elements(data_type: &DataType) -> Option<Vec<DataType>> {
    match data_type {
        DataType::Tuple(elements) => Some(elements.iter().map(|e| e.data_type.clone()).collect()),
        DataType::Point => Some(vec![DataType::Float64; 2]),
        _ => None,
    }
}

/// Which alternative of a `Variant` the decoded value is, by the shape of the value; a value
/// that fits none, or more than one, is an error.
fn variant_alternative<'a>(
    alternatives: &'a [DataType],
    value: &Value,
) -> Result<&'a DataType, String> {
    fn fits(t: &DataType, v: &Value) -> bool {
        match (t.stored(), v) {
            (DataType::Nullable(_), Value::Null) => true,
            (DataType::Nullable(inner) | DataType::LowCardinality(inner), v) => fits(inner, v),
            (t, Value::Array(items)) => {
                array_element(t).is_some_and(|e| items.iter().all(|item| fits(&e, item)))
            }
            (t, Value::Tuple(items)) => tuple_elements(t).is_some_and(|elements| {
                elements.len() == items.len()
                    && elements.iter().zip(items).all(|(e, item)| fits(e, item))
            }),
            (DataType::Map(k, v), Value::Map(pairs)) => pairs
                .iter()
                .all(|(key, value)| fits(k, key) && fits(v, value)),
            (DataType::Float32 | DataType::BFloat16, Value::Float32(_))
            | (DataType::Float64, Value::Float64(_))
            | (DataType::Decimal { .. }, Value::Decimal(_)) => true,
            (t, v) => scalar_text(t, v).is_ok(),
        }
    }
    let mut matching = alternatives.iter().filter(|t| fits(t, value));
    match (matching.next(), matching.next()) {
        (Some(t), None) => Ok(t),
        (None, _) => Err(format!(
            "decoded {value:?}, which is no alternative of the Variant"
        )),
        (Some(a), Some(b)) => Err(format!("decoded {value:?} fits both {a} and {b}")),
    }
}

/// A type whose text pins down a decoded value held in a `Dynamic` (whose own type the `Value`
/// no longer says), for the kinds of value whose text does not depend on more than the kind.
fn dynamic_value_type(value: &Value) -> Result<DataType, String> {
    let dynamic = || DataType::Dynamic { max_types: None };
    Ok(match value {
        Value::String(_) => DataType::String,
        Value::Bool(_) => DataType::Bool,
        Value::UInt8(_) => DataType::UInt8,
        Value::UInt16(_) => DataType::UInt16,
        Value::UInt32(_) => DataType::UInt32,
        Value::UInt64(_) => DataType::UInt64,
        Value::Int8(_) => DataType::Int8,
        Value::Int16(_) => DataType::Int16,
        Value::Int32(_) => DataType::Int32,
        Value::Int64(_) => DataType::Int64,
        Value::Float32(_) => DataType::Float32,
        Value::Float64(_) => DataType::Float64,
        Value::Date(_) => DataType::Date,
        Value::Uuid(_) => DataType::Uuid,
        Value::Ipv4(_) => DataType::IPv4,
        Value::Ipv6(_) => DataType::IPv6,
        Value::Array(_) => DataType::Array(Box::new(dynamic())),
        Value::Map(_) => DataType::Map(Box::new(dynamic()), Box::new(dynamic())),
        Value::Tuple(items) => DataType::Tuple(
            items
                .iter()
                .map(|_| TupleElement {
                    name: None,
                    data_type: dynamic(),
                })
                .collect(),
        ),
        other => {
            return Err(format!(
                "cannot tell the text of {other:?} inside a Dynamic"
            ));
        }
    })
}

/// Checks that `text` begins with the engine's TSV text of `value`, a value of `data_type`, and
/// returns the rest. `nested`: inside an array, tuple or map (strings quoted, NULL as `NULL`).
fn expect_tsv<'t>(
    data_type: &DataType,
    value: &Value,
    text: &'t [u8],
    nested: bool,
) -> Result<&'t [u8], String> {
    let data_type = data_type.stored();
    let null: &[u8] = if nested { b"NULL" } else { b"\\N" };
    // Floats and decimals: the text up to the next delimiter (a whole cell at the top level).
    let token = |text: &'t [u8]| -> Result<(&'t str, &'t [u8]), String> {
        let end = if nested {
            text.iter()
                .position(|b| b",)]}:".contains(b))
                .unwrap_or(text.len())
        } else {
            text.len()
        };
        let (token, rest) = text.split_at(end);
        let token = std::str::from_utf8(token).map_err(|_| snippet(token))?;
        Ok((token, rest))
    };
    match (data_type, value) {
        (
            DataType::Nullable(_)
            | DataType::Nothing
            | DataType::Variant(_)
            | DataType::Dynamic { .. }
            | DataType::Geometry,
            Value::Null,
        ) => expect_literal(text, null),
        (DataType::Nullable(inner) | DataType::LowCardinality(inner), _) => {
            expect_tsv(inner, value, text, nested)
        }
        (DataType::Variant(alternatives), _) => expect_tsv(
            variant_alternative(alternatives, value)?,
            value,
            text,
            nested,
        ),
        (DataType::Dynamic { .. }, _) => {
            expect_tsv(&dynamic_value_type(value)?, value, text, nested)
        }
        (DataType::Float32 | DataType::BFloat16 | DataType::Float64, _) => {
            let (token, rest) = token(text)?;
            float_matches(data_type, value, token)?;
            Ok(rest)
        }
        (DataType::Decimal { .. }, _) => {
            let (token, rest) = token(text)?;
            decimal_matches(data_type, value, token)?;
            Ok(rest)
        }
        (_, Value::Array(items)) => {
            let element = array_element(data_type).ok_or_else(|| not_of_type(value, data_type))?;
            let mut rest = expect_literal(text, b"[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    rest = expect_literal(rest, b",")?;
                }
                rest = expect_tsv(&element, item, rest, true)?;
            }
            expect_literal(rest, b"]")
        }
        (_, Value::Tuple(items)) => {
            let elements = tuple_elements(data_type)
                .filter(|e| e.len() == items.len())
                .ok_or_else(|| not_of_type(value, data_type))?;
            let mut rest = expect_literal(text, b"(")?;
            for (i, (element, item)) in elements.iter().zip(items).enumerate() {
                if i > 0 {
                    rest = expect_literal(rest, b",")?;
                }
                rest = expect_tsv(element, item, rest, true)?;
            }
            expect_literal(rest, b")")
        }
        (DataType::Map(key_type, value_type), Value::Map(pairs)) => {
            let mut rest = expect_literal(text, b"{")?;
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    rest = expect_literal(rest, b",")?;
                }
                rest = expect_tsv(key_type, k, rest, true)?;
                rest = expect_literal(rest, b":")?;
                rest = expect_tsv(value_type, v, rest, true)?;
            }
            expect_literal(rest, b"}")
        }
        _ => {
            let (raw, quoted) = scalar_text(data_type, value)?;
            let mut expected = Vec::with_capacity(raw.len() + 2);
            let quote = nested && quoted;
            if quote {
                expected.push(b'\'');
            }
            escape_into(&raw, &mut expected);
            if quote {
                expected.push(b'\'');
            }
            expect_literal(text, &expected)
        }
    }
}

/// Checks one JSONEachRow value (read with [`JSON_TEXT_SETTINGS`]) against the decoded value:
/// strings and text-like values must be JSON strings, integers bare JSON integers, floats and
/// decimals quoted (and parsed here, exactly).
fn expect_json(
    data_type: &DataType,
    value: &Value,
    json: &serde_json::Value,
) -> Result<(), String> {
    use serde_json::Value as J;
    let data_type = data_type.stored();
    let unexpected = || format!("decoded {value:?}, the engine printed {json}");
    match (data_type, value, json) {
        (
            DataType::Nullable(_)
            | DataType::Nothing
            | DataType::Variant(_)
            | DataType::Dynamic { .. }
            | DataType::Geometry,
            Value::Null,
            J::Null,
        ) => Ok(()),
        // A document equals the engine's, parsed the same way.
        (DataType::Json(_), Value::Json(ours), theirs) => {
            (ours == theirs).then_some(()).ok_or_else(unexpected)
        }
        (DataType::Nullable(inner) | DataType::LowCardinality(inner), _, _) => {
            expect_json(inner, value, json)
        }
        (DataType::Variant(alternatives), _, _) => {
            expect_json(variant_alternative(alternatives, value)?, value, json)
        }
        (DataType::Float32 | DataType::BFloat16 | DataType::Float64, _, J::String(text)) => {
            float_matches(data_type, value, text)
        }
        (DataType::Decimal { .. }, _, J::String(text)) => decimal_matches(data_type, value, text),
        (_, Value::Array(items), J::Array(texts)) => {
            let element = array_element(data_type).ok_or_else(|| not_of_type(value, data_type))?;
            if items.len() != texts.len() {
                return Err(unexpected());
            }
            items
                .iter()
                .zip(texts)
                .try_for_each(|(item, text)| expect_json(&element, item, text))
        }
        (_, Value::Tuple(items), J::Array(texts)) => {
            let elements = tuple_elements(data_type)
                .filter(|e| e.len() == items.len() && texts.len() == items.len())
                .ok_or_else(unexpected)?;
            elements
                .iter()
                .zip(items.iter().zip(texts))
                .try_for_each(|(element, (item, text))| expect_json(element, item, text))
        }
        (DataType::Tuple(elements), Value::Tuple(items), J::Object(fields))
            if elements.len() == items.len() && fields.len() == items.len() =>
        {
            elements.iter().zip(items).try_for_each(|(element, item)| {
                let name = element.name.as_deref().ok_or_else(unexpected)?;
                expect_json(
                    &element.data_type,
                    item,
                    fields.get(name).ok_or_else(unexpected)?,
                )
            })
        }
        // A map is an object keyed by the keys' text; every pair must be there, none more.
        (DataType::Map(key_type, value_type), Value::Map(pairs), J::Object(fields)) => {
            if pairs.len() != fields.len() {
                return Err(unexpected());
            }
            pairs.iter().try_for_each(|(k, v)| {
                let (key, _) = scalar_text(key_type, k)?;
                let key = String::from_utf8(key).map_err(|_| unexpected())?;
                expect_json(value_type, v, fields.get(&key).ok_or_else(unexpected)?)
            })
        }
        (DataType::Bool, Value::Bool(ours), J::Bool(theirs)) if ours == theirs => Ok(()),
        // Text-like values are JSON strings, integers bare JSON integers.
        (_, _, J::String(_) | J::Number(_)) => {
            let (raw, quoted) =
                scalar_text(data_type, value).map_err(|e| format!("{}: {e}", unexpected()))?;
            let same = match json {
                J::String(text) => quoted && raw == text.as_bytes(),
                J::Number(n) => {
                    !quoted && (n.is_u64() || n.is_i64()) && raw == n.to_string().as_bytes()
                }
                _ => false,
            };
            same.then_some(()).ok_or_else(unexpected)
        }
        _ => Err(unexpected()),
    }
}

/// Compares the decoded column `values` of type `type_name` with the engine's own text of the
/// same `select` (same settings), row by row. Panics naming the type, the row, the decoded value
/// and the engine's text.
pub(crate) async fn compare_with_engine_text(
    server: &Server,
    type_name: &str,
    data_type: &DataType,
    select: &str,
    settings: &[(&str, &str)],
    values: &[Value],
) -> TextFormat {
    let format = text_format(data_type);
    let row_types = vec![data_type.clone(); values.len()];
    compare_rows_with_engine_text(
        server, type_name, format, &row_types, select, settings, values,
    )
    .await;
    format
}

/// As [`compare_with_engine_text`], with a type per row: the column's type with each `Dynamic`,
/// `Variant` or `Geometry` cell resolved to the member the row holds (see
/// `engine_text_families::cell_type`), in `format` (the column type's [`text_format`]).
pub(crate) async fn compare_rows_with_engine_text(
    server: &Server,
    type_name: &str,
    format: TextFormat,
    row_types: &[DataType],
    select: &str,
    settings: &[(&str, &str)],
    values: &[Value],
) {
    assert_eq!(row_types.len(), values.len(), "{type_name}: a type per row");
    let mut params = settings.to_vec();
    let sql = match format {
        TextFormat::Tsv => format!("{select} FORMAT TSV"),
        TextFormat::JsonEachRow => {
            let documents = row_types.iter().any(holds_json);
            params.extend_from_slice(if documents {
                JSON_DOCUMENT_SETTINGS
            } else {
                JSON_TEXT_SETTINGS
            });
            format!("{select} FORMAT JSONEachRow")
        }
    };
    let response = server.post(&params, sql.clone()).await;
    assert_eq!(
        response.status,
        200,
        "{type_name}: `{sql}`: {}",
        response.text()
    );
    let body = response.body;
    let lines: Vec<&[u8]> = body
        .strip_suffix(b"\n")
        .unwrap_or(&body)
        .split(|&b| b == b'\n')
        .collect();
    assert_eq!(
        lines.len(),
        values.len(),
        "{type_name}: rows in the engine's {format:?} text"
    );
    for (row, ((value, line), data_type)) in values.iter().zip(&lines).zip(row_types).enumerate() {
        let outcome = match format {
            TextFormat::Tsv => expect_tsv(data_type, value, line, false).and_then(|rest| {
                rest.is_empty()
                    .then_some(())
                    .ok_or_else(|| format!("the engine printed more: {}", snippet(rest)))
            }),
            TextFormat::JsonEachRow => serde_json::from_slice::<serde_json::Value>(line)
                .map_err(|e| e.to_string())
                .and_then(|object| {
                    let cell = object.get("v").ok_or("no column `v`")?;
                    expect_json(data_type, value, cell)
                }),
        };
        if let Err(reason) = outcome {
            panic!(
                "{type_name}: row {row} ({data_type}): decoded {value:?}, the engine's {format:?} text is {:?}: {reason}",
                String::from_utf8_lossy(line)
            );
        }
    }
}

/// Checks one whole TSV cell of the engine against the decoded `value` of `data_type`.
pub(crate) fn expect_tsv_cell(
    data_type: &DataType,
    value: &Value,
    cell: &[u8],
) -> Result<(), String> {
    expect_tsv(data_type, value, cell, false).and_then(|rest| {
        rest.is_empty()
            .then_some(())
            .ok_or_else(|| format!("the engine printed more: {}", snippet(rest)))
    })
}

pub(crate) async fn compare_with_text(server: &Server, select: &str) {
    let client = client_for(server, Compression::Lz4);
    let result = client
        .query(select)
        .await
        .unwrap_or_else(|e| panic!("{}: {select}: {e}", server.name));
    let response = server.post(&[], format!("{select} FORMAT TSV")).await;
    assert_eq!(response.status, 200, "{}: {}", server.name, response.text());
    let body = response.body;
    let lines: Vec<&[u8]> = body
        .strip_suffix(b"\n")
        .unwrap_or(&body)
        .split(|&b| b == b'\n')
        .collect();
    assert_eq!(
        lines.len(),
        result.row_count(),
        "{}: row count",
        server.name
    );
    assert!(
        result.row_count() > 0,
        "{}: no rows to compare",
        server.name
    );
    for (row, (values, line)) in result.rows().zip(&lines).enumerate() {
        let values = values.values();
        let cells: Vec<&[u8]> = line.split(|&b| b == b'\t').collect();
        assert_eq!(cells.len(), values.len(), "{}: row {row}", server.name);
        for (i, (value, cell)) in values.iter().zip(&cells).enumerate() {
            let name = &result.column_names()[i];
            let data_type = &result.column_types()[i];
            let outcome = expect_tsv(data_type, value, cell, false).and_then(|rest| {
                rest.is_empty()
                    .then_some(())
                    .ok_or_else(|| format!("the engine printed more: {}", snippet(rest)))
            });
            if let Err(reason) = outcome {
                panic!(
                    "{}: column {name} ({data_type}), row {row}: decoded {value:?}, the engine printed {:?}: {reason}",
                    server.name,
                    String::from_utf8_lossy(cell)
                );
            }
        }
    }
}

/// The comparison itself, without an engine: texts that differ from the decoded value in any
/// way that matters are refused, also where two values print alike in a careless renderer.
#[test]
fn the_text_comparison_refuses_what_differs() {
    let ty = |t: &str| DataType::parse(t).unwrap();
    let tsv = |t: &str, v: &Value, text: &[u8]| {
        expect_tsv(&ty(t), v, text, false).and_then(|rest| {
            rest.is_empty()
                .then_some(())
                .ok_or_else(|| format!("more: {}", snippet(rest)))
        })
    };
    let json = |t: &str, v: &Value, text: &str| {
        expect_json(&ty(t), v, &serde_json::from_str(text).unwrap())
    };
    // Strings byte for byte, with the engine's escapes, quoted inside arrays.
    let bytes = Value::String(b"a\tb'\\\0\xff\n".to_vec());
    assert_eq!(tsv("String", &bytes, b"a\\tb\\'\\\\\\0\xff\\n"), Ok(()));
    assert!(tsv("String", &bytes, b"a\\tb'\\\\\\0\xff\\n").is_err());
    assert!(tsv("String", &bytes, "a\\tb\\'\\\\\\0\u{fffd}\\n".as_bytes()).is_err());
    assert_eq!(tsv("Array(String)", &Value::array(["x"]), b"['x']"), Ok(()));
    assert!(tsv("Array(String)", &Value::array(["x", "y"]), b"['x']").is_err());
    assert!(tsv("Array(String)", &Value::array(["x"]), b"['x','y']").is_err());
    assert!(tsv("FixedString(2)", &Value::from("a"), b"a\\0").is_err());
    // A nested Variant: a string is quoted, a number is not.
    let variant = "Array(Variant(String, UInt64))";
    assert_eq!(
        tsv(variant, &Value::array([Value::from("1")]), b"['1']"),
        Ok(())
    );
    assert!(tsv(variant, &Value::array([Value::from("1")]), b"[1]").is_err());
    assert!(tsv(variant, &Value::array([Value::UInt64(1)]), b"['1']").is_err());
    // A top-level Variant in JSON: strings, floats and integers apart.
    assert_eq!(
        json("Variant(String, UInt64)", &Value::UInt64(1), "1"),
        Ok(())
    );
    assert!(json("Variant(String, UInt64)", &Value::from("1"), "1").is_err());
    assert!(json("Variant(String, UInt64)", &Value::UInt64(1), "\"1\"").is_err());
    let numbers = "Variant(Date, Float64, Int32)";
    assert_eq!(json(numbers, &Value::Float64(1.0), "\"1\""), Ok(()));
    assert!(json(numbers, &Value::Float64(1.0), "1").is_err());
    assert!(json(numbers, &Value::Int32(1), "\"1\"").is_err());
    assert!(json(numbers, &date(0), "\"1\"").is_err());
    // Floats by bits, parsed at the column's width; NaN equals NaN.
    assert_eq!(tsv("Float32", &Value::Float32(0.1), b"0.1"), Ok(()));
    let next = Value::Float32(f32::from_bits(0.1f32.to_bits() + 1));
    assert!(tsv("Float32", &next, b"0.1").is_err());
    assert_eq!(tsv("Float64", &Value::Float64(-0.0), b"-0"), Ok(()));
    assert!(tsv("Float64", &Value::Float64(0.0), b"-0").is_err());
    assert_eq!(
        tsv("Array(Float64)", &Value::array([f64::NAN]), b"[nan]"),
        Ok(())
    );
    assert!(tsv("Array(Float64)", &Value::array([f64::INFINITY]), b"[nan]").is_err());
    assert!(tsv("BFloat16", &Value::Float32(0.1), b"0.1").is_err());
    // Decimals by value, with the type's scale.
    let decimal = Value::Decimal(Decimal::new(150, 2));
    assert_eq!(tsv("Decimal(9, 2)", &decimal, b"1.5"), Ok(()));
    assert_eq!(tsv("Decimal(9, 2)", &decimal, b"1.50"), Ok(()));
    assert!(tsv("Decimal(9, 2)", &decimal, b"1.51").is_err());
    assert!(tsv("Decimal(9, 3)", &decimal, b"1.5").is_err());
    // Sub-second digits as the type has them; times with their sign.
    let at = date_time(Tz::UTC, 0, 0);
    assert_eq!(
        tsv("DateTime64(3, 'UTC')", &at, b"1970-01-01 00:00:00.000"),
        Ok(())
    );
    assert!(tsv("DateTime64(3, 'UTC')", &at, b"1970-01-01 00:00:00").is_err());
    let late = date_time(Tz::UTC, 0, 1_000);
    assert!(tsv("DateTime64(3, 'UTC')", &late, b"1970-01-01 00:00:00.000").is_err());
    assert_eq!(
        tsv("DateTime('Asia/Kolkata')", &at, b"1970-01-01 05:30:00"),
        Ok(())
    );
    let time = Value::Time(-chrono::TimeDelta::milliseconds(1500));
    assert_eq!(tsv("Time64(3)", &time, b"-00:00:01.500"), Ok(()));
    assert!(tsv("Time64(3)", &time, b"00:00:01.500").is_err());
    // NULL where the type allows it, and only there.
    assert_eq!(tsv("Nullable(UInt8)", &Value::Null, b"\\N"), Ok(()));
    assert!(tsv("UInt8", &Value::Null, b"\\N").is_err());
    assert_eq!(
        tsv(
            "Array(Nullable(UInt8))",
            &Value::array([Value::Null]),
            b"[NULL]"
        ),
        Ok(())
    );
    // Aggregate states: the raw bytes with the string escapes.
    let state = Value::AggregateState(vec![1, 0, b'\t', 0xfb]);
    let min = "AggregateFunction(min, Int32)";
    assert_eq!(tsv(min, &state, b"\x01\\0\\t\xfb"), Ok(()));
    assert!(tsv(min, &state, b"\x01\0\t\xfb").is_err());
    assert!(tsv(min, &Value::AggregateState(vec![1, 0]), b"\x01\\0\\t\xfb").is_err());
    // JSON documents equal as parsed JSON: numbers stay numbers, no path more or less.
    let doc = Value::Json(serde_json::json!({"a": 1, "b": [null, "x"]}));
    assert_eq!(json("JSON", &doc, r#"{"b": [null, "x"], "a": 1}"#), Ok(()));
    assert!(json("JSON", &doc, r#"{"a": "1", "b": [null, "x"]}"#).is_err());
    assert!(json("JSON", &doc, r#"{"a": 1, "b": [null, "x"], "c": null}"#).is_err());
    assert!(json("JSON", &Value::from(r#"{"a": 1}"#), r#"{"a": 1}"#).is_err());
    // A map in JSON: an object with every pair, none more.
    let map = Value::Map(vec![(Value::from("k"), Value::UInt8(1))]);
    assert_eq!(json("Map(String, UInt8)", &map, r#"{"k": 1}"#), Ok(()));
    assert!(json("Map(String, UInt8)", &map, r#"{"k": 1, "j": 2}"#).is_err());
    assert!(json("Map(String, UInt8)", &map, r#"{"j": 1}"#).is_err());
    // Variant alternatives of one shape told apart by their elements.
    let arrays = "Array(Variant(Array(String), Array(UInt8)))";
    let strings = Value::array([Value::array(["a"])]);
    assert_eq!(tsv(arrays, &strings, b"[['a']]"), Ok(()));
    assert!(tsv(arrays, &strings, b"[[a]]").is_err());
    // A value of another type than the column's is refused even where the text would match.
    assert!(tsv("UInt16", &Value::UInt8(1), b"1").is_err());
    assert!(tsv("Enum8('a' = 1)", &Value::Enum("a".into(), 2), b"a").is_err());
}
