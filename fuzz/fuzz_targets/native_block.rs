//! The Native block reader, as a stream: the body is fed whole and in random pieces at one of
//! the revisions a client meets (0 over HTTP; 54412, the 18.16 server; 54454, custom
//! serializations; 54460, this client's), both must agree, and every block read has every cell
//! read and is written back and read again. In pieces, each block is recycled once read, so
//! the next is read into its buffers: the two reads also check that reuse changes nothing.
//!
//! Input: a byte choosing the revision (low two bits), whether the server writes empty
//! LowCardinality bodies (bit 2), and the seed of the piece sizes (the rest, with the next
//! byte); then the body.

#![no_main]

use clickhouse_connect::native::BlockStream;
use clickhouse_connect::{Block, ErrorKind};
use clickhouse_connect_fuzz::{Rng, read_every_cell, reencode};
use libfuzzer_sys::fuzz_target;

const REVISIONS: [u64; 4] = [0, 54412, 54454, 54460];

/// Feeds `body` to a stream in pieces of the given sizes (the last piece takes the rest).
fn decode(
    body: &[u8],
    revision: u64,
    empty_lc: bool,
    recycle: bool,
    mut piece: impl FnMut() -> usize,
) -> Result<Vec<Block>, ErrorKind> {
    let mut stream = BlockStream::new(revision).expect_empty_low_cardinality_bodies(empty_lc);
    let mut blocks = Vec::new();
    let mut at = 0;
    while at < body.len() {
        let end = (at + piece()).min(body.len());
        stream.push(&body[at..end]);
        at = end;
        loop {
            match stream.next_block() {
                Ok(Some(block)) if recycle => {
                    blocks.push(block.clone());
                    stream.recycle(block);
                }
                Ok(Some(block)) => blocks.push(block),
                Ok(None) if stream.try_now() => continue,
                Ok(None) => break,
                Err(e) => return Err(e.kind()),
            }
        }
    }
    stream.finish();
    loop {
        match stream.next_block() {
            Ok(Some(block)) => blocks.push(block),
            Ok(None) => return Ok(blocks),
            Err(e) => return Err(e.kind()),
        }
    }
}

fn written(blocks: &[Block], revision: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for block in blocks {
        clickhouse_connect::fuzzing::write_block(block, revision, &mut out);
    }
    out
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let revision = REVISIONS[usize::from(data[0] & 3)];
    let empty_lc = data[0] & 4 != 0;
    let seed = u64::from(data[0] >> 3) | u64::from(data[1]) << 5;
    let body = &data[2..];
    let whole = decode(body, revision, empty_lc, false, || body.len());
    let mut rng = Rng::new(seed);
    let max_piece = 1 + (seed as usize % 64);
    let pieces = decode(body, revision, empty_lc, true, || rng.size(max_piece));
    match (&whole, &pieces) {
        (Ok(a), Ok(b)) => {
            assert_eq!(
                a.len(),
                b.len(),
                "whole and in pieces read different block counts"
            );
            assert!(
                written(a, revision) == written(b, revision),
                "whole and in pieces read different blocks"
            );
            // Debug shows the columns' insides (row bounds, flags) and prints NaN as itself.
            assert!(
                format!("{a:?}") == format!("{b:?}"),
                "blocks read into recycled ones differ from blocks read fresh"
            );
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "whole and in pieces fail differently"),
        (a, b) => panic!(
            "whole: {:?}, in pieces: {:?}",
            a.as_ref().map(Vec::len),
            b.as_ref().map(Vec::len)
        ),
    }
    if let Ok(blocks) = whole {
        for block in &blocks {
            read_every_cell(block);
            reencode(block, revision);
        }
    }
});
