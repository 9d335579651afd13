//! Shared helpers: finding the engines, raw HTTP requests, fresh databases.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use reqwest::header::HeaderMap;

/// How to start the engines, for failure messages.
pub const HOW_TO_START: &str = "start the local engines with `scripts/dev-servers up` \
     (or run the whole suite with `scripts/test`), or point the variable at your own server";

/// One ClickHouse server reachable over HTTP.
pub struct Server {
    /// A short name for assertion messages.
    pub name: &'static str,
    /// The base URL, without a trailing slash.
    pub url: String,
    /// The URL the client under test uses (the native port for TCP entries).
    pub client_url: String,
    client: reqwest::Client,
}

/// A raw HTTP response.
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The numeric code of a ClickHouse error body (`Code: 60. ...` or `Code: 60, ...`).
    pub fn error_code(&self) -> Option<i32> {
        let text = self.text();
        let rest = text.split("Code: ").nth(1)?;
        rest.split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    }
}

async fn connect(name: &'static str, var: &str, default: &str) -> Server {
    let url = std::env::var(var).unwrap_or_else(|_| default.to_owned());
    let url = url.trim_end_matches('/').to_owned();
    // No automatic decompression: the tests look at the server's Content-Encoding themselves.
    let client = reqwest::Client::builder()
        .no_gzip()
        .no_zstd()
        .timeout(Duration::from_secs(120))
        .build()
        .expect("an HTTP client");
    let ping = client.get(format!("{url}/ping")).send().await;
    match ping {
        Ok(r) if r.status().is_success() => {}
        Ok(r) => panic!(
            "{name} at {url} ({var}) answered /ping with {}: {HOW_TO_START}",
            r.status()
        ),
        Err(e) => panic!("{name} at {url} ({var}) is not reachable ({e}): {HOW_TO_START}"),
    }
    Server {
        name,
        client_url: url.clone(),
        url,
        client,
    }
}

/// The ClickHouse 26.x engine (`CLICKHOUSE_URL`).
pub async fn engine() -> Server {
    connect(
        "ClickHouse 26.9",
        "CLICKHOUSE_URL",
        "http://127.0.0.1:28123",
    )
    .await
}

/// The ClickHouse 18.16 server (`CLICKHOUSE_LEGACY_URL`).
pub async fn legacy() -> Server {
    connect(
        "ClickHouse 18.16",
        "CLICKHOUSE_LEGACY_URL",
        "http://127.0.0.1:18123",
    )
    .await
}

/// Both engines, newest first.
pub async fn both() -> [Server; 2] {
    [engine().await, legacy().await]
}

impl Server {
    /// A request builder for `POST /` with URL parameters.
    pub fn post_builder(&self, params: &[(&str, &str)]) -> reqwest::RequestBuilder {
        self.client.post(format!("{}/", self.url)).query(params)
    }

    /// Sends a request and collects the whole response.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Response {
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{}: request failed: {e}", self.name));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .unwrap_or_else(|e| panic!("{}: reading the body failed: {e}", self.name))
            .to_vec();
        Response {
            status,
            headers,
            body,
        }
    }

    /// `GET /` with URL parameters.
    pub async fn get(&self, params: &[(&str, &str)]) -> Response {
        self.send(self.client.get(format!("{}/", self.url)).query(params))
            .await
    }

    /// `POST /` with URL parameters and a body.
    pub async fn post(&self, params: &[(&str, &str)], body: impl Into<reqwest::Body>) -> Response {
        self.send(self.post_builder(params).body(body)).await
    }

    /// Runs `sql` (in the body) and returns the body text; fails the test on a non-200 answer.
    pub async fn run(&self, sql: &str, params: &[(&str, &str)]) -> String {
        let r = self.post(params, sql.to_owned()).await;
        assert_eq!(r.status, 200, "{}: `{sql}` failed: {}", self.name, r.text());
        r.text()
    }

    /// Waits until `query_id` is gone from `system.processes`; fails after 10 s.
    pub async fn assert_gone(&self, query_id: &str) {
        let started = std::time::Instant::now();
        loop {
            let running = self
                .run(
                    &format!("SELECT count() FROM system.processes WHERE query_id = '{query_id}'"),
                    &[],
                )
                .await;
            if running.trim() == "0" {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{}: query {query_id} is still running on the server",
                self.name
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Fails unless `query_id` runs on the server now.
    pub async fn assert_running(&self, query_id: &str) {
        let running = self
            .run(
                &format!("SELECT count() FROM system.processes WHERE query_id = '{query_id}'"),
                &[],
            )
            .await;
        assert_eq!(running.trim(), "1", "{}: {query_id} should run", self.name);
    }

    /// A new, empty database for one test; an earlier one of the same name is dropped first.
    pub async fn fresh_database(&self, test: &str) -> String {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("it_{test}_{}_{n}", std::process::id());
        self.run(&format!("DROP DATABASE IF EXISTS {name}"), &[])
            .await;
        self.run(&format!("CREATE DATABASE {name}"), &[]).await;
        name
    }
}

/// A client for `server` with the given compression.
pub fn client_for(
    server: &Server,
    compression: clickhouse_connect::Compression,
) -> clickhouse_connect::Client {
    clickhouse_connect::Client::builder()
        .url(server.client_url.clone())
        .compression(compression)
        .build()
        .expect("a client")
}

/// The 18.16 server reached over its native TCP port (`CLICKHOUSE_TCP_URL`); `url` stays the
/// HTTP one for the test's own setup requests.
pub async fn legacy_tcp() -> Server {
    let mut server = legacy().await;
    server.name = "ClickHouse 18.16 over TCP";
    server.client_url =
        std::env::var("CLICKHOUSE_TCP_URL").unwrap_or_else(|_| "tcp://127.0.0.1:19000".to_owned());
    server
}

/// Whether the client under test speaks the native protocol.
pub fn is_tcp(server: &Server) -> bool {
    server.client_url.starts_with("tcp")
}

/// Every engine and transport the client suite runs against: the 26.9 engine over HTTP, the
/// 18.16 server over HTTP and over native TCP.
pub async fn both_clients() -> Vec<(Server, clickhouse_connect::Client)> {
    let mut out = Vec::new();
    for server in [engine().await, legacy().await, legacy_tcp().await] {
        let client = client_for(&server, clickhouse_connect::Compression::Lz4);
        out.push((server, client));
    }
    out
}
