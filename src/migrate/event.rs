//! What a run reports as it goes: one [`Event`] per step, to a callback.

use std::sync::Arc;
use std::time::Duration;

use super::lock::Holder;

/// Which way a migration runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Applying (`run`, `run_to`).
    Up,
    /// Reverting (`undo`).
    Down,
}

/// One step of a run, reported to [`Migrator::on_event`](super::Migrator::on_event) (and to
/// [`ApplyOptions::on_event`](super::ApplyOptions::on_event)). Statement numbers are 1-based.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// Another runner holds the lock; this one waits (reported when the holder changes).
    LockWaiting {
        /// Who holds it.
        holder: Holder,
    },
    /// The lock is ours.
    LockAcquired {
        /// This runner's owner id.
        owner: String,
    },
    /// The lock is given back.
    LockReleased {
        /// This runner's owner id.
        owner: String,
    },
    /// A migration starts (or resumes).
    MigrationStarted {
        /// Its version.
        version: i64,
        /// Its description.
        description: String,
        /// Up or down.
        direction: Direction,
        /// How many statements its file has.
        statements: usize,
        /// How many of them an earlier run applied already (skipped now).
        resumed_after: usize,
    },
    /// A statement an earlier run applied, unchanged, is skipped.
    StatementSkipped {
        /// The migration's version.
        version: i64,
        /// The statement's number.
        index: usize,
        /// How many statements the file has.
        total: usize,
    },
    /// A statement is sent.
    StatementStarted {
        /// The migration's version.
        version: i64,
        /// The statement's number.
        index: usize,
        /// How many statements the file has.
        total: usize,
        /// The line it starts on.
        line: usize,
        /// The statement as sent (after `{cluster}` substitution).
        sql: String,
    },
    /// A statement failed with an error worth another try; the runner waits `delay`.
    Retrying {
        /// The migration's version.
        version: i64,
        /// The statement's number.
        index: usize,
        /// The try that failed (1 for the first).
        attempt: u32,
        /// How long the runner waits before the next try.
        delay: Duration,
        /// The server's error code, if the server raised the error.
        code: Option<i32>,
        /// The error.
        error: String,
    },
    /// The statement started mutations that are not done yet; the runner waits for them.
    WaitingForMutations {
        /// The migration's version.
        version: i64,
        /// The statement's number.
        index: usize,
        /// The table (`db.table`).
        table: String,
        /// The mutations not done yet, with the parts each has left.
        pending: Vec<(String, u64)>,
    },
    /// An `ON CLUSTER` task is still running on some hosts; the runner waits for them.
    WaitingForCluster {
        /// The migration's version.
        version: i64,
        /// The statement's number.
        index: usize,
        /// The task (`query-0000000012`).
        entry: String,
        /// The hosts that have not finished (`host:port`).
        unfinished: Vec<String>,
    },
    /// A statement is done.
    StatementDone {
        /// The migration's version.
        version: i64,
        /// The statement's number.
        index: usize,
        /// How many statements the file has.
        total: usize,
        /// How long it took (waits for mutations and the cluster included).
        took: Duration,
    },
    /// The migration is applied (or reverted).
    MigrationDone {
        /// Its version.
        version: i64,
        /// Up or down.
        direction: Direction,
        /// How long it took in this run.
        took: Duration,
    },
    /// A statement failed; the migration is recorded as partial.
    MigrationFailed {
        /// Its version.
        version: i64,
        /// Up or down.
        direction: Direction,
        /// The statement that failed.
        index: usize,
        /// The error.
        error: String,
    },
}

/// A callback for [`Event`]s.
pub(crate) type EventCallback = Arc<dyn Fn(&Event) + Send + Sync>;

/// Calls the callback, if there is one.
pub(crate) fn emit(callback: &Option<EventCallback>, event: Event) {
    if let Some(callback) = callback {
        callback(&event);
    }
}
