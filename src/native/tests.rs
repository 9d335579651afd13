//! Block decoding and encoding against bytes captured from a real server
//! (`testdata/captured/<name>.bin`, produced by the `.sql` file beside it).

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::*;
use crate::column::ColumnData;
use crate::value::Value;

const SIMPLE_TYPES: &[u8] = include_bytes!("../../testdata/captured/simple_types.bin");
const LOW_CARDINALITY: &[u8] = include_bytes!("../../testdata/captured/low_cardinality.bin");
const DYNAMIC_SHARED: &[u8] = include_bytes!("../../testdata/captured/dynamic_shared_variant.bin");

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
fn every_strict_prefix_is_an_error_that_says_where() {
    for capture in [SIMPLE_TYPES, LOW_CARDINALITY, DYNAMIC_SHARED] {
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
    for capture in [SIMPLE_TYPES, LOW_CARDINALITY, DYNAMIC_SHARED] {
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
