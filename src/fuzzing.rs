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
