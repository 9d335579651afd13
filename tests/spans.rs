//! Every query, command and insert is a `clickhouse` span at DEBUG level with its operation,
//! query id, first SQL line, transport, host, rows, elapsed time and the server's error code.
//!
//! A test binary of its own: `tracing` caches per call site whether anyone listens, so a
//! subscriber set for one test must not share the process with tests that ran without one.

#![allow(unreachable_pub, missing_docs)]

#[path = "it/common.rs"]
#[allow(dead_code)]
mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use tracing_subscriber::fmt::format::FmtSpan;

use common::both_clients;

/// A writer that keeps what the subscriber prints.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn requests_are_spans_with_their_figures() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The test runs on one thread (tokio's current-thread runtime): the guard covers it.
    let _guard = tracing::subscriber::set_default(subscriber);
    for (server, client) in both_clients().await {
        let transport = if server.client_url.starts_with("tcp") {
            "native"
        } else {
            "http"
        };
        let rows = client
            .query("SELECT number FROM system.numbers LIMIT 1234")
            .query_id(format!("traced-{}", server.name.replace(' ', "-")))
            .await
            .unwrap();
        assert_eq!(rows.row_count(), 1234);
        let _ = client.query("SELECT * FROM no_such_table_traced").await;
        let text = captured.text();
        let query_line = text
            .lines()
            .find(|l| {
                l.contains(&format!(
                    "query_id=\"traced-{}\"",
                    server.name.replace(' ', "-")
                )) || l.contains(&format!(
                    "query_id=traced-{}",
                    server.name.replace(' ', "-")
                ))
            })
            .unwrap_or_else(|| panic!("{}: no span for the query in:\n{text}", server.name));
        for field in [
            "op=\"query\"".to_owned(),
            format!("transport=\"{transport}\""),
            "sql=\"SELECT number FROM system.numbers LIMIT 1234\"".to_owned(),
            "result_rows=1234".to_owned(),
            "elapsed_ms=".to_owned(),
        ] {
            let bare = field.replace('"', "");
            assert!(
                query_line.contains(&field) || query_line.contains(&bare),
                "{}: `{field}` missing in {query_line}",
                server.name
            );
        }
        assert!(
            text.lines()
                .any(|l| l.contains("no_such_table_traced") && l.contains("error_code=60")),
            "{}: the failed query's span has its code:\n{text}",
            server.name
        );
    }
}
