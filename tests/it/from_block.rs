//! Rows read column by column with `#[derive(FromBlock)]`: every field type the columnar path
//! reads, checked value by value against what the query computed and against the serde path
//! on the same rows, over several blocks whose buffers are reused; tuple structs by position;
//! mismatches (wrong type, NULL, out of range, missing column, bytes that are not UTF-8) name
//! the column, its ClickHouse type and the Rust type.

use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use clickhouse_connect::value::TypedValue;
use clickhouse_connect::{Compression, DataType, FromBlock, Value};
use serde::Deserialize;

use crate::common::{both_clients, client_for, engine};

#[derive(Debug, Clone, PartialEq, Deserialize)]
enum Kind {
    #[serde(rename = "click")]
    Click,
    #[serde(rename = "view")]
    View,
}

#[derive(Debug, FromBlock)]
struct Everything {
    id: u64,
    #[from_block(rename = "id")]
    same_id: i128,
    small: u16,
    neg: i64,
    ts: u32,
    #[from_block(rename = "ts")]
    at: DateTime<Utc>,
    day: NaiveDate,
    score: f64,
    single: f64,
    flag: bool,
    name: String,
    note: Option<String>,
    color: Option<String>,
    tags: Vec<u32>,
    maybe: Vec<Option<u64>>,
    nested: Vec<Vec<u64>>,
    kv: HashMap<String, u64>,
    #[from_block(rename = "kv")]
    sorted: BTreeMap<String, u64>,
    pair: (u64, String),
    point: (f64, f64),
    kind: String,
    #[from_block(rename = "kind")]
    kind_number: i8,
    #[from_block(serde, rename = "kind")]
    kind_enum: Kind,
    uid: uuid::Uuid,
    ip: Ipv4Addr,
    amount: rust_decimal::Decimal,
    #[from_block(rename = "amount")]
    amount_float: f32,
    doc: serde_json::Value,
    any: Value,
    #[from_block(rename = "dynamic")]
    member: Option<TypedValue>,
}

const EVERYTHING: &str = "SELECT number AS id, toUInt8(number % 200) AS small, \
    toInt32(number) - 500 AS neg, toDateTime(1600000000 + number, 'UTC') AS ts, \
    toDate('2024-01-01') + number AS day, number / 4 AS score, toFloat32(number) AS single, \
    CAST(number % 2 AS Bool) AS flag, concat('name_', toString(number)) AS name, \
    if(number % 5 = 0, NULL, toString(number * 3)) AS note, \
    CAST(if(number % 7 = 0, NULL, ['red', 'green', 'blue'][number % 3 + 1]) \
        AS LowCardinality(Nullable(String))) AS color, \
    CAST(range(number % 4) AS Array(UInt32)) AS tags, \
    arrayMap(x -> if(x % 2 = 0, NULL, x), range(number % 3)) AS maybe, \
    [range(number % 2), [number]] AS nested, \
    map('a', number, 'b', number + 1) AS kv, (number, toString(number)) AS pair, \
    CAST((toFloat64(number), 1.5) AS Point) AS point, \
    CAST(if(number % 2 = 0, 'click', 'view') AS Enum8('click' = 1, 'view' = 2)) AS kind, \
    toUUID(concat('00000000-0000-0000-0000-', leftPad(toString(number), 12, '0'))) AS uid, \
    toIPv4(IPv4NumToString(toUInt32(number))) AS ip, \
    toDecimal64(number, 2) / 4 AS amount, \
    CAST(concat('{\"n\":', toString(number), '}') AS JSON) AS doc, \
    CAST(if(number % 2 = 0, toString(number), NULL) AS Nullable(String)) AS any, \
    multiIf(number % 3 = 0, toDate('2024-01-01')::Dynamic, number % 3 = 1, \
        number::Dynamic, NULL::Dynamic) AS dynamic \
    FROM numbers(5000) ORDER BY id SETTINGS max_block_size = 777";

fn check(row: &Everything, i: u64) {
    assert_eq!(row.id, i);
    assert_eq!(row.same_id, i128::from(i));
    assert_eq!(u64::from(row.small), i % 200);
    assert_eq!(row.neg, i as i64 - 500);
    assert_eq!(u64::from(row.ts), 1_600_000_000 + i);
    assert_eq!(
        row.at,
        Utc.timestamp_opt(1_600_000_000 + i as i64, 0).unwrap()
    );
    assert_eq!(
        row.day,
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(i as i64)
    );
    assert_eq!(row.score, i as f64 / 4.0);
    assert_eq!(row.single, i as f64);
    assert_eq!(row.flag, i % 2 == 1);
    assert_eq!(row.name, format!("name_{i}"));
    assert_eq!(row.note, (i % 5 != 0).then(|| (i * 3).to_string()));
    let color = ["red", "green", "blue"][(i % 3) as usize];
    assert_eq!(row.color.as_deref(), (i % 7 != 0).then_some(color));
    assert_eq!(row.tags, (0..(i % 4) as u32).collect::<Vec<_>>());
    let maybe: Vec<Option<u64>> = (0..i % 3).map(|x| (x % 2 != 0).then_some(x)).collect();
    assert_eq!(row.maybe, maybe);
    assert_eq!(row.nested, vec![(0..i % 2).collect::<Vec<_>>(), vec![i]]);
    assert_eq!(
        row.kv,
        HashMap::from([("a".to_owned(), i), ("b".to_owned(), i + 1)])
    );
    assert_eq!(row.sorted.len(), 2);
    assert_eq!(row.sorted["b"], i + 1);
    assert_eq!(row.pair, (i, i.to_string()));
    assert_eq!(row.point, (i as f64, 1.5));
    let (label, number, kind) = if i % 2 == 0 {
        ("click", 1, Kind::Click)
    } else {
        ("view", 2, Kind::View)
    };
    assert_eq!(
        (row.kind.as_str(), row.kind_number, &row.kind_enum),
        (label, number, &kind)
    );
    assert_eq!(
        row.uid.to_string(),
        format!("00000000-0000-0000-0000-{i:012}")
    );
    assert_eq!(row.ip, Ipv4Addr::from(i as u32));
    assert_eq!(row.amount, rust_decimal::Decimal::new(i as i64 * 25, 2));
    assert_eq!(row.amount_float, i as f32 / 4.0);
    assert_eq!(row.doc, serde_json::json!({ "n": i }));
    let any = if i % 2 == 0 {
        Value::String(i.to_string().into_bytes())
    } else {
        Value::Null
    };
    assert_eq!(row.any, any);
    let member = match i % 3 {
        0 => Value::typed(DataType::Date, NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()),
        1 => Value::typed(DataType::UInt64, i),
        _ => Value::Null,
    };
    let read = row
        .member
        .clone()
        .map_or(Value::Null, |m| Value::Typed(Box::new(m)));
    assert_eq!(read, member);
}

#[tokio::test]
async fn every_columnar_field_type_over_several_reused_blocks() {
    let server = engine().await;
    let client = client_for(&server, Compression::Lz4);
    let rows: Vec<Everything> = client
        .query(EVERYTHING)
        .fetch_rows()
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", server.name));
    assert_eq!(rows.len(), 5000);
    for (i, row) in rows.iter().enumerate() {
        check(row, i as u64);
    }
    // The same rows from the collected result (blocks kept, nothing reused) and per block.
    let result = client.query(EVERYTHING).fetch().await.unwrap();
    assert!(
        result.blocks().len() > 3,
        "several blocks: {}",
        result.blocks().len()
    );
    let again = result.rows_of::<Everything>().unwrap();
    assert_eq!(again.len(), 5000);
    again.iter().zip(0..).for_each(|(row, i)| check(row, i));
}

/// Borrowed fields and the serde path agree on the same rows.
#[tokio::test]
async fn borrowed_fields_agree_with_the_serde_path() {
    #[derive(FromBlock)]
    struct Borrowed<'a> {
        id: u64,
        name: &'a str,
        note: Option<&'a str>,
        color: Option<&'a str>,
        bytes: &'a [u8],
        fixed: &'a [u8],
    }
    #[derive(Deserialize, PartialEq, Debug)]
    struct Owned {
        id: u64,
        name: String,
        note: Option<String>,
        color: Option<String>,
    }
    let server = engine().await;
    let client = client_for(&server, Compression::None);
    let sql = "SELECT number AS id, repeat('é', number % 200) AS name, \
        if(number % 3 = 0, NULL, repeat('ab', number % 90)) AS note, \
        CAST(if(number % 4 = 0, NULL, toString(number % 5)) AS LowCardinality(Nullable(String))) AS color, \
        unhex(hex(number)) AS bytes, toFixedString(toString(number % 10), 2) AS fixed \
        FROM numbers(3000) SETTINGS max_block_size = 1000";
    let result = client.query(sql).fetch().await.unwrap();
    let serde: Vec<Owned> = result.rows_as().unwrap();
    let mut n = 0;
    for block in result.blocks() {
        for row in block.rows_of::<Borrowed<'_>>(result.timezone()).unwrap() {
            let row = row.unwrap();
            let expected = &serde[n];
            assert_eq!(row.id, expected.id);
            assert_eq!(row.name, expected.name);
            assert_eq!(row.name.chars().count() as u64, row.id % 200);
            assert_eq!(row.note, expected.note.as_deref());
            assert_eq!(row.color, expected.color.as_deref());
            // `unhex(hex(n))`: the number's big-endian bytes without leading zero bytes.
            let number = row.bytes.iter().fold(0u64, |n, &b| n << 8 | u64::from(b));
            assert_eq!(number, row.id);
            assert_eq!(row.fixed, [b'0' + (row.id % 10) as u8, 0]);
            n += 1;
        }
    }
    assert_eq!(n, 3000);
}

/// A tuple struct takes the columns by position, on every engine and transport.
#[tokio::test]
async fn tuple_structs_and_common_fields_on_every_transport() {
    #[derive(FromBlock, Debug, PartialEq)]
    struct Row(u64, String, Option<u32>, Vec<String>);
    for (server, client) in both_clients().await {
        let rows: Vec<Row> = client
            .query(
                "SELECT number, toString(number), if(number % 2 = 0, NULL, toUInt32(number)), \
                 arrayMap(x -> toString(x), range(number % 3)) FROM system.numbers LIMIT 2000",
            )
            .fetch_rows()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", server.name));
        assert_eq!(rows.len(), 2000, "{}", server.name);
        for (i, row) in rows.iter().enumerate() {
            let i = i as u64;
            let expected = Row(
                i,
                i.to_string(),
                (i % 2 == 1).then_some(i as u32),
                (0..i % 3).map(|x| x.to_string()).collect(),
            );
            assert_eq!(row, &expected, "{}", server.name);
        }
    }
}

#[tokio::test]
async fn mismatches_name_the_column_the_type_and_the_field() {
    #[derive(FromBlock, Debug)]
    #[allow(dead_code)]
    struct Number {
        n: u8,
    }
    #[derive(FromBlock, Debug)]
    #[allow(dead_code)]
    struct Text<'a> {
        n: &'a str,
    }
    let server = engine().await;
    let client = client_for(&server, Compression::Lz4);
    let error = |sql: &'static str| {
        let client = client.clone();
        async move {
            client
                .query(sql)
                .fetch_rows::<Number>()
                .await
                .expect_err(sql)
                .to_string()
        }
    };
    let wrong = error("SELECT 'x' AS n").await;
    assert!(
        wrong.contains("`n`") && wrong.contains("String") && wrong.contains("u8"),
        "{wrong}"
    );
    let null = error("SELECT CAST(NULL AS Nullable(UInt8)) AS n").await;
    assert!(
        null.contains("NULL") && null.contains("Nullable(UInt8)") && null.contains("u8"),
        "{null}"
    );
    let range = error("SELECT toUInt16(300) AS n").await;
    assert!(
        range.contains("300") && range.contains("out of the range") && range.contains("UInt16"),
        "{range}"
    );
    let missing = error("SELECT 1 AS m").await;
    assert!(
        missing.contains("no column `n`") && missing.contains("its columns: `m`"),
        "{missing}"
    );
    let decimal = error("SELECT toDecimal32(1, 2) AS n").await;
    assert!(decimal.contains("Decimal(9, 2)"), "{decimal}");
    // Not UTF-8: an error for &str, the bytes for &[u8].
    let result = client
        .query("SELECT unhex('FF41') AS n")
        .fetch()
        .await
        .unwrap();
    let block = &result.blocks()[0];
    let err = block
        .rows_of::<Text<'_>>(result.timezone())
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err()
        .to_string();
    assert!(err.contains("not UTF-8") && err.contains("`n`"), "{err}");
}
