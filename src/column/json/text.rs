//! JSON text of column cells and of whole documents, written the way the server writes a `JSON`
//! column as text (`output_format_native_write_json_as_string = 1`, default format settings of
//! the 26.9 engine).
//!
//! Integers of every width (and decimals, with trailing zeros dropped) are bare numbers; floats
//! are shortest round-trip digits, plain from 1e-6 up to 1e21 and with an exponent outside
//! (`1e21`, `1e-7`), NaN and infinities `null`; dates, date-times (in their column's zone, else
//! the server's), times, UUIDs, addresses and enum labels are strings; `Bool` is `true`/`false`;
//! named tuples and maps are objects, unnamed tuples and arrays are arrays. Strings escape `"`,
//! `\`, `/`, the control characters (`\b \f \n \r \t`, else `\u00XX`) and U+2028/U+2029, and
//! keep every other byte as it is (bytes that are not UTF-8 too, as the server does).
//!
//! A document is the object of its paths split at dots, keys in path order. A path that is both
//! a value and the parent of other paths in the same row (`{"a": 1, "a.b": 2}`) is written as
//! two members with the same key, as the server writes it.

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use ethnum::{I256, U256};

use super::super::{Column, ColumnData};
use crate::types::DataType;
use crate::value::Decimal;

/// One member of a document: its dotted path and the cell holding its value.
pub(crate) type Member<'a> = (&'a str, &'a Column, usize);

/// Writes the document of `members` (sorted here by path segments).
pub(crate) fn write_document(members: &mut [Member<'_>], zone: Tz, out: &mut Vec<u8>) {
    members.sort_by(|a, b| a.0.split('.').cmp(b.0.split('.')));
    out.push(b'{');
    // The keys of the objects open below the top level, and whether each level has a member.
    let mut open: Vec<&str> = Vec::new();
    let mut started = vec![false];
    let separate = |started: &mut Vec<bool>, out: &mut Vec<u8>| {
        if let Some(level) = started.last_mut() {
            if *level {
                out.push(b',');
            }
            *level = true;
        }
    };
    for (path, column, row) in members.iter() {
        let mut segments: Vec<&str> = path.split('.').collect();
        let leaf = segments.pop().unwrap_or_default();
        let common = open
            .iter()
            .zip(&segments)
            .take_while(|(a, b)| a == b)
            .count();
        while open.len() > common {
            open.pop();
            started.pop();
            out.push(b'}');
        }
        for segment in &segments[common..] {
            separate(&mut started, out);
            write_string(segment.as_bytes(), out);
            out.extend_from_slice(b":{");
            open.push(segment);
            started.push(false);
        }
        separate(&mut started, out);
        write_string(leaf.as_bytes(), out);
        out.push(b':');
        write_cell(column, *row, zone, out);
    }
    for _ in &open {
        out.push(b'}');
    }
    out.push(b'}');
}

/// Whether row `i` of `column` is NULL as a path value (a `Dynamic` holding nothing).
pub(crate) fn is_absent(column: &Column, i: usize) -> bool {
    match column.data() {
        ColumnData::Dynamic(d) => d.values().locate(i).is_none(),
        _ => false,
    }
}

/// Writes `bytes` as a JSON string with the server's escapes.
pub(crate) fn write_string(bytes: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push(b'"');
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'/' => out.extend_from_slice(b"\\/"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x00..=0x1f => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
            // U+2028 and U+2029 (E2 80 A8/A9), which JavaScript does not take raw.
            0xe2 if bytes.get(i + 1) == Some(&0x80)
                && matches!(bytes.get(i + 2), Some(0xa8 | 0xa9)) =>
            {
                out.extend_from_slice(if bytes[i + 2] == 0xa8 {
                    b"\\u2028"
                } else {
                    b"\\u2029"
                });
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    out.push(b'"');
}

/// Writes a float as the server does: shortest digits, plain from 1e-6 up to 1e21.
fn write_float(value: f64, shortest: impl Fn() -> (String, String), out: &mut Vec<u8>) {
    if !value.is_finite() {
        out.extend_from_slice(b"null");
        return;
    }
    let (plain, exponential) = shortest();
    let exponent: i32 = exponential
        .rsplit_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    if value == 0.0 || (-6..21).contains(&exponent) {
        out.extend_from_slice(plain.as_bytes());
    } else {
        out.extend_from_slice(exponential.as_bytes());
    }
}

fn write_f64(value: f64, out: &mut Vec<u8>) {
    write_float(value, || (format!("{value}"), format!("{value:e}")), out);
}

fn write_f32(value: f32, out: &mut Vec<u8>) {
    write_float(
        f64::from(value),
        || (format!("{value}"), format!("{value:e}")),
        out,
    );
}

fn write_display(value: impl std::fmt::Display, out: &mut Vec<u8>) {
    use std::io::Write;
    let _ = write!(out, "{value}");
}

fn write_quoted_display(value: impl std::fmt::Display, out: &mut Vec<u8>) {
    write_string(value.to_string().as_bytes(), out);
}

/// A decimal's digits without trailing zeros (`1.500` is `1.5`, `2.000` is `2`).
fn write_decimal(value: Decimal, out: &mut Vec<u8>) {
    let text = value.to_string();
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    out.extend_from_slice(if text == "-0" { "0" } else { text }.as_bytes());
}

fn write_date(days: i64, out: &mut Vec<u8>) {
    let date = NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(days)));
    match date {
        Some(date) => write_quoted_display(date.format("%Y-%m-%d"), out),
        None => write_display(days, out),
    }
}

/// `seconds` and `precision` digits of `fraction`, in `zone`.
fn write_date_time(seconds: i64, fraction: i64, precision: u8, zone: Tz, out: &mut Vec<u8>) {
    let Some(utc) = DateTime::from_timestamp(seconds, 0) else {
        write_display(seconds, out);
        return;
    };
    let local = utc.with_timezone(&zone);
    let mut text = local.format("%Y-%m-%d %H:%M:%S").to_string();
    if precision > 0 {
        text.push_str(&format!(
            ".{fraction:0width$}",
            width = usize::from(precision)
        ));
    }
    write_string(text.as_bytes(), out);
}

/// A signed duration as `[-]hh:mm:ss[.fraction]`.
fn write_time(ticks: i64, precision: u8, out: &mut Vec<u8>) {
    let per_second = 10i64.pow(u32::from(precision.min(9)));
    let sign = if ticks < 0 { "-" } else { "" };
    let ticks = ticks.unsigned_abs();
    let per_second = per_second.unsigned_abs();
    let (seconds, fraction) = (ticks / per_second, ticks % per_second);
    let mut text = format!(
        "{sign}{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    );
    if precision > 0 {
        text.push_str(&format!(
            ".{fraction:0width$}",
            width = usize::from(precision)
        ));
    }
    write_string(text.as_bytes(), out);
}

fn write_enum<V: Copy + PartialEq + std::fmt::Display>(
    items: &[(String, V)],
    value: V,
    out: &mut Vec<u8>,
) {
    match items.iter().find(|(_, v)| *v == value) {
        Some((label, _)) => write_string(label.as_bytes(), out),
        None => write_quoted_display(value, out),
    }
}

fn zone_of(timezone: Option<&str>, zone: Tz) -> Tz {
    timezone.and_then(|tz| tz.parse().ok()).unwrap_or(zone)
}

/// Writes row `i` of `column` as JSON text.
pub(crate) fn write_cell(column: &Column, i: usize, zone: Tz, out: &mut Vec<u8>) {
    use DataType as T;
    let t = column.data_type().stored();
    match (column.data(), t) {
        (ColumnData::UInt8(v), T::Bool) => {
            out.extend_from_slice(if v[i] != 0 { b"true" } else { b"false" })
        }
        (ColumnData::UInt8(v), _) => write_display(v[i], out),
        (ColumnData::UInt16(v), T::Date) => write_date(i64::from(v[i]), out),
        (ColumnData::UInt16(v), T::BFloat16) => {
            write_f32(f32::from_bits(u32::from(v[i]) << 16), out)
        }
        (ColumnData::UInt16(v), _) => write_display(v[i], out),
        (ColumnData::UInt32(v), T::DateTime { timezone }) => write_date_time(
            i64::from(v[i]),
            0,
            0,
            zone_of(timezone.as_deref(), zone),
            out,
        ),
        (ColumnData::UInt32(v), T::IPv4) => {
            write_quoted_display(std::net::Ipv4Addr::from(v[i]), out)
        }
        (ColumnData::UInt32(v), _) => write_display(v[i], out),
        (ColumnData::UInt64(v), _) => write_display(v[i], out),
        (ColumnData::UInt128(v), _) => write_display(v[i], out),
        (ColumnData::Int8(v), T::Enum8(items)) => write_enum(items, v[i], out),
        (ColumnData::Int8(v), _) => write_display(v[i], out),
        (ColumnData::Int16(v), T::Enum16(items)) => write_enum(items, v[i], out),
        (ColumnData::Int16(v), _) => write_display(v[i], out),
        (ColumnData::Int32(v), T::Date32) => write_date(i64::from(v[i]), out),
        (ColumnData::Int32(v), T::Time) => write_time(i64::from(v[i]), 0, out),
        (ColumnData::Int32(v), T::Decimal { scale, .. }) => {
            write_decimal(Decimal::new(v[i], *scale), out)
        }
        (ColumnData::Int32(v), _) => write_display(v[i], out),
        (
            ColumnData::Int64(v),
            T::DateTime64 {
                precision,
                timezone,
            },
        ) => {
            let per_second = 10i64.pow(u32::from((*precision).min(9)));
            write_date_time(
                v[i].div_euclid(per_second),
                v[i].rem_euclid(per_second),
                *precision,
                zone_of(timezone.as_deref(), zone),
                out,
            );
        }
        (ColumnData::Int64(v), T::Time64 { precision }) => write_time(v[i], *precision, out),
        (ColumnData::Int64(v), T::Decimal { scale, .. }) => {
            write_decimal(Decimal::new(v[i], *scale), out)
        }
        (ColumnData::Int64(v), _) => write_display(v[i], out),
        (ColumnData::Int128(v), T::Decimal { scale, .. }) => {
            write_decimal(Decimal::new(v[i], *scale), out)
        }
        (ColumnData::Int128(v), _) => write_display(v[i], out),
        (ColumnData::Float32(v), _) => write_f32(v[i], out),
        (ColumnData::Float64(v), _) => write_f64(v[i], out),
        (ColumnData::Bytes16(v), T::IPv6) => {
            write_quoted_display(std::net::Ipv6Addr::from(v[i]), out)
        }
        (ColumnData::Bytes16(v), _) => {
            write_quoted_display(crate::value::uuid_from_wire(&v[i]), out)
        }
        (ColumnData::Bytes32(v), T::UInt256) => write_display(U256::from_le_bytes(v[i]), out),
        (ColumnData::Bytes32(v), T::Decimal { scale, .. }) => {
            write_decimal(Decimal::new(I256::from_le_bytes(v[i]), *scale), out)
        }
        (ColumnData::Bytes32(v), _) => write_display(I256::from_le_bytes(v[i]), out),
        (ColumnData::String(c), _) => write_string(c.get(i).unwrap_or_default(), out),
        (ColumnData::FixedString(c), _) => write_string(c.get(i).unwrap_or_default(), out),
        (ColumnData::AggregateState(c), _) => write_string(c.get(i).unwrap_or_default(), out),
        (ColumnData::Json(c), _) => match c.get(i) {
            Some(text) if !text.is_empty() => out.extend_from_slice(text),
            _ => out.extend_from_slice(b"{}"),
        },
        (ColumnData::Nothing(_), _) => out.extend_from_slice(b"null"),
        (ColumnData::EmptyTuple(_), _) => out.extend_from_slice(b"[]"),
        (ColumnData::Nullable(c), _) => {
            if c.is_null(i) {
                out.extend_from_slice(b"null");
            } else {
                write_cell(c.values(), i, zone, out);
            }
        }
        (ColumnData::LowCardinality(c), _) => match c.index(i) {
            None => out.extend_from_slice(b"null"),
            Some(key) => write_cell(c.dictionary(), key, zone, out),
        },
        (ColumnData::Variant(c), _) => match c.locate(i) {
            None => out.extend_from_slice(b"null"),
            Some((d, p)) => write_cell(&c.variants()[d], p, zone, out),
        },
        (ColumnData::Dynamic(c), _) => match c.values().locate(i) {
            None => out.extend_from_slice(b"null"),
            Some((d, p)) => write_cell(&c.values().variants()[d], p, zone, out),
        },
        (ColumnData::Array(c), T::Map(..)) => match c.values().data() {
            ColumnData::Tuple(kv) if kv.len() == 2 => {
                out.push(b'{');
                for (n, j) in c.range(i).enumerate() {
                    if n > 0 {
                        out.push(b',');
                    }
                    // Keys are strings: a key that is not one is written as the text of one.
                    // A map, array or tuple key is written in its text form (`{'a':1}`), as
                    // the server does: its JSON form, escaped again at each level of keys
                    // nested in keys, would double at each level (a fuzz finding: 300 bytes
                    // took a minute and gigabytes).
                    let mut key = Vec::new();
                    write_cell(&kv[0], j, zone, &mut key);
                    match key.first() {
                        Some(b'"') => out.extend_from_slice(&key),
                        Some(b'{' | b'[') => {
                            let text = kv[0].value(j, zone).to_string();
                            write_string(text.as_bytes(), out);
                        }
                        _ => write_string(&key, out),
                    }
                    out.push(b':');
                    write_cell(&kv[1], j, zone, out);
                }
                out.push(b'}');
            }
            _ => write_array(c, i, zone, out),
        },
        (ColumnData::Array(c), _) => write_array(c, i, zone, out),
        (ColumnData::Tuple(elements), T::Tuple(declared))
            if !declared.is_empty() && declared.iter().all(|e| e.name.is_some()) =>
        {
            out.push(b'{');
            for (n, (element, column)) in declared.iter().zip(elements).enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                write_string(element.name.as_deref().unwrap_or_default().as_bytes(), out);
                out.push(b':');
                write_cell(column, i, zone, out);
            }
            out.push(b'}');
        }
        (ColumnData::Tuple(elements), _) => {
            out.push(b'[');
            for (n, column) in elements.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                write_cell(column, i, zone, out);
            }
            out.push(b']');
        }
    }
}

fn write_array(c: &super::super::ArrayColumn, i: usize, zone: Tz, out: &mut Vec<u8>) {
    out.push(b'[');
    for (n, j) in c.range(i).enumerate() {
        if n > 0 {
            out.push(b',');
        }
        write_cell(c.values(), j, zone, out);
    }
    out.push(b']');
}
