//! The native transport's own behaviour against the 18.16 server: cancellation that stops the
//! server's work, timeouts, broken connections, handshake failures, the pool.

use std::time::Duration;

use clickhouse_connect::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::common::{Server, legacy_tcp};

fn client(server: &Server) -> Client {
    Client::builder()
        .url(server.client_url.clone())
        .pool_size(2)
        .build()
        .unwrap()
}

/// A query that runs until it is stopped.
const ENDLESS: &str = "SELECT number FROM system.numbers WHERE sleepEachRow(0.0001) = 0 SETTINGS max_block_size = 1000";

#[tokio::test]
async fn cancel_stops_the_server_and_keeps_the_connection() {
    let server = legacy_tcp().await;
    let client = client(&server);
    let mut stream = client
        .query(ENDLESS)
        .query_id("tcp-cancel-explicit")
        .stream()
        .await
        .unwrap();
    assert!(stream.next_block().await.unwrap().is_some());
    server.assert_running("tcp-cancel-explicit").await;
    stream.cancel().await.unwrap();
    server.assert_gone("tcp-cancel-explicit").await;
    // The drained connection is reused for the next query.
    assert_eq!(client.query("SELECT 7").scalar::<u8>().await.unwrap(), 7);
}

#[tokio::test]
async fn dropping_a_stream_cancels_the_query() {
    let server = legacy_tcp().await;
    let client = client(&server);
    let mut stream = client
        .query(ENDLESS)
        .query_id("tcp-cancel-drop")
        .stream()
        .await
        .unwrap();
    assert!(stream.next_block().await.unwrap().is_some());
    server.assert_running("tcp-cancel-drop").await;
    drop(stream);
    server.assert_gone("tcp-cancel-drop").await;
    assert_eq!(client.query("SELECT 8").scalar::<u8>().await.unwrap(), 8);
}

#[tokio::test]
async fn a_timeout_cancels_the_query() {
    let server = legacy_tcp().await;
    let client = Client::builder()
        .url(server.client_url.clone())
        .request_timeout(Duration::from_millis(700))
        .build()
        .unwrap();
    let err = client
        .query(ENDLESS)
        .query_id("tcp-timeout")
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    server.assert_gone("tcp-timeout").await;
    assert_eq!(client.query("SELECT 9").scalar::<u8>().await.unwrap(), 9);
}

/// Forwards one connection to `target` and cuts it after `limit` bytes from the server.
async fn cutting_proxy(target: String, limit: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut client, _) = listener.accept().await.unwrap();
        let mut upstream = TcpStream::connect(target).await.unwrap();
        let mut forwarded = 0usize;
        let mut from_client = vec![0u8; 64 * 1024];
        let mut from_server = vec![0u8; 64 * 1024];
        loop {
            tokio::select! {
                n = client.read(&mut from_client) => {
                    let n = n.unwrap_or(0);
                    if n == 0 || upstream.write_all(&from_client[..n]).await.is_err() { break; }
                }
                n = upstream.read(&mut from_server) => {
                    let n = n.unwrap_or(0);
                    if n == 0 { break; }
                    let n = n.min(limit - forwarded);
                    if client.write_all(&from_server[..n]).await.is_err() { break; }
                    forwarded += n;
                    if forwarded >= limit { break; }
                }
            }
        }
        // Both sockets close here, mid-stream.
    });
    format!("tcp://{address}")
}

#[tokio::test]
async fn a_connection_broken_mid_stream_is_reported() {
    let server = legacy_tcp().await;
    let target = server.client_url.trim_start_matches("tcp://").to_owned();
    let url = cutting_proxy(target, 200_000).await;
    let client = Client::builder().url(url).build().unwrap();
    let err = client
        .query("SELECT number, toString(number) FROM system.numbers LIMIT 10000000")
        .await
        .unwrap_err();
    assert!(err.is_connection(), "{err:?}");
    assert!(
        err.to_string().contains("closed") || err.to_string().contains("broke"),
        "{err}"
    );
}

#[tokio::test]
async fn handshake_failures_keep_the_servers_code() {
    let server = legacy_tcp().await;
    let unknown_db =
        Client::from_dsn(&format!("{}/no_such_database_xyz", server.client_url)).unwrap();
    assert_eq!(unknown_db.ping().await.unwrap_err().server_code(), Some(81));
    let nowhere = Client::builder()
        .url("tcp://127.0.0.1:1")
        .connect_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    assert!(nowhere.ping().await.unwrap_err().is_connection());
}

#[tokio::test]
async fn the_pool_limits_and_reuses_connections() {
    let server = legacy_tcp().await;
    let client = client(&server);
    client.ping().await.unwrap();
    // Eight concurrent queries share two connections.
    let tasks: Vec<_> = (0..8u64)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .query(format!(
                        "SELECT {i} + count() FROM (SELECT number FROM system.numbers LIMIT 100000)"
                    ))
                    .scalar::<u64>()
                    .await
            })
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        assert_eq!(task.await.unwrap().unwrap(), i as u64 + 100_000);
    }
    let connections = server
        .run(
            "SELECT value FROM system.metrics WHERE metric = 'TCPConnection'",
            &[],
        )
        .await;
    let open: u64 = connections.trim().parse().unwrap();
    assert!(open >= 1, "{open} TCP connections");
}

#[tokio::test]
async fn an_exception_keeps_the_connection_usable() {
    let server = legacy_tcp().await;
    let client = Client::builder()
        .url(server.client_url.clone())
        .pool_size(1)
        .build()
        .unwrap();
    let err = client.query("SELECT throwIf(1)").await.unwrap_err();
    assert_eq!(err.server_code(), Some(395));
    let e = err.server().unwrap();
    // The stack is kept in its own field; the message is the server's message alone.
    assert!(
        e.stack_trace
            .as_deref()
            .is_some_and(|s| s.lines().count() > 3),
        "the server stack is kept: {e:?}"
    );
    assert_eq!(e.message, "Value passed to 'throwIf' function is non zero");
    assert!(
        e.server_version
            .as_deref()
            .is_some_and(|v| v.starts_with("18.16")),
        "{e:?}"
    );
    assert_eq!(client.query("SELECT 1").scalar::<u8>().await.unwrap(), 1);
}

#[tokio::test]
async fn tls_connections_verify_the_server() {
    // The local 18.16 server listens with TLS on its secure port, with a certificate that
    // `scripts/dev-servers` makes; CLICKHOUSE_TLS_URL and CLICKHOUSE_TLS_CA say where.
    let url =
        std::env::var("CLICKHOUSE_TLS_URL").unwrap_or_else(|_| "tcps://localhost:19440".into());
    let ca = std::env::var("CLICKHOUSE_TLS_CA").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_default();
        format!("{home}/.cache/clickhouse-connect-rs/legacy-18.16/tls/ca.crt")
    });
    assert!(
        std::path::Path::new(&ca).exists(),
        "no CA file at {ca} (CLICKHOUSE_TLS_CA): {}",
        crate::common::HOW_TO_START
    );
    let client = Client::builder()
        .url(url.clone())
        .tls_ca_file(&ca)
        .build()
        .unwrap();
    client.ping().await.unwrap();
    assert_eq!(
        client.query("SELECT 40 + 2").scalar::<u16>().await.unwrap(),
        42
    );
    // Without the CA the self-signed certificate is refused.
    let untrusting = Client::builder().url(url).build().unwrap();
    let err = untrusting.ping().await.unwrap_err();
    assert!(err.to_string().contains("TLS"), "{err}");
}

/// Every class of server error, each followed by queries on the same connection (a pool of two:
/// one for the owned connection, one that every pooled query reuses):
/// parse, analysis, execution, and an exception in the middle of an INSERT. 18.16 leaves the
/// client's empty Data block unread when it fails while parsing; the connection must be proven
/// in sync (or replaced), never reused on a guess.
#[tokio::test]
async fn every_error_class_leaves_the_connection_in_sync() {
    let server = legacy_tcp().await;
    let db = server.fresh_database("error_classes").await;
    server
        .run(
            &format!("CREATE TABLE {db}.t (x UInt32) ENGINE = Memory"),
            &[],
        )
        .await;
    server
        .run(
            &format!(
                "CREATE MATERIALIZED VIEW {db}.mv ENGINE = Memory AS \
                 SELECT throwIf(x = 13) AS boom FROM {db}.t"
            ),
            &[],
        )
        .await;
    let client = Client::builder()
        .url(server.client_url.clone())
        .pool_size(2)
        .build()
        .unwrap();
    let mut conn = client.connection().await.unwrap();
    let cases: [(&str, i32); 6] = [
        ("SELEC 1", 62),
        ("SELECT 1 FROM", 62),
        ("SELECT * FROM no_such_table_classes", 60),
        ("SELECT no_such_column", 47),
        (
            "SELECT throwIf(number = 3) FROM system.numbers LIMIT 10",
            395,
        ),
        ("SELECT 1 SETTINGS no_such_setting = 1", 115),
    ];
    for round in 0..2 {
        for (sql, code) in cases {
            // On a pooled client and on an owned connection alike.
            let err = client.query(sql).await.unwrap_err();
            assert_eq!(err.server_code(), Some(code), "{sql}: {err}");
            for n in 0..3u8 {
                let got: u8 = client
                    .query(format!("SELECT {n}"))
                    .scalar()
                    .await
                    .unwrap_or_else(|e| panic!("after `{sql}` (round {round}): {e:?}"));
                assert_eq!(got, n);
            }
            let err = conn.command(sql).await.unwrap_err();
            assert_eq!(err.server_code(), Some(code), "{sql}: {err}");
            assert_eq!(conn.query("SELECT 7").scalar::<u8>().await.unwrap(), 7);
        }
        // An exception in the middle of an INSERT: the materialized view throws on row 13.
        let rows = (0..100u32).map(|x| (x,));
        let err = client
            .insert(&format!("{db}.t"), &["x"], rows)
            .await
            .unwrap_err();
        assert_eq!(err.server_code(), Some(395), "{err}");
        assert_eq!(client.query("SELECT 8").scalar::<u8>().await.unwrap(), 8);
        let err = conn
            .insert(&format!("{db}.t"), &["x"], (0..100u32).map(|x| (x,)))
            .await
            .unwrap_err();
        assert_eq!(err.server_code(), Some(395), "{err}");
        assert_eq!(conn.query("SELECT 9").scalar::<u8>().await.unwrap(), 9);
    }
    drop(conn);
    server.run(&format!("DROP DATABASE {db}"), &[]).await;
}

/// A proxy to `target` whose connections can all be cut at once (`cut.notify_waiters()`), as a
/// server restart cuts them; new connections go through.
async fn restartable_proxy(target: String, cut: std::sync::Arc<tokio::sync::Notify>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let target = target.clone();
            let cut = cut.clone();
            tokio::spawn(async move {
                let Ok(mut upstream) = TcpStream::connect(target).await else {
                    return;
                };
                tokio::select! {
                    _ = tokio::io::copy_bidirectional(&mut client, &mut upstream) => {}
                    () = cut.notified() => {}
                }
                // Both sockets close here.
            });
        }
    });
    format!("tcp://127.0.0.1:{}", address.port())
}

/// Pooled connections that died while they waited (the server restarted less than a second
/// ago, so the pool's check on checkout does not run) cost no query: each request goes again,
/// once, on a fresh connection.
#[tokio::test]
async fn pooled_connections_cut_by_a_restart_cost_no_query() {
    let server = legacy_tcp().await;
    let target = server.client_url.trim_start_matches("tcp://").to_owned();
    let cut = std::sync::Arc::new(tokio::sync::Notify::new());
    let proxy = restartable_proxy(target, cut.clone()).await;
    let client = Client::builder().url(proxy).pool_size(8).build().unwrap();
    // Eight connections in the pool.
    let warm: Vec<_> = (0..8u8)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.query(format!("SELECT {i}")).scalar::<u8>().await })
        })
        .collect();
    for task in warm {
        task.await.unwrap().unwrap();
    }
    cut.notify_waiters();
    tokio::time::sleep(Duration::from_millis(50)).await;
    // Each query takes a dead pooled connection first.
    let runs: Vec<_> = (0..8u8)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.query(format!("SELECT {i}")).scalar::<u8>().await })
        })
        .collect();
    for (i, run) in runs.into_iter().enumerate() {
        assert_eq!(run.await.unwrap().unwrap(), i as u8);
    }
    // A command and an insert on a cut connection go again too.
    cut.notify_waiters();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let answer = client.command("SELECT 41 + 1").await.unwrap();
    assert_eq!(answer.scalar(), Some("42"));
}
