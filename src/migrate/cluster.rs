//! Clusters: how the bookkeeping tables and the migration statements reach every host.
//!
//! - A `cluster` option creates the history and lock tables `ON CLUSTER` on
//!   `ReplicatedReplacingMergeTree` under one Keeper path without `{shard}`, so every host of
//!   the cluster holds one and the same history (a `{shard}` in the path would give each shard a
//!   history of its own, the mistake other tools make).
//! - A database on the `Replicated` engine is detected (`system.databases`): its DDL reaches
//!   every replica by itself and `ON CLUSTER` is refused there (code 80), so the runner writes
//!   none, and removes the `ON CLUSTER {cluster}` clauses of migration files.
//! - `{cluster}` in a migration file is replaced by the cluster's name (quoted as the place needs:
//!   a bare identifier, or escaped inside a string literal).
//! - The per-host outcome of an `ON CLUSTER` statement is read back: the rows the server
//!   returns (a host with a non-zero `status` fails the statement), and when the server stops
//!   waiting (`TIMEOUT_EXCEEDED`, the task keeps running in the background) or the client times
//!   out, `system.distributed_ddl_queue` is watched until every host finished, or one failed.

use std::time::{Duration, Instant};

use super::ApplyOptions;
use super::event::{Event, emit};
use super::split::{Token, TokenKind, tokens};
use super::sql::TableName;
use crate::client::Connection;
use crate::error::{Error, ErrorCode, Result};
use crate::types::{backquote_if_needed, quote};

/// The default Keeper path of the replicated bookkeeping tables: `{database}` and `{table}` are
/// filled in by the runner (no `{shard}`: one history for the whole cluster).
pub const DEFAULT_KEEPER_PATH: &str =
    "/clickhouse/clickhouse-connect/migrations/{database}/{table}";

/// How the bookkeeping tables and statements reach the hosts, as detected for one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterMode {
    /// One server: plain tables, no `ON CLUSTER`, `{cluster}` left to the server's macros.
    Single,
    /// `ON CLUSTER name`: bookkeeping tables created on every host, replicated under one path.
    OnCluster {
        /// The cluster's name.
        name: String,
    },
    /// The database is on the `Replicated` engine: no `ON CLUSTER` anywhere.
    ReplicatedDatabase {
        /// The name `{cluster}` stands for: the cluster option if given, else the database's
        /// own name (a Replicated database is a cluster of that name).
        name: String,
    },
}

impl ClusterMode {
    /// The name `{cluster}` stands for, if any.
    pub fn name(&self) -> Option<&str> {
        match self {
            ClusterMode::Single => None,
            ClusterMode::OnCluster { name } | ClusterMode::ReplicatedDatabase { name } => {
                Some(name)
            }
        }
    }

    /// Whether the bookkeeping tables are replicated (created on a `Replicated*` engine).
    pub fn replicated(&self) -> bool {
        !matches!(self, ClusterMode::Single)
    }
}

/// What the runner knows about the server and database it works in (one query).
#[derive(Debug, Clone)]
pub(crate) struct Environment {
    pub(crate) mode: ClusterMode,
    /// The bookkeeping tables' database.
    pub(crate) database: String,
    /// `system.mutations` has `latest_fail_reason` (19.x and newer).
    pub(crate) mutation_fail_reason: bool,
    /// `system.distributed_ddl_queue` exists with its `settings` column (21.x and newer).
    pub(crate) ddl_queue: bool,
    /// The history table and its lock table both exist.
    pub(crate) tables_exist: bool,
    /// The server has `clusterAllReplicas` (20.x and newer): mutations are watched on every
    /// replica; older servers watch the local replica only.
    pub(crate) all_replicas: bool,
    /// `SET`s for every connection of the runner: on a cluster, majority quorum inserts and
    /// sequentially consistent reads, so the lock and the history read what was written on
    /// another replica.
    pub(crate) session_settings: Vec<(String, String)>,
}

impl Environment {
    /// Detects the database's engine and what the server's system tables offer.
    pub(crate) async fn detect(
        conn: &mut Connection,
        table: &TableName,
        cluster: Option<&str>,
    ) -> Result<Environment> {
        let db = table.database_expr();
        let sql = format!(
            "SELECT {db} AS db, \
             (SELECT count() FROM system.databases WHERE name = {db} AND engine = 'Replicated') AS replicated, \
             (SELECT count() FROM system.columns WHERE database = 'system' AND table = 'mutations' AND name = 'latest_fail_reason') AS fail_reason, \
             (SELECT count() FROM system.columns WHERE database = 'system' AND table = 'distributed_ddl_queue' AND name IN ('settings', 'exception_text')) AS ddl_queue, \
             (SELECT count() FROM system.tables WHERE database = {db} AND name IN ({}, {})) AS tables, \
             (SELECT count() FROM system.table_functions WHERE name = 'clusterAllReplicas') AS all_replicas",
            quote(&table.name),
            quote(&table.with_suffix("_lock").name)
        );
        let result = conn
            .query(sql)
            .fetch()
            .await
            .map_err(|e| e.context("detecting the server's tables and the database engine"))?;
        let row = result
            .rows()
            .next()
            .ok_or_else(|| Error::protocol("the environment query returned no row"))?;
        let database: String = row.get(0)?;
        let replicated: u64 = row.get(1)?;
        let fail_reason: u64 = row.get(2)?;
        let ddl_queue: u64 = row.get(3)?;
        let tables: u64 = row.get(4)?;
        let all_replicas: u64 = row.get(5)?;
        let mode = if replicated > 0 {
            ClusterMode::ReplicatedDatabase {
                name: cluster.map_or_else(|| database.clone(), str::to_owned),
            }
        } else if let Some(name) = cluster {
            ClusterMode::OnCluster {
                name: name.to_owned(),
            }
        } else {
            ClusterMode::Single
        };
        let mut session_settings = Vec::new();
        if let Some(name) = mode.name() {
            let sql = format!(
                "SELECT (SELECT count() FROM system.clusters WHERE cluster = {}), \
                 (SELECT count() FROM system.settings WHERE name = 'insert_quorum_parallel')",
                quote(name)
            );
            let result = conn
                .query(sql)
                .fetch()
                .await
                .map_err(|e| e.context(format!("reading the hosts of cluster {name}")))?;
            let row = result
                .rows()
                .next()
                .ok_or_else(|| Error::protocol("the cluster query returned no row"))?;
            let hosts: u64 = row.get(0)?;
            let parallel: u64 = row.get(1)?;
            session_settings = quorum_settings(hosts, parallel > 0);
        }
        Ok(Environment {
            mode,
            database,
            mutation_fail_reason: fail_reason > 0,
            ddl_queue: ddl_queue == 2,
            tables_exist: tables == 2,
            all_replicas: all_replicas > 0,
            session_settings,
        })
    }

    /// Applies [`session_settings`](Self::session_settings) to a connection.
    pub(crate) async fn prepare(&self, conn: &mut Connection) -> Result<()> {
        for (name, value) in &self.session_settings {
            conn.command(format!("SET {name} = {value}"))
                .await
                .map_err(|e| e.context(format!("SET {name} = {value}")))?;
        }
        Ok(())
    }

    /// ` ON CLUSTER name` for the runner's own DDL, or nothing.
    pub(crate) fn on_cluster(&self) -> String {
        match &self.mode {
            ClusterMode::OnCluster { name } => format!(" ON CLUSTER {}", backquote_if_needed(name)),
            _ => String::new(),
        }
    }

    /// The engine of a bookkeeping table ordered by `version_column`.
    pub(crate) fn engine(
        &self,
        table: &TableName,
        keeper_path: &str,
        version_column: &str,
    ) -> Result<String> {
        if !self.mode.replicated() {
            return Ok(format!("ReplacingMergeTree({version_column})"));
        }
        let path = keeper_path_for(keeper_path, &self.database, &table.name)?;
        Ok(format!(
            "ReplicatedReplacingMergeTree({}, '{{replica}}', {version_column})",
            quote(&path)
        ))
    }
}

/// The `SET`s for a runner's connections on a cluster of `hosts` hosts: a majority quorum for
/// inserts and reads that see it (the history and lock tables are replicated to every host).
pub(crate) fn quorum_settings(hosts: u64, has_parallel_setting: bool) -> Vec<(String, String)> {
    if hosts < 2 {
        return Vec::new();
    }
    let mut out = vec![
        ("insert_quorum".to_owned(), (hosts / 2 + 1).to_string()),
        ("select_sequential_consistency".to_owned(), "1".to_owned()),
    ];
    if has_parallel_setting {
        // Sequential consistency needs the quorum inserts in order.
        out.push(("insert_quorum_parallel".to_owned(), "0".to_owned()));
    }
    out
}

/// The Keeper path for a table: `{database}` and `{table}` filled in; a `{shard}` refused.
pub fn keeper_path_for(template: &str, database: &str, table: &str) -> Result<String> {
    if template.contains("{shard}") {
        return Err(Error::invalid_input(format!(
            "the Keeper path of the migration history must not contain {{shard}} ({template:?}): \
             each shard would keep a history of its own"
        )));
    }
    Ok(template
        .replace("{database}", database)
        .replace("{table}", table))
}

/// The significant tokens of a statement with their text.
fn words(sql: &str) -> Vec<(TokenKind, &str)> {
    tokens(sql)
        .map(|t| {
            t.into_iter()
                .filter(|t| !matches!(t.kind, TokenKind::Whitespace | TokenKind::Comment))
                .map(|t| (t.kind, &sql[t.start..t.end]))
                .collect()
        })
        .unwrap_or_default()
}

fn is_word(token: &(TokenKind, &str), word: &str) -> bool {
    token.0 == TokenKind::Word && token.1.eq_ignore_ascii_case(word)
}

/// Whether a statement runs `ON CLUSTER`.
pub(crate) fn has_on_cluster(sql: &str) -> bool {
    words(sql)
        .windows(2)
        .any(|w| is_word(&w[0], "ON") && is_word(&w[1], "CLUSTER"))
}

/// `sql` with `{cluster}` replaced for `mode` (and in a Replicated database, `ON CLUSTER
/// {cluster}` removed). Statements without the placeholder come back unchanged; so does every
/// statement on a single server (the server's own `{cluster}` macro may stand for it there).
pub fn substitute_cluster(sql: &str, mode: &ClusterMode) -> String {
    let Some(name) = mode.name() else {
        return sql.to_owned();
    };
    if !sql.contains("{cluster}") {
        return sql.to_owned();
    }
    let Ok(all) = tokens(sql) else {
        return sql.to_owned();
    };
    let drop_clause = matches!(mode, ClusterMode::ReplicatedDatabase { .. });
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    let text = |t: &Token| &sql[t.start..t.end];
    let placeholder_at = |i: usize| -> Option<usize> {
        // `{cluster}` as three tokens, or `'{cluster}'` / `` `{cluster}` `` as one.
        match all.get(i) {
            Some(t)
                if text(t) == "{"
                    && all.get(i + 1).is_some_and(|t| text(t) == "cluster")
                    && all.get(i + 2).is_some_and(|t| text(t) == "}") =>
            {
                Some(3)
            }
            Some(t)
                if matches!(t.kind, TokenKind::String | TokenKind::QuotedIdentifier)
                    && &text(t)[1..text(t).len() - 1] == "{cluster}" =>
            {
                Some(1)
            }
            _ => None,
        }
    };
    while i < all.len() {
        let t = &all[i];
        if drop_clause && t.kind == TokenKind::Word && text(t).eq_ignore_ascii_case("ON") {
            // ON <ws> CLUSTER <ws> placeholder
            let mut j = i + 1;
            let skip_ws = |mut j: usize| {
                while all
                    .get(j)
                    .is_some_and(|t| matches!(t.kind, TokenKind::Whitespace | TokenKind::Comment))
                {
                    j += 1;
                }
                j
            };
            j = skip_ws(j);
            if all.get(j).is_some_and(|t| {
                t.kind == TokenKind::Word && text(t).eq_ignore_ascii_case("CLUSTER")
            }) {
                let k = skip_ws(j + 1);
                if let Some(len) = placeholder_at(k) {
                    i = k + len;
                    continue;
                }
            }
        }
        if let Some(len) = placeholder_at(i) {
            if len == 3 {
                out.push_str(&backquote_if_needed(name));
            } else {
                let quote_char = text(t).as_bytes()[0] as char;
                out.push(quote_char);
                for c in name.chars() {
                    if c == '\\' || c == quote_char {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out.push(quote_char);
            }
            i += len;
            continue;
        }
        match t.kind {
            TokenKind::String | TokenKind::QuotedIdentifier if text(t).contains("{cluster}") => {
                // Inside a longer literal (a Keeper path): the name, escaped for the quote.
                let quote_char = text(t).as_bytes()[0] as char;
                let mut escaped = String::new();
                for c in name.chars() {
                    if c == '\\' || c == quote_char {
                        escaped.push('\\');
                    }
                    escaped.push(c);
                }
                out.push_str(&text(t).replace("{cluster}", &escaped));
            }
            _ => out.push_str(text(t)),
        }
        i += 1;
    }
    out
}

/// The table a statement mutates (`ALTER TABLE [IF EXISTS] t ...`, `DELETE FROM t ...`), whose
/// mutations the runner waits for.
pub(crate) fn mutation_target(sql: &str) -> Option<TableName> {
    let w = words(sql);
    let starts = |a: &str, b: &str| w.len() >= 2 && is_word(&w[0], a) && is_word(&w[1], b);
    if !(starts("ALTER", "TABLE") || starts("DELETE", "FROM")) {
        return None;
    }
    let mut i = 2;
    if w.len() > i + 1 && is_word(&w[i], "IF") && is_word(&w[i + 1], "EXISTS") {
        i += 2;
    }
    let first = identifier(w.get(i)?)?;
    if w.get(i + 1).is_some_and(|t| t.1 == ".") {
        let second = identifier(w.get(i + 2)?)?;
        Some(TableName::qualified(first, second))
    } else {
        Some(TableName::new(first))
    }
}

/// A bare or quoted identifier's name.
fn identifier(token: &(TokenKind, &str)) -> Option<String> {
    match token.0 {
        TokenKind::Word => Some(token.1.to_owned()),
        TokenKind::QuotedIdentifier => {
            let quote_char = token.1.chars().next()?;
            let inner = &token.1[1..token.1.len() - 1];
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(next) = chars.next() {
                        out.push(next);
                    }
                } else if c == quote_char && chars.peek() == Some(&quote_char) {
                    chars.next();
                    out.push(c);
                } else {
                    out.push(c);
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// The hosts that failed, from the rows an `ON CLUSTER` statement returns (`host`, `port`,
/// `status`, `error`).
pub(crate) fn failed_hosts(rows: &[(String, u64, i64, String)]) -> Vec<String> {
    rows.iter()
        .filter(|(_, _, status, _)| *status != 0)
        .map(|(host, port, status, error)| format!("{host}:{port} (status {status}): {error}"))
        .collect()
}

/// The task (`query-0000000012`) a `TIMEOUT_EXCEEDED` message of a distributed DDL names.
pub(crate) fn ddl_entry_from_message(message: &str) -> Option<String> {
    let at = message.find("query-")?;
    let digits: String = message[at + 6..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then(|| format!("query-{digits}"))
}

/// Runs an `ON CLUSTER` statement and reads back each host's outcome.
pub(crate) async fn run_on_cluster(
    conn: &mut Connection,
    sql: &str,
    timeout: Option<Duration>,
    marker: Option<&str>,
) -> Result<()> {
    let mut query = conn.query(sql);
    if let Some(t) = timeout {
        query = query.timeout(t);
    }
    if let Some(marker) = marker {
        query = query.setting("log_comment", marker);
    }
    let result = query.fetch().await?;
    let names = result.column_names();
    let position = |name: &str| names.iter().position(|n| n == name);
    let (Some(host), Some(status)) = (position("host"), position("status")) else {
        return Ok(());
    };
    let port = position("port");
    let error = position("error");
    let mut rows = Vec::new();
    for row in result.rows() {
        rows.push((
            row.get::<String>(host)?,
            port.map(|p| row.get::<u64>(p)).transpose()?.unwrap_or(0),
            row.get::<i64>(status)?,
            error
                .map(|e| row.get::<Option<String>>(e))
                .transpose()?
                .flatten()
                .unwrap_or_default(),
        ));
    }
    let failed = failed_hosts(&rows);
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid_input(format!(
            "the statement failed on {} of {} hosts: {}",
            failed.len(),
            rows.len(),
            failed.join("; ")
        )))
    }
}

/// Whether `error` says the server stopped waiting for an `ON CLUSTER` task that still runs.
pub(crate) fn is_ddl_wait_timeout(error: &Error) -> bool {
    error
        .server()
        .is_some_and(|s| s.code == ErrorCode::from_code(159))
}

/// Finds the task of a statement sent with `log_comment = marker` (after a client timeout).
pub(crate) async fn ddl_entry_by_marker(
    client: &crate::Client,
    cluster: &str,
    marker: &str,
) -> Result<Option<String>> {
    let sql = format!(
        "SELECT entry FROM system.distributed_ddl_queue WHERE cluster = {} AND settings['log_comment'] = {} ORDER BY entry DESC LIMIT 1",
        quote(cluster),
        quote(marker)
    );
    let result = client.query(sql).fetch().await?;
    match result.rows().next() {
        Some(row) => Ok(Some(row.get(0)?)),
        None => Ok(None),
    }
}

/// One host's state of a distributed DDL task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostTask {
    pub(crate) host: String,
    pub(crate) status: String,
    pub(crate) exception_code: u64,
    pub(crate) exception_text: String,
}

/// `Ok(true)` when every host finished, `Ok(false)` while some still run, an error naming the
/// hosts that failed.
pub(crate) fn ddl_outcome(hosts: &[HostTask]) -> Result<bool> {
    let failed: Vec<String> = hosts
        .iter()
        .filter(|h| h.exception_code != 0)
        .map(|h| {
            format!(
                "{} (code {}): {}",
                h.host, h.exception_code, h.exception_text
            )
        })
        .collect();
    if !failed.is_empty() {
        return Err(Error::invalid_input(format!(
            "the ON CLUSTER task failed on {} of {} hosts: {}",
            failed.len(),
            hosts.len(),
            failed.join("; ")
        )));
    }
    Ok(!hosts.is_empty() && hosts.iter().all(|h| h.status == "Finished"))
}

/// Watches `system.distributed_ddl_queue` until every host finished the task `entry`.
pub(crate) async fn wait_ddl_entry(
    client: &crate::Client,
    cluster: &str,
    entry: &str,
    options: &ApplyOptions,
    version: i64,
    index: usize,
) -> Result<()> {
    let started = Instant::now();
    let sql = format!(
        "SELECT concat(ifNull(host, ''), ':', toString(ifNull(port, 0))) AS h, \
         ifNull(toString(status), 'Unknown') AS s, toUInt64(ifNull(exception_code, 0)) AS c, \
         ifNull(exception_text, '') AS t \
         FROM system.distributed_ddl_queue WHERE cluster = {} AND entry = {}",
        quote(cluster),
        quote(entry)
    );
    loop {
        let result = client.query(sql.clone()).fetch().await?;
        let mut hosts = Vec::new();
        for row in result.rows() {
            hosts.push(HostTask {
                host: row.get(0)?,
                status: row.get(1)?,
                exception_code: row.get(2)?,
                exception_text: row.get(3)?,
            });
        }
        if ddl_outcome(&hosts)? {
            return Ok(());
        }
        let unfinished: Vec<String> = hosts
            .iter()
            .filter(|h| h.status != "Finished")
            .map(|h| h.host.clone())
            .collect();
        if started.elapsed() >= options.ddl_timeout {
            return Err(Error::timeout(format!(
                "the ON CLUSTER task {entry} has not finished on {} after {:?} of waiting",
                unfinished.join(", "),
                options.ddl_timeout
            )));
        }
        emit(
            &options.events,
            Event::WaitingForCluster {
                version,
                index,
                entry: entry.to_owned(),
                unfinished,
            },
        );
        tokio::time::sleep(options.poll_interval).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(name: &str) -> ClusterMode {
        ClusterMode::OnCluster { name: name.into() }
    }

    fn replicated(name: &str) -> ClusterMode {
        ClusterMode::ReplicatedDatabase { name: name.into() }
    }

    #[test]
    fn cluster_placeholders_are_substituted_as_their_place_needs() {
        let sql = "CREATE TABLE t ON CLUSTER {cluster} (x UInt8) ENGINE = ReplicatedMergeTree('/ch/{cluster}/t', '{replica}') ORDER BY x";
        assert_eq!(
            substitute_cluster(sql, &on("main")),
            "CREATE TABLE t ON CLUSTER main (x UInt8) ENGINE = ReplicatedMergeTree('/ch/main/t', '{replica}') ORDER BY x"
        );
        assert_eq!(
            substitute_cluster(
                "ALTER TABLE t ON CLUSTER '{cluster}' DROP COLUMN x",
                &on("it's")
            ),
            r"ALTER TABLE t ON CLUSTER 'it\'s' DROP COLUMN x"
        );
        assert_eq!(
            substitute_cluster("DROP TABLE t ON CLUSTER {cluster}", &on("my cluster")),
            "DROP TABLE t ON CLUSTER `my cluster`"
        );
        // On a single server the text is the server's business (its own macros).
        assert_eq!(
            substitute_cluster("DROP TABLE t ON CLUSTER '{cluster}'", &ClusterMode::Single),
            "DROP TABLE t ON CLUSTER '{cluster}'"
        );
        // Comments keep their text; a statement without the placeholder is unchanged.
        assert_eq!(
            substitute_cluster("SELECT 1 -- {cluster}", &on("c")),
            "SELECT 1 -- {cluster}"
        );
    }

    #[test]
    fn a_replicated_database_loses_on_cluster_placeholders() {
        let sql = "CREATE TABLE t ON CLUSTER '{cluster}' (x UInt8) ENGINE = MergeTree ORDER BY x";
        assert_eq!(
            substitute_cluster(sql, &replicated("db")),
            "CREATE TABLE t  (x UInt8) ENGINE = MergeTree ORDER BY x"
        );
        assert_eq!(
            substitute_cluster(
                "ALTER TABLE t on /* c */ cluster {cluster} ADD COLUMN y UInt8",
                &replicated("db")
            ),
            "ALTER TABLE t  ADD COLUMN y UInt8"
        );
        // An explicit cluster name is the user's: left alone (the server will say code 80).
        assert_eq!(
            substitute_cluster("DROP TABLE t ON CLUSTER main", &replicated("db")),
            "DROP TABLE t ON CLUSTER main"
        );
        assert_eq!(
            substitute_cluster(
                "SELECT * FROM clusterAllReplicas('{cluster}', system.one)",
                &replicated("db")
            ),
            "SELECT * FROM clusterAllReplicas('db', system.one)"
        );
    }

    #[test]
    fn statements_that_mutate_and_run_on_clusters() {
        assert_eq!(
            mutation_target("ALTER TABLE events UPDATE x = 1 WHERE 1"),
            Some(TableName::new("events"))
        );
        assert_eq!(
            mutation_target("alter table if exists `my db`.\"t\"\"x\" delete where 1"),
            Some(TableName::qualified("my db", "t\"x"))
        );
        assert_eq!(
            mutation_target("/* c */ DELETE FROM db.t WHERE x = 1"),
            Some(TableName::qualified("db", "t"))
        );
        assert_eq!(
            mutation_target("CREATE TABLE t (x UInt8) ENGINE Memory"),
            None
        );
        assert_eq!(mutation_target("ALTER USER u"), None);
        assert!(has_on_cluster("CREATE TABLE t on  cluster c (x UInt8)"));
        assert!(!has_on_cluster("SELECT 'ON CLUSTER'"));
        assert!(!has_on_cluster("SELECT * FROM a JOIN b ON cluster_id = 1"));
    }

    #[test]
    fn host_outcomes() {
        let rows = vec![
            ("a".to_owned(), 9000, 0, String::new()),
            ("b".to_owned(), 9000, 60, "Table x doesn't exist".to_owned()),
        ];
        assert_eq!(
            failed_hosts(&rows),
            ["b:9000 (status 60): Table x doesn't exist"]
        );
        assert_eq!(
            ddl_entry_from_message(
                "Watching task /clickhouse/task_queue/ddl/query-0000000012 is executing longer than distributed_ddl_task_timeout (=180) seconds."
            ),
            Some("query-0000000012".into())
        );
        assert_eq!(ddl_entry_from_message("no task here"), None);
        let host = |status: &str, code: u64| HostTask {
            host: "h:9000".into(),
            status: status.into(),
            exception_code: code,
            exception_text: "boom".into(),
        };
        assert!(!ddl_outcome(&[host("Finished", 0), host("Active", 0)]).unwrap());
        assert!(ddl_outcome(&[host("Finished", 0), host("Finished", 0)]).unwrap());
        assert!(!ddl_outcome(&[]).unwrap());
        let e = ddl_outcome(&[host("Finished", 0), host("Finished", 57)]).unwrap_err();
        assert!(
            e.to_string()
                .contains("failed on 1 of 2 hosts: h:9000 (code 57): boom"),
            "{e}"
        );
    }

    #[test]
    fn quorums_are_majorities() {
        assert!(quorum_settings(1, true).is_empty());
        let s = quorum_settings(3, false);
        assert_eq!(
            s,
            [
                ("insert_quorum".to_owned(), "2".to_owned()),
                ("select_sequential_consistency".to_owned(), "1".to_owned())
            ]
        );
        assert_eq!(quorum_settings(4, true)[0].1, "3");
        assert_eq!(quorum_settings(4, true).len(), 3);
    }

    #[test]
    fn keeper_paths_have_no_shard() {
        assert_eq!(
            keeper_path_for(DEFAULT_KEEPER_PATH, "db", "_sqlx_migrations").unwrap(),
            "/clickhouse/clickhouse-connect/migrations/db/_sqlx_migrations"
        );
        let e = keeper_path_for("/ch/{shard}/{table}", "db", "t").unwrap_err();
        assert!(e.to_string().contains("{shard}"), "{e}");
    }

    #[test]
    fn replicated_engines_for_the_bookkeeping() {
        let env = |mode| Environment {
            mode,
            database: "db".into(),
            mutation_fail_reason: true,
            ddl_queue: true,
            tables_exist: false,
            all_replicas: true,
            session_settings: Vec::new(),
        };
        let t = TableName::new("h");
        assert_eq!(
            env(ClusterMode::Single)
                .engine(&t, DEFAULT_KEEPER_PATH, "seq")
                .unwrap(),
            "ReplacingMergeTree(seq)"
        );
        assert_eq!(env(ClusterMode::Single).on_cluster(), "");
        let c = env(on("main"));
        assert_eq!(c.on_cluster(), " ON CLUSTER main");
        assert_eq!(
            c.engine(&t, DEFAULT_KEEPER_PATH, "seq").unwrap(),
            "ReplicatedReplacingMergeTree('/clickhouse/clickhouse-connect/migrations/db/h', '{replica}', seq)"
        );
        let r = env(replicated("db"));
        assert_eq!(r.on_cluster(), "");
        assert!(
            r.engine(&t, DEFAULT_KEEPER_PATH, "seq")
                .unwrap()
                .starts_with("ReplicatedReplacingMergeTree(")
        );
    }
}
