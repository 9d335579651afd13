//! The `Values` text format (`(1, 'a', [2, 3]), (4, NULL, [])`), read into a block of the
//! columns a server said an insert takes.
//!
//! What the native protocol needs when a statement carries its own data: the server answers
//! with the table's columns and waits for blocks, so the client reads the literals itself.
//! Literals are read by the column's type: numbers, strings with every escape, `NULL`, booleans,
//! arrays, tuples, maps, dates and date-times as text (in the column's zone, else the server's),
//! enums by label or number, UUIDs and IPs as text, nested in any combination, and server-side
//! parameters `{name:Type}`. An expression (`now()`, `1 + 1`) is not a literal: it is refused with
//! an error saying where, never guessed at.

use chrono::{DateTime, TimeZone};
use chrono_tz::Tz;

use super::Value;
use super::write::date_time_text;
use crate::column::Column;
use crate::error::{Error, Result};
use crate::native::Block;
use crate::types::DataType;

/// How deep literals may nest before the text is refused (arrays of arrays of ...).
const MAX_DEPTH: usize = 64;

/// Reads the rows of `text` into a block of `targets`'s columns. `zone` is the server's (for
/// date-time text in columns without a zone of their own); `params` are the request's
/// server-side parameters in their text form.
pub(crate) fn read_values(
    text: &str,
    targets: &[(String, DataType)],
    zone: Tz,
    params: &[(String, Vec<u8>)],
) -> Result<Block> {
    let mut columns: Vec<Column> = targets
        .iter()
        .map(|(_, t)| Column::empty(t.clone()))
        .collect::<Result<_>>()?;
    let mut reader = Reader {
        text,
        pos: 0,
        zone,
        params,
        depth: 0,
    };
    let mut row = 0usize;
    loop {
        reader.blank();
        if reader.at_end() {
            break;
        }
        if row > 0 && reader.eat(',') {
            reader.blank();
        }
        if reader.at_end() {
            break;
        }
        reader.expect('(', "a row in parentheses")?;
        for (i, ((name, data_type), column)) in targets.iter().zip(&mut columns).enumerate() {
            if i > 0 {
                reader.blank();
                reader.expect(',', "a comma between values")?;
            }
            let at = reader.pos;
            let value = reader.value(data_type)?;
            column.push_value(&value).map_err(|e| {
                Error::invalid_input(format!(
                    "row {row}, column `{name}` ({data_type}), at byte {at}: {e}"
                ))
            })?;
        }
        reader.blank();
        if reader.peek() == Some(',') {
            return Err(reader.error(&format!(
                "row {row} has more values than the {} columns",
                targets.len()
            )));
        }
        reader.expect(')', "the end of the row")?;
        row += 1;
    }
    let mut block = Block::new();
    for ((name, _), column) in targets.iter().zip(columns) {
        block.push(name.clone(), column)?;
    }
    Ok(block)
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
    zone: Tz,
    params: &'a [(String, Vec<u8>)],
    depth: usize,
}

impl<'a> Reader<'a> {
    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn error(&self, message: &str) -> Error {
        let shown: String = self.rest().chars().take(24).collect();
        Error::invalid_input(format!(
            "inline VALUES data at byte {}: {message} (at `{shown}`)",
            self.pos
        ))
    }

    fn expect(&mut self, c: char, what: &str) -> Result<()> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.error(&format!("expected {what}")))
        }
    }

    /// Skips whitespace, comments and a final `;`.
    fn blank(&mut self) {
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start();
            self.pos += rest.len() - trimmed.len();
            let rest = self.rest();
            if rest.starts_with("--") {
                self.pos += rest.find('\n').unwrap_or(rest.len());
            } else if rest.starts_with("/*") {
                self.pos += rest.find("*/").map_or(rest.len(), |e| e + 2);
            } else if rest.starts_with(';') && rest[1..].trim().is_empty() {
                self.pos = self.text.len();
            } else {
                return;
            }
        }
    }

    /// A word (letters, digits, `_`) at the cursor, not consumed.
    fn word(&self) -> &'a str {
        let rest = self.rest();
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        &rest[..len]
    }

    /// After a literal: what follows must end it, else it was the start of an expression.
    fn after_literal(&mut self, start: usize) -> Result<()> {
        self.blank();
        match self.peek() {
            None | Some(',' | ')' | ']' | '}' | ':') => Ok(()),
            Some(_) => {
                self.pos = start;
                Err(self.expression())
            }
        }
    }

    fn expression(&self) -> Error {
        self.error("an expression, not a literal: only the server evaluates expressions in VALUES")
    }

    fn value(&mut self, data_type: &DataType) -> Result<Value> {
        self.blank();
        let start = self.pos;
        let value = self.literal(data_type)?;
        self.after_literal(start)?;
        Ok(value)
    }

    fn literal(&mut self, data_type: &DataType) -> Result<Value> {
        if self.peek() == Some('{')
            && self.rest()[1..]
                .trim_start()
                .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        {
            return self.parameter();
        }
        let word = self.word();
        if word.eq_ignore_ascii_case("NULL") {
            self.pos += word.len();
            return Ok(Value::Null);
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(&format!("literals nested more than {MAX_DEPTH} deep")));
        }
        let value = self.typed(data_type);
        self.depth -= 1;
        value
    }

    fn typed(&mut self, data_type: &DataType) -> Result<Value> {
        use DataType as T;
        let point = || {
            T::Tuple(vec![
                crate::types::TupleElement {
                    name: None,
                    data_type: T::Float64,
                },
                crate::types::TupleElement {
                    name: None,
                    data_type: T::Float64,
                },
            ])
        };
        let array_of = |t: DataType| T::Array(Box::new(t));
        match data_type.stored() {
            T::Nullable(inner) | T::LowCardinality(inner) => self.literal(inner),
            T::Array(inner) => self.list('[', ']', |r| r.value(inner)).map(Value::Array),
            T::Tuple(elements) => {
                let mut i = 0;
                let values = self.list('(', ')', |r| {
                    let element = elements.get(i).ok_or_else(|| {
                        r.error(&format!("a tuple of {} elements has more", elements.len()))
                    })?;
                    i += 1;
                    r.value(&element.data_type)
                })?;
                if values.len() != elements.len() {
                    return Err(self.error(&format!(
                        "a tuple of {} elements, not {}",
                        elements.len(),
                        values.len()
                    )));
                }
                Ok(Value::Tuple(values))
            }
            T::Map(key, value) => {
                let pairs = self.list('{', '}', |r| {
                    let k = r.value(key)?;
                    r.expect(':', "a colon between a map's key and value")?;
                    let v = r.value(value)?;
                    Ok((k, v))
                })?;
                Ok(Value::Map(pairs))
            }
            T::Point => self.typed(&point()),
            T::Ring | T::LineString | T::MultiPoint => self.typed(&array_of(point())),
            T::Polygon | T::MultiLineString => self.typed(&array_of(array_of(point()))),
            T::MultiPolygon => self.typed(&array_of(array_of(array_of(point())))),
            T::String
            | T::FixedString(_)
            | T::Uuid
            | T::IPv4
            | T::IPv6
            | T::Json(_)
            | T::Date
            | T::Date32 => self.string().map(Value::String),
            T::Enum8(_) | T::Enum16(_) => match self.peek() {
                Some('\'') => self.string().map(Value::String),
                _ => self.integer(),
            },
            T::DateTime { timezone } | T::DateTime64 { timezone, .. } => {
                let zone = timezone
                    .as_deref()
                    .and_then(|z| z.parse::<Tz>().ok())
                    .unwrap_or(self.zone);
                let at = self.pos;
                let text = match self.peek() {
                    Some('\'') => String::from_utf8(self.string()?)
                        .map_err(|_| self.error("a date-time that is not UTF-8"))?,
                    _ => self.number()?.to_owned(),
                };
                let (seconds, nanos) = date_time_text(&text, Some(zone)).ok_or_else(|| {
                    Reader { pos: at, ..*self }.error(&format!(
                        "`{text}` is not a date-time the client reads (`YYYY-MM-DD hh:mm:ss`, with \
                         a fraction or an offset, or Unix seconds)"
                    ))
                })?;
                let instant = DateTime::from_timestamp(seconds, nanos)
                    .ok_or_else(|| self.error("a date-time out of range"))?;
                Ok(Value::DateTime(
                    Tz::UTC.from_utc_datetime(&instant.naive_utc()),
                ))
            }
            T::Bool => {
                let word = self.word();
                if word.eq_ignore_ascii_case("true") || word.eq_ignore_ascii_case("false") {
                    self.pos += word.len();
                    Ok(Value::Bool(word.eq_ignore_ascii_case("true")))
                } else {
                    match self.integer()? {
                        Value::Int128(0) | Value::UInt128(0) => Ok(Value::Bool(false)),
                        Value::Int128(1) | Value::UInt128(1) => Ok(Value::Bool(true)),
                        other => Err(self.error(&format!("{other} is not a Bool"))),
                    }
                }
            }
            T::Float32 | T::BFloat16 => self.float().map(|f| Value::Float32(f as f32)),
            T::Float64 => self.float().map(Value::Float64),
            T::Decimal { .. } => {
                let text = self.number()?;
                text.parse::<crate::value::Decimal>()
                    .map(Value::Decimal)
                    .map_err(|_| self.error(&format!("`{text}` is not a decimal number")))
            }
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
            | T::Interval(_) => self.integer(),
            other => Err(self.error(&format!(
                "the client reads no inline VALUES for a column of type {other}"
            ))),
        }
    }

    /// `open item, item, ... close`.
    fn list<T>(
        &mut self,
        open: char,
        close: char,
        mut item: impl FnMut(&mut Self) -> Result<T>,
    ) -> Result<Vec<T>> {
        if !self.eat(open) {
            return Err(match self.word().is_empty() {
                false => self.expression(),
                true => self.error(&format!("expected `{open}`")),
            });
        }
        let mut items = Vec::new();
        self.blank();
        if self.eat(close) {
            return Ok(items);
        }
        loop {
            items.push(item(self)?);
            self.blank();
            if self.eat(close) {
                return Ok(items);
            }
            self.expect(',', &format!("a comma or `{close}`"))?;
        }
    }

    /// A quoted string, its escapes undone (the bytes may be any bytes: `\xFF`).
    fn string(&mut self) -> Result<Vec<u8>> {
        if !self.eat('\'') {
            return Err(match self.word().is_empty() {
                false => self.expression(),
                true => self.error("expected a quoted string"),
            });
        }
        let bytes = self.text.as_bytes();
        let mut out = Vec::new();
        let mut i = self.pos;
        loop {
            let Some(&b) = bytes.get(i) else {
                self.pos = i;
                return Err(self.error("the text ends inside a string"));
            };
            match b {
                b'\'' if bytes.get(i + 1) == Some(&b'\'') => {
                    out.push(b'\'');
                    i += 2;
                }
                b'\'' => {
                    self.pos = i + 1;
                    return Ok(out);
                }
                b'\\' => {
                    let Some(&e) = bytes.get(i + 1) else {
                        self.pos = i;
                        return Err(self.error("the text ends inside a string"));
                    };
                    i += 2;
                    match e {
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0c),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'0' => out.push(0),
                        b'a' => out.push(0x07),
                        b'v' => out.push(0x0b),
                        b'x' | b'X' => {
                            let hex = self
                                .text
                                .get(i..i + 2)
                                .and_then(|h| u8::from_str_radix(h, 16).ok());
                            match hex {
                                Some(v) => {
                                    out.push(v);
                                    i += 2;
                                }
                                None => {
                                    self.pos = i;
                                    return Err(self.error("`\\x` takes two hex digits"));
                                }
                            }
                        }
                        // Any other escaped character stands for itself (`\\`, `\'`, `\"`, ...).
                        other => out.push(other),
                    }
                }
                other => {
                    out.push(other);
                    i += 1;
                }
            }
        }
    }

    /// The text of a number literal: a sign, digits, a fraction, an exponent; `inf`, `nan`.
    fn number(&mut self) -> Result<&'a str> {
        let rest = self.rest();
        let bytes = rest.as_bytes();
        let mut i = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
        let word_start = i;
        let word: String = rest[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_ascii_lowercase();
        if word == "inf" || word == "nan" || word == "infinity" {
            i += word.len();
        } else {
            if !word.is_empty() {
                return Err(self.expression());
            }
            if bytes[i..].starts_with(b"0x") || bytes[i..].starts_with(b"0X") {
                i += 2;
                i += bytes[i..]
                    .iter()
                    .take_while(|b| b.is_ascii_hexdigit())
                    .count();
            } else {
                i += bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                if bytes.get(i) == Some(&b'.') {
                    i += 1;
                    i += bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                }
                if matches!(bytes.get(i), Some(b'e' | b'E')) {
                    i += 1;
                    if matches!(bytes.get(i), Some(b'+' | b'-')) {
                        i += 1;
                    }
                    i += bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                }
            }
            if i == word_start {
                return Err(match self.peek() {
                    Some('\'') => self.error("a string where the column takes a number"),
                    _ => self.expression(),
                });
            }
        }
        let text = &rest[..i];
        self.pos += i;
        Ok(text)
    }

    fn float(&mut self) -> Result<f64> {
        let text = self.number()?;
        let lower = text.to_ascii_lowercase();
        let sign = if lower.starts_with('-') { -1.0 } else { 1.0 };
        let body = lower.trim_start_matches(['+', '-']);
        match body {
            "inf" | "infinity" => Ok(sign * f64::INFINITY),
            "nan" => Ok(f64::NAN),
            _ => text
                .parse::<f64>()
                .or_else(|_| hex(body).map(|v| sign * v as f64).ok_or(()))
                .map_err(|_| self.error(&format!("`{text}` is not a number"))),
        }
    }

    /// An integer literal as the widest value that holds it (the column checks the range).
    fn integer(&mut self) -> Result<Value> {
        let text = self.number()?;
        let negative = text.starts_with('-');
        let body = text.trim_start_matches(['+', '-']);
        let parsed = if let Some(v) = hex(body) {
            Some(if negative {
                i128::try_from(v).ok().map(|v| Value::Int128(-v))
            } else {
                Some(Value::UInt128(v))
            })
            .flatten()
        } else if negative {
            text.parse::<i128>()
                .ok()
                .map(Value::Int128)
                .or_else(|| text.parse::<ethnum::I256>().ok().map(Value::Int256))
        } else {
            body.parse::<u128>()
                .ok()
                .map(Value::UInt128)
                .or_else(|| body.parse::<ethnum::U256>().ok().map(Value::UInt256))
        };
        parsed.ok_or_else(|| self.error(&format!("`{text}` is not an integer")))
    }

    /// `{name:Type}`: the request's parameter, read as its type says.
    fn parameter(&mut self) -> Result<Value> {
        let at = self.pos;
        let end = self
            .rest()
            .find('}')
            .ok_or_else(|| self.error("a `{` that does not close"))?;
        let inside = &self.rest()[1..end];
        let (name, type_text) = inside
            .split_once(':')
            .ok_or_else(|| self.error("a parameter is `{name:Type}`"))?;
        let (name, type_text) = (name.trim(), type_text.trim());
        let data_type = DataType::parse(type_text)?;
        let text = self
            .params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
            .ok_or_else(|| self.error(&format!("the parameter `{name}` has no value")))?;
        self.pos += end + 1;
        parameter_value(text, &data_type, self.zone).map_err(|e| {
            Error::invalid_input(format!(
                "inline VALUES data at byte {at}: the parameter `{name}` ({data_type}): {e}"
            ))
        })
    }
}

/// `0x1F` as a number.
fn hex(text: &str) -> Option<u128> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))?;
    u128::from_str_radix(digits, 16).ok()
}

/// A parameter's text (the escaped text form the client renders, see `request/params.rs`) as a
/// value of `data_type`: `\N` is NULL; a top-level string-like value is its text with the escapes
/// undone (its bytes exactly, UTF-8 or not); anything else is read like a literal.
fn parameter_value(text: &[u8], data_type: &DataType, zone: Tz) -> Result<Value> {
    if text == b"\\N" {
        return Ok(Value::Null);
    }
    let mut inner = data_type.stored();
    while let DataType::Nullable(t) | DataType::LowCardinality(t) = inner {
        inner = t;
    }
    let string_like = matches!(
        inner,
        DataType::String
            | DataType::FixedString(_)
            | DataType::Uuid
            | DataType::IPv4
            | DataType::IPv6
            | DataType::Json(_)
            | DataType::Date
            | DataType::Date32
            | DataType::Enum8(_)
            | DataType::Enum16(_)
    );
    if string_like {
        return Ok(Value::String(unescape(text)));
    }
    let text = std::str::from_utf8(text)
        .map_err(|_| Error::invalid_input("the parameter's text is not UTF-8"))?;
    let mut reader = Reader {
        text,
        pos: 0,
        zone,
        params: &[],
        depth: 0,
    };
    let value = match inner {
        // A date-time parameter is Unix seconds or text without quotes.
        DataType::DateTime { .. } | DataType::DateTime64 { .. } => {
            let quoted = format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"));
            let mut quoted_reader = Reader {
                text: &quoted,
                ..reader
            };
            let value = quoted_reader.value(inner)?;
            reader.pos = text.len();
            value
        }
        _ => reader.value(inner)?,
    };
    reader.blank();
    if !reader.at_end() {
        return Err(reader.error("more text after the value"));
    }
    Ok(value)
}

/// Undoes the escaped text form's escapes (`\t`, `\n`, `\\`, ...).
fn unescape(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.iter().copied();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.next() {
            Some(b't') => out.push(b'\t'),
            Some(b'n') => out.push(b'\n'),
            Some(b'r') => out.push(b'\r'),
            Some(b'0') => out.push(0),
            Some(b'b') => out.push(0x08),
            Some(b'f') => out.push(0x0c),
            Some(other) => out.push(other),
            None => out.push(b'\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(types: &[&str]) -> Vec<(String, DataType)> {
        types
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("c{i}"), DataType::parse(t).unwrap()))
            .collect()
    }

    fn rows(text: &str, types: &[&str]) -> Result<Vec<Vec<Value>>> {
        let block = read_values(text, &targets(types), Tz::UTC, &[])?;
        Ok((0..block.rows())
            .map(|r| {
                block
                    .columns()
                    .iter()
                    .map(|c| c.value(r, Tz::UTC))
                    .collect()
            })
            .collect())
    }

    #[test]
    fn literals_of_every_shape() {
        let got = rows(
            r"(1, 'a;b\'c''d\n\x41', NULL, [1, 2], (3, 'x'), {'k': 4}, -5.5, true) , (2,'', 7, [], (0, ''), {}, inf, 0);",
            &[
                "UInt8",
                "String",
                "Nullable(Int32)",
                "Array(UInt16)",
                "Tuple(UInt8, String)",
                "Map(String, UInt64)",
                "Float64",
                "Bool",
            ],
        )
        .unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0][1], Value::from("a;b'c'd\nA"));
        assert_eq!(got[0][2], Value::Null);
        assert_eq!(got[1][2], Value::Int32(7));
        assert_eq!(got[0][3], Value::array([1u16, 2]));
        assert_eq!(got[0][6], Value::Float64(-5.5));
        assert_eq!(got[1][6], Value::Float64(f64::INFINITY));
        assert_eq!(
            (got[0][7].clone(), got[1][7].clone()),
            (Value::Bool(true), Value::Bool(false))
        );
    }

    #[test]
    fn dates_enums_and_zones() {
        let got = rows(
            "('2024-01-01', '2024-01-01 01:00:00', '2024-01-01 00:00:00.5', 'b', 1)",
            &[
                "Date",
                "DateTime('Europe/Berlin')",
                "DateTime64(3, 'UTC')",
                "Enum8('a' = 1, 'b' = 2)",
                "Enum8('a' = 1, 'b' = 2)",
            ],
        )
        .unwrap();
        assert_eq!(got[0][0].to_string(), "2024-01-01");
        match &got[0][1] {
            Value::DateTime(dt) => assert_eq!(dt.timestamp(), 1_704_067_200),
            other => panic!("{other:?}"),
        }
        match &got[0][2] {
            Value::DateTime(dt) => assert_eq!(dt.timestamp_subsec_millis(), 500),
            other => panic!("{other:?}"),
        }
        assert_eq!(got[0][3], Value::Enum("b".into(), 2));
        assert_eq!(got[0][4], Value::Enum("a".into(), 1));
        // Zone-less columns read text in the server's zone.
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let block = read_values(
            "('2024-01-01 01:00:00')",
            &targets(&["DateTime"]),
            berlin,
            &[],
        )
        .unwrap();
        match block.columns()[0].value(0, Tz::UTC) {
            Value::DateTime(dt) => assert_eq!(dt.timestamp(), 1_704_067_200),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parameters_are_typed_values() {
        let params = [
            ("s".to_owned(), b"a\\tb'c".to_vec()),
            ("n".to_owned(), b"42".to_vec()),
            ("arr".to_owned(), b"['x', 'y\\'z']".to_vec()),
            ("none".to_owned(), b"\\N".to_vec()),
        ];
        let block = read_values(
            "({s:String}, {n:UInt32}, {arr:Array(String)}, {none:Nullable(String)})",
            &targets(&["String", "UInt64", "Array(String)", "Nullable(String)"]),
            Tz::UTC,
            &params,
        )
        .unwrap();
        let row: Vec<Value> = block
            .columns()
            .iter()
            .map(|c| c.value(0, Tz::UTC))
            .collect();
        assert_eq!(
            row,
            vec![
                Value::from("a\tb'c"),
                Value::UInt64(42),
                Value::array(["x", "y'z"]),
                Value::Null
            ]
        );
        let err =
            read_values("({missing:String})", &targets(&["String"]), Tz::UTC, &[]).unwrap_err();
        assert!(err.to_string().contains("`missing` has no value"), "{err}");
        // A string parameter's bytes come through exactly, UTF-8 or not; other types need text.
        let params = [
            ("b".to_owned(), vec![0, 1, 0xff]),
            ("n".to_owned(), vec![b'4', 0xff]),
        ];
        let block = read_values("({b:String})", &targets(&["String"]), Tz::UTC, &params).unwrap();
        assert_eq!(
            block.columns()[0].value(0, Tz::UTC),
            Value::String(vec![0, 1, 0xff])
        );
        let err = read_values("({n:UInt8})", &targets(&["UInt8"]), Tz::UTC, &params).unwrap_err();
        assert!(err.to_string().contains("not UTF-8"), "{err}");
    }

    #[test]
    fn expressions_and_bad_text_are_errors_that_say_where() {
        for (text, types, wanted) in [
            ("(now())", &["DateTime"][..], "expression"),
            ("(1 + 1)", &["UInt8"][..], "expression"),
            ("(toDate('2024-01-01'))", &["Date"][..], "expression"),
            ("(1, 2)", &["UInt8"][..], "more values"),
            ("(1)", &["UInt8", "UInt8"][..], "comma"),
            ("(300)", &["UInt8"][..], "row 0, column `c0` (UInt8)"),
            ("('open", &["String"][..], "ends inside a string"),
            ("(NULL)", &["UInt8"][..], "not Nullable"),
            (
                "('x')",
                &["UInt8"][..],
                "a string where the column takes a number",
            ),
        ] {
            let err = rows(text, types).unwrap_err();
            assert!(err.to_string().contains(wanted), "{text}: {err}");
        }
        let deep = format!("({}1{})", "[".repeat(100), "]".repeat(100));
        let deep_type = format!("{}UInt8{}", "Array(".repeat(100), ")".repeat(100));
        let err = rows(&deep, &[deep_type.as_str()]).unwrap_err();
        assert!(err.to_string().contains("nested"), "{err}");
    }
}
