//! The object serialization against captures from the 26.9 engine, and the text writer on its
//! own. The captures (`testdata/captured/json_object_*.bin`, each beside its `.sql`) hold one
//! query in three serializations: V1, FLATTENED and STRING.

use chrono_tz::Tz;

use super::text::{self, Member};
use crate::column::{Column, ColumnData};
use crate::native::decode_blocks;
use crate::types::DataType;
use crate::value::Value;

const V1: &[u8] = include_bytes!("../../../testdata/captured/json_object_v1.bin");
const FLATTENED: &[u8] = include_bytes!("../../../testdata/captured/json_object_flattened.bin");
const STRING: &[u8] = include_bytes!("../../../testdata/captured/json_object_text.bin");

fn documents(bytes: &[u8]) -> Vec<String> {
    let blocks = decode_blocks(bytes).unwrap();
    let mut out = Vec::new();
    for block in &blocks {
        let ColumnData::Json(texts) = block.columns()[0].data() else {
            panic!("{:?}", block.columns()[0].data_type())
        };
        out.extend(texts.iter().map(|t| String::from_utf8(t.to_vec()).unwrap()));
    }
    out
}

#[test]
fn object_serializations_give_the_engines_own_text() {
    let expected = documents(STRING);
    assert_eq!(expected.len(), 4);
    assert_eq!(expected[3], r#"{"a":0}"#);
    assert_eq!(documents(V1), expected, "V1");
    assert_eq!(documents(FLATTENED), expected, "FLATTENED");
    // And the values are the parsed documents.
    let blocks = decode_blocks(V1).unwrap();
    assert_eq!(
        blocks[0].columns()[0].value(1, Tz::UTC),
        Value::Json(serde_json::json!({
            "a": 0, "k": -5, "l": 18446744073709551615u64,
            "n": [{"x": 1}, {"y": "z"}], "o": [1, "a", null]
        }))
    );
}

#[test]
fn v2_reads_like_v1() {
    // The V1 capture rewritten as V2 (which this engine sends only to clients of revision
    // 54473 and up): the same structure without the VarUInt that V1 keeps for compatibility,
    // in the JSON prefix and in each dynamic path's Dynamic prefix.
    let mut bytes = V1.to_vec();
    for at in [0x53, 0x3a] {
        assert_eq!(
            bytes[at..at + 9],
            [1, 0, 0, 0, 0, 0, 0, 0, 1],
            "Dynamic V1 at {at:#x}"
        );
        bytes[at] = 2;
        bytes.remove(at + 8);
    }
    assert_eq!(bytes[0x28..0x31], [0, 0, 0, 0, 0, 0, 0, 0, 2], "JSON V1");
    bytes[0x28] = 2;
    bytes.remove(0x30);
    assert_eq!(documents(&bytes), documents(STRING));
}

#[test]
fn damaged_captures_are_errors_not_panics() {
    for capture in [V1, FLATTENED] {
        for end in 0..capture.len() {
            assert!(
                decode_blocks(&capture[..end]).is_err() || end == 0,
                "cut at {end}"
            );
        }
        for i in 0..capture.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut corrupt = capture.to_vec();
                corrupt[i] ^= flip;
                let _ = decode_blocks(&corrupt);
            }
        }
    }
}

#[test]
fn unknown_serialization_versions_are_named() {
    // The V1 capture with its version (the UInt64 after the column header) set to 4.
    let header = 4 + 1 + b"JSON(max_dynamic_paths=2, a UInt32)".len();
    let mut bytes = V1.to_vec();
    bytes[header] = 4;
    let err = decode_blocks(&bytes).unwrap_err().to_string();
    assert!(err.contains("JSON serialization version 4"), "{err}");
}

#[test]
fn row_binary_json_values_become_documents() {
    // SELECT '{"a":{"b":1, "c":[1,2]}, "d":"x", "e": [{"f": 2.5}]}'::JSON(d String)
    // FORMAT RowBinary, on the 26.9 engine: typed "d", then Array(JSON) "e", "a.c", "a.b".
    let hex = "040164017801651e3000800210000000010101660e000000000000044003612e631e230a02000100\
               00000000000000020000000000000003612e620a0100000000000000";
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let t: DataType = "JSON(d String)".parse().unwrap();
    let mut column = Column::empty(t.clone()).unwrap();
    assert_eq!(
        column.push_row_binary(&bytes, Tz::UTC).unwrap(),
        bytes.len()
    );
    let ColumnData::Json(texts) = column.data() else {
        unreachable!()
    };
    assert_eq!(
        texts.get(0).unwrap(),
        br#"{"a":{"b":1,"c":[1,2]},"d":"x","e":[{"f":2.5}]}"#
    );
    for end in 0..bytes.len() {
        assert!(
            Value::from_row_binary(&t, &bytes[..end], Tz::UTC).is_err(),
            "cut at {end}"
        );
    }
}

fn one(t: &str, bytes: &[u8]) -> Column {
    let mut column = Column::empty(t.parse().unwrap()).unwrap();
    column.push_row_binary(bytes, Tz::UTC).unwrap();
    column
}

fn cell(column: &Column) -> String {
    let mut out = Vec::new();
    text::write_cell(column, 0, Tz::UTC, &mut out);
    String::from_utf8(out).unwrap()
}

#[test]
fn floats_are_written_as_the_server_writes_them() {
    for (value, text) in [
        (1e21, "1e21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (-0.0, "-0"),
        (0.1, "0.1"),
        (5e-324, "5e-324"),
        (f64::NAN, "null"),
        (f64::NEG_INFINITY, "null"),
    ] {
        assert_eq!(
            cell(&one("Float64", &f64::to_le_bytes(value))),
            text,
            "{value}"
        );
    }
    assert_eq!(cell(&one("Float32", &0.1f32.to_le_bytes())), "0.1");
    assert_eq!(
        cell(&one("Float32", &3.4028235e38f32.to_le_bytes())),
        "3.4028235e38"
    );
}

#[test]
fn scalars_are_written_as_the_server_writes_them() {
    // Decimal(9, 3): trailing zeros dropped.
    assert_eq!(cell(&one("Decimal(9, 3)", &1500i32.to_le_bytes())), "1.5");
    assert_eq!(cell(&one("Decimal(9, 3)", &(-2000i32).to_le_bytes())), "-2");
    assert_eq!(cell(&one("Decimal(9, 3)", &0i32.to_le_bytes())), "0");
    assert_eq!(
        cell(&one("Time", &(-3723i32).to_le_bytes())),
        r#""-01:02:03""#
    );
    assert_eq!(
        cell(&one("Time64(2)", &372325i64.to_le_bytes())),
        r#""01:02:03.25""#
    );
    assert_eq!(
        cell(&one("DateTime64(3, 'Asia/Tokyo')", &0i64.to_le_bytes())),
        r#""1970-01-01 09:00:00.000""#
    );
    assert_eq!(
        cell(&one("DateTime64(2)", &(-1i64).to_le_bytes())),
        r#""1969-12-31 23:59:59.99""#
    );
    assert_eq!(cell(&one("Enum8('a' = 1)", &[1])), r#""a""#);
    assert_eq!(cell(&one("Nullable(UInt8)", &[1])), "null");
    assert_eq!(
        cell(&one("Map(UInt8, String)", &[1, 7, 1, b'x'])),
        r#"{"7":"x"}"#
    );
    assert_eq!(
        cell(&one("Tuple(a UInt8, b String)", &[1, 0])),
        r#"{"a":1,"b":""}"#
    );
    assert_eq!(cell(&one("Tuple(UInt8, String)", &[1, 0])), r#"[1,""]"#);
    let mut out = Vec::new();
    text::write_string(
        b"\x01\"\\/\x08\x0c\n\r\t\x1f\x7f\xe2\x80\xa8\xe2\x80\xa9\xe2\x80\xaa\xff\x00",
        &mut out,
    );
    // Control characters escaped (upper-case hex), DEL and U+202A kept, bytes that are not
    // UTF-8 kept as they are.
    assert_eq!(
        out,
        b"\"\\u0001\\\"\\\\\\/\\b\\f\\n\\r\\t\\u001F\x7f\\u2028\\u2029\xe2\x80\xaa\xff\\u0000\""
    );
}

#[test]
fn documents_nest_paths_and_keep_what_the_server_keeps() {
    let one_u8 = one("UInt8", &[1]);
    let two_u8 = one("UInt8", &[2]);
    let mut members: Vec<Member<'_>> = vec![("a.b", &two_u8, 0), ("a", &one_u8, 0)];
    let mut out = Vec::new();
    text::write_document(&mut members, Tz::UTC, &mut out);
    // A value and the parent of another path, as the server writes it: the key twice.
    assert_eq!(out, br#"{"a":1,"a":{"b":2}}"#);
    let mut members: Vec<Member<'_>> = vec![
        ("x.y.z", &one_u8, 0),
        ("x.w", &two_u8, 0),
        ("x.y.v", &two_u8, 0),
        (".e", &one_u8, 0),
        ("q.", &two_u8, 0),
    ];
    out.clear();
    text::write_document(&mut members, Tz::UTC, &mut out);
    assert_eq!(
        out,
        br#"{"":{"e":1},"q":{"":2},"x":{"w":2,"y":{"v":2,"z":1}}}"#
    );
    out.clear();
    text::write_document(&mut [], Tz::UTC, &mut out);
    assert_eq!(out, b"{}");
}
