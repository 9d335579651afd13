//! `JSON` as text: the STRING serialization (prefix version 1, then one JSON document per row).
//!
//! Servers write JSON's object serialization (typed and dynamic paths) unless asked for text
//! with `output_format_native_write_json_as_string = 1`, which this client sets on servers that
//! know it; they also accept text on insert. The object serialization is reported as
//! unsupported rather than guessed.

use super::{Prefix, StringColumn};
use crate::error::Error;
use crate::native::wire::{ReadError, ReadResult, Reader, put_pod};

/// The STRING serialization version.
const STRING_VERSION: u64 = 1;

pub(crate) fn read_prefix(r: &mut Reader<'_>) -> ReadResult<Prefix> {
    let at = r.offset();
    match r.u64_le()? {
        STRING_VERSION => Ok(Prefix::Plain),
        version => Err(ReadError::Invalid(Error::UnsupportedType {
            type_name: "JSON".into(),
            reason: format!(
                "JSON in the object serialization (version {version}, at byte {at}) is not decoded yet; \
                 set output_format_native_write_json_as_string = 1 or select toString(col)"
            ),
        })),
    }
}

pub(crate) fn read(rows: usize, r: &mut Reader<'_>) -> ReadResult<StringColumn> {
    StringColumn::read(rows, r)
}

pub(crate) fn write_prefix(out: &mut Vec<u8>) {
    put_pod(out, &[STRING_VERSION]);
}

/// Reads one `JSON` value in its RowBinary form and appends it as a document.
pub(crate) fn read_row_binary(
    data_type: &crate::types::DataType,
    _column: &mut StringColumn,
    r: &mut Reader<'_>,
    _depth: usize,
) -> ReadResult<()> {
    Err(ReadError::Invalid(Error::UnsupportedType {
        type_name: data_type.to_string(),
        reason: format!(
            "JSON values in binary form (at byte {}) are not decoded yet",
            r.offset()
        ),
    }))
}
