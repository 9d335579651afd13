//! A realistic analytic query built with the dialect and run on ClickHouse: daily click
//! counts, unique users and the p90 latency per day for one site, with PREWHERE, WITH TOTALS
//! and a per-query setting, values sent as typed server-side parameters.
//!
//! Run with `CLICKHOUSE_URL=http://127.0.0.1:28123 cargo run -p sea-query-clickhouse --example
//! query_builder` (start a server with `scripts/dev-servers up`).

use clickhouse_connect::Client;
use sea_query::{ColumnDef, Expr, ExprTrait, Func, Order, Query};
use sea_query_clickhouse::{
    ChColumn, ChFunc, ChSelect, ChStatement, ClientExt, CreateDatabase, CreateTable, DropDatabase,
    Engine,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("CLICKHOUSE_URL").unwrap_or_else(|_| "http://127.0.0.1:28123".into());
    let admin = Client::builder().url(&url).build()?;
    admin
        .execute_statement(&DropDatabase::new("dialect_example").if_exists())
        .await?;
    admin
        .execute_statement(&CreateDatabase::new("dialect_example"))
        .await?;
    let client = Client::builder()
        .url(&url)
        .database("dialect_example")
        .build()?;

    let create = CreateTable::new("hits")
        .col(ColumnDef::new("ts").date_time().not_null())
        .column(ChColumn::new("site", "LowCardinality(String)"))
        .column(ChColumn::new("user_id", "UInt64"))
        .column(ChColumn::new("latency_ms", "UInt32").codec("T64, ZSTD(1)"))
        .column(ChColumn::new("day", "Date").materialized(ChFunc::to_date(Expr::col("ts"))))
        .engine(Engine::MergeTree)
        .order_by([Expr::col("site"), Expr::col("ts")])
        .partition_by(Func::cust("toYYYYMM").arg(Expr::col("ts")));
    println!("{}", create.to_sql()?);
    client.execute_statement(&create).await?;
    client
        .command(
            "INSERT INTO hits (ts, site, user_id, latency_ms) SELECT toDateTime64('2024-03-01 00:00:00', 6) + number * 600, \
             ['shop', 'blog'][number % 2 + 1], number % 37, 20 + (number * 7919) % 480 FROM numbers(1000)",
        )
        .await?;

    let mut report = ChSelect::new(
        Query::select()
            .expr_as(
                ChFunc::to_start_of_interval(Expr::col("ts"), 1, "day"),
                "day",
            )
            .expr_as(Func::count(Expr::col(sea_query::Asterisk)), "hits")
            .expr_as(ChFunc::uniq(Expr::col("user_id")), "users")
            .expr_as(ChFunc::quantile(0.9, Expr::col("latency_ms")), "p90_ms")
            .expr_as(ChFunc::count_if(Expr::col("latency_ms").gt(400)), "slow")
            .from("hits")
            .and_where(Expr::col("ts").gte(Expr::cust("toDateTime64('2024-03-02 00:00:00', 6)")))
            .group_by_col("day")
            .order_by("day", Order::Asc)
            .limit(5)
            .to_owned(),
    );
    report
        .prewhere(Expr::col("site").eq("shop"))
        .with_totals()
        .settings("max_threads", 2);
    let typed = report.build_typed()?;
    println!("{}\n{:?}", typed.sql, typed.params);

    let result = client.query_statement(&report).await?;
    for row in result.result_rows() {
        let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
        println!("{}", cells.join("\t"));
    }
    admin
        .execute_statement(&DropDatabase::new("dialect_example").if_exists())
        .await?;
    Ok(())
}
