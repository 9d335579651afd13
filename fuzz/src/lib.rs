//! What the fuzz targets share: reading every cell of a block the ways a caller can, and
//! checking that what decodes re-encodes to bytes that decode again, stably.

use chrono_tz::Tz;
use clickhouse_connect::fuzzing::{read_block, write_block};
use clickhouse_connect::{Block, Column, Row};

/// A deterministic stream of numbers from a seed (xorshift), for chunk sizes.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `1..=max`.
    pub fn size(&mut self, max: usize) -> usize {
        1 + (self.next() % max.max(1) as u64) as usize
    }
}

/// Reads every cell of `block` as a value, a typed value, its text, through a row and through
/// serde, and pushes each typed value back into a column of its type (which may refuse it,
/// but must not panic).
pub fn read_every_cell(block: &Block) {
    let zone = Tz::UTC;
    for column in block.columns() {
        let mut again = Column::empty(column.data_type().clone()).ok();
        for i in 0..column.len() {
            let value = column.value(i, zone);
            let typed = column.typed_value(i, zone);
            std::hint::black_box(format!("{value} {typed:?}"));
            if let Some(again) = &mut again {
                let _ = again.push_value(&typed);
            }
        }
    }
    for i in 0..block.rows() {
        let row = Row::new(block, i, zone);
        std::hint::black_box(row.values());
        std::hint::black_box(row.typed_values());
        let _ = row.deserialize::<serde::de::IgnoredAny>();
        let _ = row.deserialize::<Vec<serde_json::Value>>();
    }
}

/// Writes `block` at `revision`, reads it back and writes it again: the read must succeed,
/// take every byte, and the two writes must be equal.
pub fn reencode(block: &Block, revision: u64) {
    let mut first = Vec::new();
    write_block(block, revision, &mut first);
    let (again, used) = read_block(&first, revision).unwrap_or_else(|e| {
        panic!("a block written at revision {revision} does not read back: {e}")
    });
    assert_eq!(used, first.len(), "the block read back leaves bytes over");
    let mut second = Vec::new();
    write_block(&again, revision, &mut second);
    assert!(
        first == second,
        "writing a block read back changes its bytes"
    );
}

/// Writes the seed corpora under `fuzz/seeds/<target>/` from `testdata/captured/` and the
/// formats' own examples: `cargo +nightly test --lib -- --ignored write_seeds` (in `fuzz/`). It
/// writes over its own files and leaves the others (seeds kept from findings, other targets').
#[cfg(test)]
mod seeds;
