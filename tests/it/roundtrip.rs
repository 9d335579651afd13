//! Values of every family this release supports, both directions, against the engines.
//!
//! 1. Generated values (proptest, plus fixed edge values: empty strings, NUL and non-UTF-8 bytes,
//!    extreme integers, NaN and infinities, dates at the ends of their ranges, empty and deeply
//!    nested arrays, all-NULL columns) are inserted through the client and read back equal.
//! 2. Values the server generates are decoded and compared, cell by cell, with the server's own
//!    text of the same rows (`expect_tsv`, `expect_json`): a 39-column table on 26.9, a few
//!    columns on 18.16, and each of the 127 types of `testdata/roundtrip_types.txt` (TSV, and
//!    JSONEachRow for a top-level `Variant`, whose alternatives TSV prints alike); the 127 are
//!    then inserted back and read back equal.
//!
//! 18.16 lacks some families (declared in `LEGACY_UNSUPPORTED`): those run on 26.9 only.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use clickhouse_connect::types::TupleElement;
use clickhouse_connect::value::Decimal;
use clickhouse_connect::{Client, Compression, DataType, Value};
use ethnum::{I256, U256};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::common::{Server, client_for, engine, legacy, legacy_tcp};

/// Families 18.16 does not have.
const LEGACY_UNSUPPORTED: &[&str] = &[
    "Bool",
    "Int128",
    "UInt128",
    "Int256",
    "UInt256",
    "Date32",
    "DateTime64",
    "IPv4",
    "IPv6",
    "Map",
    "Decimal(76",
    "Variant",
    "Dynamic",
    "Time",
    "JSON",
    "Geometry",
];

fn legacy_supports(type_name: &str) -> bool {
    !LEGACY_UNSUPPORTED
        .iter()
        .any(|family| type_name.contains(family))
}

fn date(days: i64) -> Value {
    Value::Date(NaiveDate::default() + chrono::Duration::days(days))
}

fn date_time(tz: Tz, seconds: i64, nanos: u32) -> Value {
    Value::DateTime(tz.timestamp_opt(seconds, nanos).unwrap())
}

fn strings() -> BoxedStrategy<Value> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..24).prop_map(Value::String),
        "\\PC{0,12}".prop_map(Value::from),
    ]
    .boxed()
}

fn decimal(precision: u32, scale: u8) -> BoxedStrategy<Value> {
    let limit = 10i128.checked_pow(precision.min(38)).unwrap_or(i128::MAX) - 1;
    (-limit..=limit)
        .prop_map(move |m| Value::Decimal(Decimal::new(m, scale)))
        .boxed()
}

fn enum8() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Enum("low".into(), -128)),
        Just(Value::Enum("zero".into(), 0)),
        Just(Value::Enum("it's".into(), 127))
    ]
    .boxed()
}

/// One family: its type, how to generate values, fixed edge values.
struct Family {
    type_name: &'static str,
    values: BoxedStrategy<Value>,
    edges: Vec<Value>,
}

fn family(type_name: &'static str, values: BoxedStrategy<Value>, edges: Vec<Value>) -> Family {
    Family {
        type_name,
        values,
        edges,
    }
}

fn families() -> Vec<Family> {
    let utc = Tz::UTC;
    let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
    let s = |text: &str| Value::from(text);
    vec![
        family(
            "UInt8",
            any::<u8>().prop_map(Value::from).boxed(),
            vec![Value::UInt8(0), Value::UInt8(u8::MAX)],
        ),
        family(
            "UInt16",
            any::<u16>().prop_map(Value::from).boxed(),
            vec![Value::UInt16(u16::MAX)],
        ),
        family(
            "UInt32",
            any::<u32>().prop_map(Value::from).boxed(),
            vec![Value::UInt32(u32::MAX)],
        ),
        family(
            "UInt64",
            any::<u64>().prop_map(Value::from).boxed(),
            vec![Value::UInt64(u64::MAX)],
        ),
        family(
            "UInt128",
            any::<u128>().prop_map(Value::from).boxed(),
            vec![Value::UInt128(u128::MAX)],
        ),
        family(
            "UInt256",
            any::<[u8; 32]>()
                .prop_map(|b| Value::UInt256(U256::from_le_bytes(b)))
                .boxed(),
            vec![Value::UInt256(U256::MAX), Value::UInt256(U256::ZERO)],
        ),
        family(
            "Int8",
            any::<i8>().prop_map(Value::from).boxed(),
            vec![Value::Int8(i8::MIN), Value::Int8(i8::MAX)],
        ),
        family(
            "Int16",
            any::<i16>().prop_map(Value::from).boxed(),
            vec![Value::Int16(i16::MIN)],
        ),
        family(
            "Int32",
            any::<i32>().prop_map(Value::from).boxed(),
            vec![Value::Int32(i32::MIN)],
        ),
        family(
            "Int64",
            any::<i64>().prop_map(Value::from).boxed(),
            vec![Value::Int64(i64::MIN), Value::Int64(i64::MAX)],
        ),
        family(
            "Int128",
            any::<i128>().prop_map(Value::from).boxed(),
            vec![Value::Int128(i128::MIN)],
        ),
        family(
            "Int256",
            any::<[u8; 32]>()
                .prop_map(|b| Value::Int256(I256::from_le_bytes(b)))
                .boxed(),
            vec![Value::Int256(I256::MIN), Value::Int256(I256::MAX)],
        ),
        family(
            "Float32",
            any::<f32>().prop_map(Value::from).boxed(),
            vec![
                Value::Float32(f32::NAN),
                Value::Float32(f32::INFINITY),
                Value::Float32(f32::MIN_POSITIVE),
            ],
        ),
        family(
            "Float64",
            any::<f64>().prop_map(Value::from).boxed(),
            vec![
                Value::Float64(f64::NAN),
                Value::Float64(f64::NEG_INFINITY),
                Value::Float64(-0.0),
                Value::Float64(f64::MAX),
            ],
        ),
        family(
            "Bool",
            any::<bool>().prop_map(Value::from).boxed(),
            vec![Value::Bool(true)],
        ),
        family(
            "String",
            strings(),
            vec![
                s(""),
                Value::String(vec![0, 0, 0]),
                Value::String(vec![0xff, 0xfe, 0x80]),
                s("tab\tnew\nline'\\"),
            ],
        ),
        family(
            "FixedString(5)",
            proptest::collection::vec(any::<u8>(), 5)
                .prop_map(Value::String)
                .boxed(),
            vec![
                Value::String(vec![0; 5]),
                Value::String(b"ab\0\0\0".to_vec()),
            ],
        ),
        family(
            "Date",
            (0i64..=65535).prop_map(date).boxed(),
            vec![date(0), date(65535)],
        ),
        family(
            "Date32",
            (-25567i64..=120529).prop_map(date).boxed(),
            vec![date(-25567), date(120529)],
        ),
        family(
            "DateTime('UTC')",
            any::<u32>()
                .prop_map(move |s| date_time(utc, i64::from(s), 0))
                .boxed(),
            vec![date_time(utc, 0, 0), date_time(utc, i64::from(u32::MAX), 0)],
        ),
        family(
            "DateTime('Asia/Tokyo')",
            any::<u32>()
                .prop_map(move |s| date_time(tokyo, i64::from(s), 0))
                .boxed(),
            vec![date_time(tokyo, 0, 0)],
        ),
        family(
            "DateTime64(3, 'UTC')",
            (-2_208_988_800_000i64..=10_413_791_999_999)
                .prop_map(move |ms| {
                    date_time(
                        utc,
                        ms.div_euclid(1000),
                        (ms.rem_euclid(1000) * 1_000_000) as u32,
                    )
                })
                .boxed(),
            vec![
                date_time(utc, -2_208_988_800, 0),
                date_time(utc, 10_413_791_999, 999_000_000),
            ],
        ),
        family(
            "DateTime64(9, 'Asia/Tokyo')",
            (-9_000_000_000i64..=9_000_000_000, 0u32..1_000_000_000)
                .prop_map(move |(s, ns)| date_time(tokyo, s, ns))
                .boxed(),
            vec![date_time(tokyo, 0, 1)],
        ),
        family(
            "UUID",
            any::<u128>()
                .prop_map(|u| Value::Uuid(uuid::Uuid::from_u128(u)))
                .boxed(),
            vec![
                Value::Uuid(uuid::Uuid::nil()),
                Value::Uuid(uuid::Uuid::max()),
            ],
        ),
        family(
            "Decimal(9, 2)",
            decimal(9, 2),
            vec![Value::Decimal(Decimal::new(-999_999_999, 2))],
        ),
        family(
            "Decimal(18, 4)",
            decimal(18, 4),
            vec![Value::Decimal(Decimal::new(999_999_999_999_999_999i64, 4))],
        ),
        family(
            "Decimal(38, 10)",
            decimal(38, 10),
            vec![Value::Decimal(Decimal::new(-(10i128.pow(38) - 1), 10))],
        ),
        family(
            "Decimal(76, 20)",
            decimal(38, 20),
            vec![Value::Decimal(Decimal::new(I256::new(10).pow(76) - 1, 20))],
        ),
        family(
            "Enum8('low' = -128, 'zero' = 0, 'it\\'s' = 127)",
            enum8(),
            vec![],
        ),
        family(
            "Enum16('a' = -32768, 'b' = 32767)",
            prop_oneof![
                Just(Value::Enum("a".into(), -32768)),
                Just(Value::Enum("b".into(), 32767))
            ]
            .boxed(),
            vec![],
        ),
        family(
            "IPv4",
            any::<u32>().prop_map(|ip| Value::Ipv4(ip.into())).boxed(),
            vec![Value::Ipv4(std::net::Ipv4Addr::new(255, 255, 255, 255))],
        ),
        family(
            "IPv6",
            any::<u128>().prop_map(|ip| Value::Ipv6(ip.into())).boxed(),
            vec![Value::Ipv6(std::net::Ipv6Addr::LOCALHOST)],
        ),
        family(
            "Nullable(String)",
            proptest::option::of(strings())
                .prop_map(Value::from)
                .boxed(),
            vec![Value::Null, s("")],
        ),
        family(
            "Nullable(Int32)",
            proptest::option::of(any::<i32>())
                .prop_map(Value::from)
                .boxed(),
            vec![Value::Null, Value::Null, Value::Null],
        ),
        family(
            "Array(UInt8)",
            proptest::collection::vec(any::<u8>(), 0..6)
                .prop_map(Value::array)
                .boxed(),
            vec![Value::Array(vec![])],
        ),
        family(
            "Array(Nullable(Int8))",
            proptest::collection::vec(proptest::option::of(any::<i8>()), 0..5)
                .prop_map(Value::array)
                .boxed(),
            vec![Value::Array(vec![Value::Null])],
        ),
        family(
            "Array(Array(Array(String)))",
            proptest::collection::vec(
                proptest::collection::vec(
                    proptest::collection::vec(strings(), 0..3).prop_map(Value::Array),
                    0..3,
                )
                .prop_map(Value::Array),
                0..3,
            )
            .prop_map(Value::Array)
            .boxed(),
            vec![
                Value::Array(vec![]),
                Value::Array(vec![Value::Array(vec![])]),
                Value::Array(vec![Value::Array(vec![Value::Array(vec![])])]),
            ],
        ),
        family(
            "Map(String, UInt64)",
            proptest::collection::btree_map("[a-z]{0,4}", any::<u64>(), 0..4)
                .prop_map(|m| {
                    Value::Map(
                        m.into_iter()
                            .map(|(k, v)| (Value::from(k), Value::from(v)))
                            .collect(),
                    )
                })
                .boxed(),
            vec![Value::Map(vec![])],
        ),
        family(
            "Map(UInt8, Array(Nullable(String)))",
            proptest::collection::btree_map(
                any::<u8>(),
                proptest::collection::vec(proptest::option::of(strings()), 0..3),
                0..3,
            )
            .prop_map(|m| {
                Value::Map(
                    m.into_iter()
                        .map(|(k, v)| {
                            (
                                Value::from(k),
                                Value::Array(v.into_iter().map(Value::from).collect()),
                            )
                        })
                        .collect(),
                )
            })
            .boxed(),
            vec![],
        ),
        family(
            "Tuple(UInt8, String)",
            (any::<u8>(), strings())
                .prop_map(|(a, b)| Value::Tuple(vec![Value::from(a), b]))
                .boxed(),
            vec![],
        ),
        family(
            "Tuple(a Int32, b Nullable(String), c Array(UInt16))",
            (
                any::<i32>(),
                proptest::option::of(strings()),
                proptest::collection::vec(any::<u16>(), 0..3),
            )
                .prop_map(|(a, b, c)| {
                    Value::Tuple(vec![Value::from(a), Value::from(b), Value::array(c)])
                })
                .boxed(),
            vec![],
        ),
        family(
            "LowCardinality(String)",
            prop_oneof![Just(s("red")), Just(s("green")), Just(s("")), strings()].boxed(),
            vec![s("")],
        ),
        family(
            "LowCardinality(Nullable(String))",
            prop_oneof![Just(Value::Null), Just(s("x")), Just(s("")), strings()].boxed(),
            vec![Value::Null, s(""), Value::Null],
        ),
        family(
            "Time",
            (-3_599_999i64..=3_599_999)
                .prop_map(|s| Value::Time(chrono::TimeDelta::seconds(s)))
                .boxed(),
            vec![
                Value::Time(chrono::TimeDelta::zero()),
                Value::Time(chrono::TimeDelta::seconds(-1)),
            ],
        ),
        family(
            "Time64(3)",
            (-3_599_999_999i64..=3_599_999_999)
                .prop_map(|ms| Value::Time(chrono::TimeDelta::milliseconds(ms)))
                .boxed(),
            vec![Value::Time(chrono::TimeDelta::milliseconds(1))],
        ),
        family(
            "Variant(String, UInt64, Array(UInt8))",
            prop_oneof![
                Just(Value::Null),
                any::<u64>().prop_map(Value::from),
                strings(),
                proptest::collection::vec(any::<u8>(), 0..4).prop_map(Value::array),
            ]
            .boxed(),
            vec![Value::Null, Value::UInt64(0), s("")],
        ),
        family(
            "Dynamic",
            prop_oneof![
                Just(Value::Null),
                any::<i64>().prop_map(Value::from),
                "[a-z]{0,6}".prop_map(Value::from),
                any::<bool>().prop_map(Value::from),
                proptest::collection::vec(any::<u32>(), 1..4).prop_map(Value::array),
            ]
            .boxed(),
            vec![Value::Null, Value::Int64(i64::MIN), s("")],
        ),
        family(
            "JSON",
            (any::<i32>(), "[a-z]{0,5}")
                .prop_map(|(n, t)| {
                    Value::Json(serde_json::json!({"n": n, "t": t, "nested": {"k": [n]}}))
                })
                .boxed(),
            vec![Value::Json(serde_json::json!({}))],
        ),
        family(
            "Geometry",
            prop_oneof![
                (any::<i16>(), any::<i16>()).prop_map(|(x, y)| Value::Tuple(vec![
                    Value::Float64(f64::from(x)),
                    Value::Float64(f64::from(y))
                ])),
                Just(Value::Null),
            ]
            .boxed(),
            vec![],
        ),
        family(
            "Map(String, Dynamic)",
            proptest::collection::btree_map("[a-z]{1,3}", any::<i32>(), 0..3)
                .prop_map(|m| {
                    Value::Map(
                        m.into_iter()
                            .map(|(k, v)| (Value::from(k), Value::from(v)))
                            .collect(),
                    )
                })
                .boxed(),
            vec![],
        ),
        family(
            "Array(LowCardinality(String))",
            proptest::collection::vec(prop_oneof![Just(s("a")), Just(s("b")), strings()], 0..4)
                .prop_map(Value::Array)
                .boxed(),
            vec![Value::Array(vec![])],
        ),
    ]
}

/// Equality that treats NaN as equal to NaN and compares date-times as instants.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float32(x), Value::Float32(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        (Value::Float64(x), Value::Float64(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        (Value::Array(x), Value::Array(y)) | (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| same(k1, k2) && same(v1, v2))
        }
        _ => a == b,
    }
}

async fn round_trip(client: &Client, table: &str, values: &[Value]) -> Result<(), String> {
    client
        .command(format!("TRUNCATE TABLE {table}"))
        .await
        .map_err(|e| e.to_string())?;
    let rows = values
        .iter()
        .enumerate()
        .map(|(i, v)| vec![Value::from(i as u32), v.clone()])
        .collect::<Vec<_>>();
    client
        .insert(table, &["i", "v"], rows)
        .await
        .map_err(|e| format!("insert: {e}"))?;
    let result = client
        .query(format!("SELECT v FROM {table} ORDER BY i"))
        .await
        .map_err(|e| e.to_string())?;
    let back: Vec<Value> = result
        .result_columns()
        .into_iter()
        .next()
        .unwrap_or_default();
    if back.len() != values.len() {
        return Err(format!("{} values in, {} out", values.len(), back.len()));
    }
    for (i, (sent, got)) in values.iter().zip(&back).enumerate() {
        if !same(sent, got) {
            return Err(format!("value {i}: sent {sent:?}, read back {got:?}"));
        }
    }
    Ok(())
}

async fn run_families(server: &Server, compression: Compression, cases: u32) {
    let client = client_for(server, compression);
    let db = server.fresh_database("roundtrip").await;
    let legacy = !server.name.contains("26.9");
    let runtime = tokio::runtime::Handle::current();
    for family in families() {
        if legacy && !legacy_supports(family.type_name) {
            continue;
        }
        let parsed = DataType::parse(family.type_name).expect("a valid type");
        let table = format!("{db}.t_{}", parsed.family().to_lowercase());
        client
            .command(format!("DROP TABLE IF EXISTS {table}"))
            .await
            .unwrap();
        let create = format!(
            "CREATE TABLE {table} (i UInt32, v {}) ENGINE = Memory",
            family.type_name
        );
        if legacy {
            // Through the HTTP helper: 18.16 over TCP takes no per-query settings.
            server
                .run(&create, &[("allow_experimental_low_cardinality_type", "1")])
                .await;
        } else {
            client
                .command(create)
                .setting("enable_time_time64_type", 1)
                .await
                .unwrap_or_else(|e| panic!("{}: create {}: {e}", server.name, family.type_name));
        }
        if !family.edges.is_empty() {
            round_trip(&client, &table, &family.edges)
                .await
                .unwrap_or_else(|e| panic!("{}: {} edges: {e}", server.name, family.type_name));
        }
        // proptest drives a synchronous closure; the round trip runs on this runtime's thread pool.
        let strategy = proptest::collection::vec(family.values.clone(), 0..40);
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        let outcome = tokio::task::block_in_place(|| {
            runner.run(&strategy, |values| {
                runtime
                    .block_on(round_trip(&client, &table, &values))
                    .map_err(TestCaseError::fail)
            })
        });
        if let Err(e) = outcome {
            panic!("{}: {}: {e}", server.name, family.type_name);
        }
    }
    client.command(format!("DROP DATABASE {db}")).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_values_round_trip_on_26_9() {
    run_families(&engine().await, Compression::Lz4, 12).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_values_round_trip_on_18_16() {
    run_families(&legacy().await, Compression::Lz4, 8).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_values_round_trip_on_18_16_over_tcp() {
    run_families(&legacy_tcp().await, Compression::Lz4, 8).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_values_round_trip_over_tcp_uncompressed() {
    run_families(&legacy_tcp().await, Compression::None, 3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_values_round_trip_uncompressed() {
    run_families(&engine().await, Compression::None, 3).await;
}

// ---------------------------------------------------------------------------------------------
// The engine's own text of the rows, compared with the decoded values.
//
// The comparison walks the column type, the decoded value and the engine's bytes together.
// Everything the engine prints in one exact way (integers, strings byte for byte with the TSV
// escapes, dates, date-times with the type's sub-second digits, times, UUIDs, addresses, enum
// labels, `true`/`false`) must be printed exactly so; floats are parsed from the engine's text
// and compared by bits (NaN equal to NaN); decimals are parsed and compared by value.

/// A format in which the engine's text pins a value down.
#[derive(Clone, Copy, Debug, PartialEq)]
enum TextFormat {
    Tsv,
    JsonEachRow,
}

/// TSV, except for a `Variant` at the top of a cell: there TSV prints a String `1` like a UInt64
/// `1`, a String `[]` like an empty array, a Float64 `1` like an Int32 `1`. JSONEachRow quotes
/// strings and (with `output_format_json_quote_64bit_floats`) floats, leaving integers bare.
/// Inside arrays, tuples and maps TSV quotes strings, so a nested `Variant` stays in TSV.
fn text_format(data_type: &DataType) -> TextFormat {
    match data_type.stored() {
        DataType::Variant(_) => TextFormat::JsonEachRow,
        _ => TextFormat::Tsv,
    }
}

/// Settings that make the JSONEachRow text exact: 64-bit integers bare (so they differ from
/// strings), floats and decimals quoted (so they are parsed exactly here, not by serde_json).
const JSON_TEXT_SETTINGS: &[(&str, &str)] = &[
    ("output_format_json_quote_64bit_integers", "0"),
    ("output_format_json_quote_64bit_floats", "1"),
    ("output_format_json_quote_decimals", "1"),
    ("output_format_json_quote_denormals", "1"),
];

fn snippet(text: &[u8]) -> String {
    let shown = &text[..text.len().min(60)];
    format!("{:?}", String::from_utf8_lossy(shown))
}

fn expect_literal<'t>(text: &'t [u8], literal: &[u8]) -> Result<&'t [u8], String> {
    text.strip_prefix(literal).ok_or_else(|| {
        format!(
            "expected {:?}, the engine printed {}",
            String::from_utf8_lossy(literal),
            snippet(text)
        )
    })
}

/// ClickHouse's escapes in TSV cells and in quoted strings inside them.
fn escape_into(bytes: &[u8], out: &mut Vec<u8>) {
    for &b in bytes {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\'' => out.extend_from_slice(b"\\'"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\0' => out.extend_from_slice(b"\\0"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b => out.push(b),
        }
    }
}

fn not_of_type(value: &Value, data_type: &DataType) -> String {
    format!("decoded {value:?}, which is not a value of {data_type}")
}

/// Sub-second digits as the engine prints them for `precision`; digits past it must be zero.
fn fraction(nanos: u32, precision: u8) -> Result<String, String> {
    let precision = u32::from(precision.min(9));
    let unit = 10u32.pow(9 - precision);
    if nanos % unit != 0 {
        return Err(format!(
            "{nanos} ns has more than {precision} sub-second digits"
        ));
    }
    Ok(if precision == 0 {
        String::new()
    } else {
        format!(".{:0width$}", nanos / unit, width = precision as usize)
    })
}

fn time_text(delta: &chrono::TimeDelta, precision: u8) -> Result<String, String> {
    let sign = if *delta < chrono::TimeDelta::zero() {
        "-"
    } else {
        ""
    };
    let d = delta.abs();
    let seconds = d.num_seconds();
    Ok(format!(
        "{sign}{:02}:{:02}:{:02}{}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        fraction(d.subsec_nanos() as u32, precision)?
    ))
}

/// The instant in the column's zone (the zone the engine prints in; a column without one prints
/// in the server's zone, which the client gives such values), with the type's sub-second digits.
fn date_time_text(
    t: &chrono::DateTime<Tz>,
    zone: Option<&str>,
    precision: u8,
) -> Result<String, String> {
    let local = match zone {
        Some(zone) => {
            let zone: Tz = zone.parse().map_err(|e| format!("zone {zone}: {e}"))?;
            t.with_timezone(&zone)
        }
        None => *t,
    };
    Ok(format!(
        "{}{}",
        local.format("%Y-%m-%d %H:%M:%S"),
        fraction(t.timestamp_subsec_nanos(), precision)?
    ))
}

fn enum_text<V: Copy + Into<i16>>(
    items: &[(String, V)],
    label: &str,
    number: i16,
) -> Option<Vec<u8>> {
    items
        .iter()
        .any(|(l, v)| l == label && (*v).into() == number)
        .then(|| label.as_bytes().to_vec())
}

/// The exact text of a value that prints one way only, unquoted, and whether it is quoted
/// inside arrays, tuples and maps. `Err` when the value is not one of `data_type`.
fn scalar_text(data_type: &DataType, value: &Value) -> Result<(Vec<u8>, bool), String> {
    let plain = |text: String| Ok((text.into_bytes(), false));
    let quoted = |text: String| Ok((text.into_bytes(), true));
    match (data_type, value) {
        (DataType::Bool, Value::Bool(v)) => plain(v.to_string()),
        (DataType::UInt8, Value::UInt8(v)) => plain(v.to_string()),
        (DataType::UInt16, Value::UInt16(v)) => plain(v.to_string()),
        (DataType::UInt32, Value::UInt32(v)) => plain(v.to_string()),
        (DataType::UInt64, Value::UInt64(v)) => plain(v.to_string()),
        (DataType::UInt128, Value::UInt128(v)) => plain(v.to_string()),
        (DataType::UInt256, Value::UInt256(v)) => plain(v.to_string()),
        (DataType::Int8, Value::Int8(v)) => plain(v.to_string()),
        (DataType::Int16, Value::Int16(v)) => plain(v.to_string()),
        (DataType::Int32, Value::Int32(v)) => plain(v.to_string()),
        (DataType::Int64, Value::Int64(v)) | (DataType::Interval(_), Value::Int64(v)) => {
            plain(v.to_string())
        }
        (DataType::Int128, Value::Int128(v)) => plain(v.to_string()),
        (DataType::Int256, Value::Int256(v)) => plain(v.to_string()),
        (DataType::String, Value::String(bytes)) => Ok((bytes.clone(), true)),
        (DataType::FixedString(n), Value::String(bytes)) if bytes.len() == *n => {
            Ok((bytes.clone(), true))
        }
        (DataType::Enum8(items), Value::Enum(label, n)) => enum_text(items, label, *n)
            .map(|t| (t, true))
            .ok_or_else(|| not_of_type(value, data_type)),
        (DataType::Enum16(items), Value::Enum(label, n)) => enum_text(items, label, *n)
            .map(|t| (t, true))
            .ok_or_else(|| not_of_type(value, data_type)),
        (DataType::Date | DataType::Date32, Value::Date(d)) => {
            quoted(d.format("%Y-%m-%d").to_string())
        }
        (DataType::DateTime { timezone }, Value::DateTime(t)) => {
            quoted(date_time_text(t, timezone.as_deref(), 0)?)
        }
        (
            DataType::DateTime64 {
                precision,
                timezone,
            },
            Value::DateTime(t),
        ) => quoted(date_time_text(t, timezone.as_deref(), *precision)?),
        (DataType::Time, Value::Time(d)) => quoted(time_text(d, 0)?),
        (DataType::Time64 { precision }, Value::Time(d)) => quoted(time_text(d, *precision)?),
        (DataType::Uuid, Value::Uuid(u)) => quoted(u.to_string()),
        (DataType::IPv4, Value::Ipv4(ip)) => quoted(ip.to_string()),
        (DataType::IPv6, Value::Ipv6(ip)) => quoted(ip.to_string()),
        _ => Err(not_of_type(value, data_type)),
    }
}

/// The engine's float text, parsed as the column's own width (not via f64: no double rounding),
/// compared by bits; NaN equals NaN (the engine prints every NaN as `nan`).
fn float_matches(data_type: &DataType, value: &Value, text: &str) -> Result<(), String> {
    let nan = matches!(text, "nan" | "-nan" | "+nan");
    let bad = |e: String| format!("the engine printed {text:?} for {value:?}: {e}");
    match (data_type, value) {
        (DataType::Float32 | DataType::BFloat16, Value::Float32(ours)) => {
            if *data_type == DataType::BFloat16 && ours.to_bits() & 0xffff != 0 {
                return Err(format!("{ours:?} is not a BFloat16"));
            }
            let theirs = if nan {
                f32::NAN
            } else {
                text.parse::<f32>().map_err(|e| bad(e.to_string()))?
            };
            (ours.to_bits() == theirs.to_bits() || ours.is_nan() && theirs.is_nan())
                .then_some(())
                .ok_or_else(|| bad(format!("that is {theirs:?}")))
        }
        (DataType::Float64, Value::Float64(ours)) => {
            let theirs = if nan {
                f64::NAN
            } else {
                text.parse::<f64>().map_err(|e| bad(e.to_string()))?
            };
            (ours.to_bits() == theirs.to_bits() || ours.is_nan() && theirs.is_nan())
                .then_some(())
                .ok_or_else(|| bad(format!("that is {theirs:?}")))
        }
        _ => Err(not_of_type(value, data_type)),
    }
}

/// The engine's decimal text compared by value with the decoded decimal, which must carry the
/// type's scale.
fn decimal_matches(data_type: &DataType, value: &Value, text: &str) -> Result<(), String> {
    match (data_type, value) {
        (DataType::Decimal { scale, .. }, Value::Decimal(ours)) if ours.scale() == *scale => {
            let theirs: Decimal = text
                .parse()
                .map_err(|e| format!("the engine printed {text:?}: {e}"))?;
            (theirs.rescale(ours.scale()) == Some(*ours))
                .then_some(())
                .ok_or_else(|| format!("the engine printed {text:?}, decoded {ours}"))
        }
        _ => Err(not_of_type(value, data_type)),
    }
}

fn point() -> DataType {
    DataType::Tuple(vec![
        TupleElement {
            name: None,
            data_type: DataType::Float64,
        };
        2
    ])
}

/// The element type of a type whose values are arrays: `Array`, `Nested` and the array-shaped
/// geo types.
fn array_element(data_type: &DataType) -> Option<DataType> {
    let array_of = |t: DataType| DataType::Array(Box::new(t));
    Some(match data_type {
        DataType::Array(inner) => (**inner).clone(),
        DataType::Nested(fields) => DataType::Tuple(
            fields
                .iter()
                .map(|f| TupleElement {
                    name: Some(f.name.clone()),
                    data_type: f.data_type.clone(),
                })
                .collect(),
        ),
        DataType::Ring | DataType::LineString | DataType::MultiPoint => point(),
        DataType::Polygon | DataType::MultiLineString => array_of(point()),
        DataType::MultiPolygon => array_of(array_of(point())),
        _ => return None,
    })
}

/// The element types of a type whose values are tuples.
fn tuple_elements(data_type: &DataType) -> Option<Vec<DataType>> {
    match data_type {
        DataType::Tuple(elements) => Some(elements.iter().map(|e| e.data_type.clone()).collect()),
        DataType::Point => Some(vec![DataType::Float64; 2]),
        _ => None,
    }
}

/// Which alternative of a `Variant` the decoded value is, by the shape of the value; a value
/// that fits none, or more than one, is an error.
fn variant_alternative<'a>(
    alternatives: &'a [DataType],
    value: &Value,
) -> Result<&'a DataType, String> {
    fn fits(t: &DataType, v: &Value) -> bool {
        match (t.stored(), v) {
            (DataType::Nullable(_), Value::Null) => true,
            (DataType::Nullable(inner) | DataType::LowCardinality(inner), v) => fits(inner, v),
            (t, Value::Array(_)) => array_element(t).is_some(),
            (t, Value::Tuple(_)) => tuple_elements(t).is_some(),
            (DataType::Map(..), Value::Map(_)) => true,
            (DataType::Float32 | DataType::BFloat16, Value::Float32(_))
            | (DataType::Float64, Value::Float64(_))
            | (DataType::Decimal { .. }, Value::Decimal(_)) => true,
            (t, v) => scalar_text(t, v).is_ok(),
        }
    }
    let mut matching = alternatives.iter().filter(|t| fits(t, value));
    match (matching.next(), matching.next()) {
        (Some(t), None) => Ok(t),
        (None, _) => Err(format!(
            "decoded {value:?}, which is no alternative of the Variant"
        )),
        (Some(a), Some(b)) => Err(format!("decoded {value:?} fits both {a} and {b}")),
    }
}

/// Checks that `text` begins with the engine's TSV text of `value`, a value of `data_type`, and
/// returns the rest. `nested`: inside an array, tuple or map (strings quoted, NULL as `NULL`).
fn expect_tsv<'t>(
    data_type: &DataType,
    value: &Value,
    text: &'t [u8],
    nested: bool,
) -> Result<&'t [u8], String> {
    let data_type = data_type.stored();
    let null: &[u8] = if nested { b"NULL" } else { b"\\N" };
    // Floats and decimals: the text up to the next delimiter (a whole cell at the top level).
    let token = |text: &'t [u8]| -> Result<(&'t str, &'t [u8]), String> {
        let end = if nested {
            text.iter()
                .position(|b| b",)]}:".contains(b))
                .unwrap_or(text.len())
        } else {
            text.len()
        };
        let (token, rest) = text.split_at(end);
        let token = std::str::from_utf8(token).map_err(|_| snippet(token))?;
        Ok((token, rest))
    };
    match (data_type, value) {
        (DataType::Nullable(_) | DataType::Nothing | DataType::Variant(_), Value::Null) => {
            expect_literal(text, null)
        }
        (DataType::Nullable(inner) | DataType::LowCardinality(inner), _) => {
            expect_tsv(inner, value, text, nested)
        }
        (DataType::Variant(alternatives), _) => expect_tsv(
            variant_alternative(alternatives, value)?,
            value,
            text,
            nested,
        ),
        (DataType::Float32 | DataType::BFloat16 | DataType::Float64, _) => {
            let (token, rest) = token(text)?;
            float_matches(data_type, value, token)?;
            Ok(rest)
        }
        (DataType::Decimal { .. }, _) => {
            let (token, rest) = token(text)?;
            decimal_matches(data_type, value, token)?;
            Ok(rest)
        }
        (_, Value::Array(items)) => {
            let element = array_element(data_type).ok_or_else(|| not_of_type(value, data_type))?;
            let mut rest = expect_literal(text, b"[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    rest = expect_literal(rest, b",")?;
                }
                rest = expect_tsv(&element, item, rest, true)?;
            }
            expect_literal(rest, b"]")
        }
        (_, Value::Tuple(items)) => {
            let elements = tuple_elements(data_type)
                .filter(|e| e.len() == items.len())
                .ok_or_else(|| not_of_type(value, data_type))?;
            let mut rest = expect_literal(text, b"(")?;
            for (i, (element, item)) in elements.iter().zip(items).enumerate() {
                if i > 0 {
                    rest = expect_literal(rest, b",")?;
                }
                rest = expect_tsv(element, item, rest, true)?;
            }
            expect_literal(rest, b")")
        }
        (DataType::Map(key_type, value_type), Value::Map(pairs)) => {
            let mut rest = expect_literal(text, b"{")?;
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    rest = expect_literal(rest, b",")?;
                }
                rest = expect_tsv(key_type, k, rest, true)?;
                rest = expect_literal(rest, b":")?;
                rest = expect_tsv(value_type, v, rest, true)?;
            }
            expect_literal(rest, b"}")
        }
        _ => {
            let (raw, quoted) = scalar_text(data_type, value)?;
            let mut expected = Vec::with_capacity(raw.len() + 2);
            let quote = nested && quoted;
            if quote {
                expected.push(b'\'');
            }
            escape_into(&raw, &mut expected);
            if quote {
                expected.push(b'\'');
            }
            expect_literal(text, &expected)
        }
    }
}

/// Checks one JSONEachRow value (read with [`JSON_TEXT_SETTINGS`]) against the decoded value:
/// strings and text-like values must be JSON strings, integers bare JSON integers, floats and
/// decimals quoted (and parsed here, exactly).
fn expect_json(
    data_type: &DataType,
    value: &Value,
    json: &serde_json::Value,
) -> Result<(), String> {
    use serde_json::Value as J;
    let data_type = data_type.stored();
    let unexpected = || format!("decoded {value:?}, the engine printed {json}");
    match (data_type, value, json) {
        (
            DataType::Nullable(_) | DataType::Nothing | DataType::Variant(_),
            Value::Null,
            J::Null,
        ) => Ok(()),
        (DataType::Nullable(inner) | DataType::LowCardinality(inner), _, _) => {
            expect_json(inner, value, json)
        }
        (DataType::Variant(alternatives), _, _) => {
            expect_json(variant_alternative(alternatives, value)?, value, json)
        }
        (DataType::Float32 | DataType::BFloat16 | DataType::Float64, _, J::String(text)) => {
            float_matches(data_type, value, text)
        }
        (DataType::Decimal { .. }, _, J::String(text)) => decimal_matches(data_type, value, text),
        (_, Value::Array(items), J::Array(texts)) => {
            let element = array_element(data_type).ok_or_else(|| not_of_type(value, data_type))?;
            if items.len() != texts.len() {
                return Err(unexpected());
            }
            items
                .iter()
                .zip(texts)
                .try_for_each(|(item, text)| expect_json(&element, item, text))
        }
        (_, Value::Tuple(items), J::Array(texts)) => {
            let elements = tuple_elements(data_type)
                .filter(|e| e.len() == items.len() && texts.len() == items.len())
                .ok_or_else(unexpected)?;
            elements
                .iter()
                .zip(items.iter().zip(texts))
                .try_for_each(|(element, (item, text))| expect_json(element, item, text))
        }
        (DataType::Tuple(elements), Value::Tuple(items), J::Object(fields))
            if elements.len() == items.len() && fields.len() == items.len() =>
        {
            elements.iter().zip(items).try_for_each(|(element, item)| {
                let name = element.name.as_deref().ok_or_else(unexpected)?;
                expect_json(
                    &element.data_type,
                    item,
                    fields.get(name).ok_or_else(unexpected)?,
                )
            })
        }
        (DataType::Bool, Value::Bool(ours), J::Bool(theirs)) if ours == theirs => Ok(()),
        // Text-like values are JSON strings, integers bare JSON integers.
        (_, _, J::String(_) | J::Number(_)) => {
            let (raw, quoted) =
                scalar_text(data_type, value).map_err(|e| format!("{}: {e}", unexpected()))?;
            let same = match json {
                J::String(text) => quoted && raw == text.as_bytes(),
                J::Number(n) => {
                    !quoted && (n.is_u64() || n.is_i64()) && raw == n.to_string().as_bytes()
                }
                _ => false,
            };
            same.then_some(()).ok_or_else(unexpected)
        }
        _ => Err(unexpected()),
    }
}

/// Compares the decoded column `values` of type `type_name` with the engine's own text of the
/// same `select` (same settings), row by row. Panics naming the type, the row, the decoded value
/// and the engine's text.
async fn compare_with_engine_text(
    server: &Server,
    type_name: &str,
    data_type: &DataType,
    select: &str,
    settings: &[(&str, &str)],
    values: &[Value],
) -> TextFormat {
    let format = text_format(data_type);
    let mut params = settings.to_vec();
    let sql = match format {
        TextFormat::Tsv => format!("{select} FORMAT TSV"),
        TextFormat::JsonEachRow => {
            params.extend_from_slice(JSON_TEXT_SETTINGS);
            format!("{select} FORMAT JSONEachRow")
        }
    };
    let response = server.post(&params, sql.clone()).await;
    assert_eq!(
        response.status,
        200,
        "{type_name}: `{sql}`: {}",
        response.text()
    );
    let body = response.body;
    let lines: Vec<&[u8]> = body
        .strip_suffix(b"\n")
        .unwrap_or(&body)
        .split(|&b| b == b'\n')
        .collect();
    assert_eq!(
        lines.len(),
        values.len(),
        "{type_name}: rows in the engine's {format:?} text"
    );
    for (row, (value, line)) in values.iter().zip(&lines).enumerate() {
        let outcome = match format {
            TextFormat::Tsv => expect_tsv(data_type, value, line, false).and_then(|rest| {
                rest.is_empty()
                    .then_some(())
                    .ok_or_else(|| format!("the engine printed more: {}", snippet(rest)))
            }),
            TextFormat::JsonEachRow => serde_json::from_slice::<serde_json::Value>(line)
                .map_err(|e| e.to_string())
                .and_then(|object| {
                    let cell = object.get("v").ok_or("no column `v`")?;
                    expect_json(data_type, value, cell)
                }),
        };
        if let Err(reason) = outcome {
            panic!(
                "{type_name}: row {row}: decoded {value:?}, the engine's {format:?} text is {:?}: {reason}",
                String::from_utf8_lossy(line)
            );
        }
    }
    format
}

async fn compare_with_text(server: &Server, select: &str) {
    let client = client_for(server, Compression::Lz4);
    let result = client
        .query(select)
        .await
        .unwrap_or_else(|e| panic!("{}: {select}: {e}", server.name));
    let response = server.post(&[], format!("{select} FORMAT TSV")).await;
    assert_eq!(response.status, 200, "{}: {}", server.name, response.text());
    let body = response.body;
    let lines: Vec<&[u8]> = body
        .strip_suffix(b"\n")
        .unwrap_or(&body)
        .split(|&b| b == b'\n')
        .collect();
    assert_eq!(
        lines.len(),
        result.row_count(),
        "{}: row count",
        server.name
    );
    assert!(
        result.row_count() > 0,
        "{}: no rows to compare",
        server.name
    );
    for (row, (values, line)) in result.rows().zip(&lines).enumerate() {
        let values = values.values();
        let cells: Vec<&[u8]> = line.split(|&b| b == b'\t').collect();
        assert_eq!(cells.len(), values.len(), "{}: row {row}", server.name);
        for (i, (value, cell)) in values.iter().zip(&cells).enumerate() {
            let name = &result.column_names()[i];
            let data_type = &result.column_types()[i];
            let outcome = expect_tsv(data_type, value, cell, false).and_then(|rest| {
                rest.is_empty()
                    .then_some(())
                    .ok_or_else(|| format!("the engine printed more: {}", snippet(rest)))
            });
            if let Err(reason) = outcome {
                panic!(
                    "{}: column {name} ({data_type}), row {row}: decoded {value:?}, the engine printed {:?}: {reason}",
                    server.name,
                    String::from_utf8_lossy(cell)
                );
            }
        }
    }
}

/// The comparison itself, without an engine: texts that differ from the decoded value in any
/// way that matters are refused, also where two values print alike in a careless renderer.
#[test]
fn the_text_comparison_refuses_what_differs() {
    let ty = |t: &str| DataType::parse(t).unwrap();
    let tsv = |t: &str, v: &Value, text: &[u8]| {
        expect_tsv(&ty(t), v, text, false).and_then(|rest| {
            rest.is_empty()
                .then_some(())
                .ok_or_else(|| format!("more: {}", snippet(rest)))
        })
    };
    let json = |t: &str, v: &Value, text: &str| {
        expect_json(&ty(t), v, &serde_json::from_str(text).unwrap())
    };
    // Strings byte for byte, with the engine's escapes, quoted inside arrays.
    let bytes = Value::String(b"a\tb'\\\0\xff\n".to_vec());
    assert_eq!(tsv("String", &bytes, b"a\\tb\\'\\\\\\0\xff\\n"), Ok(()));
    assert!(tsv("String", &bytes, b"a\\tb'\\\\\\0\xff\\n").is_err());
    assert!(tsv("String", &bytes, "a\\tb\\'\\\\\\0\u{fffd}\\n".as_bytes()).is_err());
    assert_eq!(tsv("Array(String)", &Value::array(["x"]), b"['x']"), Ok(()));
    assert!(tsv("Array(String)", &Value::array(["x", "y"]), b"['x']").is_err());
    assert!(tsv("Array(String)", &Value::array(["x"]), b"['x','y']").is_err());
    assert!(tsv("FixedString(2)", &Value::from("a"), b"a\\0").is_err());
    // A nested Variant: a string is quoted, a number is not.
    let variant = "Array(Variant(String, UInt64))";
    assert_eq!(
        tsv(variant, &Value::array([Value::from("1")]), b"['1']"),
        Ok(())
    );
    assert!(tsv(variant, &Value::array([Value::from("1")]), b"[1]").is_err());
    assert!(tsv(variant, &Value::array([Value::UInt64(1)]), b"['1']").is_err());
    // A top-level Variant in JSON: strings, floats and integers apart.
    assert_eq!(
        json("Variant(String, UInt64)", &Value::UInt64(1), "1"),
        Ok(())
    );
    assert!(json("Variant(String, UInt64)", &Value::from("1"), "1").is_err());
    assert!(json("Variant(String, UInt64)", &Value::UInt64(1), "\"1\"").is_err());
    let numbers = "Variant(Date, Float64, Int32)";
    assert_eq!(json(numbers, &Value::Float64(1.0), "\"1\""), Ok(()));
    assert!(json(numbers, &Value::Float64(1.0), "1").is_err());
    assert!(json(numbers, &Value::Int32(1), "\"1\"").is_err());
    assert!(json(numbers, &date(0), "\"1\"").is_err());
    // Floats by bits, parsed at the column's width; NaN equals NaN.
    assert_eq!(tsv("Float32", &Value::Float32(0.1), b"0.1"), Ok(()));
    let next = Value::Float32(f32::from_bits(0.1f32.to_bits() + 1));
    assert!(tsv("Float32", &next, b"0.1").is_err());
    assert_eq!(tsv("Float64", &Value::Float64(-0.0), b"-0"), Ok(()));
    assert!(tsv("Float64", &Value::Float64(0.0), b"-0").is_err());
    assert_eq!(
        tsv("Array(Float64)", &Value::array([f64::NAN]), b"[nan]"),
        Ok(())
    );
    assert!(tsv("Array(Float64)", &Value::array([f64::INFINITY]), b"[nan]").is_err());
    assert!(tsv("BFloat16", &Value::Float32(0.1), b"0.1").is_err());
    // Decimals by value, with the type's scale.
    let decimal = Value::Decimal(Decimal::new(150, 2));
    assert_eq!(tsv("Decimal(9, 2)", &decimal, b"1.5"), Ok(()));
    assert_eq!(tsv("Decimal(9, 2)", &decimal, b"1.50"), Ok(()));
    assert!(tsv("Decimal(9, 2)", &decimal, b"1.51").is_err());
    assert!(tsv("Decimal(9, 3)", &decimal, b"1.5").is_err());
    // Sub-second digits as the type has them; times with their sign.
    let at = date_time(Tz::UTC, 0, 0);
    assert_eq!(
        tsv("DateTime64(3, 'UTC')", &at, b"1970-01-01 00:00:00.000"),
        Ok(())
    );
    assert!(tsv("DateTime64(3, 'UTC')", &at, b"1970-01-01 00:00:00").is_err());
    let late = date_time(Tz::UTC, 0, 1_000);
    assert!(tsv("DateTime64(3, 'UTC')", &late, b"1970-01-01 00:00:00.000").is_err());
    assert_eq!(
        tsv("DateTime('Asia/Kolkata')", &at, b"1970-01-01 05:30:00"),
        Ok(())
    );
    let time = Value::Time(-chrono::TimeDelta::milliseconds(1500));
    assert_eq!(tsv("Time64(3)", &time, b"-00:00:01.500"), Ok(()));
    assert!(tsv("Time64(3)", &time, b"00:00:01.500").is_err());
    // NULL where the type allows it, and only there.
    assert_eq!(tsv("Nullable(UInt8)", &Value::Null, b"\\N"), Ok(()));
    assert!(tsv("UInt8", &Value::Null, b"\\N").is_err());
    assert_eq!(
        tsv(
            "Array(Nullable(UInt8))",
            &Value::array([Value::Null]),
            b"[NULL]"
        ),
        Ok(())
    );
    // A value of another type than the column's is refused even where the text would match.
    assert!(tsv("UInt16", &Value::UInt8(1), b"1").is_err());
    assert!(tsv("Enum8('a' = 1)", &Value::Enum("a".into(), 2), b"a").is_err());
}

#[tokio::test]
async fn server_generated_values_match_the_servers_text_on_26_9() {
    let server = engine().await;
    let structure = "i8 Int8, i16 Int16, i32 Int32, i64 Int64, i128 Int128, i256 Int256, u8 UInt8, u16 UInt16, \
        u32 UInt32, u64 UInt64, u128 UInt128, u256 UInt256, f32 Float32, f64 Float64, b Bool, s String, \
        fs FixedString(4), d Date, d32 Date32, dt DateTime('UTC'), dt64 DateTime64(3, 'UTC'), \
        dtz Array(DateTime('Asia/Tokyo')), uuid UUID, d9 Decimal(9, 2), d18 Decimal(18, 5), d38 Decimal(38, 12), \
        d76 Decimal(76, 30), e8 Enum8('a' = 1, 'b' = -2), e16 Enum16('x' = 1000, 'y' = -1000), ip4 IPv4, ip6 IPv6, \
        ns Nullable(String), ni Nullable(Int64), arr Array(Array(Nullable(UInt32))), m Map(String, Array(Int16)), \
        t Tuple(a UInt8, b String), lc LowCardinality(String), lcn LowCardinality(Nullable(String)), \
        alc Array(LowCardinality(String))";
    compare_with_text(
        &server,
        &format!(
            "SELECT * FROM generateRandom({}, 20261124, 12, 4) LIMIT 300",
            clickhouse_connect::types::quote(structure)
        ),
    )
    .await;
}

#[tokio::test]
async fn server_generated_values_match_the_servers_text_on_18_16() {
    let server = legacy().await;
    compare_with_text(
        &server,
        "SELECT number AS u, toInt8(number - 100) AS i8, toInt64(number * -7919) AS i64, \
         concat('s\\t', toString(number), '\\'\\\\') AS s, toFixedString(toString(number % 100), 2) AS fs, \
         toDate('2020-01-01') + number AS d, toDateTime(1600000000 + number * 3601, 'UTC') AS dt, \
         toDecimal64(number / 8, 3) AS dec, CAST(number % 2 + 1 AS Enum8('a' = 1, 'b' = 2)) AS e, \
         if(number % 3 = 0, NULL, toString(number)) AS ns, [number, number * 2] AS arr, \
         (number, toString(number)) AS t, toLowCardinality(toString(number % 5)) AS lc, number / 7 AS f \
         FROM system.numbers LIMIT 200",
    )
    .await;
}

#[tokio::test]
async fn server_generated_values_match_the_servers_text_on_18_16_over_tcp() {
    let server = legacy_tcp().await;
    compare_with_text(
        &server,
        "SELECT number AS u, toInt8(number - 100) AS i8, concat('s\\t', toString(number)) AS s, \
         toDate('2020-01-01') + number AS d, toDateTime(1600000000 + number * 3601, 'Asia/Tokyo') AS dt, \
         toDecimal64(number / 8, 3) AS dec, if(number % 3 = 0, NULL, toString(number)) AS ns, \
         [number, number * 2] AS arr, toLowCardinality(toString(number % 5)) AS lc, number / 7 AS f \
         FROM system.numbers LIMIT 200",
    )
    .await;
}

#[test]
fn families_cover_the_issue_list() {
    let names: Vec<&str> = families().iter().map(|f| f.type_name).collect();
    for needed in [
        "Int8",
        "UInt256",
        "Float32",
        "Bool",
        "String",
        "FixedString",
        "Date",
        "Date32",
        "DateTime(",
        "DateTime64",
        "UUID",
        "Decimal(9",
        "Decimal(18",
        "Decimal(38",
        "Decimal(76",
        "Enum8",
        "Enum16",
        "IPv4",
        "IPv6",
        "Nullable(",
        "Array(",
        "Map(",
        "Tuple(",
        "Tuple(a",
        "LowCardinality(String",
        "LowCardinality(Nullable",
    ] {
        assert!(
            names
                .iter()
                .any(|n| n.starts_with(needed) || n.contains(needed)),
            "{needed} is not covered"
        );
    }
}

#[tokio::test]
async fn aggregate_states_of_known_size_round_trip() {
    // 26.9: states read as raw bytes, inserted back, and merged by the server to the same results.
    let server = engine().await;
    let client = client_for(&server, Compression::Lz4);
    let db = server.fresh_database("agg_states").await;
    let table = format!("{db}.states");
    server
        .run(
            &format!(
                "CREATE TABLE {table} (k UInt8, s AggregateFunction(sum, UInt64), c AggregateFunction(count), \
                 mn AggregateFunction(min, Int32), mx AggregateFunction(max, Float64), a AggregateFunction(any, UInt16)) \
                 ENGINE = AggregatingMergeTree ORDER BY k"
            ),
            &[],
        )
        .await;
    let states = client
        .query(
            "SELECT number % 3 AS k, sumState(number) AS s, countState() AS c, minState(toInt32(toInt32(number) - 50)) AS mn, \
             maxState(number / 7) AS mx, anyState(toUInt16(if(number % 3 = 0, 9, 9))) AS a \
             FROM numbers(100) GROUP BY k ORDER BY k",
        )
        .await
        .unwrap();
    let rows = states.result_rows();
    assert_eq!(rows.len(), 3);
    assert!(
        matches!(rows[0][1], Value::AggregateState(ref b) if b.len() == 8),
        "{:?}",
        rows[0][1]
    );
    client
        .insert(&table, &["k", "s", "c", "mn", "mx", "a"], rows)
        .await
        .unwrap();
    let merged = server
        .run(
            &format!(
                "SELECT k, sumMerge(s), countMerge(c), minMerge(mn), round(maxMerge(mx), 4), anyMerge(a) FROM {table} GROUP BY k ORDER BY k"
            ),
            &[],
        )
        .await;
    let expected = server
        .run(
            "SELECT number % 3 AS k, sum(number), count(), min(toInt32(number) - 50), round(max(number / 7), 4), any(toUInt16(9)) \
             FROM numbers(100) GROUP BY k ORDER BY k",
            &[],
        )
        .await;
    assert_eq!(merged, expected);
    // A state without a size the client can tell is refused with advice, naming the column.
    let err = client
        .query("SELECT uniqState(number) AS u FROM numbers(10)")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("column `u`") && text.contains("finalizeAggregation"),
        "{text}"
    );
    server.run(&format!("DROP DATABASE {db}"), &[]).await;
}

/// Expressions for the types `generateRandom` cannot make, over `number`.
const GENERATED_BY_EXPRESSION: &[(&str, &str)] = &[
    ("BFloat16", "toBFloat16(number / 3)"),
    ("Time", "CAST(toInt32(number * 3737) - 50000 AS Time)"),
    (
        "Time64(3)",
        "CAST(toDecimal64(number * 1.234, 3) AS Time64(3))",
    ),
    ("Time64(6)", "CAST(toInt64(number * 1234567), 'Time64(6)')"),
    (
        "Variant(String, UInt64)",
        "if(number % 3 = 0, NULL, if(number % 3 = 1, toString(number)::Variant(String, UInt64), number::Variant(String, UInt64)))",
    ),
    (
        "Variant(Array(UInt8), String, UInt64)",
        "if(number % 2 = 0, range(number % 5)::Variant(Array(UInt8), String, UInt64), toString(number)::Variant(Array(UInt8), String, UInt64))",
    ),
    (
        "Variant(Date, Float64, Int32)",
        "if(number % 2 = 0, (number / 8)::Variant(Date, Float64, Int32), toInt32(number)::Variant(Date, Float64, Int32))",
    ),
    (
        "Array(Variant(String, UInt64))",
        "[toString(number)::Variant(String, UInt64), number::Variant(String, UInt64)]",
    ),
    (
        "Map(String, Variant(String, UInt64))",
        "map(toString(number), number::Variant(String, UInt64))",
    ),
    (
        "Tuple(a Variant(String, UInt64), b UInt8)",
        "CAST((toString(number), toUInt8(number)), 'Tuple(a Variant(String, UInt64), b UInt8)')",
    ),
    ("Nullable(Nothing)", "NULL"),
    ("IntervalSecond", "toIntervalSecond(number)"),
    ("IntervalDay", "toIntervalDay(number)"),
    (
        "Nested(a UInt8, b String)",
        "CAST(arrayMap(x -> (toUInt8(x), toString(x)), range(number % 4)), 'Nested(a UInt8, b String)')",
    ),
];

/// Types that cannot be stored in a table: decoded, not inserted back.
const NOT_STORABLE: &[&str] = &["Nullable(Nothing)", "IntervalSecond", "IntervalDay"];

/// Each of the 127 types: the engine makes 40 rows, the client decodes them, the decoded values
/// are compared cell by cell with the engine's own text of the same SELECT (same settings, same
/// seed), then inserted into a table and read back equal. No type is left out of the text
/// comparison: every one prints unambiguously in TSV or (a top-level `Variant`) JSONEachRow.
#[tokio::test]
async fn server_generated_values_of_127_types_decode_and_insert_back_equal() {
    let server = engine().await;
    let client = client_for(&server, Compression::Lz4);
    let db = server.fresh_database("types127").await;
    let types: Vec<&str> = include_str!("../../testdata/roundtrip_types.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    assert!(types.len() >= 120, "{} types", types.len());
    let nested = types
        .iter()
        .filter(|t| {
            t.contains('(')
                && [
                    "Array",
                    "Map",
                    "Tuple",
                    "Nullable",
                    "LowCardinality",
                    "Variant",
                    "Nested",
                ]
                .iter()
                .any(|f| t.starts_with(f))
        })
        .count();
    assert!(nested >= 40, "{nested} nested combinations");
    let settings = [
        ("allow_suspicious_low_cardinality_types", "1"),
        ("enable_time_time64_type", "1"),
        ("allow_suspicious_variant_types", "1"),
        // Keep a Nested column one column (not `v.a`, `v.b`).
        ("flatten_nested", "0"),
    ];
    let mut compared = Vec::new();
    for (n, type_name) in types.iter().enumerate() {
        let select = match GENERATED_BY_EXPRESSION.iter().find(|(t, _)| t == type_name) {
            Some((_, expression)) => format!("SELECT {expression} AS v FROM numbers(40)"),
            None => format!(
                "SELECT v FROM generateRandom({}, {n}, 8, 3) LIMIT 40",
                clickhouse_connect::types::quote(&format!("v {type_name}"))
            ),
        };
        let mut query = client.query(select.clone());
        for (k, v) in settings {
            query = query.setting(k, v);
        }
        let result = query.await.unwrap_or_else(|e| panic!("{type_name}: {e}"));
        assert_eq!(result.row_count(), 40, "{type_name}");
        let values: Vec<Value> = result.result_columns().remove(0);
        // The declared type, not the one the result reports: over HTTP a top-level
        // `DateTime('zone')` arrives as `DateTime` (revision-0 Native, see timezones.rs), while
        // the engine prints the instant in the declared zone.
        let declared = DataType::parse(type_name).expect("a valid type");
        let format =
            compare_with_engine_text(&server, type_name, &declared, &select, &settings, &values)
                .await;
        compared.push((*type_name, format));
        if NOT_STORABLE.contains(type_name) {
            continue;
        }
        let table = format!("{db}.t{n}");
        let mut create = client.command(format!(
            "CREATE TABLE {table} (i UInt32, v {type_name}) ENGINE = Memory"
        ));
        for (k, v) in settings {
            create = create.setting(k, v);
        }
        create
            .await
            .unwrap_or_else(|e| panic!("{type_name}: create: {e}"));
        round_trip(&client, &table, &values)
            .await
            .unwrap_or_else(|e| panic!("{type_name}: {e}"));
    }
    client.command(format!("DROP DATABASE {db}")).await.unwrap();
    // No exclusions: every type, storable or not, was compared with the engine's text.
    assert_eq!(
        compared.len(),
        types.len(),
        "every type compared with the engine's text"
    );
    let in_json: Vec<&str> = compared
        .iter()
        .filter(|(_, f)| *f == TextFormat::JsonEachRow)
        .map(|(t, _)| *t)
        .collect();
    eprintln!(
        "{} types compared with the engine's text: {} in TSV, {} in JSONEachRow ({in_json:?})",
        compared.len(),
        compared.len() - in_json.len(),
        in_json.len()
    );
}
