//! run, re-run, run_to, undo, info, check, dry_run, partial failure and resume, changed files,
//! force: on the 26.9 engine over HTTP and the 18.16 server over HTTP and TCP.

use std::path::PathBuf;

use clickhouse_connect::ErrorKind;
use clickhouse_connect::migrate::{Event, Force, History, Migrator, State, Status};

use super::every_server;
use super::{Dir, client_in, migrator, number, table_exists};

/// Three migrations: a simple one and two reversible ones.
fn three(dir: &Dir) {
    dir.write(
        "1_create_items.sql",
        "-- items; a simple migration\nCREATE TABLE items (id UInt64, name String) ENGINE = MergeTree ORDER BY id;\n\
         INSERT INTO items VALUES (1, 'semi;colon'), (2, 'quote''s');\n",
    )
    .write(
        "2_create_tags.up.sql",
        "CREATE TABLE tags (id UInt64) ENGINE = MergeTree ORDER BY id",
    )
    .write("2_create_tags.down.sql", "DROP TABLE tags;")
    .write(
        "3_add_price.up.sql",
        "ALTER TABLE items ADD COLUMN price Float64 DEFAULT 0;",
    )
    .write("3_add_price.down.sql", "ALTER TABLE items DROP COLUMN price;");
}

async fn has_column(server: &crate::common::Server, db: &str, table: &str, column: &str) -> bool {
    number(
        server,
        db,
        &format!(
            "SELECT count() FROM system.columns WHERE database = '{db}' AND table = '{table}' AND name = '{column}'"
        ),
    )
    .await
        == 1
}

#[tokio::test]
async fn run_rerun_run_to_undo_info_check() {
    every_server(|server| async move {
        let db = server.fresh_database("migrate_cycle").await;
        let client = client_in(&server, &db);
        let dir = Dir::new("cycle");
        three(&dir);
        let (migrator, events) = migrator(&dir);
        let name = server.name;

        // Before anything: all pending, and looking creates nothing.
        let check = migrator.check(&client).await.unwrap();
        assert_eq!(check.pending, [1, 2, 3], "{name}");
        assert!(!check.is_up_to_date());
        assert!(
            !table_exists(&server, &db, "_sqlx_migrations").await,
            "{name}: info created the history"
        );

        let report = migrator.run_to(&client, 2).await.unwrap();
        assert_eq!(report.versions, [1, 2], "{name}");
        assert!(table_exists(&server, &db, "tags").await);
        assert!(!has_column(&server, &db, "items", "price").await);
        assert_eq!(
            number(
                &server,
                &db,
                "SELECT count() FROM items WHERE name IN ('semi;colon', 'quote''s')"
            )
            .await,
            2
        );
        assert_eq!(migrator.check(&client).await.unwrap().pending, [3]);

        let report = migrator.run(&client).await.unwrap();
        assert_eq!(report.versions, [3], "{name}");
        assert!(has_column(&server, &db, "items", "price").await);

        // A second run changes nothing and records nothing.
        let rows = number(&server, &db, "SELECT count() FROM _sqlx_migrations").await;
        events.clear();
        let report = migrator.run(&client).await.unwrap();
        assert!(report.versions.is_empty(), "{name}: {report:?}");
        assert_eq!(
            number(&server, &db, "SELECT count() FROM _sqlx_migrations").await,
            rows
        );
        assert!(
            !events
                .all()
                .iter()
                .any(|e| matches!(e, Event::MigrationStarted { .. }))
        );
        assert!(
            events
                .all()
                .iter()
                .any(|e| matches!(e, Event::LockAcquired { .. }))
        );
        assert!(
            events
                .all()
                .iter()
                .any(|e| matches!(e, Event::LockReleased { .. }))
        );

        let info = migrator.info(&client).await.unwrap();
        assert_eq!(info.len(), 3);
        for i in &info {
            assert_eq!(i.status, Status::Applied, "{name}: {i}");
            assert_eq!(i.checksum_matches, Some(true));
            assert!(
                i.applied_at.is_some() && i.took.is_some_and(|t| !t.is_zero()),
                "{i:?}"
            );
            assert!(i.in_source);
        }
        assert_eq!(
            info.iter().map(|i| i.reversible).collect::<Vec<_>>(),
            [false, true, true]
        );
        assert!(
            info[0]
                .to_string()
                .starts_with("1/installed create items [applied "),
            "{}",
            info[0]
        );
        assert_eq!(info[0].statements, 2);
        assert!(migrator.check(&client).await.unwrap().is_up_to_date());

        let report = migrator.undo(&client, 1).await.unwrap();
        assert_eq!(report.versions, [3, 2], "{name}");
        assert!(!table_exists(&server, &db, "tags").await);
        assert!(!has_column(&server, &db, "items", "price").await);
        let statuses: Vec<Status> = migrator
            .info(&client)
            .await
            .unwrap()
            .iter()
            .map(|i| i.status)
            .collect();
        assert_eq!(
            statuses,
            [Status::Applied, Status::Pending, Status::Pending]
        );

        // A simple migration cannot be undone: refused before anything is reverted.
        let e = migrator.undo(&client, 0).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(
            e.to_string()
                .contains("migration 1 (create items) has no .down.sql"),
            "{e}"
        );
        assert!(table_exists(&server, &db, "items").await);

        // Reverted migrations apply again.
        let report = migrator.run(&client).await.unwrap();
        assert_eq!(report.versions, [2, 3], "{name}");
        assert!(migrator.check(&client).await.unwrap().is_up_to_date());
        // The history is what sqlx reads: one row per version after FINAL, success = 1.
        assert_eq!(
            server
                .run("SELECT version, success, length(checksum) FROM _sqlx_migrations FINAL ORDER BY version FORMAT TSV", &[("database", &db)])
                .await,
            "1\t1\t96\n2\t1\t96\n3\t1\t96\n"
        );
        server.run(&format!("DROP DATABASE {db}"), &[]).await;
    })
    .await;
}

/// The repository's `migrations/` folder (what `examples/migrate.rs` runs) applies and reverts
/// on the 26.9 engine. Version limit: its `events` table uses `DateTime64` (ClickHouse 20.1 and
/// newer), so the 18.16 server cannot take it.
#[tokio::test]
async fn the_repository_migrations_run_and_undo() {
    let server = crate::common::engine().await;
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let db = server.fresh_database("migrate_repo").await;
    let client = client_in(&server, &db);
    let migrator = Migrator::new(&folder).unwrap().lock(super::quick_lock());
    let report = migrator.run(&client).await.unwrap();
    assert_eq!(report.versions, [20261124000001, 20261124000002]);
    let columns = server
        .run(&format!("SELECT name, type FROM system.columns WHERE database = '{db}' AND table = 'events' ORDER BY position FORMAT TSVRaw"), &[])
        .await;
    assert_eq!(
        columns,
        "id\tUInt64\nts\tDateTime64(3, 'UTC')\nname\tLowCardinality(String)\ncountry\tLowCardinality(String)\n\
         payload\tString\nscore\tNullable(Float64)\ntags\tArray(String)\n"
    );
    assert!(migrator.check(&client).await.unwrap().is_up_to_date());
    let report = migrator.undo(&client, 0).await.unwrap();
    assert_eq!(report.versions, [20261124000002, 20261124000001]);
    assert!(!table_exists(&server, &db, "events").await);
    server.run(&format!("DROP DATABASE {db}"), &[]).await;
}

#[tokio::test]
async fn a_failed_statement_is_recorded_and_the_fixed_file_resumes() {
    every_server(|server| async move {
        let db = server.fresh_database("migrate_resume").await;
        let client = client_in(&server, &db);
        let dir = Dir::new("resume");
        let file = "7_fill.sql";
        dir.write(
            file,
            "CREATE TABLE a (x UInt8) ENGINE = MergeTree ORDER BY x;\nINSERT INTO a SELECT 1;\n\
             INSERT INTO missing_table SELECT 2;\nCREATE TABLE b (x UInt8) ENGINE = MergeTree ORDER BY x;\n",
        );
        let (migrator, events) = migrator(&dir);
        let e = migrator.run(&client).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Server, "{}: {e}", server.name);
        assert_eq!(e.server_code(), Some(60), "{e}");
        assert!(
            e.to_string()
                .starts_with("migration 7 (fill), up statement 3 of 4 (line 3): "),
            "{e}"
        );
        assert!(events.all().iter().any(|ev| matches!(
            ev,
            Event::MigrationFailed {
                version: 7,
                index: 3,
                ..
            }
        )));

        // The record: partial, two statements done, the third failed with the server's code.
        let mut conn = client.connection().await.unwrap();
        let entry = History::default()
            .entry(&mut conn, 7)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(entry.state, State::Failed);
        assert!(!entry.success);
        assert_eq!((entry.statements_done, entry.statements_total), (2, 4));
        assert_eq!(entry.statement_hashes.len(), 2);
        assert_eq!(entry.failed_statement, Some(3));
        assert_eq!(entry.error_code, Some(60));
        assert!(
            entry.error.as_deref().unwrap().contains("missing_table"),
            "{entry:?}"
        );
        assert_eq!(
            History::default().dirty_version(&mut conn).await.unwrap(),
            Some(7)
        );
        drop(conn);
        let info = &migrator.info(&client).await.unwrap()[0];
        assert_eq!(info.status, Status::Partial);
        assert_eq!((info.statements_done, info.failed_statement), (2, Some(3)));
        assert!(
            info.to_string()
                .contains("[2 of 4 statements done; statement 3 failed: "),
            "{info}"
        );
        assert_eq!(migrator.check(&client).await.unwrap().partial, [7]);
        assert!(!table_exists(&server, &db, "b").await);

        // Fix the file; the next run skips what was applied and goes on.
        dir.write(
            file,
            "CREATE TABLE a (x UInt8) ENGINE = MergeTree ORDER BY x;\nINSERT INTO a SELECT 1;\n\
             INSERT INTO a SELECT 2;\nCREATE TABLE b (x UInt8) ENGINE = MergeTree ORDER BY x;\n",
        );
        let (migrator, events) = super::migrator(&dir);
        // The dry run shows the same plan.
        let plan = migrator.dry_run(&client).await.unwrap();
        assert_eq!(
            plan.iter().map(|p| p.skipped).collect::<Vec<_>>(),
            [true, true, false, false]
        );
        assert_eq!(plan[2].sql, "INSERT INTO a SELECT 2");
        assert_eq!(plan[3].line, 4);
        let report = migrator.run(&client).await.unwrap();
        assert_eq!(report.versions, [7], "{}", server.name);
        assert_eq!(report.resumed, [7]);
        let skipped: Vec<usize> = events
            .all()
            .iter()
            .filter_map(|e| match e {
                Event::StatementSkipped { index, .. } => Some(*index),
                _ => None,
            })
            .collect();
        assert_eq!(skipped, [1, 2]);
        assert!(events.all().contains(&Event::MigrationStarted {
            version: 7,
            description: "fill".into(),
            direction: clickhouse_connect::migrate::Direction::Up,
            statements: 4,
            resumed_after: 2
        }));
        // The first INSERT ran once.
        assert_eq!(number(&server, &db, "SELECT count() FROM a").await, 2);
        assert!(table_exists(&server, &db, "b").await);
        assert!(migrator.check(&client).await.unwrap().is_up_to_date());
        server.run(&format!("DROP DATABASE {db}"), &[]).await;
    })
    .await;
}

#[tokio::test]
async fn a_changed_applied_statement_is_refused_by_name() {
    every_server(|server| async move {
        let db = server.fresh_database("migrate_changed").await;
        let client = client_in(&server, &db);
        let dir = Dir::new("changed");
        dir.write(
            "1_t.sql",
            "CREATE TABLE t (x UInt8) ENGINE = MergeTree ORDER BY x;\nINSERT INTO nope SELECT 1;\n",
        );
        let (migrator, _) = migrator(&dir);
        migrator.run(&client).await.unwrap_err();

        // The applied statement changed (UInt8 to UInt16) while fixing the failed one.
        dir.write(
            "1_t.sql",
            "CREATE TABLE t (x UInt16) ENGINE = MergeTree ORDER BY x;\nINSERT INTO t SELECT 1;\n",
        );
        let (migrator, events) = migrator_again(&dir);
        let e = migrator.run(&client).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(
            e.to_string().contains("migration 1 (t): statement 1 (line 1 of 1_t.sql) was applied already and has changed since"),
            "{}: {e}",
            server.name
        );
        assert!(
            !events
                .all()
                .iter()
                .any(|e| matches!(e, Event::StatementStarted { .. }))
        );
        assert_eq!(number(&server, &db, "SELECT count() FROM t").await, 0);

        // Editing comments and spacing of an applied statement is no change.
        dir.write(
            "1_t.sql",
            "-- the table\nCREATE TABLE t (x UInt8)\n    ENGINE = MergeTree ORDER BY x; -- done\nINSERT INTO t SELECT 1;\n",
        );
        let (migrator, _) = migrator_again(&dir);
        assert_eq!(migrator.run(&client).await.unwrap().resumed, [1]);
        assert_eq!(number(&server, &db, "SELECT count() FROM t").await, 1);

        // A changed file after it was applied: refused by checksum; force accepts it.
        dir.write(
            "1_t.sql",
            "-- the table, again\nCREATE TABLE t (x UInt8)\n    ENGINE = MergeTree ORDER BY x; -- done\nINSERT INTO t SELECT 1;\n",
        );
        let (migrator, _) = migrator_again(&dir);
        let e = migrator.run(&client).await.unwrap_err();
        assert!(e.to_string().contains("was applied with checksum"), "{e}");
        let check = migrator.check(&client).await.unwrap();
        assert_eq!(check.mismatched, [1]);
        assert!(
            migrator.info(&client).await.unwrap()[0]
                .to_string()
                .starts_with("1/installed (different checksum) t")
        );
        migrator.force(&client, 1, Force::Applied).await.unwrap();
        assert!(migrator.check(&client).await.unwrap().is_up_to_date());
        assert_eq!(number(&server, &db, "SELECT count() FROM t").await, 1);

        // Force NotApplied: the next run applies it again (from its first statement).
        migrator.force(&client, 1, Force::NotApplied).await.unwrap();
        assert_eq!(migrator.check(&client).await.unwrap().pending, [1]);
        // Force StatementsDone: the user made the table by hand; the run goes on after it.
        migrator
            .force(&client, 1, Force::StatementsDone(1))
            .await
            .unwrap();
        let report = migrator.run(&client).await.unwrap();
        assert_eq!(report.resumed, [1]);
        assert_eq!(number(&server, &db, "SELECT count() FROM t").await, 2);
        server.run(&format!("DROP DATABASE {db}"), &[]).await;
    })
    .await;
}

fn migrator_again(dir: &Dir) -> (Migrator, super::Events) {
    migrator(dir)
}

#[tokio::test]
async fn applied_versions_without_files_are_refused_unless_ignored() {
    every_server(|server| async move {
        let db = server.fresh_database("migrate_missing").await;
        let client = client_in(&server, &db);
        let dir = Dir::new("missing");
        dir.write("1_a.sql", "CREATE TABLE a (x UInt8) ENGINE = Memory")
            .write("2_b.sql", "CREATE TABLE b (x UInt8) ENGINE = Memory");
        let (migrator, _) = migrator(&dir);
        migrator.run(&client).await.unwrap();
        std::fs::remove_file(dir.path().join("2_b.sql")).unwrap();
        dir.write("3_c.sql", "CREATE TABLE c (x UInt8) ENGINE = Memory");
        let (migrator, _) = super::migrator(&dir);
        let e = migrator.run(&client).await.unwrap_err();
        assert!(
            e.to_string().contains("migration 2 (b) is recorded as applied in _sqlx_migrations, but no file has that version"),
            "{}: {e}",
            server.name
        );
        assert!(!table_exists(&server, &db, "c").await);
        let check = migrator.check(&client).await.unwrap();
        assert_eq!(
            (check.missing.as_slice(), check.pending.as_slice()),
            (&[2][..], &[3][..])
        );
        let info = migrator.info(&client).await.unwrap();
        assert!(info[1].to_string().contains("(no file)"), "{}", info[1]);
        let migrator = migrator.ignore_missing(true);
        assert_eq!(migrator.run(&client).await.unwrap().versions, [3]);
        assert!(migrator.check(&client).await.unwrap().is_up_to_date());
        server.run(&format!("DROP DATABASE {db}"), &[]).await;
    })
    .await;
}

/// A file the naive `split(';')` breaks: semicolons in strings and comments, escapes, nested
/// comments, empty statements, no trailing semicolon (and a heredoc where the server has them,
/// 26.x; 18.16 has none).
#[tokio::test]
async fn tricky_files_split_as_the_server_reads_them() {
    every_server(|server| async move {
        let db = server.fresh_database("migrate_tricky").await;
        let client = client_in(&server, &db);
        let dir = Dir::new("tricky");
        let heredoc = if server.name.contains("26.9") {
            ";\nINSERT INTO s SELECT 6, $tag$he;re 'doc'$tag$"
        } else {
            ""
        };
        dir.write(
            "1_tricky.sql",
            &format!(
                "-- a comment; with a semicolon\n\
                 /* block ; /* nested ; */ still a comment ; */\n\
                 CREATE TABLE s (id UInt8, v String) ENGINE = MergeTree ORDER BY id;;\n\
                 ;\n\
                 # a hash comment ; \n\
                 #! a shebang-like one ;\n\
                 INSERT INTO s SELECT 1, 'a;b' UNION ALL SELECT 2, 'it''s; ok' UNION ALL SELECT 3, 'back\\\\slash\\'; quote';\n\
                 INSERT INTO `s` (`id`, \"v\") SELECT 4, '-- not a comment; ';\n\
                 INSERT INTO s SELECT 5, '/* not a comment; */'{heredoc}\n\
                 -- no trailing semicolon"
            ),
        );
        let (migrator, events) = migrator(&dir);
        let plan = migrator.dry_run(&client).await.unwrap();
        let expected = if heredoc.is_empty() { 4 } else { 5 };
        assert_eq!(plan.len(), expected, "{}: {plan:#?}", server.name);
        assert_eq!(plan[0].line, 3);
        migrator.run(&client).await.unwrap();
        let started = events
            .all()
            .iter()
            .filter(|e| matches!(e, Event::StatementStarted { .. }))
            .count();
        assert_eq!(started, expected);
        let mut want = "1\ta;b\n2\tit's; ok\n3\tback\\slash'; quote\n4\t-- not a comment; \n5\t/* not a comment; */\n".to_owned();
        if !heredoc.is_empty() {
            want.push_str("6\the;re 'doc'\n");
        }
        assert_eq!(
            server
                .run(
                    "SELECT id, v FROM s ORDER BY id FORMAT TSVRaw",
                    &[("database", &db)]
                )
                .await,
            want,
            "{}",
            server.name
        );
        server.run(&format!("DROP DATABASE {db}"), &[]).await;
    })
    .await;
}
