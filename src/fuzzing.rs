//! Hooks for the fuzz targets in `fuzz/` (feature `fuzzing`): decoders that the public API
//! reaches only through a client. Not part of the API; no stability promised.

use crate::error::{Error, Result};
use crate::native::Block;

/// An exception the server wrote into a 2xx body (the parser a streamed HTTP answer uses).
pub fn find_exception_in_stream(bytes: &[u8], tag: Option<&str>) -> Option<Error> {
    crate::http::exception::find_in_stream(bytes, tag)
}

/// A non-2xx HTTP body read as the server's exception.
pub fn parse_error_body(text: &str) -> Option<Error> {
    crate::http::exception::parse(text)
}

/// The CityHash128 checksum a compressed frame carries over `bytes` (its header after the
/// checksum, and its payload).
pub fn frame_checksum(bytes: &[u8]) -> [u8; 16] {
    crate::compression::checksum(bytes)
}

/// Appends `block` as it travels at `revision` (0 for HTTP `FORMAT Native`).
pub fn write_block(block: &Block, revision: u64, out: &mut Vec<u8>) {
    block.write(out, revision);
}

/// Decodes one block written at `revision` from the whole of `bytes`.
pub fn read_block(bytes: &[u8], revision: u64) -> Result<(Block, usize)> {
    let mut r = crate::wire::Reader::new(bytes, 0);
    let block = crate::types::complete_read(Block::read(&mut r, revision), &r, "block")?;
    Ok((block, r.position()))
}

/// Reflection's parser of the `CREATE` statement a server keeps for a table
/// (`create_table_query`): what it read, as `Debug` text.
pub fn reflect_create_query(text: &str) -> Result<String> {
    crate::reflect::fuzzing::create_query(text)
}

/// Reflection's parser of `system.tables.engine_full` (the engine and its clauses): what it
/// read, as `Debug` text.
pub fn reflect_storage(text: &str) -> Result<String> {
    crate::reflect::fuzzing::storage(text)
}

/// Reflection's reading of a sorting or partition key into its expressions.
pub fn reflect_key_list(text: &str) -> Vec<String> {
    crate::reflect::fuzzing::key_list(text)
}

/// The inline data of an `INSERT ... VALUES` / `FORMAT` statement: (head, format, data).
pub fn inline_insert(sql: &str) -> Option<(&str, &str, &str)> {
    crate::sql::inline_insert(sql).map(|i| (i.head, i.format, i.data))
}

/// Reads `VALUES` text into a block of `targets`'s columns (what the native transport does
/// with an INSERT's inline data), `params` the request's parameters in their text form.
pub fn read_values(
    text: &str,
    targets: &[(String, crate::DataType)],
    params: &[(String, Vec<u8>)],
) -> Result<Block> {
    crate::value::read_values(text, targets, chrono_tz::Tz::UTC, params)
}
