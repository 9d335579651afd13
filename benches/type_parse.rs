//! Parsing type strings: the per-column cost of reading a Native block header.
//!
//! Run with `cargo bench --bench type_parse`.

use std::hint::black_box;

use clickhouse_connect::DataType;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const TYPES: &[&str] = &[
    "UInt64",
    "DateTime('UTC')",
    "Nullable(String)",
    "LowCardinality(String)",
    "Array(UInt32)",
    "Decimal(38, 10)",
    "Map(String, Array(Tuple(a Int8, b String)))",
    "Enum8('a' = 1, 'b' = 2, 'c' = 3)",
    "DateTime64(3, 'Asia/Tokyo')",
    "Tuple(a LowCardinality(Nullable(String)), b Array(Nullable(Int8)))",
];

fn parse_types(c: &mut Criterion) {
    let mut group = c.benchmark_group("type_parse");
    group.throughput(Throughput::Elements(TYPES.len() as u64));
    group.bench_function("typical_header", |b| {
        b.iter(|| {
            for text in TYPES {
                black_box(DataType::parse(black_box(text)).expect("valid type"));
            }
        })
    });
    group.bench_function("display", |b| {
        let parsed: Vec<DataType> = TYPES
            .iter()
            .map(|t| t.parse().expect("valid type"))
            .collect();
        b.iter(|| {
            for t in &parsed {
                black_box(t.to_string());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, parse_types);
criterion_main!(benches);
