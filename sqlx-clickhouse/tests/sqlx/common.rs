//! The engines the tests run on, and fresh databases in them.

use std::time::Duration;

use sqlx::Executor;
use sqlx_clickhouse::{ClickHouseConnectOptions, ClickHousePool, ClickHousePoolOptions};

pub(crate) const HOW_TO_START: &str = "start the local engines with `scripts/dev-servers up` (or run the \
     whole suite with `scripts/test`), or point the variable at your own server";

/// One engine: a name, the URL the driver uses, and whether it takes server-side parameters.
pub(crate) struct Engine {
    pub(crate) name: &'static str,
    pub(crate) url: String,
    pub(crate) binds: bool,
}

pub(crate) fn var(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

pub(crate) fn engines() -> Vec<Engine> {
    vec![
        Engine {
            name: "ClickHouse 26.9 over HTTP",
            url: var("CLICKHOUSE_URL", "http://127.0.0.1:28123"),
            binds: true,
        },
        Engine {
            name: "ClickHouse 18.16 over HTTP",
            url: var("CLICKHOUSE_LEGACY_URL", "http://127.0.0.1:18123"),
            binds: false,
        },
        Engine {
            name: "ClickHouse 18.16 over TCP",
            url: var("CLICKHOUSE_TCP_URL", "tcp://127.0.0.1:19000"),
            binds: false,
        },
    ]
}

pub(crate) async fn pool(engine: &Engine, connections: u32) -> ClickHousePool {
    ClickHousePoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(30))
        .connect(&engine.url)
        .await
        .unwrap_or_else(|e| panic!("{} at {}: {e}: {HOW_TO_START}", engine.name, engine.url))
}

/// A fresh database for one test on `engine`, and a pool in it.
pub(crate) async fn fresh(engine: &Engine, test: &str) -> (String, ClickHousePool) {
    let admin = pool(engine, 1).await;
    let db = format!("sqlx_{test}_{}", std::process::id());
    admin
        .execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db}")))
        .await
        .unwrap();
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
        .await
        .unwrap();
    admin.close().await;
    let options: ClickHouseConnectOptions = engine.url.parse().unwrap();
    let pool = ClickHousePoolOptions::new()
        .max_connections(4)
        .connect_with(options.database(&db))
        .await
        .unwrap();
    (db, pool)
}

pub(crate) async fn drop_database(pool: &ClickHousePool, db: &str) {
    pool.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE {db}")))
        .await
        .unwrap();
}
