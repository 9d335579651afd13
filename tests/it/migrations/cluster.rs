//! The runner on the local cluster (`scripts/dev-cluster`: ZooKeeper and three ClickHouse 18.16
//! nodes, cluster `replicated` = one shard of three replicas): the bookkeeping replicated on every
//! host under one Keeper path, `{cluster}` substituted, a history written through one node read
//! through another, a host that fails naming itself, runners on every node at once, an `ON
//! CLUSTER` task the server stops waiting for reported host by host, and a transient error of a
//! replicated table (`UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE`, 286) retried.
//!
//! Not here, because 18.16 cannot show it: a database on the `Replicated` engine (20.x and
//! newer), `system.distributed_ddl_queue` (21.x and newer; on 18.16 the runner watches the
//! task in `system.zookeeper` instead, which these tests cover), and `CANNOT_ASSIGN_ALTER`
//! (517): 18.16 never raises it (its server library, `libclickhouse.so.18.16`, has no "Cannot
//! assign ALTER" message; the error came with the ALTERs coordinated through Keeper of later
//! versions), and the 26.9 engine of these tests is a single server without Keeper. That 517
//! is retried is unit-tested (`RetryPolicy::retries`); the retry loop itself is shown here with
//! 286, a transient error that the cluster can provoke, and on single servers with 252.
//!
//! Every test works in a database of its own created `ON CLUSTER` and dropped at its end. The
//! tests that pause a node (SIGSTOP, then SIGCONT: seconds, within the nodes' ZooKeeper session
//! timeout) hold [`NODES`] for writing, the others for reading, like the client's cluster tests.

use std::time::{Duration, Instant};

use clickhouse_connect::migrate::{Event, Migrator, RetryPolicy, Status};
use clickhouse_connect::{Client, ErrorKind};

use super::{Dir, Events, migrator};
use crate::cluster::{NODES, home, http_urls, node, replicated, tcp_urls};

/// A client of the node at `url` (HTTP or TCP) working in `database`; fails with how to start
/// the cluster when the node does not answer.
async fn client_at(url: &str, database: &str) -> Client {
    node(url).await;
    Client::builder()
        .url(url)
        .database(database)
        .build()
        .expect("a client")
}

/// A new database on every node (made `ON CLUSTER` through node 1).
async fn cluster_database(test: &str) -> String {
    let first = node(&http_urls()[0]).await;
    let db = format!("mc_{test}_{}", std::process::id());
    for sql in [
        format!("DROP DATABASE IF EXISTS {db} ON CLUSTER {}", replicated()),
        format!("CREATE DATABASE {db} ON CLUSTER {}", replicated()),
    ] {
        first
            .command(sql.clone())
            .await
            .unwrap_or_else(|e| panic!("`{sql}`: {e}"));
    }
    db
}

async fn drop_cluster_database(db: &str) {
    let first = node(&http_urls()[0]).await;
    first
        .command(format!(
            "DROP DATABASE IF EXISTS {db} ON CLUSTER {}",
            replicated()
        ))
        .await
        .unwrap();
}

/// A number from node `n` (1-based).
async fn number_on(n: usize, sql: &str) -> u64 {
    let client = node(&http_urls()[n - 1]).await;
    client
        .query(sql)
        .scalar()
        .await
        .unwrap_or_else(|e| panic!("node{n}: `{sql}`: {e}"))
}

/// Waits until `sql` answers `want` on node `n` (replication is asynchronous); fails after 30 s.
async fn eventually_on(n: usize, sql: &str, want: u64) {
    let started = Instant::now();
    loop {
        let got = number_on(n, sql).await;
        if got == want {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "node{n}: `{sql}` gives {got}, not {want}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn table_on(n: usize, db: &str, table: &str) -> bool {
    number_on(
        n,
        &format!("SELECT count() FROM system.tables WHERE database = '{db}' AND name = '{table}'"),
    )
    .await
        == 1
}

/// A migrator over `dir` on the replicated cluster, with quick polls.
fn cluster_migrator(dir: &Dir) -> (Migrator, Events) {
    let (m, events) = migrator(dir);
    (m.cluster(replicated()), events)
}

/// Node `n` paused (SIGSTOP) until the guard is resumed or dropped (SIGCONT): it keeps its
/// ZooKeeper session for the few seconds a test pauses it, but does nothing.
struct Paused {
    pid: String,
    resumed: bool,
}

impl Paused {
    fn node(n: usize) -> Paused {
        let pidfile = home().join(format!("node{n}/server.pid"));
        let pid = std::fs::read_to_string(&pidfile)
            .unwrap_or_else(|e| {
                panic!(
                    "no pid file {pidfile:?} ({e}): pausing a node needs the local cluster of \
                     `scripts/dev-cluster up`"
                )
            })
            .trim()
            .to_owned();
        signal(&pid, "-STOP");
        Paused {
            pid,
            resumed: false,
        }
    }

    fn resume(&mut self) {
        if !self.resumed {
            signal(&self.pid, "-CONT");
            self.resumed = true;
        }
    }
}

impl Drop for Paused {
    fn drop(&mut self) {
        self.resume();
    }
}

fn signal(pid: &str, sig: &str) {
    let status = std::process::Command::new("kill")
        .args([sig, pid])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill {sig} {pid}");
}

fn started_statements(events: &Events) -> Vec<String> {
    events
        .all()
        .into_iter()
        .filter_map(|e| match e {
            Event::StatementStarted { sql, .. } => Some(sql),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_cluster_run_keeps_one_history_on_every_host() {
    let _up = NODES.read().await;
    let started = Instant::now();
    let db = cluster_database("one_history").await;
    let dir = Dir::new("cluster_one_history");
    dir.write(
        "1_events.sql",
        &format!(
            "CREATE TABLE events ON CLUSTER '{{cluster}}' (id UInt64, name String) \
             ENGINE = ReplicatedMergeTree('/clickhouse/tables/{{shard}}/{db}/events', '{{replica}}') \
             ORDER BY id;"
        ),
    )
    .write(
        "2_price.up.sql",
        "ALTER TABLE events ON CLUSTER {cluster} ADD COLUMN price Float64 DEFAULT 0;\n\
         INSERT INTO events (id, name) VALUES (1, 'one');",
    )
    .write(
        "2_price.down.sql",
        "ALTER TABLE events ON CLUSTER {cluster} DROP COLUMN price;",
    );

    // Through node 1, over HTTP.
    let one = client_at(&http_urls()[0], &db).await;
    let (first, events) = cluster_migrator(&dir);
    let report = first.run(&one).await.unwrap();
    assert_eq!(report.versions, [1, 2]);
    let sent = started_statements(&events);
    assert!(
        sent[0].starts_with("CREATE TABLE events ON CLUSTER 'replicated' ")
            && sent[0].contains("'/clickhouse/tables/{shard}/"),
        "{sent:?}"
    );
    assert!(
        sent[1].starts_with("ALTER TABLE events ON CLUSTER replicated ADD"),
        "{sent:?}"
    );
    let owner = events
        .all()
        .into_iter()
        .find_map(|e| match e {
            Event::LockAcquired { owner } => Some(owner),
            _ => None,
        })
        .expect("the lock was taken");

    for n in 1..=3 {
        // The bookkeeping tables: on every host, replicated, one Keeper path without {shard}.
        for table in ["_sqlx_migrations", "_sqlx_migrations_lock"] {
            let path = format!("/clickhouse/clickhouse-connect/migrations/{db}/{table}");
            assert_eq!(
                number_on(
                    n,
                    &format!(
                        "SELECT count() FROM system.replicas WHERE database = '{db}' \
                         AND table = '{table}' AND engine = 'ReplicatedReplacingMergeTree' \
                         AND zookeeper_path = '{path}' AND replica_name = 'node{n}' \
                         AND total_replicas = 3"
                    )
                )
                .await,
                1,
                "node{n}: {table} is not a replica of {path}"
            );
        }
        // The migrations applied on every host: the column, the row (replicated).
        assert_eq!(
            number_on(
                n,
                &format!(
                    "SELECT count() FROM system.columns WHERE database = '{db}' \
                     AND table = 'events' AND name = 'price'"
                )
            )
            .await,
            1,
            "node{n}"
        );
        eventually_on(n, &format!("SELECT count() FROM {db}.events"), 1).await;
        // One history, seen from every host.
        eventually_on(
            n,
            &format!(
                "SELECT count() FROM (SELECT version, argMax(state, seq) AS s \
                 FROM {db}._sqlx_migrations GROUP BY version) WHERE s = 'applied'"
            ),
            2,
        )
        .await;
    }

    // Through node 2, over TCP: the history written through node 1, nothing pending.
    let two = client_at(&tcp_urls()[1], &db).await;
    let (second, second_events) = cluster_migrator(&dir);
    assert!(second.check(&two).await.unwrap().is_up_to_date());
    let info = second.info(&two).await.unwrap();
    assert_eq!(info.len(), 2);
    for i in &info {
        assert_eq!(i.status, Status::Applied, "{i}");
        assert_eq!(i.checksum_matches, Some(true), "{i}");
        assert_eq!(i.owner.as_deref(), Some(owner.as_str()), "{i:?}");
    }
    assert!(second.dry_run(&two).await.unwrap().is_empty());
    let report = second.run(&two).await.unwrap();
    assert!(report.versions.is_empty(), "{report:?}");
    assert!(
        !second_events
            .all()
            .iter()
            .any(|e| matches!(e, Event::MigrationStarted { .. })),
        "node 2 applied something again"
    );

    // Undone through node 3: the down statement runs on every host too.
    let three = client_at(&http_urls()[2], &db).await;
    let (third, _) = cluster_migrator(&dir);
    assert_eq!(third.undo(&three, 1).await.unwrap().versions, [2]);
    for n in 1..=3 {
        assert_eq!(
            number_on(
                n,
                &format!(
                    "SELECT count() FROM system.columns WHERE database = '{db}' \
                     AND table = 'events' AND name = 'price'"
                )
            )
            .await,
            0,
            "node{n}"
        );
    }
    assert_eq!(first.check(&one).await.unwrap().pending, [2]);
    drop_cluster_database(&db).await;
    eprintln!(
        "a_cluster_run_keeps_one_history_on_every_host: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test]
async fn a_statement_failing_on_one_host_fails_the_migration_naming_the_host() {
    let _up = NODES.read().await;
    let started = Instant::now();
    let db = cluster_database("one_host_fails").await;
    // `clash` exists on node 3 only, made there directly.
    node(&http_urls()[2])
        .await
        .command(format!("CREATE TABLE {db}.clash (x UInt8) ENGINE = Memory"))
        .await
        .unwrap();
    let dir = Dir::new("cluster_one_host_fails");
    dir.write(
        "1_tables.sql",
        "CREATE TABLE before ON CLUSTER '{cluster}' (x UInt8) ENGINE = Memory;\n\
         CREATE TABLE clash ON CLUSTER '{cluster}' (x UInt8) ENGINE = Memory;\n\
         CREATE TABLE after ON CLUSTER '{cluster}' (x UInt8) ENGINE = Memory;\n",
    );
    // Through node 1 over TCP.
    let client = client_at(&tcp_urls()[0], &db).await;
    let (m, _) = cluster_migrator(&dir);
    let e = m.run(&client).await.unwrap_err();
    let text = e.to_string();
    assert_eq!(e.server_code(), Some(57), "{text}");
    assert!(
        text.contains("statement 2 of 3")
            && text.contains("127.0.0.1:19133")
            && text.contains("already exists"),
        "{text}"
    );
    // The partial state: statement 1 done everywhere, statement 2 failed on node 3 (and made
    // the table on nodes 1 and 2), statement 3 not run.
    let info = m.info(&client).await.unwrap();
    assert_eq!(info[0].status, Status::Partial, "{}", info[0]);
    assert_eq!(info[0].statements_done, 1);
    assert_eq!(info[0].failed_statement, Some(2));
    assert_eq!(info[0].error_code, Some(57));
    assert!(
        info[0]
            .error
            .as_deref()
            .unwrap_or("")
            .contains("127.0.0.1:19133"),
        "{}",
        info[0]
    );
    assert!(
        info[0].to_string().contains("statement 2 failed"),
        "{}",
        info[0]
    );
    for n in 1..=3 {
        assert!(table_on(n, &db, "before").await, "node{n}");
        assert!(table_on(n, &db, "clash").await, "node{n}");
        assert!(!table_on(n, &db, "after").await, "node{n}");
    }

    // The fix (the failed statement was not applied, so it may change): the run resumes there.
    dir.write(
        "1_tables.sql",
        "CREATE TABLE before ON CLUSTER '{cluster}' (x UInt8) ENGINE = Memory;\n\
         CREATE TABLE IF NOT EXISTS clash ON CLUSTER '{cluster}' (x UInt8) ENGINE = Memory;\n\
         CREATE TABLE after ON CLUSTER '{cluster}' (x UInt8) ENGINE = Memory;\n",
    );
    let (fixed, _) = cluster_migrator(&dir);
    let report = fixed.run(&client).await.unwrap();
    assert_eq!(report.resumed, [1]);
    for n in 1..=3 {
        assert!(table_on(n, &db, "after").await, "node{n}");
    }
    assert!(fixed.check(&client).await.unwrap().is_up_to_date());
    drop_cluster_database(&db).await;
    eprintln!(
        "a_statement_failing_on_one_host_fails_the_migration_naming_the_host: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test]
async fn runners_on_every_node_at_once_apply_each_migration_once() {
    let _up = NODES.read().await;
    let started = Instant::now();
    let db = cluster_database("runners").await;
    let dir = Dir::new("cluster_runners");
    // Statements that show a second application: CREATE fails, and every INSERT writes a row
    // of its own (a random column, so replication's deduplication does not hide a repeat).
    dir.write(
        "1_create.sql",
        &format!(
            "CREATE TABLE log ON CLUSTER '{{cluster}}' (v Int64, r UInt64) \
             ENGINE = ReplicatedMergeTree('/clickhouse/tables/{{shard}}/{db}/log', '{{replica}}') \
             ORDER BY v;"
        ),
    )
    .write(
        "2_slow.sql",
        "INSERT INTO log SELECT 2, rand64();\nSELECT sleep(1);\nINSERT INTO log SELECT 20, rand64();",
    )
    .write("3_more.sql", "INSERT INTO log SELECT 3, rand64();");
    // (node, url): two runners on node 3, one over each transport.
    let urls = [
        (1, http_urls()[0].clone()),
        (2, tcp_urls()[1].clone()),
        (3, http_urls()[2].clone()),
        (3, tcp_urls()[2].clone()),
    ];
    let mut clients = Vec::new();
    for (n, url) in urls {
        clients.push((n, url.clone(), client_at(&url, &db).await));
    }
    // Every client is connected before the first runner starts, so they start together.
    let mut runs = Vec::new();
    for (n, url, client) in clients {
        let (m, events) = cluster_migrator(&dir);
        runs.push(tokio::spawn(async move {
            let report = m.run(&client).await;
            (n, url, report, events)
        }));
    }
    let mut applied = Vec::new();
    // Each runner's node, the owner id it took the lock as, and the owners it waited for.
    let mut runners: Vec<(usize, String, Vec<String>)> = Vec::new();
    for run in runs {
        let (n, url, report, events) = run.await.unwrap();
        let report = report.unwrap_or_else(|e| panic!("the runner on {url} failed: {e}"));
        applied.extend(report.versions);
        let mut owner = String::new();
        let mut waited_for = Vec::new();
        for event in events.all() {
            match event {
                Event::LockAcquired { owner: o } => owner = o,
                Event::LockWaiting { holder } => waited_for.push(holder.owner),
                _ => {}
            }
        }
        assert!(!owner.is_empty(), "the runner on {url} never held the lock");
        runners.push((n, owner, waited_for));
    }
    applied.sort_unstable();
    assert_eq!(applied, [1, 2, 3], "each migration applied once in all");
    // The lock held across nodes: a runner waited for a holder connected to another node.
    let node_of = |owner: &str| runners.iter().find(|r| r.1 == owner).map(|r| r.0);
    let across: Vec<(usize, usize)> = runners
        .iter()
        .flat_map(|(n, _, waited_for)| {
            let n = *n;
            waited_for
                .iter()
                .filter_map(|o| node_of(o))
                .filter(move |m| *m != n)
                .map(move |m| (n, m))
        })
        .collect();
    assert!(
        !across.is_empty(),
        "no runner waited for a holder on another node: {runners:?}"
    );
    for n in 1..=3 {
        eventually_on(
            n,
            &format!(
                "SELECT toUInt64(count() * 1000 + countIf(v = 2) * 100 + countIf(v = 20) * 10 \
                 + countIf(v = 3)) FROM {db}.log"
            ),
            3111,
        )
        .await;
    }
    drop_cluster_database(&db).await;
    eprintln!(
        "runners_on_every_node_at_once_apply_each_migration_once: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test]
async fn a_task_the_server_stops_waiting_for_is_reported_host_by_host() {
    let _alone = NODES.write().await;
    let started = Instant::now();
    let db = cluster_database("ddl_timeout").await;
    let dir = Dir::new("cluster_ddl_timeout");
    dir.write(
        "1_base.sql",
        "CREATE TABLE base ON CLUSTER '{cluster}' (x UInt8) ENGINE = Memory;",
    );
    let client = client_at(&http_urls()[0], &db).await;
    // The server waits for the hosts about 2 s (below the statement's 3 s), the runner watches
    // the task 2 s more.
    let runner = |dir: &Dir| {
        let (m, events) = cluster_migrator(dir);
        (
            m.statement_timeout(Duration::from_secs(3))
                .ddl_timeout(Duration::from_secs(2)),
            events,
        )
    };
    // The bookkeeping and a first migration while every node is up.
    let (m, _) = runner(&dir);
    assert_eq!(m.run(&client).await.unwrap().versions, [1]);

    dir.write(
        "2_late.sql",
        "CREATE TABLE IF NOT EXISTS late ON CLUSTER '{cluster}' (x UInt8) ENGINE = Memory;",
    );
    let mut paused = Paused::node(3);
    let (m, events) = runner(&dir);
    let e = m.run(&client).await.unwrap_err();
    paused.resume();
    let text = e.to_string();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{text}");
    assert!(
        text.contains("/clickhouse/task_queue/ddl/query-")
            && text.contains("not finished on 127.0.0.1:19133")
            && text.contains("finished on 127.0.0.1:19131, 127.0.0.1:19132"),
        "{text}"
    );
    let waiting: Vec<Vec<String>> = events
        .all()
        .into_iter()
        .filter_map(|e| match e {
            Event::WaitingForCluster { unfinished, .. } => Some(unfinished),
            _ => None,
        })
        .collect();
    assert!(
        !waiting.is_empty() && waiting.iter().all(|u| u == &["127.0.0.1:19133"]),
        "{waiting:?}"
    );
    let info = m.info(&client).await.unwrap();
    assert_eq!(info[1].status, Status::Partial, "{}", info[1]);
    assert_eq!(info[1].failed_statement, Some(1));
    assert!(
        info[1]
            .error
            .as_deref()
            .unwrap_or("")
            .contains("127.0.0.1:19133"),
        "{}",
        info[1]
    );
    assert!(table_on(1, &db, "late").await && table_on(2, &db, "late").await);

    // Node 3 back: it runs the task it missed; the next run resumes the migration.
    let back = Instant::now();
    while !table_on(3, &db, "late").await {
        assert!(
            back.elapsed() < Duration::from_secs(30),
            "node 3 did not run the task"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (m, _) = runner(&dir);
    let report = m.run(&client).await.unwrap();
    assert_eq!((report.versions, report.resumed), (vec![2], vec![2]));
    assert!(m.check(&client).await.unwrap().is_up_to_date());

    // With a longer watch, the runner waits the task out: the server gives up on node 3 after
    // about 2 s, node 3 comes back a little later, the statement succeeds.
    dir.write(
        "3_waited.sql",
        "CREATE TABLE waited ON CLUSTER '{cluster}' (x UInt8) ENGINE = Memory;",
    );
    let mut paused = Paused::node(3);
    let (m, events) = cluster_migrator(&dir);
    let m = m
        .statement_timeout(Duration::from_secs(3))
        .ddl_timeout(Duration::from_secs(20));
    let run = tokio::spawn({
        let client = client.clone();
        async move { m.run(&client).await }
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while !events
        .all()
        .iter()
        .any(|e| matches!(e, Event::WaitingForCluster { .. }))
    {
        assert!(
            Instant::now() < deadline,
            "the runner is not watching the task: {:?}",
            events.all()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    paused.resume();
    let report = run.await.unwrap().unwrap();
    assert_eq!(report.versions, [3]);
    let waiting: Vec<(i64, usize, String, Vec<String>)> = events
        .all()
        .into_iter()
        .filter_map(|e| match e {
            Event::WaitingForCluster {
                version,
                index,
                entry,
                unfinished,
            } => Some((version, index, entry, unfinished)),
            _ => None,
        })
        .collect();
    assert!(
        waiting.iter().all(|(v, i, entry, unfinished)| *v == 3
            && *i == 1
            && entry.starts_with("query-")
            && unfinished == &["127.0.0.1:19133"]),
        "{waiting:?}"
    );
    for n in 1..=3 {
        assert!(table_on(n, &db, "waited").await, "node{n}");
    }
    drop_cluster_database(&db).await;
    eprintln!(
        "a_task_the_server_stops_waiting_for_is_reported_host_by_host: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test]
async fn an_unsatisfied_quorum_is_retried_until_the_replica_returns() {
    let _alone = NODES.write().await;
    let started = Instant::now();
    let db = cluster_database("quorum_retry").await;
    let dir = Dir::new("cluster_quorum_retry");
    dir.write(
        "1_q.sql",
        &format!(
            "CREATE TABLE q ON CLUSTER '{{cluster}}' (x UInt64) \
             ENGINE = ReplicatedMergeTree('/clickhouse/tables/{{shard}}/{db}/q', '{{replica}}') \
             ORDER BY x;"
        ),
    );
    let client = client_at(&http_urls()[1], &db).await;
    let (m, _) = cluster_migrator(&dir);
    assert_eq!(m.run(&client).await.unwrap().versions, [1]);

    // A write that needs all three replicas while node 3 sleeps: it times out (319) and leaves
    // its quorum unsatisfied, so the next quorum write to `q` is refused (286) until node 3
    // fetches the part.
    let mut paused = Paused::node(3);
    let e = node(&http_urls()[0])
        .await
        .command(format!("INSERT INTO {db}.q VALUES (1)"))
        .setting("insert_quorum", 3)
        .setting("insert_quorum_timeout", 500)
        .await
        .unwrap_err();
    assert_eq!(e.server_code(), Some(319), "{e}");

    // The runner's connections write with a majority quorum: its INSERT meets 286, retried.
    dir.write("2_insert.sql", "INSERT INTO q VALUES (42);");
    let (m, events) = cluster_migrator(&dir);
    let m = m.retry(RetryPolicy {
        attempts: 40,
        initial: Duration::from_millis(100),
        max: Duration::from_millis(300),
    });
    let run = tokio::spawn({
        let client = client.clone();
        async move { m.run(&client).await }
    });
    let deadline = Instant::now() + Duration::from_secs(5);
    while !events
        .all()
        .iter()
        .any(|e| matches!(e, Event::Retrying { .. }))
    {
        assert!(Instant::now() < deadline, "no retry");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    paused.resume();
    assert_eq!(run.await.unwrap().unwrap().versions, [2]);
    let codes: Vec<Option<i32>> = events
        .all()
        .into_iter()
        .filter_map(|e| match e {
            Event::Retrying {
                version: 2,
                index: 1,
                code,
                ..
            } => Some(code),
            _ => None,
        })
        .collect();
    assert!(
        !codes.is_empty() && codes.iter().all(|c| *c == Some(286)),
        "{codes:?}"
    );
    for n in 1..=3 {
        eventually_on(n, &format!("SELECT count() FROM {db}.q WHERE x = 42"), 1).await;
    }
    drop_cluster_database(&db).await;
    eprintln!(
        "an_unsatisfied_quorum_is_retried_until_the_replica_returns: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
