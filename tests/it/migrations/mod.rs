//! The migrations runner (`clickhouse_connect::migrate`) against the engines: the repository's
//! `migrations/` folder, run / re-run / run_to / undo / info / check / dry_run, partial failure
//! and resume, the lease lock across threads and processes, mutations, retries, clusters where
//! a single server can show them, and the sqlx-compatible files and checksums.
//!
//! Every test runs in a fresh database of its own and a fresh folder of migration files.

mod lock;
mod ops;
mod runner;
mod sqlx;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clickhouse_connect::Client;
use clickhouse_connect::migrate::{Event, LockOptions, Migrator};

use crate::common::Server;

/// A folder of migration files for one test, removed at the end.
pub struct Dir(PathBuf);

impl Dir {
    pub fn new(test: &str) -> Dir {
        static N: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "chc-migrate-{test}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("a temporary folder");
        Dir(path)
    }

    /// Writes (or rewrites) a file.
    pub fn write(&self, name: &str, sql: &str) -> &Self {
        std::fs::write(self.0.join(name), sql).expect("a migration file");
        self
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A client of `server` working in `database`.
pub fn client_in(server: &Server, database: &str) -> Client {
    Client::builder()
        .url(server.client_url.clone())
        .database(database)
        .build()
        .expect("a client")
}

/// Quick polls and a lease of `lease_secs`: short in the tests of expiry, so they stay fast;
/// longer elsewhere, so a loaded machine (the 26.9 engine answers slowly when every test runs
/// at once) never makes a runner give up its lease.
pub fn lock_with_lease(lease_secs: u64) -> LockOptions {
    LockOptions {
        lease: Duration::from_secs(lease_secs),
        wait: Duration::from_secs(60),
        poll: Duration::from_millis(300),
        ..LockOptions::default()
    }
}

/// The lock options of tests that do not wait for an expiry.
pub fn quick_lock() -> LockOptions {
    lock_with_lease(30)
}

/// A migrator over `dir` with quick polls, recording its events.
pub fn migrator(dir: &Dir) -> (Migrator, Events) {
    let events = Events::default();
    let sink = events.clone();
    let migrator = Migrator::new(dir.path())
        .expect("the folder reads")
        .lock(quick_lock())
        .poll_interval(Duration::from_millis(50))
        .on_event(move |e| {
            if std::env::var_os("CHC_MIGRATE_DEBUG").is_some() {
                eprintln!("{e:?}");
            }
            sink.0.lock().unwrap().push(e.clone())
        });
    (migrator, events)
}

/// The events a migrator reported.
#[derive(Clone, Default)]
pub struct Events(Arc<Mutex<Vec<Event>>>);

impl Events {
    pub fn all(&self) -> Vec<Event> {
        self.0.lock().unwrap().clone()
    }

    pub fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

/// Runs `test` on every engine and transport at once (the 26.9 engine over HTTP, the 18.16
/// server over HTTP and TCP): the engines work in parallel, so the test takes the time of the
/// slowest instead of the sum.
pub async fn every_server<F, Fut>(test: F)
where
    F: Fn(Server) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let servers = crate::common::both_clients()
        .await
        .into_iter()
        .map(|(s, _)| s);
    futures_util::future::join_all(servers.map(test)).await;
}

/// A number from the server (raw HTTP, beside the client under test).
pub async fn number(server: &Server, database: &str, sql: &str) -> u64 {
    let text = server.run(sql, &[("database", database)]).await;
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("{}: `{sql}` answered {text:?}", server.name))
}

/// Whether `table` exists in `database`.
pub async fn table_exists(server: &Server, database: &str, table: &str) -> bool {
    number(
        server,
        database,
        &format!(
            "SELECT count() FROM system.tables WHERE database = '{database}' AND name = '{table}'"
        ),
    )
    .await
        == 1
}
