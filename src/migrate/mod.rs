//! The migrations runner: sqlx's folder format, statement-by-statement bookkeeping that resumes
//! instead of leaving a "dirty" flag, a lease lock across processes and hosts, clusters,
//! mutations waited for, transient errors retried.
//!
//! A user of [`Client`](crate::Client) like any application: every request goes through a
//! [`Connection`](crate::Connection) or the client; nothing here knows the transport.
//!
//! ```no_run
//! # async fn run(client: clickhouse_connect::Client) -> clickhouse_connect::Result<()> {
//! use clickhouse_connect::migrate::Migrator;
//!
//! // From a folder at run time, or embedded: `clickhouse_connect::migrate!("./migrations")`.
//! let migrator = Migrator::new("./migrations")?
//!     .on_event(|event| eprintln!("{event:?}"));
//! migrator.run(&client).await?;
//! assert!(migrator.check(&client).await?.is_up_to_date());
//! # Ok(())
//! # }
//! ```
//!
//! # Files
//!
//! sqlx's format, exactly ([`source`](resolve_dir) has the rules): `<VERSION>_<description>.sql`
//! (simple) or `.up.sql` / `.down.sql` (reversible), SHA-384 checksums as sqlx computes them,
//! so `sqlx migrate` and this runner read the same folder and the same history. A file is a
//! list of statements, cut by [`split`] where ClickHouse's own lexer sees a `;` (quotes,
//! escapes, heredocs and comments respected), and sent one by one. `{cluster}` in a file is
//! replaced by the cluster's name when a cluster is configured.
//!
//! # The history table
//!
//! Default name `_sqlx_migrations` (sqlx's), configurable; in the connection's database unless
//! qualified (`db.table`). Rows are only ever appended; the latest row per version (largest
//! `seq`) is the migration's record, read with `argMax(.., seq)`; the engine,
//! `ReplacingMergeTree(seq) ORDER BY version`, keeps only that row after merges.
//!
//! | column | type | meaning |
//! |---|---|---|
//! | `version` | `Int64` | sqlx's: the file's version |
//! | `description` | `String` | sqlx's |
//! | `installed_on` | `DateTime('UTC')` | sqlx's: when the row was written (server time) |
//! | `success` | `UInt8` | sqlx's: 1 when complete, 0 while partial ("dirty") |
//! | `checksum` | `String` | sqlx's SHA-384 of the up file, as 96 lowercase hex digits |
//! | `execution_time` | `Int64` | sqlx's: nanoseconds the migration took |
//! | `state` | `String` | `running`, `applied`, `failed`, `reverting`, `revert_failed`, `reverted` ([`State`]) |
//! | `statements_total` | `UInt32` | statements in the file being applied (or reverted) |
//! | `statements_done` | `UInt32` | how many, from the first, are done |
//! | `statement_hashes` | `Array(String)` | SHA-256 of each done statement, comments and spacing left out ([`Statement::hash`]) |
//! | `failed_statement` | `UInt32` | 1-based number of the statement that failed, 0 if none |
//! | `error_code`, `error` | `Int32`, `String` | the server's code and the error, for a failed state |
//! | `owner`, `host` | `String` | the runner that wrote the row and its host |
//! | `seq` | `UInt64` | ordering: nanoseconds since the epoch, above the version's previous row |
//!
//! A migration is recorded before its first statement (`running`), after each statement
//! (`statements_done` and `statement_hashes` grow), and at the end (`applied`, `success = 1`).
//! When a statement fails, the row says `failed`, which statement and the server's error. The
//! next run (after the file is fixed) skips the statements already applied if their text is
//! unchanged and continues with the first one not applied; a changed statement that was applied
//! is refused by name. `info` shows the partial state; [`Force`] repairs what a run cannot
//! decide. A revert is recorded the same way (`reverting` with the down file's statements, then
//! `reverted`, which reads as not applied).
//!
//! # The lock
//!
//! A lease in `<history>_lock` (see [`lock`](LockTable) for the protocol): owner id, host, pid,
//! expiry by the server's clock. Renewed in the background while a run lasts; a runner that
//! dies stops renewing and the next runner takes over when the lease expires (30 s by default).
//! A second runner waits, within a bound, and fails with a message naming the holder.
//!
//! # Clusters
//!
//! See [`ClusterMode`]: with a cluster name, the history and lock tables are created
//! `ON CLUSTER` on `ReplicatedReplacingMergeTree` under one Keeper path without `{shard}`
//! ([`DEFAULT_KEEPER_PATH`]), so every host sees one history; a database on the `Replicated`
//! engine is detected and gets no `ON CLUSTER`; the hosts of every `ON CLUSTER` statement are
//! read back, and `system.distributed_ddl_queue` watched when the server or the client stopped
//! waiting.
//!
//! # Mutations and retries
//!
//! After `ALTER TABLE ...` and `DELETE FROM ...`, the runner waits until `system.mutations`
//! shows none of the table's mutations unfinished (bounded, reported as [`Event`]s; a mutation
//! the server reports as failing fails the statement). Transient errors are retried with
//! backoff ([`RetryPolicy`]).
//!
//! # Known limits
//!
//! - The cluster paths (`ON CLUSTER` bookkeeping on three replicas, a `Replicated` database,
//!   `system.distributed_ddl_queue` after a timeout, quorum settings for the lock) are unit-tested
//!   and run on single servers only as far as those can show them; their integration tests need
//!   the local cluster (`scripts/dev-cluster`).
//!
//! # For a sqlx `Migrate` implementation
//!
//! Everything works on one [`Connection`](crate::Connection):
//!
//! | sqlx | here |
//! |---|---|
//! | `ensure_migrations_table(table)` | [`History::new(table).ensure(conn, &options)`](History::ensure) (also creates the lock table) |
//! | `list_applied_migrations` | [`History::applied`]: [`HistoryEntry`] `{ version, checksum, success, state, .. }` |
//! | `dirty_version` | [`History::dirty_version`] (a partial migration); or let `apply` resume it |
//! | `apply(migration)` | [`History::apply(conn, &migration, &options, Some(&lease))`](History::apply): records start, each statement, the end or the failure |
//! | `revert(migration)` | [`History::revert`] with the `.down.sql` [`Migration`] |
//! | `skip` | [`History::force`] with [`Force::Applied`] |
//! | `lock` / `unlock` | [`History::lock_table`]`.`[`acquire(conn, &LockOptions, &options)`](LockTable::acquire) gives a [`Lease`] (owner id, renewed in the background through another connection of the same client); [`Lease::release`] |
//!
//! A sqlx `Migration` converts field by field into a [`Migration`] (keep sqlx's checksum: it
//! may have been computed with ignored characters). sqlx returns early on an error without
//! calling `unlock`: release the [`Lease`] when the connection goes back to the pool or is
//! closed (dropping it stops the renewals, and the lease then expires).

mod cluster;
mod event;
mod exec;
mod history;
mod lock;
mod run;
mod source;
mod split;
mod sql;

pub use cluster::{ClusterMode, DEFAULT_KEEPER_PATH, keeper_path_for, substitute_cluster};
pub use event::{Direction, Event};
pub use exec::{ApplyOptions, RetryPolicy};
pub use history::{DEFAULT_TABLE, Force, History, HistoryEntry, State};
pub use lock::{DEFAULT_LOCK_NAME, Holder, Lease, LockOptions, LockTable};
pub use run::{Check, MigrationInfo, Migrator, Planned, Report, Status};
pub use source::{
    EmbeddedMigration, Migration, MigrationKind, checksum, checksum_ignoring, parse_file_name,
    resolve_dir, resolve_dir_ignoring,
};
pub use split::{SplitError, SplitErrorKind, Statement, split};
pub use sql::TableName;
