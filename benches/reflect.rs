//! Reflection speed: a database of 1,000 tables of 20 columns each on the ClickHouse 26.9 engine
//! (`CLICKHOUSE_URL`, default http://127.0.0.1:28123; start it with `scripts/dev-servers up`),
//! reflected whole with `client.reflect().tables(db)`. Prints how many queries a reflection
//! sends (counted from the driver's one tracing span per query) and how long it takes, best and
//! median of a few runs. The database is created first and dropped at the end.
//!
//! `cargo bench --bench reflect` (`-- --tables N` for another size).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clickhouse_connect::Client;
use futures_util::StreamExt;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Counts the driver's query spans (one per query, command and insert).
struct SpanCounter(Arc<AtomicU64>);

impl Subscriber for SpanCounter {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.is_span() && metadata.name() == "clickhouse"
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(self.0.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn table_sql(db: &str, i: usize) -> String {
    let mut columns = vec![
        "id UInt64".to_owned(),
        "ts DateTime CODEC(Delta, ZSTD(1))".into(),
    ];
    for c in 2..20 {
        columns.push(match c % 6 {
            0 => format!("s{c} String DEFAULT 'x' COMMENT 'column {c}'"),
            1 => format!("n{c} Nullable(Int32)"),
            2 => format!("a{c} Array(LowCardinality(String))"),
            3 => format!("m{c} Map(String, UInt64)"),
            4 => format!("t{c} Tuple(a UInt8, b Nullable(String))"),
            _ => format!("d{c} Decimal(18, 4) MATERIALIZED id * 2"),
        });
    }
    format!(
        "CREATE TABLE {db}.t{i:04} ({}, INDEX ix id TYPE minmax GRANULARITY 4) ENGINE = MergeTree \
         PARTITION BY toYYYYMM(ts) ORDER BY (id, ts) TTL ts + INTERVAL 1 YEAR",
        columns.join(", ")
    )
}

#[tokio::main]
async fn main() {
    let tables: usize = std::env::args()
        .skip_while(|a| a != "--tables")
        .nth(1)
        .map(|n| n.parse().expect("--tables N"))
        .unwrap_or(1000);
    let url = std::env::var("CLICKHOUSE_URL").unwrap_or_else(|_| "http://127.0.0.1:28123".into());
    let client = Client::builder()
        .url(url.clone())
        .build()
        .expect("a client");
    if let Err(e) = client.ping().await {
        panic!("ClickHouse at {url} does not answer ({e}): start it with `scripts/dev-servers up`");
    }
    let counter = Arc::new(AtomicU64::new(0));
    tracing::subscriber::set_global_default(SpanCounter(counter.clone())).expect("a subscriber");

    let db = format!("bench_reflect_{}", std::process::id());
    client
        .command(format!("CREATE DATABASE {db}"))
        .await
        .expect("create the database");
    let started = Instant::now();
    let created: Vec<_> = futures_util::stream::iter((0..tables).map(|i| {
        let (client, sql) = (client.clone(), table_sql(&db, i));
        async move { client.command(sql).await }
    }))
    .buffer_unordered(8)
    .collect()
    .await;
    for result in created {
        result.expect("create a table");
    }
    println!(
        "created {tables} tables of 20 columns in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // The first reflection also asks the server who it is (once per client).
    client.server_info().await.expect("server info");
    let mut times: Vec<Duration> = Vec::new();
    let mut queries = Vec::new();
    for _ in 0..5 {
        let before = counter.load(Ordering::Relaxed);
        let start = Instant::now();
        let schemas = client.reflect().tables(&db).await.expect("reflect");
        times.push(start.elapsed());
        queries.push(counter.load(Ordering::Relaxed) - before);
        assert_eq!(schemas.len(), tables);
        assert!(schemas.iter().all(|s| s.columns.len() == 20));
    }
    times.sort();
    // The server's share: the two big queries alone, answered and decoded but not assembled.
    let mut server = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let (a, b) = tokio::join!(
            client
                .query(format!(
                    "SELECT database, name, engine, engine_full, create_table_query, uuid, comment \
                     FROM system.tables WHERE database = '{db}'"
                ))
                .fetch(),
            client
                .query(format!(
                    "SELECT database, table, name, type, default_kind, default_expression, comment, \
                     is_in_partition_key, is_in_sorting_key, is_in_primary_key, is_in_sampling_key, \
                     compression_codec, position FROM system.columns WHERE database = '{db}'"
                ))
                .fetch()
        );
        a.expect("tables");
        b.expect("columns");
        server.push(start.elapsed());
    }
    server.sort();
    println!(
        "system.tables and system.columns alone: best {:.0} ms, median {:.0} ms",
        server[0].as_secs_f64() * 1e3,
        server[server.len() / 2].as_secs_f64() * 1e3
    );
    println!(
        "reflect().tables(): {} tables, {} columns, {:?} queries a run; best {:.0} ms, median {:.0} ms \
         (the machine may be shared: times vary)",
        tables,
        tables * 20,
        queries,
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3
    );
    client
        .command(format!("DROP DATABASE {db}"))
        .await
        .expect("drop the database");
}
