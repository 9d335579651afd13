//! Values of every family this release supports, both directions, against the engines.
//!
//! 1. Generated values (proptest, plus fixed edge values: empty strings, NUL and non-UTF-8 bytes,
//!    extreme integers, NaN and infinities, dates at the ends of their ranges, empty and deeply
//!    nested arrays, all-NULL columns) are inserted through the client and read back equal.
//! 2. Values the server generates are decoded and compared, cell by cell, with the server's own
//!    text of the same rows (`engine_text.rs`): a 39-column table on 26.9, a few
//!    columns on 18.16, and each of the 127 types of `testdata/roundtrip_types.txt` (TSV, and
//!    JSONEachRow for a top-level `Variant`, whose alternatives TSV prints alike); the 127 are
//!    then inserted back and read back equal. `Dynamic`, `JSON`, `Geometry` and aggregate
//!    states, which `generateRandom` cannot make, are compared the same way in
//!    `engine_text_families.rs`.
//!
//! 18.16 lacks some families (declared in `LEGACY_UNSUPPORTED`): those run on 26.9 only.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use clickhouse_connect::value::Decimal;
use clickhouse_connect::{Client, Compression, DataType, Value};
use ethnum::{I256, U256};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::common::{Server, client_for, engine, legacy, legacy_tcp};
use crate::engine_text::{TextFormat, compare_with_engine_text, compare_with_text};

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

pub(crate) fn date(days: i64) -> Value {
    Value::Date(NaiveDate::default() + chrono::Duration::days(days))
}

pub(crate) fn date_time(tz: Tz, seconds: i64, nanos: u32) -> Value {
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
        (Value::Typed(x), Value::Typed(y)) => {
            x.data_type == y.data_type && same(&x.value, &y.value)
        }
        _ => a == b,
    }
}

pub(crate) async fn round_trip(
    client: &Client,
    table: &str,
    values: &[Value],
) -> Result<(), String> {
    round_trip_as(client, table, values, false).await
}

/// Inserts `values` into column `v` of `table` (emptied first) and reads them back equal:
/// plain values, or with `typed` the values read with their `Variant`/`Dynamic` member types
/// (`Column::typed_value`), which must come back the same.
pub(crate) async fn round_trip_as(
    client: &Client,
    table: &str,
    values: &[Value],
    typed: bool,
) -> Result<(), String> {
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
    let back: Vec<Value> = if typed {
        result
            .rows()
            .map(|row| row.typed_values().remove(0))
            .collect()
    } else {
        result
            .result_columns()
            .into_iter()
            .next()
            .unwrap_or_default()
    };
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
