//! The public `Connection`: one owned connection with the client's requests, the same scenario on
//! HTTP (26.9 and 18.16; a connection is a server session) and native TCP (18.16; a pooled
//! connection): state that persists, query, stream, insert, command, cancel, progress, error,
//! and a connection that stays in sync whatever was left unread.

use std::sync::{Arc, Mutex};

use clickhouse_connect::{Client, ErrorCode, Value};

use crate::common::{Server, both_clients, is_tcp};

/// A query that runs until it is stopped, and sends its first block at once: over TCP a block is
/// sent as soon as it is made; over HTTP the server fills a buffer first, so that query runs at
/// full speed.
fn endless(server: &Server) -> &'static str {
    if is_tcp(server) {
        "SELECT number FROM system.numbers WHERE sleepEachRow(0.0001) = 0 \
         SETTINGS max_block_size = 1000"
    } else {
        "SELECT number FROM system.numbers SETTINGS max_block_size = 1000"
    }
}

/// Whether the engine keeps queries in `system.processes` (the 26.9 engine behind the HTTP
/// front runs each query to its end inside the front, so only the real server is asked).
fn has_processes(server: &Server) -> bool {
    server.name.contains("18.16")
}

#[tokio::test]
async fn one_connection_runs_the_whole_scenario() {
    for (server, client) in both_clients().await {
        let name = server.name;
        let db = server.fresh_database("connection").await;
        let mut conn = client.connection().await.unwrap();

        let info = conn.server_info().await.unwrap();
        let expected = if name.contains("26.9") { 26 } else { 18 };
        assert_eq!(info.major, expected, "{name}: {info:?}");
        conn.ping().await.unwrap();

        // State persists from one request to the next: a setting and a temporary table.
        conn.command("SET max_block_size = 1234").await.unwrap();
        let setting: String = conn
            .query("SELECT value FROM system.settings WHERE name = 'max_block_size'")
            .scalar()
            .await
            .unwrap();
        assert_eq!(setting, "1234", "{name}");
        conn.command("CREATE TEMPORARY TABLE scratch (n UInt64)")
            .await
            .unwrap();
        conn.command("INSERT INTO scratch SELECT number FROM system.numbers LIMIT 10")
            .await
            .unwrap();
        let total: u64 = conn
            .query("SELECT sum(n) FROM scratch")
            .scalar()
            .await
            .unwrap();
        assert_eq!(total, 45, "{name}");

        // Insert and read back.
        let table = format!("{db}.t");
        conn.command(format!(
            "CREATE TABLE {table} (id UInt32, s String) ENGINE = Memory"
        ))
        .await
        .unwrap();
        let inserted = conn
            .insert(
                &table,
                &["id", "s"],
                (0..1000u32).map(|i| (i, format!("s{i}"))),
            )
            .await
            .unwrap();
        assert_eq!(inserted.rows, 1000, "{name}");
        let rows = conn
            .query(format!(
                "SELECT id, s FROM {table} WHERE id >= 998 ORDER BY id"
            ))
            .await
            .unwrap()
            .result_rows();
        assert_eq!(
            rows,
            vec![
                vec![Value::from(998u32), Value::from("s998")],
                vec![Value::from(999u32), Value::from("s999")]
            ],
            "{name}"
        );

        // A stream read to its end.
        let mut stream = conn
            .query_stream("SELECT number FROM system.numbers LIMIT 100000")
            .await
            .unwrap();
        let mut seen = 0;
        while let Some(block) = stream.next_block().await.unwrap() {
            seen += block.rows();
        }
        assert_eq!(seen, 100_000, "{name}");
        drop(stream);

        // Progress reaches the callback.
        let reports: Arc<Mutex<Vec<u64>>> = Arc::default();
        let record = reports.clone();
        let mut query = conn
            .query(
                "SELECT count() FROM (SELECT number FROM system.numbers LIMIT 300000) \
                 WHERE sleepEachRow(0.000001) = 0 SETTINGS max_block_size = 65536",
            )
            .on_progress(move |p| record.lock().unwrap().push(p.read_rows));
        if !is_tcp(&server) {
            query = query
                .setting("wait_end_of_query", 1)
                .setting("http_headers_progress_interval_ms", 10);
        }
        let counted: u64 = query.scalar().await.unwrap();
        assert_eq!(counted, 300_000, "{name}");
        let reports = reports.lock().unwrap().clone();
        if is_tcp(&server) || name.contains("26.9") {
            assert!(
                reports.last().is_some_and(|r| *r >= 300_000),
                "{name}: {reports:?}"
            );
        } else {
            // Declared: 18.16 sends no `X-ClickHouse-Progress` headers over HTTP, even with
            // `send_progress_in_http_headers = 1`.
            assert!(reports.is_empty(), "{name}: {reports:?}");
        }

        // A server error keeps the connection usable.
        let err = conn
            .query("SELECT * FROM no_such_table_conn")
            .await
            .unwrap_err();
        assert_eq!(
            err.server().map(|e| e.code),
            Some(ErrorCode::UnknownTable),
            "{name}: {err:?}"
        );
        assert_eq!(conn.query("SELECT 1").scalar::<u8>().await.unwrap(), 1);

        // Cancel stops the server's work; the connection serves the next request. (Only the
        // real server shows its queries in `system.processes`; the 26.9 engine gets a query
        // that ends by itself.)
        let long = if has_processes(&server) {
            endless(&server)
        } else {
            "SELECT number FROM system.numbers LIMIT 20000000 SETTINGS max_block_size = 1000"
        };
        let mut stream = conn
            .query(long)
            .query_id(format!("conn-cancel-{}", is_tcp(&server)))
            .stream()
            .await
            .unwrap();
        assert!(stream.next_block().await.unwrap().is_some());
        let query_id = stream.query_id().to_owned();
        if has_processes(&server) {
            server.assert_running(&query_id).await;
        }
        stream.cancel().await.unwrap();
        if has_processes(&server) {
            server.assert_gone(&query_id).await;
        }
        assert_eq!(conn.query("SELECT 2").scalar::<u8>().await.unwrap(), 2);

        // A stream dropped half read: the next request brings the connection back in sync.
        let mut stream = conn
            .query(long)
            .query_id(format!("conn-drop-{}", is_tcp(&server)))
            .stream()
            .await
            .unwrap();
        assert!(stream.next_block().await.unwrap().is_some());
        let query_id = stream.query_id().to_owned();
        drop(stream);
        assert_eq!(conn.query("SELECT 3").scalar::<u8>().await.unwrap(), 3);
        if has_processes(&server) {
            server.assert_gone(&query_id).await;
        }
        // The temporary table is still there: it is the same session.
        let total: u64 = conn
            .query("SELECT sum(n) FROM scratch")
            .scalar()
            .await
            .unwrap();
        assert_eq!(total, 45, "{name}");

        conn.close().await.unwrap();
        client.command(format!("DROP DATABASE {db}")).await.unwrap();
    }
}

#[tokio::test]
async fn a_dropped_connection_goes_back_in_sync() {
    for (server, _) in both_clients().await {
        if !has_processes(&server) {
            continue;
        }
        let client = Client::builder()
            .url(server.client_url.clone())
            .pool_size(1)
            .build()
            .unwrap();
        let mut conn = client.connection().await.unwrap();
        let query_id = format!("conn-dropped-{}", is_tcp(&server));
        let mut stream = conn
            .query(endless(&server))
            .query_id(query_id.clone())
            .stream()
            .await
            .unwrap();
        assert!(stream.next_block().await.unwrap().is_some());
        drop(stream);
        drop(conn);
        server.assert_gone(&query_id).await;
        // With a pool of one, the next request needs the connection given back in sync.
        assert_eq!(client.query("SELECT 4").scalar::<u8>().await.unwrap(), 4);
    }
}
