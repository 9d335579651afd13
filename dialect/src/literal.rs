//! Inline ClickHouse literals for sea-query values, and identifier quoting.
//!
//! Strings are single-quoted with `\\`, `\'` and every control byte escaped as `\xHH`;
//! bytes that are not UTF-8 are written as `\xHH` too, so any byte sequence reads back
//! unchanged and no value can end its literal early. Byte strings are `x'..'` hex literals,
//! booleans `true`/`false`, dates and date-times typed function calls (`toDate32`,
//! `toDateTime64(.., 6, 'UTC')`), UUIDs `toUUID(..)`, decimals `toDecimal128('..', S)`,
//! arrays `[..]`. A value the dialect cannot write is an error ([`literal`]); the
//! infallible sea-query hook writes a `throwError(..)` call instead, which the server rejects.

use std::fmt::{self, Write};

use sea_query::{OptionEnum, Value};

use crate::error::{Error, Result};

/// Writes the inside of a quoted literal: `quote` and `\` are escaped, control bytes and
/// bytes that are not UTF-8 become `\xHH`.
fn write_body(out: &mut (impl Write + ?Sized), bytes: &[u8], quote: char) -> fmt::Result {
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.write_str("\\\\")?,
                c if c == quote => {
                    out.write_char('\\')?;
                    out.write_char(c)?;
                }
                c if (c as u32) < 0x20 || c == '\u{7f}' => write!(out, "\\x{:02X}", c as u32)?,
                c => out.write_char(c)?,
            }
        }
        for b in chunk.invalid() {
            write!(out, "\\x{b:02X}")?;
        }
    }
    Ok(())
}

/// The inside of a single-quoted string literal (no quotes).
pub(crate) fn write_escaped_body(out: &mut impl Write, bytes: &[u8]) -> fmt::Result {
    write_body(out, bytes, '\'')
}

/// A single-quoted string literal.
pub(crate) fn write_string(out: &mut (impl Write + ?Sized), bytes: &[u8]) -> fmt::Result {
    out.write_char('\'')?;
    write_body(out, bytes, '\'')?;
    out.write_char('\'')
}

/// A back-quoted identifier.
pub(crate) fn write_identifier(out: &mut impl Write, name: &str) -> fmt::Result {
    out.write_char('`')?;
    write_body(out, name.as_bytes(), '`')?;
    out.write_char('`')
}

/// `x'..'`: a string literal given as hex digits.
pub(crate) fn write_hex_string(out: &mut (impl Write + ?Sized), bytes: &[u8]) -> fmt::Result {
    out.write_str("x'")?;
    for b in bytes {
        write!(out, "{b:02X}")?;
    }
    out.write_char('\'')
}

/// `text` as a single-quoted literal.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    let _ = write_string(&mut out, text.as_bytes());
    out
}

/// Reverses [`write_escaped_body`] for the escapes it writes.
pub(crate) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                match u8::from_str_radix(&hex, 16) {
                    Ok(b) if b.is_ascii() => out.push(char::from(b)),
                    _ => {
                        out.push_str("\\x");
                        out.push_str(&hex);
                    }
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn write_float(out: &mut (impl Write + ?Sized), v: f64) -> fmt::Result {
    if v.is_nan() {
        out.write_str("nan")
    } else if v.is_infinite() {
        out.write_str(if v > 0.0 { "inf" } else { "-inf" })
    } else {
        write!(out, "{v:?}")
    }
}

fn write_datetime(out: &mut (impl Write + ?Sized), utc: chrono::NaiveDateTime) -> fmt::Result {
    write!(
        out,
        "toDateTime64('{}', 6, 'UTC')",
        utc.format("%Y-%m-%d %H:%M:%S%.6f")
    )
}

/// Writes `value` as a ClickHouse literal, or says why it cannot.
pub(crate) fn write_literal(out: &mut (impl Write + ?Sized), value: &Value) -> Result<()> {
    let r = match value {
        Value::Bool(Some(v)) => out.write_str(if *v { "true" } else { "false" }),
        Value::TinyInt(Some(v)) => write!(out, "{v}"),
        Value::SmallInt(Some(v)) => write!(out, "{v}"),
        Value::Int(Some(v)) => write!(out, "{v}"),
        Value::BigInt(Some(v)) => write!(out, "{v}"),
        Value::TinyUnsigned(Some(v)) => write!(out, "{v}"),
        Value::SmallUnsigned(Some(v)) => write!(out, "{v}"),
        Value::Unsigned(Some(v)) => write!(out, "{v}"),
        Value::BigUnsigned(Some(v)) => write!(out, "{v}"),
        Value::Float(Some(v)) => write_float(out, f64::from(*v)),
        Value::Double(Some(v)) => write_float(out, *v),
        Value::String(Some(v)) => write_string(out, v.as_bytes()),
        Value::Char(Some(c)) => write_string(out, c.to_string().as_bytes()),
        Value::Enum(OptionEnum::Some(e)) => write_string(out, e.value.as_bytes()),
        Value::Bytes(Some(v)) => write_hex_string(out, v),
        Value::ChronoDate(Some(d)) => write!(out, "toDate32('{}')", d.format("%Y-%m-%d")),
        Value::ChronoTime(Some(t)) => write!(out, "'{}'", t.format("%H:%M:%S%.f")),
        Value::ChronoDateTime(Some(dt)) => write_datetime(out, *dt),
        Value::ChronoDateTimeUtc(Some(dt)) => write_datetime(out, dt.naive_utc()),
        Value::ChronoDateTimeLocal(Some(dt)) => write_datetime(out, dt.naive_utc()),
        Value::ChronoDateTimeWithTimeZone(Some(dt)) => write_datetime(out, dt.naive_utc()),
        Value::Uuid(Some(u)) => write!(out, "toUUID('{u}')"),
        Value::Decimal(Some(d)) => write!(out, "toDecimal128('{d}', {})", d.scale()),
        Value::Array(_, Some(items)) => {
            out.write_char('[').map_err(fmt_error)?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.write_str(", ").map_err(fmt_error)?;
                }
                write_literal(out, item)?;
            }
            out.write_char(']')
        }
        v if is_null(v) => out.write_str("NULL"),
        other => {
            return Err(Error::Unsupported(format!(
                "the value {other:?} has no ClickHouse literal in this dialect"
            )));
        }
    };
    r.map_err(fmt_error)
}

fn fmt_error(_: fmt::Error) -> Error {
    Error::InvalidInput("the SQL writer failed".into())
}

/// Whether `value` is a NULL of any type.
pub(crate) fn is_null(value: &Value) -> bool {
    matches!(
        value,
        Value::Bool(None)
            | Value::TinyInt(None)
            | Value::SmallInt(None)
            | Value::Int(None)
            | Value::BigInt(None)
            | Value::TinyUnsigned(None)
            | Value::SmallUnsigned(None)
            | Value::Unsigned(None)
            | Value::BigUnsigned(None)
            | Value::Float(None)
            | Value::Double(None)
            | Value::String(None)
            | Value::Char(None)
            | Value::Bytes(None)
            | Value::Enum(OptionEnum::None(_))
            | Value::ChronoDate(None)
            | Value::ChronoTime(None)
            | Value::ChronoDateTime(None)
            | Value::ChronoDateTimeUtc(None)
            | Value::ChronoDateTimeLocal(None)
            | Value::ChronoDateTimeWithTimeZone(None)
            | Value::Uuid(None)
            | Value::Decimal(None)
            | Value::Array(_, None)
    )
}

/// The infallible hook: an unsupported value becomes a `throwError(..)` call.
pub(crate) fn write_value(out: &mut impl Write, value: &Value) -> fmt::Result {
    let mut text = String::new();
    match write_literal(&mut text, value) {
        Ok(()) => out.write_str(&text),
        Err(e) => write!(out, "throwError({})", quote(&e.to_string())),
    }
}

/// `value` as a ClickHouse literal.
pub(crate) fn literal(value: &Value) -> Result<String> {
    let mut text = String::new();
    write_literal(&mut text, value)?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_backslashes_controls_and_invalid_utf8() {
        let mut out = String::new();
        write_string(&mut out, b"a'b\\c\n\0\x1a\xff\xc3\xa9").unwrap();
        assert_eq!(out, r"'a\'b\\c\x0A\x00\x1A\xFFé'");
        assert_eq!(unescape(r"a\'b\\c\x0A"), "a'b\\c\n");
    }

    #[test]
    fn quotes_identifiers_with_backslashes() {
        let mut out = String::new();
        write_identifier(&mut out, "we`ird\\").unwrap();
        assert_eq!(out, r"`we\`ird\\`");
    }
}
