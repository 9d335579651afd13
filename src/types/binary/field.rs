//! ClickHouse `Field`s, the values of aggregate function parameters: read into the literal
//! text a type string holds (`0.5`, `'x'`, `[1, 2]`), and written from it.

use super::MAX_DEPTH;
use super::decode::{count, text};
use crate::error::Error;
use crate::wire::{ReadError, ReadResult, Reader, put_bytes, put_varuint};

/// `Field` codes.
mod kind {
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
pub(super) fn read_field(r: &mut Reader<'_>, depth: usize) -> ReadResult<String> {
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
    let number = |text: String| crate::types::rules::number_parameter(&text).unwrap_or(text);
    Ok(match kind {
        kind::NULL => "NULL".into(),
        kind::UINT64 => r.varuint()?.to_string(),
        kind::INT64 => {
            let zigzag = r.varuint()?;
            (((zigzag >> 1) as i64) ^ -((zigzag & 1) as i64)).to_string()
        }
        kind::UINT128 => u128::from_le_bytes(r.fixed()?).to_string(),
        kind::INT128 => i128::from_le_bytes(r.fixed()?).to_string(),
        kind::UINT256 => ethnum::U256::from_le_bytes(r.fixed()?).to_string(),
        kind::INT256 => ethnum::I256::from_le_bytes(r.fixed()?).to_string(),
        kind::FLOAT64 => number(f64::from_le_bytes(r.fixed()?).to_string()),
        kind::DECIMAL32 | kind::DECIMAL64 | kind::DECIMAL128 | kind::DECIMAL256 => {
            let scale = r.varuint()?;
            let scale = u32::try_from(scale)
                .ok()
                .filter(|&s| s <= 76)
                .ok_or_else(|| r.invalid(format!("decimal parameter scale {scale}")))?;
            let mantissa = match kind {
                kind::DECIMAL32 => i32::from_le_bytes(r.fixed()?).to_string(),
                kind::DECIMAL64 => i64::from_le_bytes(r.fixed()?).to_string(),
                kind::DECIMAL128 => i128::from_le_bytes(r.fixed()?).to_string(),
                _ => ethnum::I256::from_le_bytes(r.fixed()?).to_string(),
            };
            // `1.50` reads from a type string as `1.5`; the binary reading agrees.
            number(decimal_text(mantissa, scale))
        }
        kind::STRING => crate::types::quote(&text(r, "a string parameter")?),
        kind::BOOL => (r.u8()? != 0).to_string(),
        kind::ARRAY => list(r, "[", "]")?,
        kind::TUPLE => list(r, "(", ")")?,
        other => {
            return Err(ReadError::Invalid(Error::decode(
                at,
                format!("aggregate function parameter of field kind {other:#04x} is not supported"),
            )));
        }
    })
}

/// A cursor over a parameter literal (`0.5`, `-3`, `'text'`, `NULL`, `true`, `[1, 2]`,
/// `(1, 'a')`), for encoding it.
pub(super) struct Literal<'a> {
    pub(super) text: &'a str,
    pub(super) pos: usize,
}

impl Literal<'_> {
    pub(super) fn write_field(&mut self, out: &mut Vec<u8>) -> std::result::Result<(), String> {
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
            out.push(kind::STRING);
            put_bytes(out, value.as_bytes());
            return Ok(());
        }
        if let Some((field_kind, close)) = match rest.as_bytes().first() {
            Some(b'[') => Some((kind::ARRAY, ']')),
            Some(b'(') => Some((kind::TUPLE, ')')),
            _ => None,
        } {
            self.pos += 1;
            let mut items = 0u64;
            let mut buf = Vec::new();
            if !self.text[self.pos..].starts_with(close) {
                loop {
                    self.write_field(&mut buf)?;
                    items += 1;
                    let rest = &self.text[self.pos..];
                    if let Some(after) = rest.strip_prefix(", ") {
                        self.pos = self.text.len() - after.len();
                    } else if rest.starts_with(close) {
                        break;
                    } else {
                        return Err(format!("malformed list literal {:?}", self.text));
                    }
                }
            }
            self.pos += 1;
            out.push(field_kind);
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
        if token == "NULL" {
            out.push(kind::NULL);
        } else if let Some(flag) = match token {
            "true" => Some(1),
            "false" => Some(0),
            _ => None,
        } {
            out.push(kind::BOOL);
            out.push(flag);
        } else if let Ok(n) = token.parse::<u64>() {
            out.push(kind::UINT64);
            put_varuint(out, n);
        } else if let Ok(n) = token.parse::<i64>() {
            out.push(kind::INT64);
            put_varuint(out, ((n << 1) ^ (n >> 63)) as u64);
        } else if let Ok(n) = token.parse::<u128>() {
            out.push(kind::UINT128);
            out.extend_from_slice(&n.to_le_bytes());
        } else if let Ok(n) = token.parse::<i128>() {
            out.push(kind::INT128);
            out.extend_from_slice(&n.to_le_bytes());
        } else if let Ok(n) = token.parse::<ethnum::U256>() {
            out.push(kind::UINT256);
            out.extend_from_slice(&n.to_le_bytes());
        } else if let Ok(n) = token.parse::<ethnum::I256>() {
            out.push(kind::INT256);
            out.extend_from_slice(&n.to_le_bytes());
        } else if let Ok(f) = token.parse::<f64>() {
            out.push(kind::FLOAT64);
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
