//! `#[sqlx::test]` support: each test gets a fresh database on the server `DATABASE_URL` names,
//! dropped when the test passes.

use sqlx_core::connection::{ConnectOptions, Connection};
use sqlx_core::error::Error;
use sqlx_core::executor::Executor;
use sqlx_core::pool::PoolOptions;
use sqlx_core::sql_str::AssertSqlSafe;
use sqlx_core::testing::{FixtureSnapshot, TestArgs, TestContext, TestSupport};

use crate::{ClickHouse, ClickHouseConnectOptions, ClickHouseConnection};

/// The server the tests run against: `DATABASE_URL`, its database left out.
fn master() -> Result<ClickHouseConnectOptions, Error> {
    let url = std::env::var("DATABASE_URL").map_err(|_| {
        Error::Configuration(
            "DATABASE_URL must name the ClickHouse server #[sqlx::test] creates its databases on \
             (e.g. http://127.0.0.1:8123)"
                .into(),
        )
    })?;
    Ok(url.parse::<ClickHouseConnectOptions>()?.without_database())
}

use crate::migrate::quote_identifier;

impl TestSupport for ClickHouse {
    async fn test_context(args: &TestArgs) -> Result<TestContext<Self>, Error> {
        {
            let master = master()?;
            let db_name = Self::db_name(args);
            let mut conn = master.connect().await?;
            let db = quote_identifier(&db_name);
            conn.execute(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db}")))
                .await?;
            conn.execute(AssertSqlSafe(format!("CREATE DATABASE {db}")))
                .await?;
            conn.close().await?;
            Ok(TestContext {
                pool_opts: PoolOptions::new().max_connections(8),
                connect_opts: master.database(&db_name),
                db_name,
            })
        }
    }

    async fn cleanup_test(db_name: &str) -> Result<(), Error> {
        {
            let mut conn = master()?.connect().await?;
            conn.execute(AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {}",
                quote_identifier(db_name)
            )))
            .await?;
            conn.close().await
        }
    }

    async fn cleanup_test_dbs() -> Result<Option<usize>, Error> {
        {
            let mut conn = master()?.connect().await?;
            let names: Vec<String> = sqlx_core::query_scalar::query_scalar(
                "SELECT name FROM system.databases WHERE startsWith(name, '_sqlx_test_')",
            )
            .fetch_all(&mut conn)
            .await?;
            for name in &names {
                conn.execute(AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {}",
                    quote_identifier(name)
                )))
                .await?;
            }
            conn.close().await?;
            Ok(Some(names.len()))
        }
    }

    async fn snapshot(_conn: &mut ClickHouseConnection) -> Result<FixtureSnapshot<Self>, Error> {
        {
            Err(Error::Protocol(
                "fixture snapshots are not supported for ClickHouse".into(),
            ))
        }
    }
}
