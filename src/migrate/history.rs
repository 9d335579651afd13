//! The bookkeeping: one append-only table, the latest row per version wins.
//!
//! No `UPDATE` is ever needed (so no mutation records progress): every change of a migration's
//! state is a new row with a larger `seq`, read back with `argMax(.., seq)` per version, and the
//! table is a `ReplacingMergeTree(seq)` ordered by `version`, so merges keep only the latest
//! row. The columns sqlx's `_sqlx_migrations` has come first, with sqlx's meaning; the rest
//! record the migration statement by statement.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::ApplyOptions;
use super::cluster::{Environment, substitute_cluster};
use super::event::{Direction, Event, emit};
use super::exec::{At, RetryPolicy, command_retrying, run_statement};
use super::lock::{Lease, LockTable};
use super::source::{Migration, MigrationKind};
use super::split::{Statement, split};
use super::sql::{TableName, next_seq, string_array, truncate};
use crate::client::Connection;
use crate::error::{Error, Result};
use crate::types::quote;

/// The default history table: sqlx's, so `sqlx migrate` and this runner share one history.
pub const DEFAULT_TABLE: &str = "_sqlx_migrations";

/// The longest error message kept in the history.
const MAX_ERROR: usize = 4000;

/// Where a migration stands, by the latest row of its version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Being applied: the runner is at work, or died (`statements_done` tells how far it got).
    Running,
    /// Applied completely.
    Applied,
    /// A statement failed; the ones before it are applied (partial).
    Failed,
    /// Being reverted (or the reverting runner died).
    Reverting,
    /// A statement of the down migration failed; the ones before it are applied.
    RevertFailed,
    /// Reverted completely: as if it had never been applied.
    Reverted,
}

impl State {
    /// The text stored in the `state` column.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Running => "running",
            State::Applied => "applied",
            State::Failed => "failed",
            State::Reverting => "reverting",
            State::RevertFailed => "revert_failed",
            State::Reverted => "reverted",
        }
    }

    /// The state a `state` column's text stands for.
    pub fn parse(text: &str) -> Option<State> {
        Some(match text {
            "running" => State::Running,
            "applied" => State::Applied,
            "failed" => State::Failed,
            "reverting" => State::Reverting,
            "revert_failed" => State::RevertFailed,
            "reverted" => State::Reverted,
            _ => return None,
        })
    }

    /// Whether the migration is half done (sqlx's "dirty": `success = false`).
    pub fn is_partial(self) -> bool {
        matches!(
            self,
            State::Running | State::Failed | State::Reverting | State::RevertFailed
        )
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The latest row of one version: what the history says about a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// The version.
    pub version: i64,
    /// The description.
    pub description: String,
    /// When the row was written (server time): for an applied migration, when it finished.
    pub installed_on: DateTime<Utc>,
    /// Whether the migration is complete (`false` while partial: sqlx's "dirty").
    pub success: bool,
    /// The SHA-384 checksum of the (up) file that was applied.
    pub checksum: Vec<u8>,
    /// How long applying took (sqlx stores nanoseconds).
    pub execution_time: Duration,
    /// Where it stands.
    pub state: State,
    /// How many statements the file had.
    pub statements_total: usize,
    /// How many statements, from the first, are applied (reverted, for a revert).
    pub statements_done: usize,
    /// The hashes of the statements done ([`Statement::hash`]).
    pub statement_hashes: Vec<String>,
    /// The statement that failed (1-based), for a failed state.
    pub failed_statement: Option<usize>,
    /// The server's error code, for a failed state.
    pub error_code: Option<i32>,
    /// The error, for a failed state.
    pub error: Option<String>,
    /// The runner that wrote the row.
    pub owner: String,
    /// The host it ran on.
    pub host: String,
    /// The row's ordering number.
    pub seq: u64,
}

/// How [`History::force`] repairs a migration's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Force {
    /// Record it as applied, with the file's current checksum (the rest was applied by hand,
    /// or a changed file is accepted as it is).
    Applied,
    /// Record it as not applied (it was undone by hand): the next run applies it from its first
    /// statement.
    NotApplied,
    /// Record its first `n` statements as applied, with their current text: the next run goes
    /// on with statement `n + 1`.
    StatementsDone(usize),
}

/// The history table: create it, read it, record migrations in it, apply and revert them.
///
/// Every method works on one [`Connection`], so a sqlx `Migrate` implementation can call them
/// on the connection it is given.
#[derive(Debug, Clone)]
pub struct History {
    table: TableName,
}

impl Default for History {
    fn default() -> Self {
        History::new(DEFAULT_TABLE)
    }
}

impl History {
    /// The history in `table` (`name` or `database.name`).
    pub fn new(table: impl Into<TableName>) -> History {
        History {
            table: table.into(),
        }
    }

    /// The table's name.
    pub fn table(&self) -> &TableName {
        &self.table
    }

    /// The lock table that goes with this history (`<table>_lock`).
    pub fn lock_table(&self) -> LockTable {
        LockTable::new(self.table.with_suffix("_lock"))
    }

    /// Creates the history table if it does not exist (`ON CLUSTER`, replicated, with
    /// `options.cluster`), and its lock table.
    pub async fn ensure(&self, conn: &mut Connection, options: &ApplyOptions) -> Result<()> {
        let env = Environment::detect(conn, &self.table, options.cluster.as_deref()).await?;
        env.prepare(conn).await?;
        self.ensure_in(conn, &env, options).await?;
        self.lock_table().ensure_in(conn, &env, options).await
    }

    pub(crate) async fn ensure_in(
        &self,
        conn: &mut Connection,
        env: &Environment,
        options: &ApplyOptions,
    ) -> Result<()> {
        let sql = format!(
            "CREATE TABLE IF NOT EXISTS {}{} (\n\
             version Int64,\n\
             description String,\n\
             installed_on DateTime('UTC'),\n\
             success UInt8,\n\
             checksum String,\n\
             execution_time Int64,\n\
             state String,\n\
             statements_total UInt32,\n\
             statements_done UInt32,\n\
             statement_hashes Array(String),\n\
             failed_statement UInt32,\n\
             error_code Int32,\n\
             error String,\n\
             owner String,\n\
             host String,\n\
             seq UInt64\n\
             ) ENGINE = {} ORDER BY version",
            self.table,
            env.on_cluster(),
            env.engine(&self.table, &options.keeper_path, "seq")?
        );
        run_statement(
            conn,
            env,
            options,
            None,
            &sql,
            At {
                version: 0,
                index: 0,
            },
        )
        .await
        .map_err(|e| e.context(format!("creating the history table {}", self.table)))
    }

    /// Whether the history table exists.
    pub async fn exists(&self, conn: &mut Connection) -> Result<bool> {
        let sql = format!(
            "SELECT count() FROM system.tables WHERE database = {} AND name = {}",
            self.table.database_expr(),
            quote(&self.table.name)
        );
        let n: u64 = conn.query(sql).scalar().await?;
        Ok(n > 0)
    }

    /// The latest row of every version, reverted ones included, by version; empty when the
    /// table does not exist.
    pub async fn entries(&self, conn: &mut Connection) -> Result<Vec<HistoryEntry>> {
        if !self.exists(conn).await? {
            return Ok(Vec::new());
        }
        self.read(conn, None).await
    }

    /// The migrations applied or partial (not reverted), by version: sqlx's
    /// `list_applied_migrations`.
    pub async fn applied(&self, conn: &mut Connection) -> Result<Vec<HistoryEntry>> {
        Ok(self
            .entries(conn)
            .await?
            .into_iter()
            .filter(|e| e.state != State::Reverted)
            .collect())
    }

    /// The first partial migration's version: sqlx's `dirty_version`.
    pub async fn dirty_version(&self, conn: &mut Connection) -> Result<Option<i64>> {
        Ok(self
            .entries(conn)
            .await?
            .into_iter()
            .find(|e| e.state.is_partial())
            .map(|e| e.version))
    }

    /// The latest row of `version`, if any.
    pub async fn entry(&self, conn: &mut Connection, version: i64) -> Result<Option<HistoryEntry>> {
        Ok(self.read(conn, Some(version)).await?.pop())
    }

    /// Every version's latest row, the table known to exist.
    pub(crate) async fn read(
        &self,
        conn: &mut Connection,
        version: Option<i64>,
    ) -> Result<Vec<HistoryEntry>> {
        let filter = version.map_or_else(String::new, |v| format!(" WHERE version = {v}"));
        let sql = format!(
            "SELECT version, argMax(description, seq), toUInt32(argMax(installed_on, seq)), \
             argMax(success, seq), argMax(checksum, seq), argMax(execution_time, seq), \
             argMax(state, seq), argMax(statements_total, seq), argMax(statements_done, seq), \
             argMax(statement_hashes, seq), argMax(failed_statement, seq), \
             argMax(error_code, seq), argMax(error, seq), argMax(owner, seq), \
             argMax(host, seq), max(seq) \
             FROM {}{filter} GROUP BY version ORDER BY version",
            self.table
        );
        let result = conn
            .query(sql)
            .fetch()
            .await
            .map_err(|e| e.context(format!("reading the history table {}", self.table)))?;
        let mut out = Vec::new();
        for row in result.rows() {
            let state: String = row.get(6)?;
            let version: i64 = row.get(0)?;
            let checksum: String = row.get(4)?;
            let failed: u32 = row.get(10)?;
            let code: i32 = row.get(11)?;
            let error: String = row.get(12)?;
            let nanos: i64 = row.get(5)?;
            out.push(HistoryEntry {
                version,
                description: row.get(1)?,
                installed_on: DateTime::from_timestamp(i64::from(row.get::<u32>(2)?), 0)
                    .unwrap_or_default(),
                success: row.get::<u8>(3)? != 0,
                checksum: from_hex(&checksum).ok_or_else(|| {
                    Error::invalid_input(format!(
                        "the history table {} holds a checksum that is not hex for version {version}",
                        self.table
                    ))
                })?,
                execution_time: Duration::from_nanos(u64::try_from(nanos).unwrap_or(0)),
                state: State::parse(&state).ok_or_else(|| {
                    Error::invalid_input(format!(
                        "the history table {} holds an unknown state {state:?} for version {version}",
                        self.table
                    ))
                })?,
                statements_total: row.get::<u32>(7)? as usize,
                statements_done: row.get::<u32>(8)? as usize,
                statement_hashes: row.get(9)?,
                failed_statement: (failed > 0).then_some(failed as usize),
                error_code: (code != 0).then_some(code),
                error: (!error.is_empty()).then_some(error),
                owner: row.get(13)?,
                host: row.get(14)?,
                seq: row.get(15)?,
            });
        }
        Ok(out)
    }

    /// Appends a row (its `installed_on` is the server's `now()`).
    pub async fn append(&self, conn: &mut Connection, entry: &HistoryEntry) -> Result<()> {
        let sql = format!(
            "INSERT INTO {} (version, description, installed_on, success, checksum, \
             execution_time, state, statements_total, statements_done, statement_hashes, \
             failed_statement, error_code, error, owner, host, seq) \
             SELECT {}, {}, now(), {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}",
            self.table,
            entry.version,
            quote(&entry.description),
            u8::from(entry.success),
            quote(&super::split::hex(&entry.checksum)),
            i64::try_from(entry.execution_time.as_nanos()).unwrap_or(i64::MAX),
            quote(entry.state.as_str()),
            entry.statements_total,
            entry.statements_done,
            string_array(&entry.statement_hashes),
            entry.failed_statement.unwrap_or(0),
            entry.error_code.unwrap_or(0),
            quote(truncate(entry.error.as_deref().unwrap_or(""), MAX_ERROR)),
            quote(&entry.owner),
            quote(&entry.host),
            entry.seq
        );
        command_retrying(conn, &RetryPolicy::default(), &sql)
            .await
            .map_err(|e| e.context(format!("writing to the history table {}", self.table)))
    }

    /// Applies `migration` (simple or up) statement by statement, recording each: resumes a
    /// partial one after the statements already applied (refusing one whose applied statements
    /// changed), records a failure as partial with the statement and the server's error. Returns
    /// how long it took. Hold the lock (`lease`) while calling it.
    pub async fn apply(
        &self,
        conn: &mut Connection,
        migration: &Migration,
        options: &ApplyOptions,
        lease: Option<&Lease>,
    ) -> Result<Duration> {
        let env = Environment::detect(conn, &self.table, options.cluster.as_deref()).await?;
        env.prepare(conn).await?;
        let prior = self.entry(conn, migration.version).await?;
        self.apply_in(conn, &env, migration, options, lease, prior)
            .await
    }

    /// [`apply`](Self::apply) with the environment detected and the version's record read.
    pub(crate) async fn apply_in(
        &self,
        conn: &mut Connection,
        env: &Environment,
        migration: &Migration,
        options: &ApplyOptions,
        lease: Option<&Lease>,
        prior: Option<HistoryEntry>,
    ) -> Result<Duration> {
        if !migration.kind.is_up() {
            return Err(Error::invalid_input(format!(
                "{} is a down migration: revert it, do not apply it",
                migration.file_name()
            )));
        }
        let statements = statements_of(migration)?;
        let (done, hashes, seq) = match &prior {
            None => (0, Vec::new(), 0),
            Some(e) => match e.state {
                State::Reverted => (0, Vec::new(), e.seq),
                State::Applied => {
                    return Err(Error::invalid_input(format!(
                        "migration {} ({}) is applied already",
                        migration.version, migration.description
                    )));
                }
                State::Running | State::Failed => {
                    check_resume(migration, &statements, e)?;
                    (e.statements_done, e.statement_hashes.clone(), e.seq)
                }
                State::Reverting | State::RevertFailed => {
                    return Err(Error::invalid_input(format!(
                        "migration {} ({}) is partly reverted ({} of its down statements done): \
                         run undo again to finish the revert, or repair it with force",
                        migration.version, migration.description, e.statements_done
                    )));
                }
            },
        };
        let entry = HistoryEntry {
            version: migration.version,
            description: migration.description.to_string(),
            installed_on: DateTime::default(),
            success: false,
            checksum: migration.checksum.to_vec(),
            execution_time: Duration::ZERO,
            state: State::Running,
            statements_total: statements.len(),
            statements_done: done,
            statement_hashes: hashes,
            failed_statement: None,
            error_code: None,
            error: None,
            owner: options.owner.clone(),
            host: options.host.clone(),
            seq,
        };
        self.run_statements(
            conn,
            env,
            migration,
            &statements,
            entry,
            Direction::Up,
            options,
            lease,
        )
        .await
    }

    /// Reverts `down` (the `.down.sql` half of an applied migration) statement by statement,
    /// recording each; a partial revert resumes the same way as [`apply`](Self::apply).
    pub async fn revert(
        &self,
        conn: &mut Connection,
        down: &Migration,
        options: &ApplyOptions,
        lease: Option<&Lease>,
    ) -> Result<Duration> {
        let env = Environment::detect(conn, &self.table, options.cluster.as_deref()).await?;
        env.prepare(conn).await?;
        let prior = self.entry(conn, down.version).await?;
        self.revert_in(conn, &env, down, options, lease, prior)
            .await
    }

    /// [`revert`](Self::revert) with the environment detected and the version's record read.
    pub(crate) async fn revert_in(
        &self,
        conn: &mut Connection,
        env: &Environment,
        down: &Migration,
        options: &ApplyOptions,
        lease: Option<&Lease>,
        prior: Option<HistoryEntry>,
    ) -> Result<Duration> {
        if down.kind != MigrationKind::ReversibleDown {
            return Err(Error::invalid_input(format!(
                "{} is not a down migration (.down.sql): it cannot be reverted",
                down.file_name()
            )));
        }
        let statements = statements_of(down)?;
        let Some(prior) = prior else {
            return Err(not_applied(down));
        };
        let (done, hashes) = match prior.state {
            State::Applied => (0, Vec::new()),
            State::Reverting | State::RevertFailed => {
                check_resume(down, &statements, &prior)?;
                (prior.statements_done, prior.statement_hashes.clone())
            }
            State::Reverted => return Err(not_applied(down)),
            State::Running | State::Failed => {
                return Err(Error::invalid_input(format!(
                    "migration {} ({}) is partial ({} of {} statements applied): finish it with \
                     run after fixing it, or repair it with force, before reverting it",
                    down.version, down.description, prior.statements_done, prior.statements_total
                )));
            }
        };
        let entry = HistoryEntry {
            state: State::Reverting,
            success: false,
            statements_total: statements.len(),
            statements_done: done,
            statement_hashes: hashes,
            failed_statement: None,
            error_code: None,
            error: None,
            owner: options.owner.clone(),
            host: options.host.clone(),
            execution_time: Duration::ZERO,
            ..prior
        };
        self.run_statements(
            conn,
            env,
            down,
            &statements,
            entry,
            Direction::Down,
            options,
            lease,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn run_statements(
        &self,
        conn: &mut Connection,
        env: &Environment,
        migration: &Migration,
        statements: &[Statement<'_>],
        mut entry: HistoryEntry,
        direction: Direction,
        options: &ApplyOptions,
        lease: Option<&Lease>,
    ) -> Result<Duration> {
        let version = migration.version;
        let total = statements.len();
        let done = entry.statements_done;
        emit(
            &options.events,
            Event::MigrationStarted {
                version,
                description: migration.description.to_string(),
                direction,
                statements: total,
                resumed_after: done,
            },
        );
        let started = Instant::now();
        if let Some(lease) = lease {
            lease.check()?;
        }
        entry.seq = next_seq(entry.seq);
        self.append(conn, &entry).await?;
        for index in 1..=done {
            emit(
                &options.events,
                Event::StatementSkipped {
                    version,
                    index,
                    total,
                },
            );
        }
        for (i, statement) in statements.iter().enumerate().skip(done) {
            let index = i + 1;
            let sql = substitute_cluster(statement.sql(), &env.mode);
            emit(
                &options.events,
                Event::StatementStarted {
                    version,
                    index,
                    total,
                    line: statement.line(),
                    sql: sql.clone(),
                },
            );
            let statement_started = Instant::now();
            let at = At { version, index };
            if let Err(e) = run_statement(conn, env, options, lease, &sql, at).await {
                let e = e.context(format!(
                    "migration {version} ({}), {} statement {index} of {total} (line {})",
                    migration.description,
                    match direction {
                        Direction::Up => "up",
                        Direction::Down => "down",
                    },
                    statement.line()
                ));
                emit(
                    &options.events,
                    Event::MigrationFailed {
                        version,
                        direction,
                        index,
                        error: e.to_string(),
                    },
                );
                let lost = lease.is_some_and(|l| l.check().is_err());
                if !lost {
                    entry.state = match direction {
                        Direction::Up => State::Failed,
                        Direction::Down => State::RevertFailed,
                    };
                    entry.failed_statement = Some(index);
                    entry.error_code = e.server_code();
                    entry.error = Some(e.to_string());
                    entry.seq = next_seq(entry.seq);
                    if let Err(record) = self.append(conn, &entry).await {
                        return Err(
                            e.context(format!("(and recording the failure failed too: {record})"))
                        );
                    }
                }
                return Err(e);
            }
            entry.statements_done = index;
            entry.statement_hashes.push(statement.hash());
            entry.seq = next_seq(entry.seq);
            self.append(conn, &entry).await?;
            emit(
                &options.events,
                Event::StatementDone {
                    version,
                    index,
                    total,
                    took: statement_started.elapsed(),
                },
            );
        }
        let took = started.elapsed();
        entry.state = match direction {
            Direction::Up => State::Applied,
            Direction::Down => State::Reverted,
        };
        entry.success = true;
        entry.execution_time = took;
        entry.seq = next_seq(entry.seq);
        self.append(conn, &entry).await?;
        emit(
            &options.events,
            Event::MigrationDone {
                version,
                direction,
                took,
            },
        );
        Ok(took)
    }

    /// Repairs a migration's record by hand (see [`Force`]): for what a run cannot decide, such
    /// as a statement that half-applied before it failed. Hold the lock while calling it.
    pub async fn force(
        &self,
        conn: &mut Connection,
        migration: &Migration,
        force: Force,
        options: &ApplyOptions,
    ) -> Result<()> {
        let statements = statements_of(migration)?;
        let prior = self.entry(conn, migration.version).await?;
        let seq = prior.as_ref().map_or(0, |p| p.seq);
        let hashes: Vec<String> = statements.iter().map(Statement::hash).collect();
        let (state, done) = match force {
            Force::Applied => (State::Applied, statements.len()),
            Force::NotApplied => (State::Reverted, 0),
            Force::StatementsDone(n) if n <= statements.len() => (State::Failed, n),
            Force::StatementsDone(n) => {
                return Err(Error::invalid_input(format!(
                    "migration {} has {} statements, so {n} cannot be done",
                    migration.version,
                    statements.len()
                )));
            }
        };
        let entry = HistoryEntry {
            version: migration.version,
            description: migration.description.to_string(),
            installed_on: DateTime::default(),
            success: !state.is_partial(),
            checksum: migration.checksum.to_vec(),
            execution_time: prior.as_ref().map_or(Duration::ZERO, |p| p.execution_time),
            state,
            statements_total: statements.len(),
            statements_done: done,
            statement_hashes: hashes[..done].to_vec(),
            failed_statement: None,
            error_code: None,
            error: Some(format!("forced by {} on {}", options.owner, options.host))
                .filter(|_| state != State::Reverted),
            owner: options.owner.clone(),
            host: options.host.clone(),
            seq: next_seq(seq),
        };
        self.append(conn, &entry).await
    }
}

fn not_applied(m: &Migration) -> Error {
    Error::invalid_input(format!(
        "migration {} ({}) is not applied, so it cannot be reverted",
        m.version, m.description
    ))
}

/// The statements of a migration's file, or an error naming the file and the place.
pub(crate) fn statements_of(migration: &Migration) -> Result<Vec<Statement<'_>>> {
    split(&migration.sql)
        .map_err(|e| Error::invalid_input(format!("{}: {e}", migration.file_name())))
}

/// Checks that the statements a partial run applied are still the file's first statements.
fn check_resume(
    migration: &Migration,
    statements: &[Statement<'_>],
    prior: &HistoryEntry,
) -> Result<()> {
    let done = prior.statements_done;
    if done > statements.len() || prior.statement_hashes.len() < done {
        return Err(Error::invalid_input(format!(
            "migration {} ({}): {done} statements were applied, but {} now has only {}; \
             repair it with force",
            migration.version,
            migration.description,
            migration.file_name(),
            statements.len()
        )));
    }
    for (i, (statement, applied)) in statements
        .iter()
        .zip(&prior.statement_hashes)
        .take(done)
        .enumerate()
    {
        if statement.hash() != *applied {
            return Err(Error::invalid_input(format!(
                "migration {} ({}): statement {} (line {} of {}) was applied already and has \
                 changed since; restore it, or repair the record with force",
                migration.version,
                migration.description,
                i + 1,
                statement.line(),
                migration.file_name()
            )));
        }
    }
    Ok(())
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The entries by version.
pub(crate) fn by_version(entries: Vec<HistoryEntry>) -> BTreeMap<i64, HistoryEntry> {
    entries.into_iter().map(|e| (e.version, e)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip() {
        for s in [
            State::Running,
            State::Applied,
            State::Failed,
            State::Reverting,
            State::RevertFailed,
            State::Reverted,
        ] {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
        assert_eq!(State::parse("dirty"), None);
        assert!(State::Failed.is_partial() && !State::Applied.is_partial());
        assert!(!State::Reverted.is_partial());
    }

    #[test]
    fn hex_round_trip() {
        let bytes = super::super::source::checksum("x");
        assert_eq!(from_hex(&super::super::split::hex(&bytes)), Some(bytes));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
        assert_eq!(from_hex("é1"), None);
    }

    fn entry(done: usize, hashes: Vec<String>) -> HistoryEntry {
        HistoryEntry {
            version: 1,
            description: "m".into(),
            installed_on: DateTime::default(),
            success: false,
            checksum: vec![],
            execution_time: Duration::ZERO,
            state: State::Failed,
            statements_total: 3,
            statements_done: done,
            statement_hashes: hashes,
            failed_statement: Some(done + 1),
            error_code: None,
            error: None,
            owner: String::new(),
            host: String::new(),
            seq: 1,
        }
    }

    #[test]
    fn resume_accepts_unchanged_and_refuses_changed_statements() {
        let m = Migration::new(
            1,
            "m",
            MigrationKind::Simple,
            "CREATE TABLE a (x UInt8) ENGINE Memory;\n-- a comment\nCREATE TABLE b (x UInt8) ENGINE Memory;\nSELECT 3",
        );
        let s = statements_of(&m).unwrap();
        let hashes: Vec<String> = s.iter().map(Statement::hash).collect();
        check_resume(&m, &s, &entry(2, hashes[..2].to_vec())).unwrap();
        let edited = Migration::new(
            1,
            "m",
            MigrationKind::Simple,
            "CREATE TABLE a (x UInt8) ENGINE Memory;\nCREATE TABLE b (x UInt16) ENGINE Memory;\nSELECT 3",
        );
        let s2 = statements_of(&edited).unwrap();
        let e = check_resume(&edited, &s2, &entry(2, hashes[..2].to_vec())).unwrap_err();
        assert!(
            e.to_string()
                .contains("statement 2 (line 2 of 1_m.sql) was applied already and has changed"),
            "{e}"
        );
        // Editing only comments and spacing is no change.
        let recommented = Migration::new(
            1,
            "m",
            MigrationKind::Simple,
            "CREATE TABLE a (x UInt8)   ENGINE Memory; /* moved */ CREATE TABLE b (x UInt8) ENGINE Memory; SELECT 4",
        );
        let s3 = statements_of(&recommented).unwrap();
        check_resume(&recommented, &s3, &entry(2, hashes[..2].to_vec())).unwrap();
        let short = Migration::new(1, "m", MigrationKind::Simple, "SELECT 1");
        let e = check_resume(
            &short,
            &statements_of(&short).unwrap(),
            &entry(2, hashes[..2].to_vec()),
        )
        .unwrap_err();
        assert!(e.to_string().contains("now has only 1"), "{e}");
    }
}
