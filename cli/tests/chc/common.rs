//! The engines, the binary, and the server's own answers by plain HTTP requests.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use assert_cmd::Command;

/// One engine: how `chc` reaches it, and its HTTP interface for checks.
pub(crate) struct Server {
    pub(crate) name: &'static str,
    /// The URL `chc` is given.
    pub(crate) url: String,
    /// The HTTP interface (the same server), for setup and the server's own answers.
    pub(crate) http: String,
}

fn reachable(name: &str, var: &str, http: &str) {
    let ok = runtime().block_on(async {
        let client = reqwest::Client::new();
        matches!(
            tokio::time::timeout(Duration::from_secs(5), client.get(format!("{http}/ping")).send()).await,
            Ok(Ok(r)) if r.status().is_success()
        )
    });
    assert!(
        ok,
        "{name} does not answer at {http} ({var}): start the local engines with \
         `scripts/dev-servers up`, then `eval \"$(scripts/dev-servers env)\"`"
    );
}

fn env_or(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| default.to_owned())
}

/// ClickHouse 26.9 over HTTP.
pub(crate) fn engine() -> Server {
    let url = env_or("CLICKHOUSE_URL", "http://127.0.0.1:28123");
    reachable("ClickHouse 26.9", "CLICKHOUSE_URL", &url);
    Server {
        name: "ClickHouse 26.9",
        http: url.clone(),
        url,
    }
}

/// ClickHouse 18.16 over HTTP.
pub(crate) fn legacy() -> Server {
    let url = env_or("CLICKHOUSE_LEGACY_URL", "http://127.0.0.1:18123");
    reachable("ClickHouse 18.16", "CLICKHOUSE_LEGACY_URL", &url);
    Server {
        name: "ClickHouse 18.16",
        http: url.clone(),
        url,
    }
}

/// ClickHouse 18.16 over the native protocol (its HTTP interface for checks).
pub(crate) fn legacy_tcp() -> Server {
    let http = legacy().http;
    Server {
        name: "ClickHouse 18.16 (TCP)",
        url: env_or("CLICKHOUSE_TCP_URL", "tcp://127.0.0.1:19000"),
        http,
    }
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// `chc` with no connection settings from the environment (nor a `.env`: it runs in `dir`).
pub(crate) fn chc_in(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("chc").expect("the chc binary");
    for var in ["CLICKHOUSE_URL", "CLICKHOUSE_USER", "CLICKHOUSE_PASSWORD"] {
        cmd.env_remove(var);
    }
    cmd.current_dir(dir).timeout(Duration::from_secs(60));
    cmd
}

impl Server {
    /// `chc --url <this server>`, run in a scratch folder.
    pub(crate) fn chc(&self) -> Command {
        let mut cmd = chc_in(&std::env::temp_dir());
        cmd.args(["--url", &self.url]);
        cmd
    }

    /// The server's answer to `sql` in `format`, by a plain HTTP request.
    pub(crate) fn post(&self, sql: &str, format: &str) -> Vec<u8> {
        runtime().block_on(async {
            let r = reqwest::Client::new()
                .post(format!("{}/?default_format={format}", self.http))
                .body(sql.to_owned())
                .send()
                .await
                .expect("the server answers");
            let status = r.status();
            let body = r.bytes().await.expect("a body").to_vec();
            assert!(
                status.is_success(),
                "{}: {sql}: {}",
                self.name,
                String::from_utf8_lossy(&body)
            );
            body
        })
    }

    /// Runs `sql` by HTTP; its answer as text (TSV).
    pub(crate) fn run(&self, sql: &str) -> String {
        String::from_utf8(self.post(sql, "TSV")).expect("UTF-8")
    }

    /// A new, empty database for one test.
    pub(crate) fn fresh_database(&self, test: &str) -> String {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("chc_{test}_{}_{n}", std::process::id());
        self.run(&format!("DROP DATABASE IF EXISTS {name}"));
        self.run(&format!("CREATE DATABASE {name}"));
        name
    }

    /// How many queries whose text holds `marker` run now.
    pub(crate) fn running(&self, marker: &str) -> u64 {
        self.run(&format!(
            "SELECT count() FROM system.processes WHERE query LIKE '%{marker}%' \
             AND query NOT LIKE '%system.processes%'"
        ))
        .trim()
        .parse()
        .expect("a count")
    }
}

/// The process's stdout as text.
pub(crate) fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The process's stderr as text.
pub(crate) fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
