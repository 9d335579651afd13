//! Typed rows through serde: `insert_rows` from structs, `fetch_all` / `fetch_stream` into
//! structs and tuples, on both transports; mismatches name the column, the ClickHouse type and
//! the Rust type.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use clickhouse_connect::{Client, Compression};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use crate::common::{Server, client_for, engine, legacy_tcp};

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
