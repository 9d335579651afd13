//! sqlx's `Migrator` on ClickHouse: the repository's `migrations/` folder through `migrate!`,
//! folders read at run time on the 18.16 server (no binds needed), a failed migration resumed
//! after its fix, the lock across pools, and the bookkeeping shared with the driver's own
//! migrations runner.

use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx_clickhouse::{ClickHouseConnectOptions, ClickHousePool, ClickHousePoolOptions};

use crate::common::{Engine, drop_database, engines, fresh};

/// The repository's migrations, embedded at compile time as a user's crate does it.
static REPOSITORY: Migrator = sqlx::migrate!("../migrations");

async fn count(pool: &ClickHousePool, sql: &str) -> u64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn tables(pool: &ClickHousePool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT name FROM system.tables WHERE database = currentDatabase() \
         AND NOT startsWith(name, '_sqlx') ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn columns(pool: &ClickHousePool, table: &str) -> Vec<String> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT name FROM system.columns WHERE database = currentDatabase() \
         AND table = '{table}'"
    )))
    .fetch_all(pool)
    .await
    .unwrap()
}

/// A folder of migrations written by a test.
struct Folder(tempfile::TempDir);

impl Folder {
    fn new(files: &[(&str, &str)]) -> Folder {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder(dir);
        for (name, sql) in files {
            folder.write(name, sql);
        }
        folder
    }

    fn write(&self, name: &str, sql: &str) {
        std::fs::write(self.0.path().join(name), sql).unwrap();
    }

    async fn migrator(&self) -> Migrator {
        Migrator::new(self.0.path()).await.unwrap()
    }
}

/// A pool in database `db` of `engine` whose migrations lock waits at most `wait`.
async fn pool_waiting(engine: &Engine, db: &str, wait: Duration) -> ClickHousePool {
    let options: ClickHouseConnectOptions = engine.url.parse().unwrap();
    let lock = clickhouse_connect::migrate::LockOptions {
        wait,
        ..Default::default()
    };
    ClickHousePoolOptions::new()
        .max_connections(2)
        .connect_with(options.database(db).migrations_lock(lock))
        .await
        .unwrap()
}

#[tokio::test]
async fn the_repository_migrations_run_rerun_as_a_no_op_and_undo() {
    // The 26.9 engine: the folder uses DateTime64, which 18.16 does not have.
    let engine = engines().remove(0);
    let (db, pool) = fresh(&engine, "migrator_repo").await;

    REPOSITORY.run(&pool).await.unwrap();
    assert_eq!(tables(&pool).await, ["events"]);
    assert!(
        columns(&pool, "events")
            .await
            .contains(&"country".to_owned())
    );
    let history_rows = count(&pool, "SELECT count() FROM _sqlx_migrations").await;

    // Again: nothing runs, nothing is written.
    REPOSITORY.run(&pool).await.unwrap();
    assert_eq!(
        count(&pool, "SELECT count() FROM _sqlx_migrations").await,
        history_rows,
        "a re-run wrote to the history"
    );

    // The driver's own runner reads the same history: both applied, checksums matching.
    let options: ClickHouseConnectOptions = engine.url.parse().unwrap();
    let client = options.database(&db).client().unwrap();
    let ours = clickhouse_connect::migrate::Migrator::new("../migrations").unwrap();
    let check = ours.check(&client).await.unwrap();
    assert!(check.is_up_to_date(), "{check:?}");

    // Undo one step, then everything.
    REPOSITORY.undo(&pool, 20261124000001).await.unwrap();
    assert!(
        !columns(&pool, "events")
            .await
            .contains(&"country".to_owned())
    );
    REPOSITORY.undo(&pool, 0).await.unwrap();
    assert!(tables(&pool).await.is_empty(), "{:?}", tables(&pool).await);
    assert_eq!(
        ours.check(&client).await.unwrap().pending,
        [20261124000001, 20261124000002]
    );

    // And forward again.
    REPOSITORY.run(&pool).await.unwrap();
    assert_eq!(tables(&pool).await, ["events"]);
    drop_database(&pool, &db).await;
}

#[tokio::test]
async fn folders_run_and_undo_on_every_engine_without_binds() {
    let folder = Folder::new(&[
        (
            "1_items.up.sql",
            "CREATE TABLE items (id UInt64, name String) ENGINE = MergeTree ORDER BY id;\n\
             INSERT INTO items VALUES (1, 'semi;colon'), (2, 'quote''s');\n",
        ),
        ("1_items.down.sql", "DROP TABLE items;\n"),
        (
            "2_price.up.sql",
            "ALTER TABLE items ADD COLUMN price Float64 DEFAULT 0;",
        ),
        ("2_price.down.sql", "ALTER TABLE items DROP COLUMN price;"),
    ]);
    let migrator = folder.migrator().await;
    for engine in engines() {
        let name = engine.name;
        let (db, pool) = fresh(&engine, "migrator_folder").await;
        migrator
            .run(&pool)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            columns(&pool, "items").await,
            ["id", "name", "price"],
            "{name}"
        );
        assert_eq!(count(&pool, "SELECT count() FROM items").await, 2, "{name}");
        migrator
            .run(&pool)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(count(&pool, "SELECT count() FROM items").await, 2, "{name}");
        migrator
            .undo(&pool, 0)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(tables(&pool).await.is_empty(), "{name}");
        drop_database(&pool, &db).await;
    }
}

#[tokio::test]
async fn a_failed_migration_frees_the_lock_and_resumes_after_its_fix() {
    let broken = "CREATE TABLE a (x UInt8) ENGINE = MergeTree ORDER BY x;\n\
                  INSERT INTO a VALUES (1);\n\
                  INSERT INTO missing_table VALUES (2);\n\
                  CREATE TABLE b (x UInt8) ENGINE = MergeTree ORDER BY x;\n";
    for engine in engines() {
        let name = engine.name;
        let (db, setup) = fresh(&engine, "migrator_resume").await;
        // A lock that does not wait: a lock left behind by the failure would fail the next run.
        let pool = pool_waiting(&engine, &db, Duration::ZERO).await;
        let folder = Folder::new(&[("1_two_tables.sql", broken)]);

        let err = folder.migrator().await.run(&pool).await.unwrap_err();
        match &err {
            MigrateError::ExecuteMigration(sqlx::Error::Database(e), 1) => {
                assert_eq!(e.code().as_deref(), Some("60"), "{name}: {err}");
                let text = e.to_string();
                assert!(text.contains("statement 3"), "{name}: {text}");
                assert!(text.contains("missing_table"), "{name}: {text}");
            }
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(tables(&pool).await, ["a"], "{name}");

        // Fixed: the run goes on at statement 3 (statement 2 is not run twice).
        folder.write(
            "1_two_tables.sql",
            &broken.replace("missing_table VALUES (2)", "a VALUES (2)"),
        );
        folder
            .migrator()
            .await
            .run(&pool)
            .await
            .unwrap_or_else(|e| panic!("{name}: the fixed run: {e}"));
        assert_eq!(tables(&pool).await, ["a", "b"], "{name}");
        assert_eq!(count(&pool, "SELECT count() FROM a").await, 2, "{name}");
        assert_eq!(count(&pool, "SELECT sum(x) FROM a").await, 3, "{name}");
        pool.close().await;
        drop_database(&setup, &db).await;
    }
}

#[tokio::test]
async fn the_lock_keeps_a_second_migrator_out_until_it_is_released() {
    use sqlx::migrate::Migrate;

    let engine = engines().remove(2); // 18.16 over TCP
    let (db, setup) = fresh(&engine, "migrator_lock").await;
    let folder = Folder::new(&[(
        "1_t.sql",
        "CREATE TABLE t (x UInt8) ENGINE = MergeTree ORDER BY x",
    )]);
    let migrator = folder.migrator().await;

    let holder_pool = pool_waiting(&engine, &db, Duration::ZERO).await;
    let mut holder = holder_pool.acquire().await.unwrap();
    holder.lock().await.unwrap();

    let waiting = pool_waiting(&engine, &db, Duration::from_secs(1)).await;
    let started = std::time::Instant::now();
    let err = migrator.run(&waiting).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("is held by owner"), "{text}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(tables(&waiting).await.is_empty());

    holder.unlock().await.unwrap();
    migrator.run(&waiting).await.unwrap();
    assert_eq!(tables(&waiting).await, ["t"]);
    drop(holder);
    drop_database(&setup, &db).await;
}
