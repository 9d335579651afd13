//! native: ClickHouse's native wire layer, with no I/O.
//!
//! Owns the Native block format ([`Block`], read and written at a protocol revision), reading
//! blocks from a stream that arrives in pieces ([`BlockStream`]), and the wire primitives
//! (VarUInt, strings, bulk little-endian copies). Column serialization per type family is the
//! `column` layer's; sockets, HTTP and compression are not here.

mod block;
pub mod packets;
mod stream;

pub use block::Block;
pub use stream::BlockStream;

use crate::error::Result;

/// Encodes blocks as an HTTP `FORMAT Native` body (revision 0).
pub fn encode_blocks<'a>(blocks: impl IntoIterator<Item = &'a Block>, out: &mut Vec<u8>) {
    for block in blocks {
        block.write(out, 0);
    }
}

/// Decodes a whole in-memory `FORMAT Native` body (revision 0) into blocks, without copying it.
pub fn decode_blocks(bytes: &[u8]) -> Result<Vec<Block>> {
    let mut reader = crate::wire::Reader::new(bytes, 0);
    let mut blocks = Vec::new();
    while reader.remaining() > 0 {
        let start = reader.offset();
        match Block::read(&mut reader, 0) {
            Ok(block) => blocks.push(block),
            Err(crate::wire::ReadError::Invalid(e)) => return Err(e),
            Err(crate::wire::ReadError::Incomplete) => {
                return Err(crate::error::Error::decode(
                    bytes.len() as u64,
                    format!(
                        "the stream ended inside a block that starts at byte {start} ({} bytes of it arrived)",
                        bytes.len() as u64 - start
                    ),
                ));
            }
        }
    }
    Ok(blocks)
}
