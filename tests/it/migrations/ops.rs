//! Mutations waited for, transient errors retried, and the cluster behaviour a single server
//! can show (substitution, a missing cluster named in the error, no Replicated database
//! mistaken for one). The rest of the cluster behaviour (ON CLUSTER history on three replicas,
//! a Replicated database, system.distributed_ddl_queue after a timeout) waits for the local
//! cluster (`scripts/dev-cluster`).

use std::time::Duration;

use clickhouse_connect::ErrorKind;
use clickhouse_connect::migrate::{Event, RetryPolicy};

use super::every_server;
use super::{Dir, client_in, migrator, number, table_exists};

#[tokio::test]
async fn a_mutation_is_waited_for() {
    every_server(|server| async move {
        let db = server.fresh_database("migrate_mutation").await;
        let client = client_in(&server, &db);
        let dir = Dir::new("mutation");
        dir.write(
            "1_t.sql",
            "CREATE TABLE t (k UInt64, v UInt64) ENGINE = MergeTree ORDER BY k;\n\
             INSERT INTO t SELECT number, 0 FROM numbers(10);\nINSERT INTO t SELECT number, 0 FROM numbers(10);",
        );
        // Each of the two parts sleeps 0.4 s while it is rewritten: the ALTER returns long
        // before its mutation is done. (The 26.9 engine's default is mutations_sync = 1: the
        // file turns it off, as on a stock server; 18.16 has no such setting.)
        let sync_off = if server.name.contains("26.9") {
            "SET mutations_sync = 0;\n"
        } else {
            ""
        };
        dir.write(
            "2_backfill.sql",
            &format!("{sync_off}ALTER TABLE t UPDATE v = v + 1 + sleep(0.4) WHERE 1;"),
        );
        let (migrator, events) = migrator(&dir);
        migrator.run(&client).await.unwrap();
        // Right after run: done, and every row rewritten.
        assert_eq!(
            number(
                &server,
                &db,
                &format!(
                    "SELECT count() FROM system.mutations WHERE database = '{db}' AND is_done = 0"
                )
            )
            .await,
            0,
            "{}",
            server.name
        );
        assert_eq!(number(&server, &db, "SELECT sum(v) FROM t").await, 20);
        let waits: Vec<Vec<(String, u64)>> = events
            .all()
            .into_iter()
            .filter_map(|e| match e {
                Event::WaitingForMutations {
                    version: 2,
                    table,
                    pending,
                    ..
                } => {
                    assert_eq!(table, "t");
                    Some(pending)
                }
                _ => None,
            })
            .collect();
        assert!(!waits.is_empty(), "{}: no wait reported", server.name);
        assert!(waits[0][0].0.starts_with("mutation_"), "{waits:?}");
        assert!(waits[0][0].1 > 0, "{waits:?}");
        server.run(&format!("DROP DATABASE {db}"), &[]).await;
    })
    .await;
}

#[tokio::test]
async fn a_failing_mutation_fails_the_statement_within_its_bound() {
    // 18.16's system.mutations has no latest_fail_reason: there the bound is what stops it.
    every_server(|server| async move {
        let db = server.fresh_database("migrate_bad_mutation").await;
        let client = client_in(&server, &db);
        let dir = Dir::new("bad_mutation");
        let sync_off = if server.name.contains("26.9") {
            "SET mutations_sync = 0;\n"
        } else {
            ""
        };
        dir.write(
            "1_t.sql",
            &format!(
                "CREATE TABLE t (k UInt64, v UInt64) ENGINE = MergeTree ORDER BY k;\n\
                 INSERT INTO t SELECT number, 0 FROM numbers(10);\n{sync_off}\
                 ALTER TABLE t UPDATE v = throwIf(k = 3) WHERE 1;"
            ),
        );
        let (migrator, _) = migrator(&dir);
        let migrator = migrator.mutation_timeout(Duration::from_secs(2));
        let started = std::time::Instant::now();
        let e = migrator.run(&client).await.unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{}",
            server.name
        );
        let text = e.to_string();
        if server.name.contains("26.9") {
            assert!(
                text.contains("fails:") && text.contains("KILL MUTATION"),
                "{}: {text}",
                server.name
            );
        } else {
            assert_eq!(e.kind(), ErrorKind::Timeout, "{text}");
            assert!(
                text.contains("the mutations of t are not done after 2s"),
                "{text}"
            );
        }
        assert!(text.starts_with("migration 1 (t), up statement "), "{text}");
        server
            .post(&[], format!("KILL MUTATION WHERE database = '{db}'"))
            .await;
        server.run(&format!("DROP DATABASE {db}"), &[]).await;
    })
    .await;
}

#[tokio::test]
async fn a_transient_error_is_retried() {
    every_server(|server| async move {
        let db = server.fresh_database("migrate_retry").await;
        let client = client_in(&server, &db);
        let params = [("database", db.as_str())];
        // Too many parts (code 252, retryable) while merges are stopped; the test merges them
        // after a moment, and the retried INSERT goes in.
        server
            .run("CREATE TABLE p (x UInt64) ENGINE = MergeTree ORDER BY x SETTINGS parts_to_throw_insert = 2, parts_to_delay_insert = 1", &params)
            .await;
        server.run("SYSTEM STOP MERGES p", &params).await;
        server.run("INSERT INTO p VALUES (1)", &params).await;
        server.run("INSERT INTO p VALUES (2)", &params).await;
        let r = server.post(&params, "INSERT INTO p VALUES (3)").await;
        assert_eq!(
            r.error_code(),
            Some(252),
            "{}: the table does not refuse: {}",
            server.name,
            r.text()
        );

        let dir = Dir::new("retry");
        dir.write("1_insert.sql", "INSERT INTO p SELECT 42");
        let (migrator, events) = migrator(&dir);
        let migrator = migrator.retry(RetryPolicy {
            attempts: 30,
            initial: Duration::from_millis(100),
            max: Duration::from_millis(300),
        });
        let run = tokio::spawn({
            let client = client.clone();
            async move { migrator.run(&client).await }
        });
        // Wait until the runner has met the error at least once, then let the parts merge.
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while !events
            .all()
            .iter()
            .any(|e| matches!(e, Event::Retrying { .. }))
        {
            assert!(
                std::time::Instant::now() < deadline,
                "{}: no retry",
                server.name
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        server.run("SYSTEM START MERGES p", &params).await;
        server.run("OPTIMIZE TABLE p FINAL", &params).await;
        run.await.unwrap().unwrap();
        assert_eq!(
            number(&server, &db, "SELECT count() FROM p WHERE x = 42").await,
            1
        );
        let retries: Vec<(u32, Option<i32>)> = events
            .all()
            .into_iter()
            .filter_map(|e| match e {
                Event::Retrying {
                    attempt,
                    code,
                    version: 1,
                    index: 1,
                    ..
                } => Some((attempt, code)),
                _ => None,
            })
            .collect();
        assert!(!retries.is_empty());
        assert!(
            retries.iter().all(|(_, code)| *code == Some(252)),
            "{retries:?}"
        );
        assert_eq!(retries[0].0, 1);
        server.run(&format!("DROP DATABASE {db}"), &[]).await;
    })
    .await;
}

#[tokio::test]
async fn an_error_that_is_not_transient_is_not_retried() {
    every_server(|server| async move {
        let db = server.fresh_database("migrate_no_retry").await;
        let client = client_in(&server, &db);
        let dir = Dir::new("no_retry");
        dir.write("1_bad.sql", "SELECT * FROM nowhere");
        let (migrator, events) = migrator(&dir);
        let e = migrator.run(&client).await.unwrap_err();
        assert_eq!(e.server_code(), Some(60), "{}: {e}", server.name);
        assert!(
            !events
                .all()
                .iter()
                .any(|e| matches!(e, Event::Retrying { .. }))
        );
        server.run(&format!("DROP DATABASE {db}"), &[]).await;
    })
    .await;
}

#[tokio::test]
async fn cluster_placeholders_on_a_single_server() {
    every_server(|server| async move {
        let db = server.fresh_database("migrate_cluster").await;
        let client = client_in(&server, &db);
        let dir = Dir::new("cluster");
        dir.write(
            "1_t.sql",
            "CREATE TABLE t ON CLUSTER '{cluster}' (x UInt8) ENGINE = ReplicatedMergeTree('/ch/{cluster}/t', '{replica}') ORDER BY x",
        );
        // Without a cluster the text is the server's business (its own macros).
        let (plain, _) = migrator(&dir);
        let plan = plain.dry_run(&client).await.unwrap();
        assert!(
            plan[0].sql.contains("ON CLUSTER '{cluster}'"),
            "{}",
            plan[0].sql
        );
        // With one, `{cluster}` is the cluster's name; the server is no Replicated database,
        // so ON CLUSTER stays.
        let (clustered, _) = migrator(&dir);
        let clustered = clustered.cluster("main");
        let plan = clustered.dry_run(&client).await.unwrap();
        assert_eq!(
            plan[0].sql,
            "CREATE TABLE t ON CLUSTER 'main' (x UInt8) ENGINE = ReplicatedMergeTree('/ch/main/t', '{replica}') ORDER BY x",
            "{}",
            server.name
        );
        // Looking created nothing.
        assert!(!table_exists(&server, &db, "_sqlx_migrations").await);
        // A run needs the cluster for its own tables: the server's error names it.
        let (missing, _) = migrator(&dir);
        let e = missing
            .cluster("no_such_cluster")
            .run(&client)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Server, "{e}");
        assert!(
            e.to_string()
                .starts_with("creating the history table _sqlx_migrations: ")
                && e.to_string().contains("no_such_cluster"),
            "{}: {e}",
            server.name
        );
        assert!(!table_exists(&server, &db, "_sqlx_migrations").await);
        server.run(&format!("DROP DATABASE {db}"), &[]).await;
    })
    .await;
}
