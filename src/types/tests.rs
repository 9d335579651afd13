//! Offline tests of the type grammar: the hand list in `testdata/type_strings.tsv` and
//! malformed strings with the positions their errors must point at.

use super::*;

/// `(input, canonical, engines)` rows of the hand list.
pub(crate) fn hand_list() -> Vec<(&'static str, &'static str, &'static str)> {
    include_str!("../../testdata/type_strings.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let mut fields = line.split('\t');
            let mut next = || fields.next().expect("three tab-separated fields");
            (next(), next(), next())
        })
        .collect()
}

#[test]
fn hand_list_round_trips() {
    let list = hand_list();
    assert!(
        list.len() >= 150,
        "the hand list has {} entries",
        list.len()
    );
    for (input, canonical, _) in list {
        let parsed = DataType::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(parsed.to_string(), canonical, "input {input:?}");
        let again = DataType::parse(canonical).unwrap_or_else(|e| panic!("{canonical:?}: {e}"));
        assert_eq!(
            again, parsed,
            "canonical {canonical:?} parses to the same type"
        );
    }
}

#[test]
fn structure_is_what_the_text_says() {
    let t = DataType::parse("Map(String, Array(Tuple(a Int8, b Nullable(String))))").unwrap();
    let expected = DataType::Map(
        Box::new(DataType::String),
        Box::new(DataType::Array(Box::new(DataType::Tuple(vec![
            TupleElement {
                name: Some("a".into()),
                data_type: DataType::Int8,
            },
            TupleElement {
                name: Some("b".into()),
                data_type: DataType::Nullable(Box::new(DataType::String)),
            },
        ])))),
    );
    assert_eq!(t, expected);
    assert_eq!(
        DataType::parse("DateTime64(3, 'Asia/Tokyo')").unwrap(),
        DataType::DateTime64 {
            precision: 3,
            timezone: Some("Asia/Tokyo".into())
        }
    );
    assert_eq!(
        DataType::parse("Enum16('b' = -2, 'a' = 1000)").unwrap(),
        DataType::Enum16(vec![("b".into(), -2), ("a".into(), 1000)])
    );
    let agg = DataType::parse("AggregateFunction(1, quantiles(0.5, 0.9), Float64)").unwrap();
    assert_eq!(
        agg,
        DataType::AggregateFunction(Box::new(AggregateFunction {
            version: Some(1),
            name: "quantiles".into(),
            parameters: vec!["0.5".into(), "0.9".into()],
            arguments: vec![DataType::Float64],
        }))
    );
    assert!(
        DataType::parse("LowCardinality(Nullable(String))")
            .unwrap()
            .is_nullable()
    );
    assert_eq!(DataType::parse("Array(UInt8)").unwrap().family(), "Array");
}

#[test]
fn malformed_strings_point_at_the_problem() {
    let cases: &[(&str, usize, &str)] = &[
        ("", 0, "expected a type name"),
        ("Array(", 6, "expected a type name"),
        ("Array(UInt8", 11, "expected `)`"),
        ("Array(UInt8))", 12, "unexpected text after the type"),
        ("Strin", 0, "unknown data type family `Strin`"),
        ("Nullable(Foo)", 9, "unknown data type family `Foo`"),
        ("Map(String)", 10, "expected `,`"),
        ("FixedString(0)", 12, "FixedString size must be between 1"),
        ("FixedString", 0, "FixedString needs its size"),
        (
            "Decimal(77, 1)",
            8,
            "Decimal precision must be between 1 and 76",
        ),
        (
            "Decimal(10, 11)",
            12,
            "Decimal scale must be between 0 and 10",
        ),
        (
            "DateTime64(10)",
            11,
            "DateTime64 precision must be between 0 and 9",
        ),
        ("DateTime('UTC", 9, "unterminated quoted text"),
        ("Enum8('a' = 200)", 0, "exceeds the range of Enum8"),
        ("Enum8('a' = 1, 'a' = 2)", 0, "must be unique"),
        ("Enum8()", 0, "Enum data type cannot be empty"),
        ("Enum8(a = 1)", 6, "expected a string literal"),
        ("Nullable(Array(Int8))", 0, "cannot be inside Nullable"),
        ("Nullable(Nullable(Int8))", 0, "cannot be inside Nullable"),
        (
            "Tuple(Int8, a String)",
            0,
            "names are specified not for all elements",
        ),
        ("Tuple(a Int8, a String)", 0, "must be unique"),
        ("Variant()", 0, "Variant needs at least one type"),
        (
            "Dynamic(max_types=300)",
            18,
            "max_types must be between 0 and 254",
        ),
        ("Bool(1)", 0, "cannot have arguments"),
        ("UInt8 UInt8", 6, "unexpected text after the type"),
        ("Array(UInt8,)", 11, "expected `)`"),
        ("SimpleAggregateFunction(sum)", 0, "exactly one type"),
        (
            "AggregateFunction()",
            18,
            "expected an aggregate function name",
        ),
    ];
    for &(input, position, message) in cases {
        let err = DataType::parse(input).expect_err(input);
        assert!(
            err.message().contains(message),
            "{input:?}: message {:?} lacks {message:?}",
            err.message()
        );
        assert_eq!(err.position(), position, "{input:?}: {err}");
        assert_eq!(err.input(), input);
    }
}

#[test]
fn errors_never_panic_on_arbitrary_prefixes() {
    for (input, _, _) in hand_list() {
        for end in (0..input.len()).filter(|&i| input.is_char_boundary(i)) {
            // Every strict prefix either parses (e.g. `Array(UInt8)` -> `Array`) or fails cleanly.
            let _ = DataType::parse(&input[..end]);
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}UInt8{}", "Array(".repeat(100_000), ")".repeat(100_000));
    let err = DataType::parse(&deep).unwrap_err();
    assert!(err.message().contains("nested more than 128"), "{err}");
    let tuples = format!("{}UInt8{}", "Tuple(a ".repeat(200), ")".repeat(200));
    assert!(DataType::parse(&tuples).is_err());
    let fine = format!("{}UInt8{}", "Array(".repeat(100), ")".repeat(100));
    assert!(DataType::parse(&fine).is_ok());
}
