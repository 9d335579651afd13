//! HTTP against native TCP on the same 1,000,000-row query, with and without compression.
//!
//! Both transports talk to the same server: the 18.16 server (`CLICKHOUSE_LEGACY_URL` and
//! `CLICKHOUSE_TCP_URL`; start it with `scripts/dev-servers up`), through a local proxy that
//! counts the bytes each way. Prints rows per second (median of 5 runs) and bytes on the wire.
//! Run with `cargo bench --bench transports`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use clickhouse_connect::{Client, Compression};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const QUERY: &str = "SELECT number AS id, toDateTime(1600000000 + number, 'UTC') AS ts, \
    concat('name_', toString(number % 1000)) AS name, number / 3 AS score, \
    if(number % 5 = 0, NULL, concat('note ', toString(number))) AS note, \
    toLowCardinality(['red', 'green', 'blue'][number % 3 + 1]) AS color, \
    arrayMap(x -> toUInt32(x), range(number % 4)) AS tags \
    FROM system.numbers LIMIT 1000000";

/// A proxy to `target` that counts the bytes it forwards from the server.
async fn counting_proxy(target: String, counter: Arc<AtomicU64>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a local port");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else {
                return;
            };
            let target = target.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                let Ok(mut upstream) = TcpStream::connect(target).await else {
                    return;
                };
                let (mut cr, mut cw) = client.split();
                let (mut ur, mut uw) = upstream.split();
                let up = async {
                    let _ = tokio::io::copy(&mut cr, &mut uw).await;
                    let _ = uw.shutdown().await;
                };
                let down = async {
                    let mut buf = vec![0u8; 256 * 1024];
                    loop {
                        match ur.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => {
                                counter.fetch_add(n as u64, Ordering::Relaxed);
                                if cw.write_all(&buf[..n]).await.is_err() {
                                    break;
                                }
                            }
                        }
                    }
                    let _ = cw.shutdown().await;
                };
                tokio::join!(up, down);
            });
        }
    });
    address.to_string()
}

async fn measure(label: &str, scheme: &str, target: &str, compression: Compression) {
    let counter = Arc::new(AtomicU64::new(0));
    let proxy = counting_proxy(target.to_owned(), counter.clone()).await;
    let client = Client::builder()
        .url(format!("{scheme}://{proxy}"))
        .compression(compression)
        .build()
        .expect("a client");
    client.ping().await.unwrap_or_else(|e| {
        panic!("{label}: {e}; start the servers with `scripts/dev-servers up`")
    });
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..5 {
        counter.store(0, Ordering::Relaxed);
        let start = Instant::now();
        let mut stream = client
            .query(QUERY)
            .stream()
            .await
            .expect("the query starts");
        let mut rows = 0usize;
        while let Some(block) = stream.next_block().await.expect("a block") {
            rows += block.rows();
        }
        times.push(start.elapsed().as_secs_f64());
        assert_eq!(rows, 1_000_000);
        bytes = counter.load(Ordering::Relaxed);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "{label:<28} {:>12.0} rows/s   {:>8.1} MiB on the wire",
        1_000_000.0 / median,
        bytes as f64 / (1 << 20) as f64
    );
}

fn main() {
    let http =
        std::env::var("CLICKHOUSE_LEGACY_URL").unwrap_or_else(|_| "http://127.0.0.1:18123".into());
    let tcp =
        std::env::var("CLICKHOUSE_TCP_URL").unwrap_or_else(|_| "tcp://127.0.0.1:19000".into());
    let http_target = http
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let tcp_target = tcp
        .trim_start_matches("tcp://")
        .trim_end_matches('/')
        .to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        println!("1,000,000 rows of (UInt64, DateTime, String, Float64, Nullable(String), LowCardinality(String), Array(UInt32)) from ClickHouse 18.16:");
        measure("HTTP, no compression", "http", &http_target, Compression::None).await;
        measure("HTTP, gzip", "http", &http_target, Compression::Gzip).await;
        measure("TCP, no compression", "tcp", &tcp_target, Compression::None).await;
        measure("TCP, LZ4", "tcp", &tcp_target, Compression::Lz4).await;
        measure("TCP, ZSTD", "tcp", &tcp_target, Compression::Zstd(1)).await;
    });
}
