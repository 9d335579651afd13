//! Migrations through sqlx: `MigrateDatabase` (create, drop, test for a database) and
//! `Migrate`, whose bookkeeping is the driver's migrations runner's (one history table format,
//! one lock; see `clickhouse_connect::migrate`), so sqlx's `Migrator` and the driver's
//! `Migrator` (or `chc migrate`) can continue each other's work.
//!
//! ClickHouse has no transactions, so a migration of several statements can stop half way.
//! The history records every statement, and:
//!
//! - a **partially applied** migration is not "dirty": the next `run` resumes it after the
//!   statements already applied (a changed applied statement is refused by name), once its
//!   file is fixed; `undo` refuses to revert anything while one exists;
//! - a **partially reverted** one is sqlx's `Dirty` error for `run` and `undo`: finish it with
//!   the driver's `Migrator::undo` (or `chc migrate undo`), which resumes reverts.
//!
//! `lock` takes the runner's lease lock in `_sqlx_migrations_lock` (created there if missing;
//! `lock` comes before sqlx creates the history). sqlx returns early on an error without
//! calling `unlock`: a failed `apply` or `revert` releases the lock itself before it returns;
//! after any other error the lock is released when the connection is pinged (the pool pings
//! every connection that comes back) or closed, or expires after its lease.

use std::borrow::Cow;
use std::time::Duration;

use clickhouse_connect::migrate::{self as runner, History, MigrationKind, State};
use futures_core::future::BoxFuture;
use sqlx_core::connection::{ConnectOptions, Connection};
use sqlx_core::error::Error;
use sqlx_core::executor::Executor;
use sqlx_core::migrate::{
    AppliedMigration, Migrate, MigrateDatabase, MigrateError, Migration, MigrationType,
};
use sqlx_core::sql_str::AssertSqlSafe;

use crate::error::to_sqlx;
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

/// sqlx's migration as the runner's (sqlx's checksum kept: it may ignore characters).
fn to_runner(migration: &Migration) -> runner::Migration {
    let kind = match migration.migration_type {
        MigrationType::Simple => MigrationKind::Simple,
        MigrationType::ReversibleUp => MigrationKind::ReversibleUp,
        MigrationType::ReversibleDown => MigrationKind::ReversibleDown,
    };
    runner::Migration {
        version: migration.version,
        description: migration.description.clone(),
        kind,
        sql: Cow::Owned(migration.sql.as_str().to_owned()),
        checksum: migration.checksum.clone(),
        no_tx: migration.no_tx,
    }
}

fn execute(e: clickhouse_connect::Error) -> MigrateError {
    MigrateError::Execute(to_sqlx(e))
}

/// The lock table sqlx's `lock` uses (it is not told the history's name).
fn lock_table() -> runner::LockTable {
    History::default().lock_table()
}

/// Releases a migrations lock still held (sqlx skipped `unlock` after an error); a failure
/// leaves the lease to expire.
pub(crate) async fn release_lock(conn: &mut ClickHouseConnection) {
    if let Some(lease) = conn.lease.take()
        && let Err(e) = lease.release(&mut conn.inner).await
    {
        log::warn!("releasing the migrations lock failed; it expires after its lease: {e}");
    }
}

impl ClickHouseConnection {
    /// The apply options, with the lock holder's owner id when a lock is held.
    fn apply_options(&self) -> runner::ApplyOptions {
        match &self.lease {
            Some(lease) => self.migrate.clone().owner(lease.owner()),
            None => self.migrate.clone(),
        }
    }

    async fn apply_migration(
        &mut self,
        table: &str,
        migration: &Migration,
    ) -> Result<Duration, MigrateError> {
        let options = self.apply_options();
        let history = History::new(table);
        history
            .apply(
                &mut self.inner,
                &to_runner(migration),
                &options,
                self.lease.as_ref(),
            )
            .await
            .map_err(|e| MigrateError::ExecuteMigration(to_sqlx(e), migration.version))
    }

    async fn revert_migration(
        &mut self,
        table: &str,
        migration: &Migration,
    ) -> Result<Duration, MigrateError> {
        let history = History::new(table);
        let entries = history.entries(&mut self.inner).await.map_err(execute)?;
        if let Some(partial) = entries
            .iter()
            .find(|e| matches!(e.state, State::Running | State::Failed))
        {
            return Err(MigrateError::ExecuteMigration(
                Error::InvalidArgument(format!(
                    "migration {} ({}) is partially applied ({} of {} statements): run the \
                     migrations again to finish it (run resumes it), or repair it with the \
                     runner's force, before undoing",
                    partial.version,
                    partial.description,
                    partial.statements_done,
                    partial.statements_total
                )),
                migration.version,
            ));
        }
        let options = self.apply_options();
        history
            .revert(
                &mut self.inner,
                &to_runner(migration),
                &options,
                self.lease.as_ref(),
            )
            .await
            .map_err(|e| MigrateError::ExecuteMigration(to_sqlx(e), migration.version))
    }
}

impl Migrate for ClickHouseConnection {
    /// `CREATE DATABASE IF NOT EXISTS` (ClickHouse's databases are sqlx's schemas).
    fn create_schema_if_not_exists<'e>(
        &'e mut self,
        schema_name: &'e str,
    ) -> BoxFuture<'e, Result<(), MigrateError>> {
        Box::pin(async move {
            let on_cluster = self
                .migrate
                .cluster_name()
                .map(|c| format!(" ON CLUSTER {}", quote_identifier(c)))
                .unwrap_or_default();
            self.inner
                .command(format!(
                    "CREATE DATABASE IF NOT EXISTS {}{on_cluster}",
                    quote_identifier(schema_name)
                ))
                .await
                .map_err(execute)?;
            Ok(())
        })
    }

    fn ensure_migrations_table<'e>(
        &'e mut self,
        table_name: &'e str,
    ) -> BoxFuture<'e, Result<(), MigrateError>> {
        Box::pin(async move {
            let options = self.migrate.clone();
            History::new(table_name)
                .ensure(&mut self.inner, &options)
                .await
                .map_err(execute)
        })
    }

    /// A partially reverted migration (a partially applied one is resumed by `apply`).
    fn dirty_version<'e>(
        &'e mut self,
        table_name: &'e str,
    ) -> BoxFuture<'e, Result<Option<i64>, MigrateError>> {
        Box::pin(async move {
            let entries = History::new(table_name)
                .entries(&mut self.inner)
                .await
                .map_err(execute)?;
            Ok(entries
                .iter()
                .find(|e| matches!(e.state, State::Reverting | State::RevertFailed))
                .map(|e| e.version))
        })
    }

    /// The migrations applied in full (a partial one is not listed, so `run` resumes it).
    fn list_applied_migrations<'e>(
        &'e mut self,
        table_name: &'e str,
    ) -> BoxFuture<'e, Result<Vec<AppliedMigration>, MigrateError>> {
        Box::pin(async move {
            let entries = History::new(table_name)
                .entries(&mut self.inner)
                .await
                .map_err(execute)?;
            Ok(entries
                .into_iter()
                .filter(|e| e.state == State::Applied)
                .map(|e| AppliedMigration {
                    version: e.version,
                    checksum: Cow::Owned(e.checksum),
                })
                .collect())
        })
    }

    /// Takes the runner's lease lock (waiting as the connect options'
    /// [`migrations_lock`](ClickHouseConnectOptions::migrations_lock) say).
    fn lock(&mut self) -> BoxFuture<'_, Result<(), MigrateError>> {
        Box::pin(async move {
            if self.lease.is_some() {
                return Ok(());
            }
            let table = lock_table();
            let options = self.migrate.clone();
            table
                .ensure(&mut self.inner, &options)
                .await
                .map_err(execute)?;
            let lease = table
                .acquire(&mut self.inner, &self.migrate_lock, &options)
                .await
                .map_err(execute)?;
            self.lease = Some(lease);
            Ok(())
        })
    }

    fn unlock(&mut self) -> BoxFuture<'_, Result<(), MigrateError>> {
        Box::pin(async move {
            if let Some(lease) = self.lease.take() {
                lease.release(&mut self.inner).await.map_err(execute)?;
            }
            Ok(())
        })
    }

    /// Runs the migration statement by statement, recording each (no transaction exists to
    /// wrap them); resumes a partial one.
    fn apply<'e>(
        &'e mut self,
        table_name: &'e str,
        migration: &'e Migration,
    ) -> BoxFuture<'e, Result<Duration, MigrateError>> {
        Box::pin(async move {
            let result = self.apply_migration(table_name, migration).await;
            if result.is_err() {
                // sqlx returns at once without `unlock`: the lock is released here.
                release_lock(self).await;
            }
            result
        })
    }

    fn revert<'e>(
        &'e mut self,
        table_name: &'e str,
        migration: &'e Migration,
    ) -> BoxFuture<'e, Result<Duration, MigrateError>> {
        Box::pin(async move {
            let result = self.revert_migration(table_name, migration).await;
            if result.is_err() {
                // sqlx returns at once without `unlock`: the lock is released here.
                release_lock(self).await;
            }
            result
        })
    }

    /// Records the migration as applied without running it.
    fn skip<'e>(
        &'e mut self,
        table_name: &'e str,
        migration: &'e Migration,
    ) -> BoxFuture<'e, Result<(), MigrateError>> {
        Box::pin(async move {
            let options = self.apply_options();
            History::new(table_name)
                .force(
                    &mut self.inner,
                    &to_runner(migration),
                    runner::Force::Applied,
                    &options,
                )
                .await
                .map_err(execute)
        })
    }
}
