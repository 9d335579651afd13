//! `JSON`: one document per row, held as text.
//!
//! The state prefix starts with a UInt64 serialization version:
//!
//! - STRING (1): one JSON document per row, as a `String`. Servers write it when asked with
//!   `output_format_native_write_json_as_string = 1`, which this client sets on servers that
//!   know it (unless the query sets it itself); they also take it on insert, so this client
//!   writes it.
//! - V1 (0), V2 (2) and FLATTENED (3): the object serialization, typed paths, dynamic paths
//!   and shared data in columns of their own (`object.rs`). The 26.9 engine writes V1 over
//!   HTTP (revision 0); V2 needs a client revision of 54473 or more; FLATTENED is asked for with
//!   `output_format_native_use_flattened_dynamic_and_json_serialization = 1`. Each row is turned
//!   into the document the STRING serialization would have carried (`text.rs`), so both read
//!   the same.
//!
//! Other versions (V3, MergeTree-only) are refused with an error that names them.
//!
//! Where the object serialization cannot match the STRING text exactly: a value the server
//! writes with a non-default format setting (quoted 64-bit integers, say, when the query sets
//! `output_format_json_quote_64bit_integers = 1`) is written here with the defaults; and
//! zone-less `DateTime` values are written in the zone the client was told the server has
//! (from the `X-ClickHouse-Timezone` header or the TCP Hello), UTC if none.

mod object;
mod text;

use super::{Prefix, StringColumn};
use crate::error::Error;
use crate::types::{DataType, JsonType};
use crate::wire::{ReadError, ReadResult, Reader, put_pod};

pub(crate) use object::ObjectPrefix;

/// The object serialization, version 1 (written as 0).
const V1: u64 = 0;
/// The STRING serialization version.
const STRING_VERSION: u64 = 1;
/// The object serialization, version 2.
const V2: u64 = 2;
/// The object serialization with every untyped path flattened into a `Dynamic` column.
const FLATTENED: u64 = 3;

pub(crate) fn read_prefix(json: &JsonType, r: &mut Reader<'_>) -> ReadResult<Prefix> {
    let at = r.offset();
    match r.u64_le()? {
        STRING_VERSION => Ok(Prefix::Plain),
        version @ (V1 | V2 | FLATTENED) => Ok(Prefix::Json(Box::new(object::read_prefix(
            json, version, r,
        )?))),
        version => Err(ReadError::Invalid(Error::unsupported_type(
            "JSON",
            format!(
                "JSON serialization version {version} (at byte {at}) is not one this client reads \
                 (STRING 1, object V1 0, V2 2, FLATTENED 3); set \
                 output_format_native_write_json_as_string = 1 or select toString(col)"
            ),
        ))),
    }
}

pub(crate) fn read(
    json: &JsonType,
    prefix: &Prefix,
    rows: usize,
    r: &mut Reader<'_>,
) -> ReadResult<StringColumn> {
    match prefix {
        Prefix::Json(object) => object::read(json, object, rows, r),
        _ => StringColumn::read(rows, r),
    }
}

pub(crate) fn write_prefix(out: &mut Vec<u8>) {
    put_pod(out, &[STRING_VERSION]);
}

/// Reads one `JSON` value in its RowBinary form and appends it as a document.
pub(crate) fn read_row_binary(
    data_type: &DataType,
    documents: &mut StringColumn,
    r: &mut Reader<'_>,
    depth: usize,
) -> ReadResult<()> {
    match data_type.stored() {
        DataType::Json(json) => object::read_row_binary(json, documents, r, depth),
        other => Err(r.invalid(format!("a JSON column of type {other}"))),
    }
}

#[cfg(test)]
mod tests;
