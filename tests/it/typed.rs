//! Typed rows through serde: `insert_rows` from structs, `fetch_all` / `fetch_stream` into
//! structs and tuples, on both transports; mismatches name the column, the ClickHouse type and
//! the Rust type.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use clickhouse_connect::{Client, Compression};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use crate::common::{Server, both_clients, client_for, engine, legacy_tcp};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Kind {
    #[serde(rename = "click")]
    Click,
    #[serde(rename = "view")]
    View,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Event {
    id: u64,
    name: String,
    score: Option<f64>,
    tags: Vec<String>,
    day: NaiveDate,
    at: DateTime<Utc>,
    uid: uuid::Uuid,
    color: String,
    kind: Kind,
    pair: (u8, String),
    amount: f64,
    note: Option<String>,
}

const COLUMNS: &str = "id UInt64, name String, score Nullable(Float64), tags Array(String), day Date, \
    at DateTime('UTC'), uid UUID, color LowCardinality(String), kind Enum8('click' = 1, 'view' = 2), \
    pair Tuple(UInt8, String), amount Decimal(18, 4), note Nullable(String)";

fn events(n: u64) -> Vec<Event> {
    (0..n)
        .map(|i| Event {
            id: i,
            name: format!("event \"{i}\"\t'quoted'"),
            score: (i % 3 != 0).then_some(i as f64 / 4.0),
            tags: (0..i % 4).map(|t| format!("t{t}")).collect(),
            day: NaiveDate::from_ymd_opt(2024, 2, 29).unwrap() + chrono::Duration::days(i as i64),
            at: Utc.timestamp_opt(1_700_000_000 + i as i64 * 61, 0).unwrap(),
            uid: uuid::Uuid::from_u128(0x1234_5678_9abc_def0_u128 * (i as u128 + 1)),
            color: ["red", "green", "blue"][(i % 3) as usize].into(),
            kind: if i % 2 == 0 { Kind::Click } else { Kind::View },
            pair: (i as u8, format!("p{i}")),
            amount: i as f64 * 1.25,
            note: None,
        })
        .collect()
}

async fn round_trip(server: &Server, client: &Client) {
    let db = server.fresh_database("typed").await;
    let table = format!("{db}.events");
    let legacy_settings: &[(&str, &str)] = if server.name.contains("26.9") {
        &[]
    } else {
        &[("allow_experimental_low_cardinality_type", "1")]
    };
    server
        .run(
            &format!("CREATE TABLE {table} ({COLUMNS}) ENGINE = Memory"),
            legacy_settings,
        )
        .await;
    let sent = events(1000);
    let result = client
        .insert_rows(&table, sent.clone())
        .unwrap()
        .await
        .unwrap();
    assert_eq!(result.rows, 1000, "{}", server.name);
    let back: Vec<Event> = client
        .query(format!("SELECT * FROM {table} ORDER BY id"))
        .fetch_all()
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", server.name));
    assert_eq!(back, sent, "{}", server.name);
    // Tuples by position; a stream of structs.
    let pairs: Vec<(u64, String)> = client
        .query(format!("SELECT id, name FROM {table} ORDER BY id LIMIT 3"))
        .fetch_all()
        .await
        .unwrap();
    assert_eq!(pairs[2], (2, sent[2].name.clone()));
    let mut stream = Box::pin(
        client
            .query(format!("SELECT * FROM {table} ORDER BY id"))
            .fetch_stream::<Event>()
            .await
            .unwrap(),
    );
    let mut count = 0;
    while let Some(event) = stream.next().await {
        assert_eq!(event.unwrap(), sent[count]);
        count += 1;
    }
    assert_eq!(count, 1000);
    server.run(&format!("DROP DATABASE {db}"), &[]).await;
}

#[tokio::test]
async fn structs_round_trip_on_26_9_over_http() {
    let server = engine().await;
    round_trip(&server, &client_for(&server, Compression::Lz4)).await;
}

#[tokio::test]
async fn structs_round_trip_on_18_16_over_tcp() {
    let server = legacy_tcp().await;
    round_trip(&server, &client_for(&server, Compression::Lz4)).await;
}

#[tokio::test]
async fn mismatches_name_the_column_and_both_types() {
    #[derive(Debug, Deserialize)]
    struct Wrong {
        #[allow(dead_code)]
        n: u8,
    }
    #[derive(Debug, Deserialize)]
    struct NotOptional {
        #[allow(dead_code)]
        maybe: u64,
    }
    #[derive(Debug, Deserialize)]
    struct Missing {
        #[allow(dead_code)]
        absent: u64,
    }
    let server = engine().await;
    let client = client_for(&server, Compression::Lz4);
    let err = client
        .query("SELECT toString(number) AS n FROM numbers(1)")
        .fetch_all::<Wrong>()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("column `n` of type String") && text.contains("Wrong"),
        "{text}"
    );
    let err = client
        .query("SELECT CAST(NULL AS Nullable(UInt64)) AS maybe")
        .fetch_all::<NotOptional>()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("column `maybe` of type Nullable(UInt64)") && text.contains("NotOptional"),
        "{text}"
    );
    let err = client
        .query("SELECT 1 AS present")
        .fetch_all::<Missing>()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("missing field `absent`"), "{err}");
    let big = client
        .query("SELECT 300 AS n")
        .fetch_all::<Wrong>()
        .await
        .unwrap_err();
    assert!(
        big.to_string().contains("column `n` of type UInt16"),
        "{big}"
    );
}

#[derive(Debug, PartialEq, Deserialize)]
enum Level {
    #[serde(rename = "low")]
    Low,
    #[serde(rename = "high")]
    High,
}

/// One field per Rust mapping of the typed path, read from the column types they map.
#[derive(Debug, Deserialize)]
struct EveryType<'a> {
    u8: u8,
    u16: u16,
    u32: u32,
    u64: u64,
    u128: u128,
    i8: i8,
    i16: i16,
    i32: i32,
    i64: i64,
    i128: i128,
    i256: String,
    f32: f32,
    f64: f64,
    bf16: f32,
    flag: bool,
    text: &'a str,
    owned: String,
    fixed: &'a [u8],
    day: NaiveDate,
    day_number: u16,
    day32: NaiveDate,
    at: DateTime<Utc>,
    at_seconds: u32,
    at_zoned: Vec<DateTime<chrono::FixedOffset>>,
    at64: DateTime<Utc>,
    at64_ticks: i64,
    time_seconds: i32,
    uid: uuid::Uuid,
    ip4: std::net::Ipv4Addr,
    ip6: std::net::Ipv6Addr,
    amount: String,
    amount_float: f64,
    amount_exact: rust_decimal::Decimal,
    level: Level,
    level_label: String,
    level_number: i8,
    color: &'a str,
    maybe_color: Option<&'a str>,
    absent: Option<u64>,
    tags: Vec<Option<&'a str>>,
    nested: Vec<Vec<u16>>,
    map: std::collections::HashMap<String, u64>,
    pair: (u8, &'a str),
    variant: Option<String>,
    running_max: DateTime<Utc>,
    doc: serde_json::Value,
    doc_typed: Doc,
    doc_text: &'a str,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Doc {
    b: u64,
}

#[tokio::test]
async fn a_struct_with_every_mapped_rust_type() {
    let server = engine().await;
    let client = client_for(&server, Compression::Lz4);
    let sql = "SELECT toUInt8(200) AS u8, toUInt16(60000) AS u16, toUInt32(4000000000) AS u32, \
        toUInt64(18446744073709551615) AS u64, toUInt128('340282366920938463463374607431768211455') AS u128, \
        toInt8(-128) AS i8, toInt16(-32768) AS i16, toInt32(-2147483648) AS i32, \
        toInt64(-9223372036854775808) AS i64, toInt128('-170141183460469231731687303715884105728') AS i128, \
        toInt256('-57896044618658097711785492504343953926634992332820282019728792003956564819968') AS i256, \
        toFloat32(1.5) AS f32, toFloat64(-2.25) AS f64, toBFloat16(3.5) AS bf16, true AS flag, \
        'borrowed' AS text, 'owned' AS owned, toFixedString('ab', 3) AS fixed, \
        toDate('2024-02-29') AS day, toDate('2024-02-29') AS day_number, toDate32('1900-01-01') AS day32, \
        toDateTime('2024-02-29 12:34:56', 'UTC') AS at, toDateTime('2024-02-29 12:34:56', 'UTC') AS at_seconds, \
        [toDateTime('2024-02-29 12:34:56', 'Asia/Kolkata')] AS at_zoned, \
        toDateTime64('2024-02-29 12:34:56.789', 3, 'UTC') AS at64, \
        toDateTime64('2024-02-29 12:34:56.789', 3, 'UTC') AS at64_ticks, \
        CAST(3723 AS Time) AS time_seconds, \
        toUUID('01234567-89ab-cdef-0123-456789abcdef') AS uid, toIPv4('10.1.2.3') AS ip4, \
        toIPv6('2001:db8::1') AS ip6, toDecimal128('-12345678901234567890.123456789', 9) AS amount, \
        toDecimal64('2.5', 4) AS amount_float, \
        toDecimal128('-1234.5678', 6) AS amount_exact, \
        CAST('high' AS Enum8('low' = -1, 'high' = 7)) AS level, \
        CAST('high' AS Enum8('low' = -1, 'high' = 7)) AS level_label, \
        CAST('high' AS Enum8('low' = -1, 'high' = 7)) AS level_number, \
        CAST('red' AS LowCardinality(String)) AS color, \
        CAST('blue' AS LowCardinality(Nullable(String))) AS maybe_color, \
        CAST(NULL AS Nullable(UInt64)) AS absent, \
        CAST(['a', NULL, 'c'] AS Array(LowCardinality(Nullable(String)))) AS tags, \
        [[1, 2], [], [3]]::Array(Array(UInt16)) AS nested, \
        map('x', 1, 'y', 2)::Map(String, UInt64) AS map, (7, 'seven')::Tuple(UInt8, String) AS pair, \
        'text'::Variant(String, UInt64) AS variant, \
        toDateTime('2024-02-29 12:34:56', 'UTC')::SimpleAggregateFunction(max, DateTime('UTC')) AS running_max, \
        '{\"a\": {\"b\": 1}}'::JSON AS doc, '{\"b\": 5}'::JSON AS doc_typed, \
        '{\"b\": 6}'::JSON AS doc_text";
    let result = client.query(sql).fetch().await.unwrap();
    let rows: Vec<EveryType<'_>> = result.rows_as().unwrap_or_else(|e| panic!("{e}"));
    let mut count = 0;
    for row in rows {
        count += 1;
        assert_eq!(
            (row.u8, row.u16, row.u32, row.u64),
            (200, 60000, 4_000_000_000, u64::MAX)
        );
        assert_eq!((row.u128, row.i128), (u128::MAX, i128::MIN));
        assert_eq!(
            (row.i8, row.i16, row.i32, row.i64),
            (i8::MIN, i16::MIN, i32::MIN, i64::MIN)
        );
        assert_eq!(
            row.i256,
            "-57896044618658097711785492504343953926634992332820282019728792003956564819968"
        );
        assert_eq!(
            (row.f32, row.f64, row.bf16, row.flag),
            (1.5, -2.25, 3.5, true)
        );
        assert_eq!((row.text, row.owned.as_str()), ("borrowed", "owned"));
        assert_eq!(row.fixed, b"ab\0");
        let leap = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(row.day, leap);
        assert_eq!(
            i64::from(row.day_number),
            (leap - NaiveDate::default()).num_days()
        );
        assert_eq!(row.day32, NaiveDate::from_ymd_opt(1900, 1, 1).unwrap());
        let at = Utc.with_ymd_and_hms(2024, 2, 29, 12, 34, 56).unwrap();
        assert_eq!(row.at, at);
        assert_eq!(i64::from(row.at_seconds), at.timestamp());
        // The column's zone travels with the value (a top-level DateTime('tz') loses its zone
        // in HTTP's revision-0 Native, see timezones.rs): 12:34:56 in Kolkata is 07:04:56 UTC.
        assert_eq!(row.at_zoned[0].offset().local_minus_utc(), 5 * 3600 + 1800);
        assert_eq!(
            row.at_zoned[0].with_timezone(&Utc),
            at - chrono::Duration::minutes(330)
        );
        assert_eq!(row.at64, at + chrono::Duration::milliseconds(789));
        assert_eq!(row.at64_ticks, at.timestamp_millis() + 789);
        assert_eq!(row.time_seconds, 3723);
        assert_eq!(row.uid.to_string(), "01234567-89ab-cdef-0123-456789abcdef");
        assert_eq!(row.ip4, std::net::Ipv4Addr::new(10, 1, 2, 3));
        assert_eq!(
            row.ip6,
            "2001:db8::1".parse::<std::net::Ipv6Addr>().unwrap()
        );
        assert_eq!(row.amount, "-12345678901234567890.123456789");
        assert_eq!(row.amount_float, 2.5);
        assert_eq!(row.amount_exact.to_string(), "-1234.567800");
        assert_eq!(row.level, Level::High);
        assert_eq!((row.level_label.as_str(), row.level_number), ("high", 7));
        assert_eq!(
            (row.color, row.maybe_color, row.absent),
            ("red", Some("blue"), None)
        );
        assert_eq!(row.tags, [Some("a"), None, Some("c")]);
        assert_eq!(row.nested, [vec![1, 2], vec![], vec![3]]);
        assert_eq!(row.map.len(), 2);
        assert_eq!((row.map["x"], row.map["y"]), (1, 2));
        assert_eq!(row.pair, (7, "seven"));
        assert_eq!(row.variant.as_deref(), Some("text"));
        assert_eq!(row.running_max, at);
        assert_eq!(row.doc, serde_json::json!({"a": {"b": 1}}));
        assert_eq!(row.doc_typed, Doc { b: 5 });
        assert_eq!(row.doc_text, r#"{"b":6}"#);
    }
    assert_eq!(count, 1);
}

#[tokio::test]
async fn rust_decimal_fields_and_values_round_trip() {
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Price {
        id: u32,
        amount: rust_decimal::Decimal,
    }
    let server = engine().await;
    let client = client_for(&server, Compression::Lz4);
    let db = server.fresh_database("rust_decimal").await;
    let table = format!("{db}.prices");
    client
        .command(format!(
            "CREATE TABLE {table} (id UInt32, amount Decimal(28, 10)) ENGINE = Memory"
        ))
        .await
        .unwrap();
    let sent: Vec<Price> = [
        "0",
        "-1.5",
        "123456789012345678.0123456789",
        "-0.0000000001",
    ]
    .iter()
    .enumerate()
    .map(|(i, text)| Price {
        id: i as u32,
        amount: text.parse().unwrap(),
    })
    .collect();
    client
        .insert_rows(&table, sent.clone())
        .unwrap()
        .await
        .unwrap();
    let back: Vec<Price> = client
        .query(format!("SELECT * FROM {table} ORDER BY id"))
        .fetch_all()
        .await
        .unwrap();
    assert_eq!(back, sent);
    // Through `Value` too; and a value wider than rust_decimal holds is an error, not a rounding.
    let exact: rust_decimal::Decimal = client
        .query(format!("SELECT amount FROM {table} WHERE id = 2"))
        .scalar()
        .await
        .unwrap();
    assert_eq!(exact, sent[2].amount);
    let too_wide = client
        .query("SELECT toDecimal256('1234567890123456789012345678901234567890', 0)")
        .scalar::<rust_decimal::Decimal>()
        .await
        .unwrap_err();
    assert!(too_wide.to_string().contains("rust_decimal"), "{too_wide}");
    server.run(&format!("DROP DATABASE {db}"), &[]).await;
}

/// A row written column by column (`#[derive(ToBlock)]`), read back through serde.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, clickhouse_connect::ToBlock)]
struct Written {
    id: u64,
    at: u32,
    #[to_block(rename = "label")]
    #[serde(rename = "label")]
    name: String,
    score: Option<f64>,
    note: Option<String>,
    color: String,
    maybe_color: Option<String>,
    tags: Vec<u32>,
    words: Vec<Option<String>>,
    flag: bool,
    // Converted on the way: an i32 into Int64, a u16 into UInt32.
    wide: i32,
    widened: u16,
    day: NaiveDate,
    uid: uuid::Uuid,
    #[to_block(serde)]
    kind: Kind,
    #[to_block(skip)]
    #[serde(skip)]
    local_only: u8,
}

/// A client whose inserts send blocks of 1,000 rows.
fn small_blocks(server: &Server) -> Client {
    Client::builder()
        .url(server.client_url.clone())
        .compression(Compression::Lz4)
        .insert_block_rows(1000)
        .build()
        .unwrap()
}

#[tokio::test]
async fn typed_inserts_round_trip_on_26_9_over_http() {
    let server = engine().await;
    typed_inserts_round_trip(&server, &small_blocks(&server)).await;
}

#[tokio::test]
async fn typed_inserts_round_trip_on_18_16_over_tcp() {
    let server = legacy_tcp().await;
    typed_inserts_round_trip(&server, &small_blocks(&server)).await;
}

/// A value a column cannot take stops the insert with the row and the column; a row type whose
/// columns the table lacks is refused before anything is stored.
#[tokio::test]
async fn typed_insert_errors_name_the_row_and_the_column() {
    #[derive(clickhouse_connect::ToBlock, Serialize)]
    struct Small {
        id: u64,
        small: i64,
    }
    let server = engine().await;
    let client = client_for(&server, Compression::None);
    let db = server.fresh_database("to_block_errors").await;
    server
        .run(
            &format!("CREATE TABLE {db}.t (id UInt64, small UInt8) ENGINE = Memory"),
            &[],
        )
        .await;
    let rows = |bad: u64| {
        (0..10).map(move |i| Small {
            id: i,
            small: if i == bad { 300 } else { 1 },
        })
    };
    let err = client
        .insert_typed(&format!("{db}.t"), rows(7))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("row 7, column `small` (UInt8)"), "{err}");
    let err = client
        .insert_rows(&format!("{db}.t"), rows(3))
        .unwrap()
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("row 3, column `small` (UInt8)"), "{err}");
    let count = server
        .run(&format!("SELECT count() FROM {db}.t"), &[])
        .await;
    assert_eq!(count.trim(), "0");

    #[derive(clickhouse_connect::ToBlock)]
    struct Other {
        absent: u64,
    }
    let err = client
        .insert_typed(&format!("{db}.t"), [Other { absent: 1 }])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("absent"), "{err}");
    server.run(&format!("DROP DATABASE {db}"), &[]).await;
}

const WRITTEN_COLUMNS: &str = "id UInt64, at DateTime('UTC'), label String, \
    score Nullable(Float64), note Nullable(String), color LowCardinality(String), \
    maybe_color LowCardinality(Nullable(String)), tags Array(UInt32), \
    words Array(Nullable(String)), flag UInt8, wide Int64, widened UInt32, day Date, uid UUID, \
    kind Enum8('click' = 1, 'view' = 2)";

fn written(n: u64) -> Vec<Written> {
    (0..n)
        .map(|i| Written {
            id: i,
            at: 1_700_000_000 + i as u32,
            name: format!("name \"{i}\"\t{}", "é".repeat((i % 200) as usize)),
            score: (i % 3 != 0).then_some(i as f64 / 8.0),
            note: (i % 5 != 0).then(|| format!("note {i}")),
            color: ["red", "green", "blue"][(i % 3) as usize].into(),
            maybe_color: (i % 4 != 0).then(|| format!("c{}", i % 7)),
            tags: (0..(i % 4) as u32).collect(),
            words: (0..i % 3)
                .map(|w| (w != 1).then(|| format!("w{w}")))
                .collect(),
            flag: i % 2 == 0,
            wide: -(i as i32),
            widened: i as u16,
            day: NaiveDate::from_ymd_opt(2024, 2, 29).unwrap() + chrono::Duration::days(i as i64),
            uid: uuid::Uuid::from_u128(0xfeed_u128 * (i as u128 + 1)),
            kind: if i % 2 == 0 { Kind::Click } else { Kind::View },
            local_only: 0,
        })
        .collect()
}

/// `insert_typed` and the serde `insert_rows` write the same rows, over several blocks (the
/// second block on sized like the first), on both transports.
async fn typed_inserts_round_trip(server: &Server, client: &Client) {
    let db = server.fresh_database("to_block").await;
    let legacy_settings: &[(&str, &str)] = if server.name.contains("26.9") {
        &[]
    } else {
        &[("allow_experimental_low_cardinality_type", "1")]
    };
    for table in ["by_columns", "by_serde"] {
        server
            .run(
                &format!("CREATE TABLE {db}.{table} ({WRITTEN_COLUMNS}) ENGINE = Memory"),
                legacy_settings,
            )
            .await;
    }
    let sent = written(2500);
    let result = client
        .insert_typed(&format!("{db}.by_columns"), sent.clone())
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", server.name));
    assert_eq!(result.rows, 2500, "{}", server.name);
    let back: Vec<Written> = client
        .query(format!("SELECT * FROM {db}.by_columns ORDER BY id"))
        .fetch_all()
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", server.name));
    assert_eq!(back, sent, "{}", server.name);

    // The serde path writes the same rows straight into the columns too.
    client
        .insert_rows(&format!("{db}.by_serde"), sent.clone())
        .unwrap()
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", server.name));
    let back: Vec<Written> = client
        .query(format!("SELECT * FROM {db}.by_serde ORDER BY id"))
        .fetch_all()
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", server.name));
    assert_eq!(back, sent, "{}", server.name);
    server.run(&format!("DROP DATABASE {db}"), &[]).await;
}

/// The column-by-column path (`ToBlock::append_rows`, what `insert_typed` calls) fills the
/// columns exactly as appending the rows one by one does: into each field's natural column
/// type and into types it converts to, in batches of every size, and it reports the first
/// refused cell in row order.
#[test]
fn rows_appended_by_column_equal_rows_appended_one_by_one() {
    use clickhouse_connect::value::ToBlock;
    use clickhouse_connect::{Column, DataType};

    let columns_of = |types: &str| -> Vec<Column> {
        let t: DataType = format!("Tuple({types})").parse().unwrap();
        let DataType::Tuple(elements) = t else {
            panic!("{t}")
        };
        elements
            .into_iter()
            .map(|e| Column::empty(e.data_type).unwrap())
            .collect()
    };
    let cells = |columns: &[Column]| -> Vec<Vec<String>> {
        columns
            .iter()
            .map(|c| {
                (0..c.len())
                    .map(|i| format!("{:?}", c.value(i, chrono_tz::Tz::UTC)))
                    .collect()
            })
            .collect()
    };
    let rows = written(700);
    let converted = "id Int128, at UInt64, label FixedString(500), score Nullable(Float32), \
        note LowCardinality(Nullable(String)), color String, maybe_color Nullable(String), \
        tags Array(Int64), words Array(LowCardinality(Nullable(String))), flag Bool, \
        wide Int32, widened UInt16, day Date32, uid UUID, kind Enum8('view' = 2, 'click' = 1)";
    for types in [WRITTEN_COLUMNS, converted] {
        let mut one_by_one = columns_of(types);
        for row in &rows {
            row.append(&mut one_by_one).unwrap();
        }
        for batch in [1, 7, 256, 700] {
            let mut by_column = columns_of(types);
            for chunk in rows.chunks(batch) {
                Written::append_rows(chunk.iter(), &mut by_column).unwrap();
            }
            assert_eq!(
                cells(&by_column),
                cells(&one_by_one),
                "{types}, batch {batch}"
            );
        }
    }

    // Row 9 cannot go into `widened` (column 11); row 4's name is too long for `label`
    // (column 2), and row 6's score is NULL where the column is not nullable (column 3).
    let narrow = WRITTEN_COLUMNS
        .replace("label String", "label FixedString(8)")
        .replace("score Nullable(Float64)", "score Float64")
        .replace("widened UInt32", "widened UInt8");
    let mut bad = written(12);
    for row in &mut bad {
        row.name = "short".into();
        row.score = Some(1.0);
    }
    bad[9].widened = 300;
    bad[4].name = "longer than eight".into();
    bad[6].score = None;
    let first_refused = bad
        .iter()
        .enumerate()
        .find_map(|(i, row)| {
            row.append(&mut columns_of(&narrow))
                .err()
                .map(|(column, _)| (i, column))
        })
        .unwrap();
    assert_eq!(first_refused, (4, 2));
    let (row, column, e) = Written::append_rows(bad.iter(), &mut columns_of(&narrow)).unwrap_err();
    assert_eq!((row, column), first_refused, "{e}");
    // Without row 4's, row 6's NULL comes first; the later row 9 never does.
    bad[4].name = "short".into();
    let (row, column, _) = Written::append_rows(bad.iter(), &mut columns_of(&narrow)).unwrap_err();
    assert_eq!((row, column), (6, 3));

    // Numbers go in column by column and text row by row: a refused number (`score`, column
    // 3) still comes before refused text later in its row (`note`, column 4) and after
    // refused text earlier in it (`label`, column 2), and an earlier row wins either way.
    let narrow = narrow.replace("note Nullable(String)", "note Nullable(FixedString(2))");
    for row in &mut bad {
        row.note = None;
    }
    bad[6].note = Some("long".into());
    let refused = |bad: &[Written]| {
        let (row, column, _) =
            Written::append_rows(bad.iter(), &mut columns_of(&narrow)).unwrap_err();
        (row, column)
    };
    assert_eq!(refused(&bad), (6, 3));
    bad[6].name = "longer than eight".into();
    assert_eq!(refused(&bad), (6, 2));
    bad[6].score = Some(1.0);
    bad[6].name = "short".into();
    assert_eq!(refused(&bad), (6, 4));
    bad[8].score = None;
    bad[10].note = Some("long".into());
    assert_eq!(refused(&bad), (6, 4));
    bad[6].note = None;
    assert_eq!(refused(&bad), (8, 3));

    // Text into a `LowCardinality` column goes column by column too (`color`, column 5): its
    // refused value comes after a refused number earlier in its row and after refused text in
    // an earlier row, and before a later row's refused number.
    let lc = WRITTEN_COLUMNS
        .replace("label String", "label FixedString(8)")
        .replace("score Nullable(Float64)", "score Float64")
        .replace(
            "color LowCardinality(String)",
            "color LowCardinality(FixedString(2))",
        )
        .replace("widened UInt32", "widened UInt8");
    let mut rows = written(12);
    for (i, row) in rows.iter_mut().enumerate() {
        row.name = "short".into();
        row.score = Some(1.0);
        row.color = i.to_string();
        row.widened = 1;
    }
    let mut one_by_one = columns_of(&lc);
    for row in &rows {
        row.append(&mut one_by_one).unwrap();
    }
    let mut by_column = columns_of(&lc);
    Written::append_rows(rows.iter(), &mut by_column).unwrap();
    assert_eq!(cells(&by_column), cells(&one_by_one));
    let refused = |rows: &[Written]| {
        let (row, column, _) = Written::append_rows(rows.iter(), &mut columns_of(&lc)).unwrap_err();
        (row, column)
    };
    rows[7].color = "seven".into();
    rows[9].widened = 300;
    assert_eq!(refused(&rows), (7, 5));
    rows[7].score = None;
    assert_eq!(refused(&rows), (7, 3));
    rows[7].score = Some(1.0);
    rows[4].name = "longer than eight".into();
    assert_eq!(refused(&rows), (4, 2));
}

#[derive(Debug, Deserialize)]
struct Numbered {
    n: u64,
    s: String,
}

/// `fetch_stream` hands out a block's rows a batch at a time (a few thousand): every row of
/// blocks larger and smaller than a batch comes once, in order, and a row that cannot be
/// decoded in a later batch ends the stream with its error after the rows before it. On every
/// engine and transport (over HTTP the next block is decoded ahead on a task of its own).
#[tokio::test]
async fn streamed_rows_come_in_batches_across_blocks_and_stop_at_a_bad_row() {
    for (server, client) in both_clients().await {
        for block in [3_000, 20_000] {
            let mut stream = client
                .query(format!(
                    "SELECT number AS n, toString(number) AS s FROM numbers(12345) \
                     SETTINGS max_block_size = {block}"
                ))
                .fetch_stream::<Numbered>()
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", server.name));
            let mut next = 0;
            while let Some(row) = stream.next().await {
                let row = row.unwrap_or_else(|e| panic!("{}: {e}", server.name));
                assert_eq!((row.n, row.s), (next, next.to_string()), "{}", server.name);
                next += 1;
            }
            assert_eq!(next, 12345, "{}, blocks of {block}", server.name);
        }

        let mut stream = client
            .query(
                "SELECT number AS n, if(number = 10000, NULL, toString(number)) AS s \
                 FROM numbers(12000) SETTINGS max_block_size = 20000",
            )
            .fetch_stream::<Numbered>()
            .await
            .unwrap();
        let mut good = 0;
        let error = loop {
            match stream.next().await {
                Some(Ok(row)) => {
                    assert_eq!(row.n, good, "{}", server.name);
                    good += 1;
                }
                Some(Err(e)) => break e,
                None => panic!("{}: the NULL row was not refused", server.name),
            }
        };
        assert_eq!(good, 10_000, "{}", server.name);
        assert!(
            error.to_string().contains("NULL"),
            "{}: {error}",
            server.name
        );
        assert!(stream.next().await.is_none(), "{}", server.name);

        // A stream dropped in the middle leaves the client ready for the next query.
        let mut stream = client
            .query("SELECT number AS n, toString(number) AS s FROM numbers(100000)")
            .fetch_stream::<Numbered>()
            .await
            .unwrap();
        assert_eq!(stream.next().await.unwrap().unwrap().n, 0);
        drop(stream);
        let n: Vec<(u64,)> = client.query("SELECT 7").fetch_all().await.unwrap();
        assert_eq!(n, [(7,)], "{}", server.name);
    }
}
