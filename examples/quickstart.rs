//! Quickstart: the basic usage of ClickHouse Connect's guide, in Rust.
//!
//! Run it with `scripts/quickstart` (which starts the local engines first), or with
//! `cargo run --example quickstart` when `CLICKHOUSE_URL` points at a running server.

use clickhouse_connect::{Client, Value};

#[tokio::main]
async fn main() -> clickhouse_connect::Result<()> {
    let url = std::env::var("CLICKHOUSE_URL").unwrap_or_else(|_| "http://localhost:8123".into());
    let client = Client::builder().url(url).build()?;

    client.command("DROP TABLE IF EXISTS new_table").await?;
    client
        .command("CREATE TABLE new_table (key UInt32, value String, metric Float64) ENGINE MergeTree ORDER BY key")
        .await?;

    let rows = vec![
        vec![
            Value::from(1000u32),
            Value::from("String Value 1000"),
            Value::from(5.233),
        ],
        vec![
            Value::from(2000u32),
            Value::from("String Value 2000"),
            Value::from(-107.04),
        ],
    ];
    client
        .insert("new_table", &["key", "value", "metric"], rows)
        .await?;

    let result = client
        .query("SELECT max(key), avg(metric) FROM new_table")
        .await?;
    println!("{:?}", result.result_rows());
    // [[UInt32(2000), Float64(-50.9035)]]
    Ok(())
}
