//! Text and bytes: `&str`, `String` and `&[u8]` borrowed from (or copied out of) the column's
//! buffer, the buffer checked for UTF-8 once per block.

use super::{FromColumn, Mismatch, Tz};
use crate::column::{Column, ColumnData, FixedStringColumn, StringColumn, TextRows};
use crate::value::FromValue;

/// A `String` (or `JSON`) column as text, checked for UTF-8 once per block.
pub struct Texts<'de>(TextRows<'de>);

impl<'de> Texts<'de> {
    fn of(column: &'de Column) -> Option<Self> {
        match column.data() {
            ColumnData::String(s) | ColumnData::Json(s) => Some(Texts(TextRows::new(s))),
            _ => None,
        }
    }

    #[inline(always)]
    fn get(&self, row: usize) -> Result<&'de str, Mismatch> {
        self.0.get(row).map_err(|bytes| {
            let why = std::str::from_utf8(bytes).err().map(|e| e.to_string());
            Mismatch::new(format!(
                "bytes that are not UTF-8 ({})",
                why.unwrap_or_default()
            ))
        })
    }
}

impl<'de> FromColumn<'de> for &'de str {
    type Reader = Texts<'de>;

    fn reader(column: &'de Column, _: Tz) -> Result<Texts<'de>, Mismatch> {
        Texts::of(column).ok_or_else(Mismatch::unreadable)
    }

    #[inline(always)]
    fn read(reader: &Texts<'de>, row: usize) -> Result<&'de str, Mismatch> {
        reader.get(row)
    }
}

/// A column read as owned text: strings and JSON as they are, enums as their label.
pub enum OwnedTexts<'de> {
    /// `String` and `JSON`.
    Texts(Texts<'de>),
    /// `Enum8/16`, through their label.
    Labels(&'de Column, Tz),
}

impl<'de> FromColumn<'de> for String {
    type Reader = OwnedTexts<'de>;

    fn reader(column: &'de Column, zone: Tz) -> Result<OwnedTexts<'de>, Mismatch> {
        use crate::types::DataType as T;
        if let Some(texts) = Texts::of(column) {
            return Ok(OwnedTexts::Texts(texts));
        }
        match column.data_type().stored() {
            T::Enum8(_) | T::Enum16(_) => Ok(OwnedTexts::Labels(column, zone)),
            _ => Err(Mismatch::unreadable()),
        }
    }

    #[inline(always)]
    fn read(reader: &OwnedTexts<'de>, row: usize) -> Result<String, Mismatch> {
        match reader {
            OwnedTexts::Texts(texts) => texts.get(row).map(str::to_owned),
            OwnedTexts::Labels(column, zone) => String::from_value(column.value(row, *zone))
                .map_err(|e| Mismatch::new(e.to_string())),
        }
    }
}

/// A column read as raw bytes.
pub enum Bytes<'de> {
    /// `String` and `JSON`.
    Strings(&'de StringColumn),
    /// `FixedString(N)`, zero padding included.
    Fixed(&'de FixedStringColumn),
}

impl<'de> FromColumn<'de> for &'de [u8] {
    type Reader = Bytes<'de>;

    fn reader(column: &'de Column, _: Tz) -> Result<Bytes<'de>, Mismatch> {
        match column.data() {
            ColumnData::String(s) | ColumnData::Json(s) => Ok(Bytes::Strings(s)),
            ColumnData::FixedString(s) => Ok(Bytes::Fixed(s)),
            _ => Err(Mismatch::unreadable()),
        }
    }

    #[inline(always)]
    fn read(reader: &Bytes<'de>, row: usize) -> Result<&'de [u8], Mismatch> {
        Ok(match reader {
            Bytes::Strings(s) => &s.wire_bytes()[s.range(row)],
            Bytes::Fixed(s) => s.get(row).unwrap_or_default(),
        })
    }
}
