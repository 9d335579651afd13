//! Golden encodings from the 26.9 engine, round trips, and malformed input.

use super::*;
use crate::types::AggregateFunction;

fn ty(s: &str) -> DataType {
    DataType::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .flat_map(|w| {
            if let Some(text) = w.strip_prefix('\'') {
                text.trim_end_matches('\'').as_bytes().to_vec()
            } else {
                vec![u8::from_str_radix(w, 16).unwrap()]
            }
        })
        .collect()
}

/// Encodings the 26.9 engine wrote (`RowBinaryWithNamesAndTypes` with
/// `output_format_binary_encode_types_in_binary_format = 1`), with the type they name.
const GOLDEN: &[(&str, &str)] = &[
    ("UInt8", "01"),
    ("Int64", "0a"),
    ("String", "15"),
    ("Bool", "2d"),
    ("UUID", "1d"),
    ("IPv4", "28"),
    ("IPv6", "29"),
    ("BFloat16", "31"),
    ("Time", "32"),
    ("Time64(3)", "34 03"),
    ("DateTime64(3)", "13 03"),
    ("DateTime64(6, 'UTC')", "14 06 03 'UTC'"),
    ("DateTime('Asia/Tokyo')", "12 0a 'Asia/Tokyo'"),
    ("Decimal(5, 2)", "19 05 02"),
    ("Decimal(40, 5)", "1c 28 05"),
    ("FixedString(3)", "16 03"),
    ("Enum8('y' = -2, 'x' = 1)", "17 02 01 'y' fe 01 'x' 01"),
    ("IntervalNanosecond", "22 00"),
    ("IntervalDay", "22 06"),
    ("IntervalYear", "22 0a"),
    ("Nullable(Nothing)", "23 00"),
    ("LowCardinality(Nullable(String))", "26 23 15"),
    ("Map(String, UInt8)", "27 15 01"),
    ("Tuple(a UInt8, b String)", "20 02 01 'a' 01 01 'b' 15"),
    ("Tuple(UInt8, String)", "1f 02 01 15"),
    ("Nested(a UInt8, b String)", "2f 02 01 'a' 01 01 'b' 15"),
    ("Variant(String, UInt64)", "2a 02 15 04"),
    ("Dynamic", "2b 20"),
    ("Dynamic(max_types=3)", "2b 03"),
    ("JSON", "30 00 80 08 20 00 00 00"),
    (
        "JSON(max_dynamic_paths=2, max_dynamic_types=3, a.b UInt32, SKIP c, SKIP REGEXP 'x.*')",
        "30 00 02 03 01 03 'a.b' 03 01 01 'c' 01 03 'x.*'",
    ),
    ("Point", "2c 05 'Point'"),
    ("MultiPoint", "2c 0a 'MultiPoint'"),
    ("Geometry", "2c 08 'Geometry'"),
    ("QBit(Float32, 3)", "36 0d 03"),
    (
        "SimpleAggregateFunction(sum, UInt64)",
        "2e 03 'sum' 00 01 04",
    ),
    ("AggregateFunction(sum, UInt64)", "25 00 03 'sum' 00 01 04"),
    (
        "AggregateFunction(quantile(0.5), Float64)",
        "25 00 08 'quantile' 01 07 00 00 00 00 00 00 e0 3f 01 0e",
    ),
];

#[test]
fn engine_encodings_decode_and_encode_back() {
    for (name, bytes) in GOLDEN {
        let bytes = hex(bytes);
        let decoded = DataType::from_binary(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(decoded, ty(name), "{name}");
        assert_eq!(decoded.to_binary().unwrap(), bytes, "{name} encodes back");
    }
}

#[test]
fn the_hand_list_round_trips_through_the_binary_form() {
    let mut checked = 0;
    for (_, canonical, _) in crate::types::tests::hand_list() {
        let t = ty(canonical);
        let bytes = t.to_binary().unwrap_or_else(|e| panic!("{canonical}: {e}"));
        let back = DataType::from_binary(&bytes).unwrap_or_else(|e| panic!("{canonical}: {e}"));
        // The server leaves default parameters out of type names; so does the decoder.
        let expected = canonical
            .replace("Dynamic(max_types=32)", "Dynamic")
            .replace("(max_dynamic_paths=1024)", "");
        assert_eq!(back.to_string(), expected, "{canonical}");
        checked += 1;
    }
    assert!(checked >= 150, "{checked} types");
}

#[test]
fn every_truncation_is_an_error() {
    for (name, bytes) in GOLDEN {
        let bytes = hex(bytes);
        for end in 0..bytes.len() {
            let err =
                DataType::from_binary(&bytes[..end]).expect_err(&format!("{name} cut at {end}"));
            assert!(
                err.to_string().contains("ends early"),
                "{name} cut at {end}: {err}"
            );
        }
    }
}

#[test]
fn malformed_encodings_are_errors() {
    let cases: &[(&str, &str)] = &[
        ("33", "unknown binary type code 0x33"),
        ("35", "unknown binary type code 0x35"),
        ("ff", "unknown binary type code 0xff"),
        ("21", "Set"),
        ("24 00 15", "Function"),
        ("22 0b", "interval kind 11"),
        ("19 0a 02", "Decimal precision 10"),
        ("19 05 06", "scale 6"),
        ("13 0a", "precision 10"),
        ("16 00", "FixedString(0)"),
        ("12 02 ff fe", "not UTF-8"),
        ("30 01 00 00 00 00 00", "JSON type encoding version 1"),
        ("2c 03 'Foo'", "custom type name"),
        ("15 15", "1 bytes after the binary type String"),
        ("25 00 03 'sum' 01 ee 01 04", "field kind 0xee"),
    ];
    for (bytes, message) in cases {
        let err = DataType::from_binary(&hex(bytes)).expect_err(bytes);
        assert!(err.to_string().contains(message), "{bytes}: {err}");
    }
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let mut bytes = vec![code::ARRAY; 100_000];
    bytes.push(code::STRING);
    let err = DataType::from_binary(&bytes).unwrap_err();
    assert!(err.to_string().contains("deeper than"), "{err}");
    let mut ok = vec![code::ARRAY; 100];
    ok.push(code::STRING);
    assert!(DataType::from_binary(&ok).is_ok());
}

#[test]
fn aggregate_parameters_of_every_field_kind_become_literals() {
    // quantiles(0.5, -3, 'x', [1, 2], NULL, true, (1, 2), 1.50 as Decimal32(2))
    let mut bytes = hex("25 00 09 'quantiles' 08");
    bytes.extend(hex("07 00 00 00 00 00 00 e0 3f"));
    bytes.extend(hex("02 05")); // zigzag(-3) = 5
    bytes.extend(hex("0c 01 'x'"));
    bytes.extend(hex("0d 02 01 01 01 02"));
    bytes.extend(hex("00"));
    bytes.extend(hex("13 01"));
    bytes.extend(hex("0e 02 01 01 01 02"));
    bytes.extend(hex("08 02 96 00 00 00"));
    bytes.extend(hex("01 0e"));
    let t = DataType::from_binary(&bytes).unwrap();
    let DataType::AggregateFunction(f) = &t else {
        panic!("{t:?}")
    };
    assert_eq!(
        f.parameters,
        [
            "0.5", "-3", "'x'", "[1, 2]", "NULL", "true", "(1, 2)", "1.5"
        ]
    );
    // Every literal the text parser reads encodes back to the same fields.
    assert_eq!(DataType::from_binary(&t.to_binary().unwrap()).unwrap(), t);
    let t = ty(r"AggregateFunction(2, groupArray(0.5, -3, 'x\'y', [1, [2]]), UInt8)");
    assert_eq!(DataType::from_binary(&t.to_binary().unwrap()).unwrap(), t);
    // A parameter no type string holds (built by hand) is refused, not guessed.
    let word = DataType::AggregateFunction(Box::new(AggregateFunction {
        version: None,
        name: "f".into(),
        parameters: vec!["x".into()],
        arguments: vec![DataType::UInt8],
    }));
    let err = word.to_binary().unwrap_err();
    assert!(err.to_string().contains("not supported"), "{err}");
}
