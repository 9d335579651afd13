//! The lease lock: eight runners at once (threads and processes) apply each migration exactly
//! once; a runner killed with SIGKILL mid-migration leaves a lease the next runner takes over
//! after it expires; a held lock makes a runner wait within its bound, then fail naming the
//! holder.
//!
//! Separate processes are this test binary run again with a filter for [`child_runner`] and
//! the parameters in `CHC_MIGRATE_CHILD`.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use clickhouse_connect::ErrorKind;
use clickhouse_connect::migrate::{ApplyOptions, Event, History, LockOptions, Migrator};

use super::every_server;
use super::{Dir, client_in, lock_with_lease, migrator, number};
use crate::common::{Server, engine};

const CHILD: &str = "CHC_MIGRATE_CHILD";

/// The migrations every runner of a lock test applies: non-idempotent statements, so a second
/// application would fail (CREATE) or show (a second row).
fn lock_set(dir: &Dir) {
    dir.write(
        "1_create.sql",
        "CREATE TABLE log (v Int64) ENGINE = MergeTree ORDER BY v;",
    )
    .write(
        "2_slow.sql",
        "INSERT INTO log SELECT 2;\nSELECT sleep(1);\nINSERT INTO log SELECT 20;",
    )
    .write("3_more.sql", "INSERT INTO log SELECT 3;");
}

/// Starts this test binary again as one runner over `dir` in `database`, with a lease of
/// `lease_secs`.
fn spawn_child(server: &Server, database: &str, dir: &Dir, lease_secs: u64) -> Child {
    let spec = format!(
        "{}\n{database}\n{}\n{lease_secs}",
        server.client_url,
        dir.path().display()
    );
    Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "--exact",
            "migrations::lock::child_runner",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(CHILD, spec)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the test binary starts again")
}

/// A runner in a child process (with `CHC_MIGRATE_CHILD` set by a lock test); run alone, one
/// runner over the lock test's migrations on a fresh database, which must take the lock at once
/// and apply all three.
#[tokio::test]
async fn child_runner() {
    if let Ok(spec) = std::env::var(CHILD) {
        let mut parts = spec.lines();
        let (url, database, dir, lease) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap().parse().unwrap(),
        );
        let client = clickhouse_connect::Client::builder()
            .url(url)
            .database(database)
            .build()
            .unwrap();
        let migrator = Migrator::new(dir).unwrap().lock(lock_with_lease(lease));
        let report = migrator.run(&client).await.unwrap();
        let versions: Vec<String> = report.versions.iter().map(i64::to_string).collect();
        println!(
            "CHILD-APPLIED=[{}] PID={}",
            versions.join(","),
            std::process::id()
        );
        return;
    }
    let server = engine().await;
    let db = server.fresh_database("migrate_child_alone").await;
    let client = client_in(&server, &db);
    let dir = Dir::new("child_alone");
    lock_set(&dir);
    let (migrator, events) = migrator(&dir);
    let report = migrator.run(&client).await.unwrap();
    assert_eq!(report.versions, [1, 2, 3]);
    assert!(
        !events
            .all()
            .iter()
            .any(|e| matches!(e, Event::LockWaiting { .. }))
    );
    let mut conn = client.connection().await.unwrap();
    let holders = History::default()
        .lock_table()
        .holders(&mut conn, "migrations")
        .await
        .unwrap();
    assert!(holders.is_empty(), "{holders:?}");
    server.run(&format!("DROP DATABASE {db}"), &[]).await;
}

#[tokio::test]
async fn eight_runners_at_once_threads_and_processes_apply_each_migration_once() {
    every_server(|server| async move {
        let db = server.fresh_database("migrate_eight").await;
        let dir = Dir::new("eight");
        lock_set(&dir);
        let started = Instant::now();
        let children: Vec<Child> = (0..4)
            .map(|_| spawn_child(&server, &db, &dir, 10))
            .collect();
        let barrier = Arc::new(Barrier::new(4));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let barrier = barrier.clone();
                let url = server.client_url.clone();
                let db = db.clone();
                let path = dir.path().to_owned();
                std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    runtime.block_on(async move {
                        let client = clickhouse_connect::Client::builder()
                            .url(url)
                            .database(db)
                            .build()
                            .unwrap();
                        let events = super::Events::default();
                        let sink = events.clone();
                        let migrator = Migrator::new(path)
                            .unwrap()
                            .lock(lock_with_lease(10))
                            .on_event(move |e| sink.0.lock().unwrap().push(e.clone()));
                        barrier.wait();
                        let report = migrator.run(&client).await;
                        (report, events.all())
                    })
                })
            })
            .collect();
        let mut applied_by = Vec::new();
        let mut waited = 0;
        for t in threads {
            let (report, events) = tokio::task::spawn_blocking(move || t.join().unwrap())
                .await
                .unwrap();
            let report =
                report.unwrap_or_else(|e| panic!("{}: a thread runner failed: {e}", server.name));
            applied_by.push(report.versions);
            if events
                .iter()
                .any(|e| matches!(e, Event::LockWaiting { .. }))
            {
                waited += 1;
            }
        }
        for child in children {
            let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
                .await
                .unwrap();
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(
                output.status.success(),
                "{}: a child runner failed: {stdout}\n{}",
                server.name,
                String::from_utf8_lossy(&output.stderr)
            );
            let line = stdout
                .lines()
                .find_map(|l| l.split_once("CHILD-APPLIED=[").map(|(_, rest)| rest))
                .unwrap_or_else(|| panic!("no report in {stdout}"));
            let list = line.split(']').next().unwrap();
            applied_by.push(
                list.split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse().unwrap())
                    .collect(),
            );
        }
        let took = started.elapsed();
        // One runner applied everything, the seven others found nothing left to do.
        let mut non_empty: Vec<&Vec<i64>> = applied_by.iter().filter(|v| !v.is_empty()).collect();
        assert_eq!(non_empty.len(), 1, "{}: {applied_by:?}", server.name);
        assert_eq!(non_empty.pop().unwrap(), &vec![1, 2, 3]);
        assert!(waited >= 1, "{}: no thread runner ever waited", server.name);
        assert_eq!(
            server
                .run(
                    "SELECT v, count() FROM log GROUP BY v ORDER BY v FORMAT TSV",
                    &[("database", &db)]
                )
                .await,
            "2\t1\n3\t1\n20\t1\n",
            "{}",
            server.name
        );
        assert_eq!(
            number(
                &server,
                &db,
                "SELECT uniqExact(owner) FROM _sqlx_migrations"
            )
            .await,
            1
        );
        // Every claim was given back.
        let client = client_in(&server, &db);
        let mut conn = client.connection().await.unwrap();
        let holders = History::default()
            .lock_table()
            .holders(&mut conn, "migrations")
            .await
            .unwrap();
        assert!(holders.is_empty(), "{}: {holders:?}", server.name);
        eprintln!("{}: eight runners in {took:?}", server.name);
        server.run(&format!("DROP DATABASE {db}"), &[]).await;
    })
    .await;
}

#[tokio::test]
async fn a_runner_killed_mid_migration_leaves_a_lease_the_next_takes_over() {
    every_server(|server| async move {
        let db = server.fresh_database("migrate_killed").await;
        let client = client_in(&server, &db);
        let dir = Dir::new("killed");
        dir.write(
            "1_slow.sql",
            "CREATE TABLE k (v Int64) ENGINE = MergeTree ORDER BY v;\nINSERT INTO k SELECT 1;\n\
             SELECT sleep(3);\nINSERT INTO k SELECT 2;",
        );
        // A lease of 4 s, renewed every 1.3 s.
        let mut child = spawn_child(&server, &db, &dir, 4);
        let pid = child.id();
        // Wait until the child recorded the INSERT and sits in the sleep.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let r = server
                .post(
                    &[("database", db.as_str())],
                    "SELECT argMax(statements_done, seq) FROM _sqlx_migrations WHERE version = 1",
                )
                .await;
            if r.status == 200 && r.text().trim().parse::<u32>().is_ok_and(|n| n >= 2) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{}: the child never got to its sleep",
                server.name
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let killed_at = Instant::now();

        let (migrator, events) = migrator(&dir);
        let report = migrator.run(&client).await.unwrap();
        let waited = killed_at.elapsed();
        assert_eq!(report.resumed, [1], "{}", server.name);
        let holder = events
            .all()
            .into_iter()
            .find_map(|e| match e {
                Event::LockWaiting { holder } => Some(holder),
                _ => None,
            })
            .unwrap_or_else(|| {
                panic!(
                    "{}: the next runner did not wait for the lease",
                    server.name
                )
            });
        assert_eq!(holder.pid, pid, "{}: {holder}", server.name);
        // It waited for the dead runner's lease to run out (3 s, renewed each second).
        assert!(
            waited >= Duration::from_millis(800),
            "{}: took over after {waited:?}",
            server.name
        );
        let now = number(&server, &db, "SELECT toUInt32(now())").await;
        assert!(now as i64 >= holder.expires_at.timestamp());
        // The INSERT before the kill was not repeated; the rest ran once.
        assert_eq!(
            server
                .run(
                    "SELECT v, count() FROM k GROUP BY v ORDER BY v FORMAT TSV",
                    &[("database", &db)]
                )
                .await,
            "1\t1\n2\t1\n"
        );
        let mut conn = client.connection().await.unwrap();
        let entry = History::default()
            .entry(&mut conn, 1)
            .await
            .unwrap()
            .unwrap();
        assert_ne!(entry.owner, holder.owner);
        assert!(entry.success);
        server.run(&format!("DROP DATABASE {db}"), &[]).await;
    })
    .await;
}

#[tokio::test]
async fn a_held_lock_is_renewed_and_makes_others_wait_then_fail_naming_the_holder() {
    every_server(|server| async move {
        let db = server.fresh_database("migrate_held").await;
        let client = client_in(&server, &db);
        let dir = Dir::new("held");
        dir.write("1_a.sql", "CREATE TABLE a (x UInt8) ENGINE = Memory");
        let history = History::default();
        let mut conn = client.connection().await.unwrap();
        history
            .ensure(&mut conn, &ApplyOptions::default())
            .await
            .unwrap();
        let lease = history
            .lock_table()
            .acquire(&mut conn, &lock_with_lease(4), &ApplyOptions::default())
            .await
            .unwrap();

        let (migrator, _) = migrator(&dir);
        let migrator = migrator.lock(LockOptions {
            wait: Duration::from_millis(700),
            ..lock_with_lease(3)
        });
        let started = Instant::now();
        let e = migrator.run(&client).await.unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(700));
        assert_eq!(e.kind(), ErrorKind::Timeout, "{}: {e}", server.name);
        let text = e.to_string();
        assert!(
            text.contains(&format!("is held by owner {} on host ", lease.owner()))
                && text.contains(&format!("(pid {})", std::process::id()))
                && text.contains("gave up after waiting 700ms"),
            "{}: {text}",
            server.name
        );
        assert!(!super::table_exists(&server, &db, "a").await);

        // Renewed in the background: still held after more than its 4 s lease.
        tokio::time::sleep(Duration::from_millis(4500)).await;
        let holders = history
            .lock_table()
            .holders(&mut conn, "migrations")
            .await
            .unwrap();
        assert_eq!(holders.len(), 1, "{}", server.name);
        assert_eq!(holders[0].owner, lease.owner());
        assert!(lease.check().is_ok());

        lease.release(&mut conn).await.unwrap();
        assert!(
            history
                .lock_table()
                .holders(&mut conn, "migrations")
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(migrator.run(&client).await.unwrap().versions, [1]);
        server.run(&format!("DROP DATABASE {db}"), &[]).await;
    })
    .await;
}
