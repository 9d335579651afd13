//! sqlx on ClickHouse: a pool, the repository's migrations through sqlx's `Migrator`, a bound
//! query, `query_as` into a struct, and a stream.
//!
//! Needs a server with query parameters (ClickHouse 22.x or later; the local 26.9 engine):
//! `scripts/dev-servers up`, then `cargo run -p sqlx-clickhouse --example sqlx`
//! (`CLICKHOUSE_URL` names the server; the example works in the database `sqlx_example`).

use futures_util::TryStreamExt;
use sqlx::migrate::MigrateDatabase;
use sqlx_clickhouse::{ClickHouse, ClickHousePoolOptions};

/// The repository's migrations, embedded at compile time.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

#[derive(sqlx::FromRow)]
struct Event {
    id: u64,
    name: String,
    country: String,
    score: Option<f64>,
    tags: Vec<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = std::env::var("CLICKHOUSE_URL").unwrap_or_else(|_| "http://localhost:8123".into());
    let url = format!("{}/sqlx_example", server.trim_end_matches('/'));

    // A database of its own, created through sqlx's MigrateDatabase, and a pool in it.
    ClickHouse::drop_database(&url).await?;
    ClickHouse::create_database(&url).await?;
    let pool = ClickHousePoolOptions::new()
        .max_connections(4)
        .connect(&url)
        .await?;

    // Migrations: applied statement by statement, recorded in `_sqlx_migrations`, under a lock.
    MIGRATOR.run(&pool).await?;

    // Bound values are server-side query parameters, never SQL text.
    let mut insert = sqlx::QueryBuilder::<ClickHouse>::new(
        "INSERT INTO events (id, ts, name, country, payload, score, tags) ",
    );
    insert.push_values(1u64..=3, |mut row, id| {
        row.push_bind(id)
            .push("now64(3)")
            .push_bind(format!("event {id}"))
            .push_bind("NZ")
            .push_bind("{}")
            .push_bind((id != 2).then_some(id as f64 / 2.0))
            .push_bind(vec![format!("tag{id}")]);
    });
    insert.build().execute(&pool).await?;

    let events: Vec<Event> = sqlx::query_as(
        "SELECT id, name, country, score, tags FROM events WHERE id >= ? ORDER BY id",
    )
    .bind(2u64)
    .fetch_all(&pool)
    .await?;
    for e in &events {
        println!(
            "{} {} from {}: score {:?}, tags {:?}",
            e.id, e.name, e.country, e.score, e.tags
        );
    }

    // Rows stream a block at a time.
    let mut ids = sqlx::query_scalar::<_, u64>("SELECT number FROM system.numbers LIMIT ?")
        .bind(1_000_000u64)
        .fetch(&pool);
    let mut sum = 0u64;
    while let Some(id) = ids.try_next().await? {
        sum += id;
    }
    println!("sum of the first million numbers: {sum}");

    pool.close().await;
    ClickHouse::drop_database(&url).await?;
    Ok(())
}
