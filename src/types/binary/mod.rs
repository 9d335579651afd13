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

//!
//! `decode.rs` reads types, `encode.rs` writes them, `field.rs` reads and writes the `Field`s
//! of aggregate function parameters.

mod decode;
mod encode;
mod field;
#[cfg(test)]
mod tests;

pub(crate) use decode::read;

use super::DataType;
use crate::error::{Error, Result};
use crate::wire::{ReadError, ReadResult, Reader};

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
    /// Fails for aggregate function parameters other than numbers, strings, `NULL`, booleans and
    /// arrays and tuples of them, and for parameters a single byte cannot hold (a `Dynamic` with more than 255 types).
    pub fn to_binary(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        encode::write(self, &mut out)?;
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
