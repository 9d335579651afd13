//! native: ClickHouse's native wire layer, with no I/O.
//!
//! Owns the Native block format ([`Block`], read and written at a protocol revision), reading
//! blocks from a stream that arrives in pieces ([`BlockStream`]), and the wire primitives
//! (VarUInt, strings, bulk little-endian copies). Column serialization per type family is the
//! `column` layer's; sockets, HTTP and compression are not here.

mod block;
mod stream;
pub(crate) mod wire;

pub use block::Block;
pub use stream::BlockStream;

use crate::error::Result;

/// Encodes blocks as an HTTP `FORMAT Native` body (revision 0).
pub fn encode_blocks<'a>(blocks: impl IntoIterator<Item = &'a Block>, out: &mut Vec<u8>) {
    for block in blocks {
        block.write(out, 0);
    }
}

/// Decodes a whole in-memory `FORMAT Native` body (revision 0) into blocks.
pub fn decode_blocks(bytes: &[u8]) -> Result<Vec<Block>> {
    let mut stream = BlockStream::new(0);
    stream.push(bytes);
    stream.finish();
    let mut blocks = Vec::new();
    while let Some(block) = stream.next_block()? {
        blocks.push(block);
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests;
