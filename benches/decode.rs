//! Decoding and encoding a 1,000,000-row Native payload produced by the engine.
//!
//! Columns: `id UInt64, ts DateTime('UTC'), name String, score Float64, note Nullable(String),
//! color LowCardinality(String), tags Array(UInt32)`. The payload is fetched once from
//! `CLICKHOUSE_URL` (start the engines with `scripts/dev-servers up`), then every measurement
//! runs from memory on one thread.
//!
//! Typed rows are measured both ways a struct can be read: column by column
//! (`#[derive(FromBlock)]`, `rows_of`) and through serde (`Deserialize`, `rows_as`), from
//! response bytes (the client's streamed, buffer-reusing path) and from decoded blocks.
//!
//! Run with `cargo bench --bench decode`; criterion prints rows per second (elements/s).

use std::hint::black_box;

use clickhouse_connect::native::{BlockStream, decode_blocks, encode_blocks};
use clickhouse_connect::{Block, FromBlock};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const ROWS: u64 = 1_000_000;

/// The payload's row as a struct; strings borrow from the block. Read through serde
/// (`Deserialize`) or column by column (`FromBlock`).
#[derive(serde::Deserialize, FromBlock)]
#[allow(dead_code)]
struct Event<'a> {
    id: u64,
    ts: u32,
    name: &'a str,
    score: f64,
    note: Option<&'a str>,
    color: &'a str,
    tags: Vec<u32>,
}

/// What a row is read for: every field is touched, so none is optimised away.
fn touch(row: &Event<'_>) -> usize {
    row.id as usize
        + row.ts as usize
        + row.name.len()
        + row.score as usize
        + row.note.map_or(0, str::len)
        + row.color.len()
        + row.tags.len()
}

/// The client's path from response bytes to rows (as `fetch_all` / `fetch_rows` take it): the
/// payload arrives in 64 KiB pieces, each block is decoded once it is whole and its rows are
/// read before the next block.
fn stream_rows(payload: &[u8], mut rows: impl FnMut(&Block) -> usize) -> usize {
    let mut stream = BlockStream::new(0);
    let mut n = 0;
    let mut take = |stream: &mut BlockStream, n: &mut usize| {
        while let Some(block) = stream.next_block().unwrap() {
            *n += rows(&block);
        }
    };
    for chunk in payload.chunks(64 * 1024) {
        stream.push(chunk);
        take(&mut stream, &mut n);
    }
    stream.finish();
    take(&mut stream, &mut n);
    n
}

fn serde_rows(block: &Block) -> usize {
    block
        .rows_as::<Event<'_>>(chrono_tz::Tz::UTC)
        .map(|row| touch(&row.unwrap()))
        .sum()
}

fn columnar_rows(block: &Block) -> usize {
    block
        .rows_of::<Event<'_>>(chrono_tz::Tz::UTC)
        .unwrap()
        .map(|row| touch(&row.unwrap()))
        .sum()
}

const QUERY: &str = "SELECT number AS id, toDateTime(1600000000 + number, 'UTC') AS ts, \
    concat('name_', toString(number % 1000)) AS name, number / 3 AS score, \
    if(number % 5 = 0, NULL, concat('note ', toString(number))) AS note, \
    CAST(['red', 'green', 'blue'][number % 3 + 1] AS LowCardinality(String)) AS color, \
    CAST(range(number % 4) AS Array(UInt32)) AS tags \
    FROM numbers(1000000) FORMAT Native";

fn payload() -> Vec<u8> {
    let url = std::env::var("CLICKHOUSE_URL").unwrap_or_else(|_| "http://127.0.0.1:28123".into());
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let response = reqwest::Client::new()
            .post(format!("{url}/"))
            .body(QUERY)
            .send()
            .await
            .unwrap_or_else(|e| {
                panic!("{url} is not reachable ({e}); start it with `scripts/dev-servers up`")
            });
        assert!(
            response.status().is_success(),
            "the engine refused the payload query"
        );
        response.bytes().await.expect("the payload").to_vec()
    })
}

fn decode(c: &mut Criterion) {
    let payload = payload();
    let blocks = decode_blocks(&payload).expect("the payload decodes");
    let rows: usize = blocks.iter().map(|b| b.rows()).sum();
    assert_eq!(rows as u64, ROWS);
    eprintln!(
        "payload: {} bytes in {} blocks",
        payload.len(),
        blocks.len()
    );

    let mut group = c.benchmark_group("native_1m_rows");
    group.throughput(Throughput::Elements(ROWS));
    group.sample_size(20);
    group.bench_function("decode", |b| {
        b.iter(|| black_box(decode_blocks(black_box(&payload)).unwrap()))
    });
    group.bench_function("decode_streamed_64k_chunks", |b| {
        b.iter(|| {
            let mut stream = BlockStream::new(0);
            let mut n = 0;
            for chunk in payload.chunks(64 * 1024) {
                stream.push(chunk);
                while let Some(block) = stream.next_block().unwrap() {
                    n += block.rows();
                }
            }
            stream.finish();
            while let Some(block) = stream.next_block().unwrap() {
                n += block.rows();
            }
            black_box(n)
        })
    });
    group.bench_function("bytes_to_structs_derive", |b| {
        b.iter(|| black_box(stream_rows(black_box(&payload), columnar_rows)))
    });
    group.bench_function("bytes_to_structs_serde", |b| {
        b.iter(|| black_box(stream_rows(black_box(&payload), serde_rows)))
    });
    group.bench_function("structs_from_decoded_blocks_derive", |b| {
        b.iter(|| black_box(black_box(&blocks).iter().map(columnar_rows).sum::<usize>()))
    });
    group.bench_function("structs_from_decoded_blocks_serde", |b| {
        b.iter(|| black_box(black_box(&blocks).iter().map(serde_rows).sum::<usize>()))
    });
    group.bench_function("encode", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(payload.len());
            encode_blocks(black_box(&blocks), &mut out);
            black_box(out)
        })
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
