//! [`Migrator`]: the runner users call: run, run_to, undo, info, check, dry_run, force.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::cluster::{ClusterMode, Environment, substitute_cluster};
use super::event::{Event, emit};
use super::history::{Force, History, HistoryEntry, State, by_version, statements_of};
use super::lock::{Lease, LockOptions};
use super::source::{
    EmbeddedMigration, Migration, MigrationKind, resolve_dir, resolve_embedded, sort_and_check,
};
use super::sql::TableName;
use super::{ApplyOptions, RetryPolicy};
use crate::client::{Client, Connection};
use crate::error::{Error, Result};

/// The migrations runner.
///
/// ```no_run
/// # async fn run(client: clickhouse_connect::Client) -> clickhouse_connect::Result<()> {
/// use clickhouse_connect::migrate::Migrator;
///
/// let migrator = Migrator::new("./migrations")?;
/// let report = migrator.run(&client).await?;
/// println!("applied {:?}", report.versions);
/// for info in migrator.info(&client).await? {
///     println!("{info}");
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Migrator {
    migrations: Vec<Migration>,
    /// Why the embedded migrations are unusable (reported by every call), if they are.
    invalid: Option<String>,
    history: History,
    options: ApplyOptions,
    lock: Option<LockOptions>,
    ignore_missing: bool,
}

/// What [`Migrator::locked`] does under the lock.
#[derive(Debug, Clone, Copy)]
enum Work {
    Run(i64),
    Undo(i64),
    Force(i64, Force),
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The versions applied (or reverted, for `undo`), in the order they ran.
    pub versions: Vec<i64>,
    /// The versions among them that resumed a partial migration.
    pub resumed: Vec<i64>,
}

/// Where one migration stands (see [`Migrator::info`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Not applied (or reverted).
    Pending,
    /// Applied completely.
    Applied,
    /// Partly applied: a statement failed, or the runner died (`error` tells which).
    Partial,
    /// Partly reverted.
    RevertPartial,
}

/// One migration as [`Migrator::info`] shows it: the local file and the history together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationInfo {
    /// The version.
    pub version: i64,
    /// The description (the file's, else the history's).
    pub description: String,
    /// Whether it has a `.down.sql`.
    pub reversible: bool,
    /// Where it stands.
    pub status: Status,
    /// Whether a file for it exists (`false`: applied, but missing locally).
    pub in_source: bool,
    /// When it was applied (or last recorded), server time.
    pub applied_at: Option<DateTime<Utc>>,
    /// How long applying took.
    pub took: Option<Duration>,
    /// Whether the applied checksum is the file's (`None` when not applied or not in source).
    pub checksum_matches: Option<bool>,
    /// The statements of the file (of the history, when not in source).
    pub statements: usize,
    /// The statements applied (reverted, while reverting).
    pub statements_done: usize,
    /// The statement that failed, for a partial migration.
    pub failed_statement: Option<usize>,
    /// The server's error code, for a partial migration.
    pub error_code: Option<i32>,
    /// The error, for a partial migration.
    pub error: Option<String>,
    /// The runner and host that wrote the latest record.
    pub owner: Option<String>,
    /// The host of that runner.
    pub host: Option<String>,
}

impl fmt::Display for MigrationInfo {
    /// `<version>/<status> <description>`, as `sqlx migrate info`, then when, how long, and
    /// what is partial.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = match (self.status, self.checksum_matches) {
            (Status::Pending, _) => "pending",
            (Status::Applied, Some(false)) => "installed (different checksum)",
            (Status::Applied, _) => "installed",
            (Status::Partial, _) => "partial",
            (Status::RevertPartial, _) => "partly reverted",
        };
        write!(f, "{}/{status} {}", self.version, self.description)?;
        if !self.in_source {
            f.write_str(" (no file)")?;
        }
        if let (Some(at), Some(took)) = (self.applied_at, self.took) {
            if self.status == Status::Applied {
                write!(
                    f,
                    " [applied {}, took {:.3} s]",
                    at.format("%Y-%m-%d %H:%M:%S UTC"),
                    took.as_secs_f64()
                )?;
            }
        }
        if matches!(self.status, Status::Partial | Status::RevertPartial) {
            write!(
                f,
                " [{} of {} statements done",
                self.statements_done, self.statements
            )?;
            match (&self.failed_statement, &self.error) {
                (Some(n), Some(e)) => write!(f, "; statement {n} failed: {e}]")?,
                _ => write!(
                    f,
                    "; interrupted (runner {} on {})]",
                    self.owner.as_deref().unwrap_or("?"),
                    self.host.as_deref().unwrap_or("?")
                )?,
            }
        }
        Ok(())
    }
}

/// What [`Migrator::check`] found: empty lists when the database is up to date with the files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Check {
    /// Versions not applied yet.
    pub pending: Vec<i64>,
    /// Versions applied with another checksum than their file's.
    pub mismatched: Vec<i64>,
    /// Versions partly applied or partly reverted.
    pub partial: Vec<i64>,
    /// Versions applied that have no file.
    pub missing: Vec<i64>,
}

impl Check {
    /// Whether the database is exactly what the files say.
    pub fn is_up_to_date(&self) -> bool {
        self.pending.is_empty()
            && self.mismatched.is_empty()
            && self.partial.is_empty()
            && self.missing.is_empty()
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_up_to_date() {
            return f.write_str("up to date");
        }
        let mut parts = Vec::new();
        for (name, list) in [
            ("pending", &self.pending),
            ("checksum mismatch", &self.mismatched),
            ("partial", &self.partial),
            ("applied but missing", &self.missing),
        ] {
            if !list.is_empty() {
                let versions: Vec<String> = list.iter().map(i64::to_string).collect();
                parts.push(format!("{name}: {}", versions.join(", ")));
            }
        }
        f.write_str(&parts.join("; "))
    }
}

/// A statement `run` would send (see [`Migrator::dry_run`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The migration's version.
    pub version: i64,
    /// The statement's number (1-based).
    pub index: usize,
    /// The line it starts on.
    pub line: usize,
    /// The statement as it would be sent (after `{cluster}` substitution).
    pub sql: String,
    /// Whether a partial run applied it already (it would be skipped).
    pub skipped: bool,
}

impl Migrator {
    /// The migrations of a folder in sqlx's format (see the [module docs](super)).
    pub fn new(dir: impl AsRef<Path>) -> Result<Migrator> {
        Ok(Migrator::with(resolve_dir(dir)?, None))
    }

    /// These migrations (sorted; duplicates refused).
    pub fn from_migrations(migrations: Vec<Migration>) -> Result<Migrator> {
        Ok(Migrator::with(sort_and_check(migrations)?, None))
    }

    /// The migrations `migrate!` embedded. (The macro checks the names at compile time; were
    /// they wrong anyway, every call of the migrator reports it.)
    pub fn embedded(files: &'static [EmbeddedMigration]) -> Migrator {
        match resolve_embedded(files) {
            Ok(migrations) => Migrator::with(migrations, None),
            Err(e) => Migrator::with(Vec::new(), Some(e.to_string())),
        }
    }

    fn with(migrations: Vec<Migration>, invalid: Option<String>) -> Migrator {
        Migrator {
            migrations,
            invalid,
            history: History::default(),
            options: ApplyOptions::default(),
            lock: Some(LockOptions::default()),
            ignore_missing: false,
        }
    }

    /// The migrations, sorted by version (up and down halves).
    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }

    /// The history table (default `_sqlx_migrations`, shared with `sqlx migrate`; `db.table`
    /// for another database). The lock table is `<table>_lock`.
    pub fn table(mut self, table: impl Into<TableName>) -> Self {
        self.history = History::new(table);
        self
    }

    /// Works on cluster `name` (see [`ApplyOptions::cluster`]).
    pub fn cluster(mut self, name: impl Into<String>) -> Self {
        self.options = self.options.cluster(name);
        self
    }

    /// The Keeper path of the replicated bookkeeping tables (see
    /// [`ApplyOptions::keeper_path`]).
    pub fn keeper_path(mut self, path: impl Into<String>) -> Self {
        self.options = self.options.keeper_path(path);
        self
    }

    /// How the lock is taken (lease, wait, poll); see [`LockOptions`].
    pub fn lock(mut self, options: LockOptions) -> Self {
        self.lock = Some(options);
        self
    }

    /// Runs without the lock (only when nothing else can run migrations at the same time).
    pub fn without_lock(mut self) -> Self {
        self.lock = None;
        self
    }

    /// How transient errors are retried.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.options = self.options.retry(retry);
        self
    }

    /// How long to wait for a statement's mutations (default 30 minutes).
    pub fn mutation_timeout(mut self, timeout: Duration) -> Self {
        self.options = self.options.mutation_timeout(timeout);
        self
    }

    /// A timeout for each statement, instead of the client's request timeout.
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.options = self.options.statement_timeout(timeout);
        self
    }

    /// How often mutations and cluster tasks are polled (default 250 ms).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.options = self.options.poll_interval(interval);
        self
    }

    /// Applied versions without a file are accepted instead of refused.
    pub fn ignore_missing(mut self, ignore: bool) -> Self {
        self.ignore_missing = ignore;
        self
    }

    /// Calls `callback` for every step of a run (see [`Event`]).
    pub fn on_event(mut self, callback: impl Fn(&Event) + Send + Sync + 'static) -> Self {
        self.options = self.options.on_event(callback);
        self
    }

    /// The history this migrator records in.
    pub fn history(&self) -> &History {
        &self.history
    }

    fn usable(&self) -> Result<()> {
        match &self.invalid {
            Some(reason) => Err(Error::invalid_input(format!(
                "the embedded migrations are unusable: {reason}"
            ))),
            None => Ok(()),
        }
    }

    fn up(&self, version: i64) -> Option<&Migration> {
        self.migrations
            .iter()
            .find(|m| m.version == version && m.kind.is_up())
    }

    fn down(&self, version: i64) -> Option<&Migration> {
        self.migrations
            .iter()
            .find(|m| m.version == version && m.kind == MigrationKind::ReversibleDown)
    }

    /// Applies every pending migration, in version order; resumes partial ones.
    pub async fn run(&self, client: &Client) -> Result<Report> {
        self.run_to(client, i64::MAX).await
    }

    /// Applies the pending migrations up to `target` (included).
    pub async fn run_to(&self, client: &Client, target: i64) -> Result<Report> {
        self.locked(client, Work::Run(target)).await
    }

    /// Reverts the applied migrations above `target`, newest first, with their `.down.sql`.
    /// A migration without one (simple), or partial, stops the undo before anything is reverted.
    pub async fn undo(&self, client: &Client, target: i64) -> Result<Report> {
        self.locked(client, Work::Undo(target)).await
    }

    /// Repairs the record of `version` (see [`Force`]), under the lock.
    pub async fn force(&self, client: &Client, version: i64, force: Force) -> Result<()> {
        self.locked(client, Work::Force(version, force))
            .await
            .map(drop)
    }

    /// Opens a connection, creates the bookkeeping tables, takes the lock, does the work, gives
    /// the lock back (also when the work failed).
    async fn locked(&self, client: &Client, work: Work) -> Result<Report> {
        self.usable()?;
        let mut conn = client.connection().await?;
        let env = Environment::detect(
            &mut conn,
            self.history.table(),
            self.options.cluster.as_deref(),
        )
        .await?;
        env.prepare(&mut conn).await?;
        let lock_table = self.history.lock_table();
        // On a single server, tables that exist need no CREATE; on a cluster the CREATE ... ON
        // CLUSTER also makes them on hosts that lack them.
        if !(env.tables_exist && env.mode == ClusterMode::Single) {
            self.history
                .ensure_in(&mut conn, &env, &self.options)
                .await?;
            lock_table.ensure_in(&mut conn, &env, &self.options).await?;
        }
        let mut lease = match &self.lock {
            Some(lock) => Some(
                lock_table
                    .acquire_with(&mut conn, lock, &env, &self.options.events)
                    .await?,
            ),
            None => None,
        };
        let mut options = self.options.clone();
        if let Some(lease) = &lease {
            options.owner = lease.owner().to_owned();
        }
        let lease_ref = lease.as_ref();
        let result = match work {
            Work::Run(target) => {
                self.run_locked(&mut conn, &env, &options, lease_ref, target)
                    .await
            }
            Work::Undo(target) => {
                self.undo_locked(&mut conn, &env, &options, lease_ref, target)
                    .await
            }
            Work::Force(version, force) => match self.up(version) {
                Some(migration) => self
                    .history
                    .force(&mut conn, migration, force, &options)
                    .await
                    .map(|()| Report {
                        versions: vec![version],
                        resumed: Vec::new(),
                    }),
                None => Err(Error::invalid_input(format!(
                    "no migration file has version {version}"
                ))),
            },
        };
        if let Some(lease) = &mut lease {
            let mut released = lease.give_back(&mut conn).await;
            if released.is_err() {
                // The runner's connection may be what broke: one more try on a new one.
                if let Ok(mut fresh) = client.connection().await {
                    if env.prepare(&mut fresh).await.is_ok() {
                        released = lease.give_back(&mut fresh).await;
                    }
                }
            }
            emit(
                &self.options.events,
                Event::LockReleased {
                    owner: lease.owner().to_owned(),
                },
            );
            if let (Ok(_), Err(e)) = (&result, released) {
                return Err(e.context(
                    "the migrations ran, but the lock could not be given back (it expires after \
                     its lease)",
                ));
            }
        }
        result
    }

    /// Refuses what a run cannot go on with: applied versions without a file, changed applied
    /// files, partly reverted migrations.
    fn validate(&self, entries: &BTreeMap<i64, HistoryEntry>) -> Result<()> {
        for entry in entries.values() {
            if entry.state == State::Reverted {
                continue;
            }
            let Some(local) = self.up(entry.version) else {
                if self.ignore_missing {
                    continue;
                }
                return Err(Error::invalid_input(format!(
                    "migration {} ({}) is recorded as {} in {}, but no file has that version \
                     (set ignore_missing to go on)",
                    entry.version,
                    entry.description,
                    entry.state,
                    self.history.table()
                )));
            };
            if entry.state == State::Applied && entry.checksum != *local.checksum {
                return Err(Error::invalid_input(format!(
                    "migration {} ({}) was applied with checksum {}, but {} now has checksum {}: \
                     the file changed after it was applied; restore it, or accept it with force",
                    entry.version,
                    entry.description,
                    super::split::hex(&entry.checksum),
                    local.file_name(),
                    local.checksum_hex()
                )));
            }
            if matches!(entry.state, State::Reverting | State::RevertFailed) {
                return Err(Error::invalid_input(format!(
                    "migration {} ({}) is partly reverted ({} of its down statements done): run \
                     undo again to finish the revert, or repair it with force",
                    entry.version, entry.description, entry.statements_done
                )));
            }
        }
        Ok(())
    }

    async fn run_locked(
        &self,
        conn: &mut Connection,
        env: &Environment,
        options: &ApplyOptions,
        lease: Option<&Lease>,
        target: i64,
    ) -> Result<Report> {
        let entries = by_version(self.history.read(conn, None).await?);
        self.validate(&entries)?;
        let mut report = Report::default();
        for migration in self.migrations.iter().filter(|m| m.kind.is_up()) {
            if migration.version > target {
                break;
            }
            let entry = entries.get(&migration.version);
            if entry.is_some_and(|e| e.state == State::Applied) {
                continue;
            }
            if entry.is_some_and(|e| e.state.is_partial()) {
                report.resumed.push(migration.version);
            }
            self.history
                .apply_in(conn, env, migration, options, lease, entry.cloned())
                .await?;
            report.versions.push(migration.version);
        }
        Ok(report)
    }

    async fn undo_locked(
        &self,
        conn: &mut Connection,
        env: &Environment,
        options: &ApplyOptions,
        lease: Option<&Lease>,
        target: i64,
    ) -> Result<Report> {
        let entries = by_version(self.history.read(conn, None).await?);
        let mut plan = Vec::new();
        for entry in entries.values().rev() {
            if entry.version <= target || entry.state == State::Reverted {
                continue;
            }
            if matches!(entry.state, State::Running | State::Failed) {
                return Err(Error::invalid_input(format!(
                    "migration {} ({}) is partial ({} of {} statements applied): finish it with \
                     run after fixing it, or repair it with force, before undoing past it",
                    entry.version, entry.description, entry.statements_done, entry.statements_total
                )));
            }
            let Some(down) = self.down(entry.version) else {
                return Err(Error::invalid_input(format!(
                    "migration {} ({}) has no .down.sql, so undo cannot go below it",
                    entry.version, entry.description
                )));
            };
            if entry.state == State::Applied {
                if let Some(up) = self.up(entry.version) {
                    if *up.checksum != entry.checksum {
                        return Err(Error::invalid_input(format!(
                            "migration {} ({}) was applied from another version of {} \
                             (checksum mismatch): its down half may not fit; restore the file",
                            entry.version,
                            entry.description,
                            up.file_name()
                        )));
                    }
                }
            }
            plan.push((down, entry.clone()));
        }
        let mut report = Report::default();
        for (down, entry) in plan {
            let version = entry.version;
            if entry.state != State::Applied {
                report.resumed.push(version);
            }
            self.history
                .revert_in(conn, env, down, options, lease, Some(entry))
                .await?;
            report.versions.push(version);
        }
        Ok(report)
    }

    /// Every migration, local and recorded: version, description, status, when applied, how
    /// long it took, whether the checksum matches, and for partial ones the statement that
    /// failed and the server's error. Creates nothing (a missing history means all pending).
    pub async fn info(&self, client: &Client) -> Result<Vec<MigrationInfo>> {
        self.usable()?;
        let mut conn = client.connection().await?;
        let entries = by_version(self.history.entries(&mut conn).await?);
        let mut out = Vec::new();
        let mut versions: Vec<i64> = self
            .migrations
            .iter()
            .filter(|m| m.kind.is_up())
            .map(|m| m.version)
            .chain(
                entries
                    .values()
                    .filter(|e| e.state != State::Reverted)
                    .map(|e| e.version),
            )
            .collect();
        versions.sort_unstable();
        versions.dedup();
        for version in versions {
            let local = self.up(version);
            let entry = entries.get(&version).filter(|e| e.state != State::Reverted);
            let statements = match local {
                Some(m) => statements_of(m).map(|s| s.len()).unwrap_or(0),
                None => entry.map_or(0, |e| e.statements_total),
            };
            let status = match entry.map(|e| e.state) {
                None | Some(State::Reverted) => Status::Pending,
                Some(State::Applied) => Status::Applied,
                Some(State::Running | State::Failed) => Status::Partial,
                Some(State::Reverting | State::RevertFailed) => Status::RevertPartial,
            };
            out.push(MigrationInfo {
                version,
                description: local.map_or_else(
                    || entry.map(|e| e.description.clone()).unwrap_or_default(),
                    |m| m.description.to_string(),
                ),
                reversible: self.down(version).is_some(),
                status,
                in_source: local.is_some(),
                applied_at: entry.map(|e| e.installed_on),
                took: entry.map(|e| e.execution_time),
                checksum_matches: match (local, entry) {
                    (Some(m), Some(e)) if e.state == State::Applied => {
                        Some(*m.checksum == e.checksum)
                    }
                    _ => None,
                },
                statements: entry
                    .filter(|e| matches!(e.state, State::Reverting | State::RevertFailed))
                    .map_or(statements, |e| e.statements_total),
                statements_done: entry.map_or(0, |e| e.statements_done),
                failed_statement: entry.and_then(|e| e.failed_statement),
                error_code: entry.and_then(|e| e.error_code),
                error: entry
                    .filter(|e| e.state.is_partial())
                    .and_then(|e| e.error.clone()),
                owner: entry.map(|e| e.owner.clone()),
                host: entry.map(|e| e.host.clone()),
            });
        }
        Ok(out)
    }

    /// Whether the database is up to date with the files (for CI): pending, mismatched,
    /// partial and missing versions. Creates nothing.
    pub async fn check(&self, client: &Client) -> Result<Check> {
        let mut check = Check::default();
        for info in self.info(client).await? {
            match info.status {
                Status::Pending => check.pending.push(info.version),
                Status::Partial | Status::RevertPartial => check.partial.push(info.version),
                Status::Applied => {}
            }
            if info.checksum_matches == Some(false) {
                check.mismatched.push(info.version);
            }
            if !info.in_source && !self.ignore_missing {
                check.missing.push(info.version);
            }
        }
        Ok(check)
    }

    /// The statements `run` would send now, in order (those a partial run applied marked as
    /// skipped), after the same checks `run` makes. Creates nothing and takes no lock.
    pub async fn dry_run(&self, client: &Client) -> Result<Vec<Planned>> {
        self.usable()?;
        let mut conn = client.connection().await?;
        let env = Environment::detect(
            &mut conn,
            self.history.table(),
            self.options.cluster.as_deref(),
        )
        .await?;
        let entries = by_version(self.history.entries(&mut conn).await?);
        self.validate(&entries)?;
        let mut out = Vec::new();
        for migration in self.migrations.iter().filter(|m| m.kind.is_up()) {
            let entry = entries.get(&migration.version);
            let done = match entry.map(|e| e.state) {
                Some(State::Applied) => continue,
                Some(State::Running | State::Failed) => entry.map_or(0, |e| e.statements_done),
                _ => 0,
            };
            let statements = statements_of(migration)?;
            if let Some(e) = entry.filter(|e| e.state.is_partial()) {
                for (i, (s, h)) in statements
                    .iter()
                    .zip(&e.statement_hashes)
                    .take(done)
                    .enumerate()
                {
                    if s.hash() != *h {
                        return Err(Error::invalid_input(format!(
                            "migration {} ({}): statement {} (line {}) was applied already and \
                             has changed since",
                            migration.version,
                            migration.description,
                            i + 1,
                            s.line()
                        )));
                    }
                }
            }
            for (i, s) in statements.iter().enumerate() {
                out.push(Planned {
                    version: migration.version,
                    index: i + 1,
                    line: s.line(),
                    sql: substitute_cluster(s.sql(), &env.mode),
                    skipped: i < done,
                });
            }
        }
        Ok(out)
    }
}
