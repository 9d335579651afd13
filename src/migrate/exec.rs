//! Running one statement: retries of transient errors, waiting for mutations, reading back the
//! hosts of an `ON CLUSTER` statement.

use std::time::{Duration, Instant};

use super::cluster::{
    self, ClusterMode, Environment, has_on_cluster, is_ddl_wait_timeout, mutation_target,
};
use super::event::{Event, EventCallback, emit};
use super::lock::Lease;
use super::sql::TableName;
use crate::client::Connection;
use crate::error::{Error, ErrorKind, Result};
use crate::types::quote;

/// How transient errors are retried: up to `attempts` tries in all, waiting `initial`, then
/// twice as long each time up to `max`.
///
/// Retried: server errors that say "not now" ([`Error::is_retryable`]: `CANNOT_ASSIGN_ALTER`
/// (517), too many simultaneous queries, too many parts, Keeper trouble, a read-only replica,
/// ...) and connection failures. Not retried: client-side timeouts, because the statement may
/// still be running on the server and a second copy of a non-idempotent statement (an `INSERT`)
/// would do its work twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all (1: no retry).
    pub attempts: u32,
    /// The first wait.
    pub initial: Duration,
    /// The longest wait.
    pub max: Duration,
}

impl Default for RetryPolicy {
    /// 6 tries, waiting 0.2 s, 0.4 s, 0.8 s, 1.6 s, 3.2 s.
    fn default() -> Self {
        RetryPolicy {
            attempts: 6,
            initial: Duration::from_millis(200),
            max: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        RetryPolicy {
            attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait after the `attempt`-th try failed (1-based).
    pub fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(20);
        self.initial.saturating_mul(factor).min(self.max)
    }

    /// Whether `error` is worth another try of a migration statement.
    pub fn retries(error: &Error) -> bool {
        error.is_retryable() && error.kind() != ErrorKind::Timeout
    }
}

/// How statements are run: retries, bounds on waits, the cluster, progress callbacks. Shared
/// by [`Migrator`](super::Migrator) and the lower-level [`History::apply`](super::History::apply).
#[derive(Clone)]
pub struct ApplyOptions {
    pub(crate) retry: RetryPolicy,
    pub(crate) mutation_timeout: Duration,
    pub(crate) ddl_timeout: Duration,
    pub(crate) statement_timeout: Option<Duration>,
    pub(crate) poll_interval: Duration,
    pub(crate) cluster: Option<String>,
    pub(crate) keeper_path: String,
    pub(crate) events: Option<EventCallback>,
    pub(crate) owner: String,
    pub(crate) host: String,
}

impl std::fmt::Debug for ApplyOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApplyOptions")
            .field("retry", &self.retry)
            .field("mutation_timeout", &self.mutation_timeout)
            .field("ddl_timeout", &self.ddl_timeout)
            .field("statement_timeout", &self.statement_timeout)
            .field("cluster", &self.cluster)
            .field("keeper_path", &self.keeper_path)
            .field("owner", &self.owner)
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            retry: RetryPolicy::default(),
            mutation_timeout: Duration::from_secs(30 * 60),
            ddl_timeout: Duration::from_secs(30 * 60),
            statement_timeout: None,
            poll_interval: Duration::from_millis(250),
            cluster: None,
            keeper_path: cluster::DEFAULT_KEEPER_PATH.to_owned(),
            events: None,
            owner: super::sql::new_owner_id(),
            host: super::sql::host_name(),
        }
    }
}

impl ApplyOptions {
    /// How transient errors are retried (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// How long to wait for the mutations a statement started (default 30 minutes).
    pub fn mutation_timeout(mut self, timeout: Duration) -> Self {
        self.mutation_timeout = timeout;
        self
    }

    /// How long to wait for the hosts of an `ON CLUSTER` task the server stopped waiting for
    /// (default 30 minutes).
    pub fn ddl_timeout(mut self, timeout: Duration) -> Self {
        self.ddl_timeout = timeout;
        self
    }

    /// A timeout for each statement, instead of the client's request timeout.
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.statement_timeout = Some(timeout);
        self
    }

    /// How often mutations, cluster tasks and the lock are polled (default 250 ms).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Works on a cluster: bookkeeping tables created `ON CLUSTER name` (replicated, one
    /// history for every host), `{cluster}` in migration files replaced by `name`.
    pub fn cluster(mut self, name: impl Into<String>) -> Self {
        self.cluster = Some(name.into());
        self
    }

    /// The Keeper path of the replicated bookkeeping tables (default
    /// [`DEFAULT_KEEPER_PATH`](super::DEFAULT_KEEPER_PATH); `{database}` and `{table}` are
    /// filled in, `{shard}` is refused).
    pub fn keeper_path(mut self, path: impl Into<String>) -> Self {
        self.keeper_path = path.into();
        self
    }

    /// Calls `callback` for every step (see [`Event`]).
    pub fn on_event(mut self, callback: impl Fn(&Event) + Send + Sync + 'static) -> Self {
        self.events = Some(std::sync::Arc::new(callback));
        self
    }

    /// The owner id written into the history (default: a new UUID; a [`Lease`]'s owner when a
    /// lock is held).
    pub fn owner(mut self, owner: impl Into<String>) -> Self {
        self.owner = owner.into();
        self
    }

    /// The owner id.
    pub fn owner_id(&self) -> &str {
        &self.owner
    }

    /// The cluster set with [`cluster`](Self::cluster), if any.
    pub fn cluster_name(&self) -> Option<&str> {
        self.cluster.as_deref()
    }
}

/// Where a statement is, for events and errors.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At {
    pub(crate) version: i64,
    pub(crate) index: usize,
}

/// Runs one statement: with retries, then waits for its mutations; an `ON CLUSTER` statement's
/// hosts are read back.
pub(crate) async fn run_statement(
    conn: &mut Connection,
    env: &Environment,
    options: &ApplyOptions,
    lease: Option<&Lease>,
    sql: &str,
    at: At,
) -> Result<()> {
    let on_cluster = has_on_cluster(sql);
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        if let Some(lease) = lease {
            lease.check()?;
        }
        let marker = (on_cluster && env.ddl_queue)
            .then(|| format!("clickhouse-connect migrate {}", uuid::Uuid::new_v4()));
        let sent = if on_cluster {
            cluster::run_on_cluster(conn, sql, options.statement_timeout, marker.as_deref()).await
        } else {
            let mut command = conn.command(sql);
            if let Some(t) = options.statement_timeout {
                command = command.timeout(t);
            }
            command.await.map(drop)
        };
        match sent {
            Ok(()) => break,
            Err(e) if on_cluster && cluster_name(env).is_some() && is_ddl_wait_timeout(&e) => {
                // The server stopped waiting; the task runs on. Watch it.
                let entry = e
                    .server()
                    .and_then(|s| cluster::ddl_entry_from_message(&s.message));
                if !env.ddl_queue {
                    return Err(e.context(
                        "the ON CLUSTER task keeps running on the hosts that did not finish, and \
                         this server has no system.distributed_ddl_queue to watch it (before 21.x)",
                    ));
                }
                let (Some(entry), Some(name)) = (entry, cluster_name(env)) else {
                    return Err(e.context(
                        "the ON CLUSTER task keeps running on the hosts that did not finish, \
                         and its task name is not in the message",
                    ));
                };
                cluster::wait_ddl_entry(conn.client(), name, &entry, options, at.version, at.index)
                    .await
                    .map_err(|w| w.context(format!("after: {e}")))?;
                break;
            }
            Err(e) if on_cluster && e.is_timeout() => {
                // Our own timeout: find the task by its marker, if the server can tell.
                let found = match (marker.as_deref(), cluster_name(env)) {
                    (Some(marker), Some(name)) if env.ddl_queue => {
                        cluster::ddl_entry_by_marker(conn.client(), name, marker)
                            .await
                            .ok()
                            .flatten()
                            .map(|entry| (name, entry))
                    }
                    _ => None,
                };
                let Some((name, entry)) = found else {
                    return Err(e.context(
                        "the client stopped waiting for an ON CLUSTER statement; the task may \
                         still run on the hosts (see system.distributed_ddl_queue)",
                    ));
                };
                cluster::wait_ddl_entry(conn.client(), name, &entry, options, at.version, at.index)
                    .await?;
                break;
            }
            Err(e) if RetryPolicy::retries(&e) && attempt < options.retry.attempts => {
                let delay = options.retry.delay(attempt);
                emit(
                    &options.events,
                    Event::Retrying {
                        version: at.version,
                        index: at.index,
                        attempt,
                        delay,
                        code: e.server_code(),
                        error: e.to_string(),
                    },
                );
                tokio::time::sleep(delay).await;
            }
            Err(e) => return Err(e),
        }
    }
    if let Some(table) = mutation_target(sql) {
        wait_mutations(conn, env, options, &table, at).await?;
    }
    Ok(())
}

fn cluster_name(env: &Environment) -> Option<&str> {
    match &env.mode {
        ClusterMode::OnCluster { name } => Some(name),
        _ => None,
    }
}

/// Waits until `table` has no unfinished mutation (on every replica of a cluster where the server
/// has `clusterAllReplicas`, else on this one), reporting
/// the parts left; a mutation the server reports as failing fails the statement.
pub(crate) async fn wait_mutations(
    conn: &mut Connection,
    env: &Environment,
    options: &ApplyOptions,
    table: &TableName,
    at: At,
) -> Result<()> {
    let source = match (&env.mode, env.all_replicas) {
        (ClusterMode::OnCluster { name } | ClusterMode::ReplicatedDatabase { name }, true) => {
            format!("clusterAllReplicas({}, system.mutations)", quote(name))
        }
        // One server, or a server without clusterAllReplicas (before 20.x): this replica.
        _ => "system.mutations".to_owned(),
    };
    let fail_reason = if env.mutation_fail_reason {
        "latest_fail_reason"
    } else {
        "''"
    };
    let sql = format!(
        "SELECT mutation_id, toUInt64(parts_to_do), {fail_reason} FROM {source} \
         WHERE database = {} AND table = {} AND is_done = 0 ORDER BY mutation_id",
        table.database_expr(),
        quote(&table.name)
    );
    let started = Instant::now();
    let mut last: Option<Vec<(String, u64)>> = None;
    loop {
        let result = query_retrying(conn, &options.retry, &sql)
            .await
            .map_err(|e| e.context(format!("watching the mutations of {table}")))?;
        let mut pending = Vec::new();
        for row in result.rows() {
            let id: String = row.get(0)?;
            let parts: u64 = row.get(1)?;
            let reason: String = row.get(2)?;
            if !reason.is_empty() {
                return Err(Error::invalid_input(format!(
                    "mutation {id} of {table} fails: {reason} (it stays queued: fix the cause, \
                     or KILL MUTATION WHERE mutation_id = {})",
                    quote(&id)
                )));
            }
            pending.push((id, parts));
        }
        if pending.is_empty() {
            return Ok(());
        }
        if started.elapsed() >= options.mutation_timeout {
            return Err(Error::timeout(format!(
                "the mutations of {table} are not done after {:?}: {}",
                options.mutation_timeout,
                pending
                    .iter()
                    .map(|(id, parts)| format!("{id} ({parts} parts to do)"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if last.as_ref() != Some(&pending) {
            emit(
                &options.events,
                Event::WaitingForMutations {
                    version: at.version,
                    index: at.index,
                    table: table.to_string(),
                    pending: pending.clone(),
                },
            );
            last = Some(pending);
        }
        tokio::time::sleep(options.poll_interval).await;
    }
}

/// A query of the runner's own (safe to repeat), tried again while it fails with an error
/// worth another try.
pub(crate) async fn query_retrying(
    conn: &mut Connection,
    policy: &RetryPolicy,
    sql: &str,
) -> Result<crate::QueryResult> {
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        match conn.query(sql).fetch().await {
            Ok(v) => return Ok(v),
            Err(e) if e.is_retryable() && attempt < policy.attempts => {
                tokio::time::sleep(policy.delay(attempt)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// A command of the runner's own (an append: repeating it writes the same row again, which
/// reads the same), tried again while it fails with an error worth another try.
pub(crate) async fn command_retrying(
    conn: &mut Connection,
    policy: &RetryPolicy,
    sql: &str,
) -> Result<()> {
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        match conn.command(sql).await {
            Ok(_) => return Ok(()),
            Err(e) if e.is_retryable() && attempt < policy.attempts => {
                tokio::time::sleep(policy.delay(attempt)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ServerError;

    #[test]
    fn backoff_doubles_up_to_the_max() {
        let p = RetryPolicy::default();
        let delays: Vec<_> = (1..=8).map(|a| p.delay(a).as_millis()).collect();
        assert_eq!(delays, [200, 400, 800, 1600, 3200, 6400, 10000, 10000]);
        assert_eq!(RetryPolicy::none().attempts, 1);
        assert_eq!(p.delay(u32::MAX), p.max);
    }

    #[test]
    fn what_is_retried() {
        let server = |code| Error::from(ServerError::new(code, "x"));
        let e517 = server(517);
        assert!(RetryPolicy::retries(&e517));
        assert!(RetryPolicy::retries(&server(202)));
        assert!(RetryPolicy::retries(&server(252)));
        assert!(!RetryPolicy::retries(&server(60)));
        assert!(!RetryPolicy::retries(&server(159)));
        assert!(RetryPolicy::retries(&Error::connection("refused")));
        // The statement may still run on the server: never sent twice.
        assert!(!RetryPolicy::retries(&Error::timeout("slow")));
    }
}
