//! Migrations through sqlx: `MigrateDatabase` (create, drop, test for a database) here; the
//! `Migrate` bookkeeping is the driver's migrations runner's (one history table format, one
//! lock), see `clickhouse_connect::migrate`.

use sqlx_core::connection::{ConnectOptions, Connection};
use sqlx_core::error::Error;
use sqlx_core::executor::Executor;
use sqlx_core::migrate::MigrateDatabase;
use sqlx_core::sql_str::AssertSqlSafe;

use crate::{ClickHouse, ClickHouseConnectOptions, ClickHouseConnection};

/// The database a URL names, and a connection to its server without it.
async fn server_of(url: &str) -> Result<(String, ClickHouseConnection), Error> {
    let options: ClickHouseConnectOptions = url.parse()?;
    let database = options
        .get_database()
        .ok_or_else(|| {
            Error::Configuration(
                format!("the URL names no database: {}", options.to_url_lossy()).into(),
            )
        })?
        .to_owned();
    let conn = options.without_database().connect().await?;
    Ok((database, conn))
}

pub(crate) fn quote_identifier(name: &str) -> String {
    format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`"))
}

fn quote_string(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

impl MigrateDatabase for ClickHouse {
    async fn create_database(url: &str) -> Result<(), Error> {
        let (database, mut conn) = server_of(url).await?;
        conn.execute(AssertSqlSafe(format!(
            "CREATE DATABASE IF NOT EXISTS {}",
            quote_identifier(&database)
        )))
        .await?;
        conn.close().await
    }

    async fn database_exists(url: &str) -> Result<bool, Error> {
        let (database, mut conn) = server_of(url).await?;
        let count: u64 = sqlx_core::query_scalar::query_scalar(AssertSqlSafe(format!(
            "SELECT count() FROM system.databases WHERE name = {}",
            quote_string(&database)
        )))
        .fetch_one(&mut conn)
        .await?;
        conn.close().await?;
        Ok(count > 0)
    }

    async fn drop_database(url: &str) -> Result<(), Error> {
        let (database, mut conn) = server_of(url).await?;
        conn.execute(AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {}",
            quote_identifier(&database)
        )))
        .await?;
        conn.close().await
    }
}
