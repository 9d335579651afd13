//! [`ClickHouseConnection`]: one of the driver's connections, for sqlx.

use std::future::Future;

use clickhouse_connect::{Client, Connection as DriverConnection};
use sqlx_core::connection::{Connection, LogSettings};
use sqlx_core::error::Error;
use sqlx_core::transaction::Transaction;

use crate::error::to_sqlx;
use crate::{ClickHouse, ClickHouseConnectOptions};

/// A connection: the driver's [`Connection`](clickhouse_connect::Connection) (a pooled native
/// connection, or over HTTP a server session of its own), so settings and temporary tables
/// persist from one statement to the next.
pub struct ClickHouseConnection {
    pub(crate) inner: DriverConnection,
    pub(crate) client: Client,
    pub(crate) log_settings: LogSettings,
    pub(crate) transactions: bool,
    pub(crate) depth: usize,
    pub(crate) rollback_pending: bool,
    /// When the connection last answered; a ping within [`FRESH`] of it is not sent.
    pub(crate) last_answer: std::time::Instant,
    /// How sqlx's `Migrator` applies migrations here.
    pub(crate) migrate: clickhouse_connect::migrate::ApplyOptions,
    /// How sqlx's `Migrator` takes its lock.
    pub(crate) migrate_lock: clickhouse_connect::migrate::LockOptions,
    /// The migrations lock, between sqlx's `lock` and `unlock`.
    pub(crate) lease: Option<clickhouse_connect::migrate::Lease>,
}

/// How long after an answer a connection counts as alive without a ping (sqlx's pool pings on
/// every acquire and release).
pub(crate) const FRESH: std::time::Duration = std::time::Duration::from_secs(1);

impl std::fmt::Debug for ClickHouseConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClickHouseConnection")
            .field("inner", &self.inner)
            .field("transaction_depth", &self.depth)
            .finish()
    }
}

impl ClickHouseConnection {
    /// The driver's connection, for what sqlx does not offer (streams of blocks, inserts of
    /// blocks, the server's info).
    pub fn as_driver(&mut self) -> &mut DriverConnection {
        &mut self.inner
    }

    /// The driver's client these connections come from.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Runs a statement without binds or results (transaction control).
    pub(crate) async fn run(&mut self, sql: &str) -> Result<(), Error> {
        self.inner.command(sql).await.map(drop).map_err(to_sqlx)
    }

    /// Rolls back a transaction whose `Transaction` was dropped without commit or rollback.
    pub(crate) async fn settle_transaction(&mut self) -> Result<(), Error> {
        if self.rollback_pending {
            self.rollback_pending = false;
            self.depth = 0;
            self.run("ROLLBACK").await?;
        }
        Ok(())
    }
}

impl Connection for ClickHouseConnection {
    type Database = ClickHouse;
    type Options = ClickHouseConnectOptions;

    async fn close(mut self) -> Result<(), Error> {
        crate::migrate::release_lock(&mut self).await;
        self.inner.close().await.map_err(to_sqlx)
    }

    async fn close_hard(self) -> Result<(), Error> {
        drop(self.inner);
        Ok(())
    }

    /// A Ping over TCP, `GET /ping` over HTTP; skipped when the connection answered within the
    /// last second (sqlx's pool pings on every acquire and release).
    ///
    /// A migrations lock still held is released first: sqlx's `Migrator` returns early on an
    /// error without calling `unlock`, and the pool pings the connection when it comes back.
    async fn ping(&mut self) -> Result<(), Error> {
        crate::migrate::release_lock(self).await;
        if self.last_answer.elapsed() < FRESH {
            return Ok(());
        }
        self.inner.ping().await.map_err(to_sqlx)?;
        self.last_answer = std::time::Instant::now();
        Ok(())
    }

    fn begin(
        &mut self,
    ) -> impl Future<Output = Result<Transaction<'_, ClickHouse>, Error>> + Send + '_ {
        Transaction::begin(self, None)
    }

    fn shrink_buffers(&mut self) {}

    async fn flush(&mut self) -> Result<(), Error> {
        Ok(())
    }

    fn should_flush(&self) -> bool {
        false
    }
}
