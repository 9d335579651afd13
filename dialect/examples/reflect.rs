//! Reflect a table, print its DDL and its generated Rust struct.
//!
//! `cargo run -p sea-query-clickhouse --example reflect -- [database table]`: without
//! arguments it creates `reflect_example.events` on the server at `CLICKHOUSE_URL` (default
//! http://127.0.0.1:28123; `scripts/dev-servers up` starts one) and drops it at the end.

use clickhouse_connect::Client;
use clickhouse_connect::reflect::codegen::{self, Derive, Options};
use sea_query_clickhouse::{ChStatement, CreateStatement};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("CLICKHOUSE_URL").unwrap_or_else(|_| "http://127.0.0.1:28123".into());
    let client = Client::builder().url(url).build()?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let own = args.len() < 2;
    let (database, table) = if own {
        client
            .command("CREATE DATABASE IF NOT EXISTS reflect_example")
            .await?;
        client
            .command(
                "CREATE TABLE IF NOT EXISTS reflect_example.events (
                    id UInt64 COMMENT 'the event',
                    at DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
                    kind LowCardinality(String) DEFAULT 'click',
                    user Nullable(String),
                    `props.key` Array(String),
                    `props.value` Array(String),
                    INDEX kind_set kind TYPE set(16) GRANULARITY 4
                ) ENGINE = ReplacingMergeTree(at)
                PARTITION BY toYYYYMM(at)
                ORDER BY (kind, id)
                TTL toDateTime(at) + INTERVAL 90 DAY
                COMMENT 'what users did'",
            )
            .await?;
        ("reflect_example".to_owned(), "events".to_owned())
    } else {
        (args[0].clone(), args[1].clone())
    };

    let schema = client.reflect().table(&database, &table).await?;
    println!(
        "-- {}.{}: {}",
        schema.database,
        schema.name,
        schema.kind.name()
    );
    println!("{};\n", CreateStatement::try_from(&schema)?.to_sql()?);
    let options = Options::default().derive(Derive::Deserialize);
    println!("{}", codegen::module(&schema, &options)?);

    if own {
        client.command("DROP DATABASE reflect_example").await?;
    }
    Ok(())
}
