//! Timeouts on both transports: a request that passes its limit returns within the limit plus
//! a small margin, the server's work stops (checked in 18.16's `system.processes`), and the
//! client serves the next request.

use std::time::{Duration, Instant};

use clickhouse_connect::Client;

use crate::common::{is_tcp, legacy, legacy_tcp};

/// What a timeout may take past its limit: the caller gets the error at once; stopping the
/// server's work happens in the background.
const MARGIN: Duration = Duration::from_millis(500);

/// A count that takes far longer than the timeouts below, and sends nothing until it ends (over
/// HTTP not even the response headers).
const LONG_COUNT: &str =
    "SELECT count() FROM (SELECT number FROM system.numbers LIMIT 100000000000)";

#[tokio::test]
async fn a_client_timeout_returns_in_time_and_stops_the_query() {
    for server in [legacy().await, legacy_tcp().await] {
        let client = Client::builder()
            .url(server.client_url.clone())
            .request_timeout(Duration::from_secs(1))
            .pool_size(1)
            .build()
            .unwrap();
        let query_id = format!("timeout-client-{}", is_tcp(&server));
        let started = Instant::now();
        let err = client
            .query(LONG_COUNT)
            .query_id(query_id.clone())
            .await
            .unwrap_err();
        let took = started.elapsed();
        assert!(err.is_timeout(), "{}: {err:?}", server.name);
        assert!(
            took < Duration::from_secs(1) + MARGIN,
            "{}: the timeout took {took:?}",
            server.name
        );
        server.assert_gone(&query_id).await;
        assert_eq!(client.query("SELECT 5").scalar::<u8>().await.unwrap(), 5);
    }
}

#[tokio::test]
async fn a_query_timeout_overrides_the_client_and_covers_sleep() {
    for server in [legacy().await, legacy_tcp().await] {
        let client = Client::builder()
            .url(server.client_url.clone())
            .request_timeout(Duration::from_secs(60))
            .pool_size(1)
            .build()
            .unwrap();
        // The server sleeps 3 s without sending anything; the caller waits 1 s.
        let started = Instant::now();
        let err = client
            .query("SELECT sleep(3)")
            .timeout(Duration::from_secs(1))
            .await
            .unwrap_err();
        let took = started.elapsed();
        assert!(err.is_timeout(), "{}: {err:?}", server.name);
        assert!(
            took < Duration::from_secs(1) + MARGIN,
            "{}: the timeout took {took:?}",
            server.name
        );
        // A command and an insert take the same limit.
        let started = Instant::now();
        let err = client
            .command("SELECT sleep(3)")
            .timeout(Duration::from_millis(500))
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{}: {err:?}", server.name);
        assert!(started.elapsed() < Duration::from_millis(500) + MARGIN);
        // The pool's one connection comes back (drained, or replaced) for the next request.
        assert_eq!(client.query("SELECT 6").scalar::<u8>().await.unwrap(), 6);
    }
}

#[tokio::test]
async fn dropping_a_request_future_stops_the_query() {
    for server in [legacy().await, legacy_tcp().await] {
        let client = Client::builder()
            .url(server.client_url.clone())
            .build()
            .unwrap();
        let query_id = format!("timeout-dropped-{}", is_tcp(&server));
        let query = client.query(LONG_COUNT).query_id(query_id.clone());
        // The caller gives up (its own timeout) while the server has not answered yet.
        let given_up = tokio::time::timeout(Duration::from_millis(700), query.into_future()).await;
        assert!(given_up.is_err(), "{}: the query ended early", server.name);
        server.assert_gone(&query_id).await;
        assert_eq!(client.query("SELECT 7").scalar::<u8>().await.unwrap(), 7);
    }
}

/// A proxy to `target` whose server-to-client direction stops forwarding (without closing) once
/// `stall` is set: a server that hangs.
async fn stalling_proxy(
    target: String,
    stall: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> String {
    use std::sync::atomic::Ordering;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let upstream = tokio::net::TcpStream::connect(target.clone())
                .await
                .unwrap();
            let (mut client_read, mut client_write) = client.into_split();
            let (mut server_read, mut server_write) = upstream.into_split();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                while let Ok(n) = client_read.read(&mut buf).await {
                    if n == 0 || server_write.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
            let stall = stall.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                while let Ok(n) = server_read.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    while stall.load(Ordering::Relaxed) {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    if client_write.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    format!("127.0.0.1:{}", address.port())
}

#[tokio::test]
async fn a_hung_server_does_not_hold_the_caller_past_its_timeout() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let server = legacy_tcp().await;
    let target = server.client_url.trim_start_matches("tcp://").to_owned();
    let stall = Arc::new(AtomicBool::new(false));
    let proxy = stalling_proxy(target, stall.clone()).await;
    let client = Client::builder()
        .url(format!("tcp://{proxy}"))
        .request_timeout(Duration::from_secs(2))
        .pool_size(2)
        .build()
        .unwrap();
    client.ping().await.unwrap();
    stall.store(true, Ordering::Relaxed);
    // Two timeouts, as many as the pool has slots.
    for _ in 0..2 {
        let started = Instant::now();
        let err = client
            .query("SELECT number FROM system.numbers LIMIT 100")
            .await
            .unwrap_err();
        let took = started.elapsed();
        assert!(err.is_timeout(), "{err:?}");
        assert!(
            took < Duration::from_secs(2) + MARGIN,
            "the timeout took {took:?} (the cancel must not hold the caller)"
        );
    }
    // The server answers again: the timed-out connections gave their slots back at once, so the
    // next query neither waits for a slot nor fails.
    stall.store(false, Ordering::Relaxed);
    let started = Instant::now();
    assert_eq!(client.query("SELECT 3").scalar::<u8>().await.unwrap(), 3);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}
