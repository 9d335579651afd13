//! Reading blocks from a byte stream that arrives in arbitrary pieces.

use bytes::{Buf, BytesMut};

use super::block::{Block, PartialBlock};
use crate::column::Column;
use crate::error::{Error, Result};
use crate::wire::{ReadError, Reader};

/// Decodes Native blocks as bytes arrive, holding about one block in memory.
///
/// Feed it with [`push`](Self::push), take blocks with [`next_block`](Self::next_block), and call
/// [`finish`](Self::finish) at the end of the stream: a stream that ends inside a block is an
/// error that says where. A block is decoded in one pass once it has fully arrived. Whether it
/// has is only known by trying, so after a block the next attempt waits for as many bytes as
/// that block took (the blocks of one result tend to be alike), or for [`try_now`](Self::try_now)
/// (the caller's sign that no more bytes are ready for now); a failed attempt is retried only
/// after the buffer has doubled, so the work stays linear however small the pieces, and it
/// keeps the columns it read whole, so the next attempt reads only the rest.
#[derive(Debug)]
pub struct BlockStream {
    buf: BytesMut,
    /// Stream offset of `buf[0]`.
    offset: u64,
    revision: u64,
    /// Do not try to decode again before the buffer holds this many bytes.
    retry_at: usize,
    /// Whether `retry_at` is the last block's size (no attempt failed since), which
    /// [`try_now`](Self::try_now) may override.
    predicted: bool,
    finished: bool,
    empty_low_cardinality_bodies: bool,
    zone: chrono_tz::Tz,
    /// The whole columns of the block a failed attempt got to: the next attempt goes on from
    /// there.
    partial: Option<PartialBlock>,
    /// The columns of a block the caller gave back ([`recycle`](Self::recycle)), whose
    /// buffers the next block's columns are read into.
    spare: Vec<Option<Column>>,
}

impl BlockStream {
    /// A reader for blocks written at `revision` (0 for HTTP `FORMAT Native`).
    pub fn new(revision: u64) -> Self {
        BlockStream {
            buf: BytesMut::new(),
            offset: 0,
            revision,
            retry_at: 0,
            predicted: false,
            finished: false,
            empty_low_cardinality_bodies: false,
            zone: chrono_tz::Tz::UTC,
            partial: None,
            spare: Vec::new(),
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

    /// Lets the next [`next_block`](Self::next_block) try the bytes at hand now, when it was
    /// waiting for a block's worth of them: call it when no more bytes are ready for the moment.
    /// Returns whether that changes anything (a decode attempt is due).
    pub fn try_now(&mut self) -> bool {
        let due = self.predicted && !self.buf.is_empty() && self.buf.len() < self.retry_at;
        if due {
            self.retry_at = 0;
            self.predicted = false;
        }
        due
    }

    /// Gives back a block the caller is done with: the next block's columns are read into
    /// its columns' buffers where the types match (numbers, strings, and `Nullable` and
    /// `Array` columns of them), so a long read reuses the same memory block after block
    /// instead of freeing it and faulting fresh pages in. The values read are the same
    /// either way.
    pub fn recycle(&mut self, block: Block) {
        let (_, columns) = block.into_parts();
        self.spare = columns.into_iter().map(Some).collect();
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
        let done = self.partial.as_ref().map_or(0, PartialBlock::consumed);
        let mut reader = Reader::new(&self.buf[done..], self.offset + done as u64)
            .with_empty_low_cardinality_bodies(self.empty_low_cardinality_bodies)
            .with_zone(self.zone);
        match Block::read_resuming(
            &mut reader,
            self.revision,
            &mut self.partial,
            &mut self.spare,
        ) {
            Ok(block) => {
                self.spare.clear();
                let consumed = done + reader.position();
                self.buf.advance(consumed);
                self.offset += consumed as u64;
                self.retry_at = consumed;
                self.predicted = true;
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
                self.predicted = false;
                Ok(None)
            }
            Err(ReadError::Invalid(e)) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::column::Column;
    use crate::value::Value;

    /// Two blocks of several columns, written at `revision`.
    fn blocks(revision: u64) -> (Vec<Block>, Vec<u8>) {
        let mut out = Vec::new();
        let mut blocks = Vec::new();
        for b in 0..2u64 {
            let mut block = Block::new();
            for (name, data_type) in [
                ("id", "UInt64"),
                ("name", "String"),
                ("note", "Nullable(String)"),
                ("color", "LowCardinality(String)"),
                ("tags", "Array(UInt32)"),
            ] {
                let mut column = Column::empty(data_type.parse().unwrap()).unwrap();
                for i in 0..500u64 {
                    let n = b * 1000 + i;
                    let value = match name {
                        "id" => Value::UInt64(n),
                        "note" if n % 3 == 0 => Value::Null,
                        "tags" => {
                            Value::Array((0..n % 4).map(|t| Value::UInt32(t as u32)).collect())
                        }
                        "color" => Value::from(["red", "green", "blue"][(n % 3) as usize]),
                        _ => Value::from(format!("{name} {n}")),
                    };
                    column.push_value(&value).unwrap();
                }
                block.push(name, column).unwrap();
            }
            block.write(&mut out, revision);
            blocks.push(block);
        }
        (blocks, out)
    }

    /// Blocks fed in small pieces, with a decode attempt forced after each (as when the
    /// network keeps going idle), come out whole and equal: the attempts that run out of
    /// bytes resume at the first column they did not finish.
    #[test]
    fn blocks_in_small_pieces_resume_where_the_bytes_ran_out() {
        for revision in [0, 54460] {
            let (expected, bytes) = blocks(revision);
            for piece in [1, 7, 333, 4096] {
                let mut stream = BlockStream::new(revision);
                let mut read = Vec::new();
                for chunk in bytes.chunks(piece) {
                    stream.push(chunk);
                    stream.try_now();
                    while let Some(block) = stream.next_block().unwrap() {
                        read.push(block);
                    }
                    assert!(
                        stream
                            .partial
                            .as_ref()
                            .is_none_or(|p| p.consumed() <= stream.pending().len())
                    );
                }
                stream.finish();
                while let Some(block) = stream.next_block().unwrap() {
                    read.push(block);
                }
                assert_eq!(read, expected, "revision {revision}, pieces of {piece}");
            }
        }
    }

    /// Where a column keeps its rows: the buffers a recycled block lends (numbers, strings,
    /// and the null maps, ends and values of `Nullable` and `Array` columns); `None` for a
    /// layout that is read fresh.
    fn buffers(column: &Column) -> Vec<Option<usize>> {
        use crate::column::ColumnData;
        match column.data() {
            ColumnData::UInt64(v) => vec![Some(v.as_ptr() as usize)],
            ColumnData::UInt32(v) => vec![Some(v.as_ptr() as usize)],
            ColumnData::String(c) => vec![Some(c.wire_bytes().as_ptr() as usize)],
            ColumnData::Nullable(c) => {
                let mut b = vec![Some(c.nulls().as_ptr() as usize)];
                b.extend(buffers(c.values()));
                b
            }
            ColumnData::Array(c) => {
                let mut b = vec![Some(c.ends().as_ptr() as usize)];
                b.extend(buffers(c.values()));
                b
            }
            _ => vec![None],
        }
    }

    /// Blocks read into the buffers of recycled blocks are the blocks read fresh, whether
    /// they arrive whole or in small pieces with attempts that run out of bytes (a failed
    /// attempt keeps the spare for the next); each reusable buffer is the recycled block's
    /// own. A recycled block whose columns differ in type or number lends nothing and harms
    /// nothing.
    #[test]
    fn recycled_blocks_lend_their_buffers_and_change_no_value() {
        let (expected, bytes) = blocks(0);
        // The two blocks twice over: the third is read into the second's buffers, which are
        // large enough, and the fourth into the third's.
        let twice = [bytes.clone(), bytes].concat();
        for piece in [7, 333, twice.len()] {
            let mut stream = BlockStream::new(0);
            let mut read = Vec::new();
            let mut lent: Option<Vec<Vec<Option<usize>>>> = None;
            let mut take = |stream: &mut BlockStream, read: &mut Vec<Block>| {
                while let Some(block) = stream.next_block().unwrap() {
                    let held: Vec<_> = block.columns().iter().map(buffers).collect();
                    if read.len() >= 2 {
                        let lent = lent.as_ref().expect("the block before was recycled");
                        for (i, (now, before)) in held.iter().zip(lent).enumerate() {
                            if now[0].is_some() {
                                assert_eq!(now, before, "column {i}, block {}", read.len());
                            }
                        }
                    }
                    read.push(block.clone());
                    lent = Some(held);
                    stream.recycle(block);
                }
            };
            for chunk in twice.chunks(piece) {
                stream.push(chunk);
                stream.try_now();
                take(&mut stream, &mut read);
            }
            stream.finish();
            take(&mut stream, &mut read);
            let both_twice: Vec<Block> = expected.iter().chain(&expected).cloned().collect();
            assert_eq!(read, both_twice, "pieces of {piece}");
        }

        // Spare columns of other types, or fewer of them, are passed over.
        let (expected, bytes) = blocks(0);
        let mut other = Block::new();
        let mut text = Column::empty("String".parse().unwrap()).unwrap();
        text.push_value(&Value::from("not an id")).unwrap();
        other.push("id", text).unwrap();
        let mut stream = BlockStream::new(0);
        stream.push(&bytes);
        stream.finish();
        stream.recycle(other);
        assert_eq!(stream.next_block().unwrap().as_ref(), Some(&expected[0]));
        stream.recycle(Block::new());
        assert_eq!(stream.next_block().unwrap().as_ref(), Some(&expected[1]));
    }

    /// A stream that ends after some whole columns of a block says where the block started.
    #[test]
    fn a_stream_ending_after_whole_columns_is_an_error() {
        let (_, bytes) = blocks(0);
        let mut stream = BlockStream::new(0);
        let cut = bytes.len() / 2 - 100;
        stream.push(&bytes[..cut]);
        stream.try_now();
        let first = stream.next_block().unwrap().expect("the first block");
        assert_eq!(first.rows(), 500);
        stream.try_now();
        assert!(stream.next_block().unwrap().is_none());
        stream.push(&bytes[cut..bytes.len() - 10]);
        stream.try_now();
        assert!(stream.next_block().unwrap().is_none());
        assert!(stream.partial.is_some(), "whole columns are kept");
        stream.finish();
        let err = stream.next_block().unwrap_err();
        assert!(err.to_string().contains("ended inside a block"), "{err}");
    }
}
