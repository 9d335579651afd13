//! `#[sqlx::test]` on ClickHouse: each test gets a fresh database on the server
//! `DATABASE_URL` names (`scripts/test` sets it to the 26.9 engine, `CLICKHOUSE_URL`), with the
//! repository's migrations applied when asked.

use sqlx_clickhouse::ClickHousePool;

#[sqlx::test(migrations = "../migrations")]
async fn a_test_gets_a_fresh_database_with_the_migrations_applied(
    pool: ClickHousePool,
) -> sqlx::Result<()> {
    let db: String = sqlx::query_scalar("SELECT currentDatabase()")
        .fetch_one(&pool)
        .await?;
    assert!(db.starts_with("_sqlx_test"), "{db}");
    let rows: u64 = sqlx::query_scalar("SELECT count() FROM events")
        .fetch_one(&pool)
        .await?;
    assert_eq!(rows, 0);
    sqlx::query("INSERT INTO events (id, ts, name, country, payload, score, tags) VALUES (?, now64(3), ?, 'NZ', '', NULL, [])")
        .bind(1u64)
        .bind("signup")
        .execute(&pool)
        .await?;
    let name: String = sqlx::query_scalar("SELECT name FROM events WHERE id = ?")
        .bind(1u64)
        .fetch_one(&pool)
        .await?;
    assert_eq!(name, "signup");
    Ok(())
}

#[sqlx::test(migrations = false)]
async fn a_test_without_migrations_starts_empty(pool: ClickHousePool) -> sqlx::Result<()> {
    let tables: u64 =
        sqlx::query_scalar("SELECT count() FROM system.tables WHERE database = currentDatabase()")
            .fetch_one(&pool)
            .await?;
    assert_eq!(tables, 0);
    Ok(())
}
