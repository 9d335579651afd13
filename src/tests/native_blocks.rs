//! Block decoding and encoding against bytes captured from a real server
//! (`testdata/captured/<name>.bin`, produced by the `.sql` file beside it).

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::column::ColumnData;
use crate::native::*;
use crate::value::Value;

const SIMPLE_TYPES: &[u8] = include_bytes!("../../testdata/captured/simple_types.bin");
const LOW_CARDINALITY: &[u8] = include_bytes!("../../testdata/captured/low_cardinality.bin");
const GEOMETRY: &[u8] = include_bytes!("../../testdata/captured/geometry.bin");
const DYNAMIC_SHARED: &[u8] = include_bytes!("../../testdata/captured/dynamic_shared_variant.bin");
const EMPTY_TUPLES: &[u8] = include_bytes!("../../testdata/captured/empty_tuples.bin");

fn rows(block: &Block) -> Vec<Vec<Value>> {
    (0..block.rows())
        .map(|i| {
            block
                .columns()
                .iter()
                .map(|c| c.value(i, Tz::UTC))
                .collect()
        })
        .collect()
}

#[test]
fn decodes_simple_types_from_18_16() {
    let blocks = decode_blocks(SIMPLE_TYPES).unwrap();
    assert_eq!(blocks.len(), 1);
    let block = &blocks[0];
    assert_eq!(
        block.names(),
        ["a", "i", "u", "s", "f", "d", "fs", "arr", "n"]
    );
    let types: Vec<String> = block.types().map(ToString::to_string).collect();
    assert_eq!(
        types,
        [
            "UInt8",
            "Int32",
            "UInt64",
            "String",
            "Float64",
            "Date",
            "FixedString(3)",
            "Array(UInt16)",
            "Nullable(Int8)"
        ]
    );
    assert_eq!(
        rows(block),
        vec![vec![
            Value::UInt8(1),
            Value::Int32(-2),
            Value::UInt64(300),
            Value::String(b"x\0y".to_vec()),
            Value::Float64(1.5),
            Value::Date(NaiveDate::from_ymd_opt(2020, 1, 2).unwrap()),
            Value::String(b"ab\0".to_vec()),
            Value::Array(vec![Value::UInt16(1), Value::UInt16(2)]),
            Value::Null,
        ]]
    );
    let mut out = Vec::new();
    encode_blocks(&blocks, &mut out);
    assert_eq!(out, SIMPLE_TYPES, "re-encoding gives the server's bytes");
}

#[test]
fn decodes_low_cardinality_from_18_16() {
    let blocks = decode_blocks(LOW_CARDINALITY).unwrap();
    let block = &blocks[0];
    let s = |text: &str| Value::String(text.as_bytes().to_vec());
    let expected = vec![
        vec![
            s("0"),
            Value::Array(vec![s("0"), s("x")]),
            s("k"),
            Value::UInt64(0),
        ],
        vec![
            s("1"),
            Value::Array(vec![s("1"), s("x")]),
            s("k"),
            Value::Null,
        ],
        vec![
            s("2"),
            Value::Array(vec![s("2"), s("x")]),
            s("k"),
            Value::UInt64(2),
        ],
    ];
    assert_eq!(rows(block), expected);
    // The writer sets different (equally valid) index flags, so compare decoded values.
    let mut out = Vec::new();
    encode_blocks(&blocks, &mut out);
    assert_eq!(rows(&decode_blocks(&out).unwrap()[0]), expected);
}

#[test]
fn decodes_every_geometry_member_from_26_9() {
    let blocks = decode_blocks(GEOMETRY).unwrap();
    let column = &blocks[0].columns()[0];
    assert_eq!(column.data_type(), &crate::types::DataType::Geometry);
    let crate::column::ColumnData::Variant(variants) = column.data() else {
        panic!("{:?}", column.data());
    };
    let members: Vec<String> = (0..column.len())
        .map(|i| match variants.locate(i) {
            Some((d, _)) => variants.variants()[d].data_type().to_string(),
            None => "NULL".into(),
        })
        .collect();
    assert_eq!(
        members,
        [
            "Point",
            "LineString",
            "Polygon",
            "MultiPolygon",
            "Ring",
            "MultiLineString",
            "MultiPoint",
            "NULL"
        ]
    );
    let point = |x: f64, y: f64| Value::Tuple(vec![Value::Float64(x), Value::Float64(y)]);
    let values: Vec<Value> = rows(&blocks[0])
        .into_iter()
        .map(|mut r| r.remove(0))
        .collect();
    assert_eq!(values[0], point(1.0, 2.0));
    assert_eq!(
        values[6],
        Value::Array(vec![point(1.0, 1.0), point(2.0, 2.0)])
    );
    assert_eq!(values[7], Value::Null);
    let mut out = Vec::new();
    encode_blocks(&blocks, &mut out);
    assert_eq!(out, GEOMETRY, "re-encoding gives the server's bytes");
}

#[test]
fn every_strict_prefix_is_an_error_that_says_where() {
    for capture in [SIMPLE_TYPES, LOW_CARDINALITY, GEOMETRY, DYNAMIC_SHARED] {
        for end in 1..capture.len() {
            let err =
                decode_blocks(&capture[..end]).expect_err("a truncated block must not decode");
            let text = err.to_string();
            assert!(
                text.contains("ended inside a block") || text.contains("malformed"),
                "{end}: {text}"
            );
        }
    }
}

#[test]
fn pieces_of_any_size_give_the_same_blocks() {
    let mut all = Vec::new();
    for _ in 0..50 {
        all.extend_from_slice(LOW_CARDINALITY);
        all.extend_from_slice(SIMPLE_TYPES);
    }
    let expected = decode_blocks(&all).unwrap();
    assert_eq!(expected.len(), 100);
    for piece in [1, 2, 7, 64, 1000] {
        let mut stream = BlockStream::new(0);
        let mut got = Vec::new();
        for chunk in all.chunks(piece) {
            stream.push(chunk);
            while let Some(block) = stream.next_block().unwrap() {
                got.push(block);
            }
        }
        stream.finish();
        while let Some(block) = stream.next_block().unwrap() {
            got.push(block);
        }
        assert_eq!(got, expected, "pieces of {piece} bytes");
        assert!(stream.pending().is_empty());
    }
}

#[test]
fn corrupt_bytes_never_panic() {
    for capture in [SIMPLE_TYPES, LOW_CARDINALITY, GEOMETRY, DYNAMIC_SHARED] {
        for i in 0..capture.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut corrupt = capture.to_vec();
                corrupt[i] ^= flip;
                // Either an error or some blocks; never a panic or a hang.
                let _ = decode_blocks(&corrupt);
            }
        }
    }
}

#[test]
fn unsupported_types_are_named() {
    // A block header announcing an AggregateFunction column with one row.
    let mut bytes = vec![1, 1, 1, b'x'];
    let type_name = b"AggregateFunction(uniq, String)";
    bytes.push(type_name.len() as u8);
    bytes.extend_from_slice(type_name);
    bytes.extend_from_slice(&[0; 16]);
    let err = decode_blocks(&bytes).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("AggregateFunction(uniq, String)") && text.contains("finalizeAggregation"),
        "{text}"
    );
}

/// Blocks of the same columns whose rows differ in count and length (so the stream's guess of
/// the next block's size is sometimes short and sometimes long).
fn varied_blocks() -> Vec<Block> {
    use crate::column::Column;
    use crate::types::DataType;
    let mut blocks = Vec::new();
    for (b, rows) in [5usize, 40, 1, 17, 0, 33].into_iter().enumerate() {
        let mut block = Block::new();
        for (name, t) in [
            ("n", "UInt64"),
            ("s", "String"),
            ("o", "Nullable(String)"),
            ("a", "Array(Nullable(UInt32))"),
            ("aa", "Array(Array(String))"),
            ("f", "FixedString(2)"),
        ] {
            let mut column = Column::empty(DataType::parse(t).unwrap()).unwrap();
            for i in 0..rows {
                let k = (b * 100 + i) as u64;
                let text = |k: u64| Value::String("x".repeat((k % 150) as usize).into_bytes());
                let value = match name {
                    "n" => Value::UInt64(k),
                    "s" => text(k),
                    "o" if k % 3 == 0 => Value::Null,
                    "o" => text(k * 7),
                    "a" => Value::Array(
                        (0..k % 5)
                            .map(|j| {
                                if j == 2 {
                                    Value::Null
                                } else {
                                    Value::UInt32(j as u32)
                                }
                            })
                            .collect(),
                    ),
                    "aa" => Value::Array(vec![
                        Value::Array(vec![text(k); (k % 3) as usize]);
                        (k % 4) as usize
                    ]),
                    _ => Value::String(vec![b'a' + (k % 26) as u8, b'z']),
                };
                column.push_value(&value).unwrap();
            }
            block.push(name, column).unwrap();
        }
        blocks.push(block);
    }
    blocks
}

#[test]
fn blocks_of_varied_sizes_decode_the_same_rows_from_any_pieces() {
    let expected = varied_blocks();
    let mut bytes = Vec::new();
    encode_blocks(&expected, &mut bytes);
    for piece in [3, 64, 100_000] {
        let mut stream = BlockStream::new(0);
        let mut got = Vec::new();
        let take = |stream: &mut BlockStream, got: &mut Vec<Vec<Vec<Value>>>| {
            while let Some(block) = stream.next_block().unwrap() {
                got.push(rows(&block));
            }
        };
        for chunk in bytes.chunks(piece) {
            stream.push(chunk);
            take(&mut stream, &mut got);
        }
        stream.finish();
        take(&mut stream, &mut got);
        let expected: Vec<_> = expected.iter().filter(|b| b.rows() > 0).map(rows).collect();
        let got: Vec<_> = got.into_iter().filter(|b| !b.is_empty()).collect();
        assert_eq!(got, expected, "pieces of {piece} bytes");
    }
}

#[test]
fn a_whole_block_waits_for_a_blocks_worth_of_bytes_or_try_now() {
    let blocks = varied_blocks();
    let mut bytes = Vec::new();
    encode_blocks(&blocks[1..3], &mut bytes);
    let first = {
        let mut one = Vec::new();
        encode_blocks(&blocks[1..2], &mut one);
        one.len()
    };
    let mut stream = BlockStream::new(0);
    stream.push(&bytes[..first]);
    assert_eq!(
        stream.next_block().unwrap().unwrap().rows(),
        blocks[1].rows()
    );
    // The second block is whole but smaller than the first: no attempt until asked.
    stream.push(&bytes[first..]);
    assert!(
        bytes.len() - first < first,
        "the second block is the smaller one"
    );
    assert!(stream.next_block().unwrap().is_none());
    assert!(stream.try_now());
    assert_eq!(
        stream.next_block().unwrap().unwrap().rows(),
        blocks[2].rows()
    );
    assert!(!stream.try_now(), "nothing left to try");
    assert!(stream.pending().is_empty());
}

#[test]
fn dynamic_shared_variant_values_read_like_any_other() {
    let blocks = decode_blocks(DYNAMIC_SHARED).unwrap();
    let column = &blocks[0].columns()[0];
    let ColumnData::Dynamic(dynamic) = column.data() else {
        panic!("{column:?}")
    };
    // The prefix named Int64 and UUID; the other types came in the shared variant.
    let types: Vec<Option<String>> = (0..column.len())
        .map(|i| dynamic.type_of(i).map(ToString::to_string))
        .collect();
    let expected = [
        Some("Int64"),
        Some("String"),
        Some("Float64"),
        None,
        Some("Array(UInt8)"),
        Some("Date"),
        Some("UUID"),
        Some("Int64"),
        Some("Map(String, Decimal(9, 2))"),
        Some("Tuple(a UInt8, b String)"),
    ];
    assert_eq!(types, expected.map(|t| t.map(str::to_owned)));
    let texts: Vec<String> = (0..column.len())
        .map(|i| column.value(i, Tz::UTC).to_string())
        .collect();
    assert_eq!(
        texts,
        [
            "1",
            "a",
            "2.5",
            "NULL",
            "[1, 2]",
            "2024-01-02",
            "00112233-4455-6677-8899-aabbccddeeff",
            "7",
            "{'k': 1.50}",
            "(1, 'x')",
        ]
    );
    // Nothing is left in the shared variant, and the types stay in name order.
    let shared = dynamic.types().iter().position(Option::is_none).unwrap();
    assert!(dynamic.values().variants()[shared].is_empty());
    let names: Vec<String> = dynamic
        .types()
        .iter()
        .map(|t| {
            t.as_ref()
                .map_or("SharedVariant".into(), ToString::to_string)
        })
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    // Written back (V1, every type named) and read again: the same values.
    let mut out = Vec::new();
    encode_blocks(&blocks, &mut out);
    let again = decode_blocks(&out).unwrap();
    assert_eq!(rows(&again[0]), rows(&blocks[0]));
}

#[test]
fn empty_tuples_take_a_byte_a_row_and_none_in_shared_values() {
    let blocks = decode_blocks(EMPTY_TUPLES).unwrap();
    let block = &blocks[0];
    assert_eq!(block.names(), ["t", "n", "a", "v", "d", "da"]);
    assert_eq!(block.columns()[0].len(), 3, "Tuple() counts its rows");
    let empty = || Value::Tuple(Vec::new());
    let empties = |n: usize| Value::Array(vec![empty(); n]);
    let texts: Vec<Vec<Value>> = rows(block)
        .into_iter()
        .map(|row| row.iter().map(|v| v.untyped().clone()).collect())
        .collect();
    assert_eq!(
        texts,
        [
            vec![
                empty(),
                Value::UInt64(0),
                empties(0),
                empty(),
                empty(),
                empties(0)
            ],
            vec![
                empty(),
                Value::UInt64(1),
                empties(1),
                Value::Null,
                Value::UInt8(7),
                empties(1)
            ],
            vec![
                empty(),
                Value::UInt64(2),
                empties(2),
                empty(),
                empty(),
                empties(2)
            ],
        ]
    );
    // Written back and read again: the same values; the plain columns byte for byte.
    let mut out = Vec::new();
    encode_blocks(&blocks, &mut out);
    let again = decode_blocks(&out).unwrap();
    assert_eq!(rows(&again[0]), rows(block));
    // The first four columns written alone are the server's bytes for them: a '0' per
    // `Tuple()` row, in the column, in the array's elements and in the variant.
    let at = EMPTY_TUPLES
        .windows(3)
        .position(|w| w == b"\x01d\x14")
        .unwrap();
    let mut expected = vec![4, 3];
    expected.extend_from_slice(&EMPTY_TUPLES[2..at]);
    let mut four = Block::new();
    for i in 0..4 {
        four.push(block.names()[i].clone(), block.columns()[i].clone())
            .unwrap();
    }
    let mut written = Vec::new();
    encode_blocks(&[four], &mut written);
    assert_eq!(written, expected);
}

#[test]
fn array_offsets_that_fall_or_overflow_are_errors() {
    let block = |ends: [u64; 2]| {
        let mut bytes = vec![1, 2, 1, b'x'];
        let type_name = b"Array(UInt8)";
        bytes.push(type_name.len() as u8);
        bytes.extend_from_slice(type_name);
        ends.iter()
            .for_each(|e| bytes.extend_from_slice(&e.to_le_bytes()));
        bytes.extend_from_slice(&[7; 3]);
        bytes
    };
    let good = decode_blocks(&block([1, 3])).unwrap();
    assert_eq!(
        rows(&good[0]),
        vec![
            vec![Value::Array(vec![Value::UInt8(7)])],
            vec![Value::Array(vec![Value::UInt8(7), Value::UInt8(7)])]
        ]
    );
    let falling = decode_blocks(&block([3, 2])).unwrap_err().to_string();
    assert!(
        falling.contains("array offsets are not increasing (3 then 2)"),
        "{falling}"
    );
    let huge = decode_blocks(&block([1, u64::MAX]))
        .unwrap_err()
        .to_string();
    assert!(
        huge.contains("array offset 18446744073709551615 is past the limit"),
        "{huge}"
    );
}
