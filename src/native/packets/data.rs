//! Data (and Totals, Extremes, Log, ProfileEvents): a table name and one block, the block in
//! compressed frames when the query asked for compression (Log and ProfileEvents never are).

use super::{PacketContext, client_code, revision};
use crate::compression::{self, Method};
use crate::error::{Error, Result};
use crate::native::Block;
use crate::wire::{ReadError, ReadResult, Reader, put_bytes, put_varuint};

/// Which stream a block belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    /// The result (or the insert header).
    Data,
    /// `WITH TOTALS` rows.
    Totals,
    /// Min/max rows (`extremes = 1`).
    Extremes,
}

/// Reads a table name and a block; `compressible` is false for Log and ProfileEvents.
pub(crate) fn read_data(
    r: &mut Reader<'_>,
    ctx: PacketContext,
    compressible: bool,
) -> ReadResult<Block> {
    let _table = r.bounded_bytes("table name", crate::wire::MAX_NAME)?;
    let block_revision = if ctx.revision >= revision::BLOCK_INFO {
        ctx.revision
    } else {
        0
    };
    if !(ctx.compressed && compressible) {
        return Block::read(r, block_revision);
    }
    // The block spans whole frames, and only decoding it tells where it ends: decompress frame
    // by frame, and try to decode when the data has doubled since the last try, or when no
    // further frame is there (the bytes after the block are the next packet, not a frame).
    // Each try may walk all the data so far, so trying after every frame would be quadratic.
    let start = r.offset();
    let mut plain = Vec::new();
    let mut next_try = 0;
    loop {
        let at = r.offset();
        let frame = compression::decode_frame(r.rest(), at);
        let last = !matches!(frame, Ok(Some(_)));
        if let Ok(Some((data, used))) = &frame {
            r.skip(*used);
            plain.extend_from_slice(data);
        }
        if !plain.is_empty() && (last || plain.len() >= next_try) {
            let mut inner = Reader::new(&plain, start)
                .with_empty_low_cardinality_bodies(ctx.empty_low_cardinality_bodies)
                .with_zone(ctx.zone);
            match Block::read(&mut inner, block_revision) {
                Ok(block) if inner.remaining() == 0 => return Ok(block),
                Ok(_) => {
                    return Err(ReadError::Invalid(Error::decode(
                        at,
                        "bytes left over after a compressed block",
                    )));
                }
                Err(ReadError::Incomplete) => next_try = plain.len().saturating_mul(2),
                Err(e) => return Err(e),
            }
        }
        match frame {
            Ok(Some(_)) => {}
            Ok(None) => return Err(ReadError::Incomplete),
            Err(e) => return Err(ReadError::Invalid(e)),
        }
    }
}

/// Appends a client Data packet holding `block` (compressed with `method` when given).
pub(crate) fn write_data(
    out: &mut Vec<u8>,
    block: &Block,
    revision: u64,
    method: Option<(Method, i32)>,
) -> Result<()> {
    put_varuint(out, client_code::DATA);
    put_bytes(out, b"");
    let block_revision = if revision >= revision::BLOCK_INFO {
        revision
    } else {
        0
    };
    match method {
        None => block.write(out, block_revision),
        Some((method, level)) => {
            let mut plain = Vec::with_capacity(block.byte_size() + 64);
            block.write(&mut plain, block_revision);
            compression::encode(method, level, &plain, out)?;
        }
    }
    Ok(())
}
