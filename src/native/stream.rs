//! Reading blocks from a byte stream that arrives in arbitrary pieces.

use bytes::{Buf, BytesMut};

use super::block::Block;
use super::wire::{ReadError, Reader};
use crate::error::{Error, Result};

/// Decodes Native blocks as bytes arrive, holding about one block in memory.
///
/// Feed it with [`push`](Self::push), take blocks with [`next_block`](Self::next_block), and call
/// [`finish`](Self::finish) at the end of the stream: a stream that ends inside a block is an
/// error that says where. A block is decoded in one pass once it has fully arrived; to stay
/// linear when a block arrives in many small pieces, a failed attempt is retried only after the
/// buffer has doubled.
#[derive(Debug)]
pub struct BlockStream {
    buf: BytesMut,
    /// Stream offset of `buf[0]`.
    offset: u64,
    revision: u64,
    /// Do not try to decode again before the buffer holds this many bytes.
    retry_at: usize,
    finished: bool,
    empty_low_cardinality_bodies: bool,
    zone: chrono_tz::Tz,
}

impl BlockStream {
    /// A reader for blocks written at `revision` (0 for HTTP `FORMAT Native`).
    pub fn new(revision: u64) -> Self {
        BlockStream {
            buf: BytesMut::new(),
            offset: 0,
            revision,
            retry_at: 0,
            finished: false,
            empty_low_cardinality_bodies: false,
            zone: chrono_tz::Tz::UTC,
        }
    }

    /// The server's zone (UTC if not told): JSON columns sent in the object serialization are
    /// written as documents with zone-less `DateTime` values in it, as the server writes them.
    pub fn with_server_zone(mut self, zone: chrono_tz::Tz) -> Self {
        self.zone = zone;
        self
    }

    /// For servers before 20.x, which write the dictionary part of an empty LowCardinality slice
    /// (`Array(LowCardinality(T))` whose arrays are all empty).
    pub fn expect_empty_low_cardinality_bodies(mut self, yes: bool) -> Self {
        self.empty_low_cardinality_bodies = yes;
        self
    }

    /// Adds received bytes.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Marks the end of the stream; remaining blocks can still be taken.
    pub fn finish(&mut self) {
        self.finished = true;
    }

    /// Bytes received but not yet decoded.
    pub fn pending(&self) -> &[u8] {
        &self.buf
    }

    /// The stream offset of the first undecoded byte.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The next whole block, `None` if more bytes are needed (or, after
    /// [`finish`](Self::finish), when the stream is done).
    pub fn next_block(&mut self) -> Result<Option<Block>> {
        if self.buf.is_empty() || (!self.finished && self.buf.len() < self.retry_at) {
            return Ok(None);
        }
        let mut reader = Reader::new(&self.buf, self.offset)
            .with_empty_low_cardinality_bodies(self.empty_low_cardinality_bodies)
            .with_zone(self.zone);
        match Block::read(&mut reader, self.revision) {
            Ok(block) => {
                let consumed = reader.position();
                self.buf.advance(consumed);
                self.offset += consumed as u64;
                self.retry_at = 0;
                Ok(Some(block))
            }
            Err(ReadError::Incomplete) if self.finished => Err(Error::decode(
                self.offset + self.buf.len() as u64,
                format!(
                    "the stream ended inside a block that starts at byte {} ({} bytes of it arrived)",
                    self.offset,
                    self.buf.len()
                ),
            )),
            Err(ReadError::Incomplete) => {
                self.retry_at = self.buf.len().saturating_mul(2).max(64);
                Ok(None)
            }
            Err(ReadError::Invalid(e)) => Err(e),
        }
    }
}
