//! Reading rows through sqlx beside the driver's own typed path, and the memory a long stream
//! holds.
//!
//! 1. The 1,000,000-row payload of the driver's decode benchmark (`id UInt64, ts DateTime('UTC'),
//!    name String, score Float64, note Nullable(String), color LowCardinality(String),
//!    tags Array(UInt32)`), fetched once from `CLICKHOUSE_URL`, is served again and again by a
//!    local HTTP server that replays those bytes, so both paths pay the same (small) network
//!    cost and no server time: `sqlx::query_as` into a `#[derive(sqlx::FromRow)]` struct against
//!    the driver's `fetch_rows` into a `#[derive(FromBlock)]` struct with the same owned fields.
//!    Best of 5 runs each, interleaved, rows per second.
//! 2. 10,000,000 rows streamed from the 26.9 engine through sqlx's `fetch`: the process's peak
//!    resident memory before and after (VmHWM), which stays at about one block.
//!
//! Run with `cargo bench -p sqlx-clickhouse --bench sqlx_read` (start the engines with
//! `scripts/dev-servers up`).

use std::sync::Arc;
use std::time::Instant;

use clickhouse_connect::{Client, Compression, FromBlock};
use futures_util::TryStreamExt;
use sqlx_clickhouse::ClickHousePoolOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const QUERY: &str = "SELECT number AS id, toDateTime(1600000000 + number, 'UTC') AS ts, \
    concat('name_', toString(number % 1000)) AS name, number / 3 AS score, \
    if(number % 5 = 0, NULL, concat('note ', toString(number))) AS note, \
    CAST(['red', 'green', 'blue'][number % 3 + 1] AS LowCardinality(String)) AS color, \
    CAST(range(number % 4) AS Array(UInt32)) AS tags \
    FROM numbers(1000000)";

#[derive(FromBlock, sqlx::FromRow)]
#[allow(dead_code)]
struct Event {
    id: u64,
    ts: chrono::DateTime<chrono::Utc>,
    name: String,
    score: f64,
    note: Option<String>,
    color: String,
    tags: Vec<u32>,
}

fn touch(e: &Event) -> usize {
    e.id as usize
        + e.ts.timestamp() as usize
        + e.name.len()
        + e.note.as_ref().map_or(0, String::len)
        + e.color.len()
        + e.tags.len()
}

/// Serves `payload` as the answer to every query (and a version for the client's first
/// question), over HTTP/1.1 with keep-alive.
async fn replaying_server(payload: Arc<Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(serve(socket, payload.clone()));
        }
    });
    format!("http://{address}")
}

async fn serve(mut socket: TcpStream, payload: Arc<Vec<u8>>) {
    let mut buf = Vec::new();
    loop {
        // The request: headers, then a body of Content-Length bytes.
        let header_end = loop {
            if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let mut chunk = [0u8; 8192];
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..header_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < header_end + length {
            let mut chunk = [0u8; 8192];
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body = String::from_utf8_lossy(&buf[header_end..header_end + length]).into_owned();
        buf.drain(..header_end + length);
        let answer: &[u8] = if head.starts_with("get /ping") {
            b"Ok.\n"
        } else if body.contains("version()") {
            b"26.9.2.1\tUTC\treplay\n"
        } else {
            &payload
        };
        let headers = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nX-ClickHouse-Timezone: UTC\r\n\r\n",
            answer.len()
        );
        if socket.write_all(headers.as_bytes()).await.is_err()
            || socket.write_all(answer).await.is_err()
        {
            return;
        }
    }
}

/// The peak resident memory of this process so far, in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let url = std::env::var("CLICKHOUSE_URL").unwrap_or_else(|_| "http://127.0.0.1:28123".into());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let engine = Client::builder()
            .url(url.clone())
            .compression(Compression::None)
            .build()
            .expect("a client");
        if std::env::var("SQLX_READ_ONLY").is_err() {
        // A long stream holds about one block (measured first, before anything else has grown the
        // process).
        let live = ClickHousePoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .expect("a pool");
        let before = peak_rss_mib();
        let started = Instant::now();
        let mut stream = sqlx::query("SELECT number, toString(number) FROM system.numbers LIMIT 10000000")
            .fetch(&live);
        let mut streamed = 0u64;
        while let Some(row) = stream.try_next().await.expect("a row") {
            streamed += u64::from(sqlx::Row::len(&row) == 2);
        }
        let took = started.elapsed();
        drop(stream);
        let after = peak_rss_mib();
        assert_eq!(streamed, 10_000_000);
        println!(
            "10,000,000 rows streamed from the engine through sqlx fetch in {:.1} s ({:.2} M rows/s); \
             peak RSS {before:.0} MiB before, {after:.0} MiB after",
            took.as_secs_f64(),
            streamed as f64 / took.as_secs_f64() / 1e6
        );
        live.close().await;
        }

        // The payload, as the engine writes it for the HTTP interface.
        let mut stream = engine
            .query(QUERY)
            .stream()
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}; start it with `scripts/dev-servers up`"));
        let mut blocks = Vec::new();
        while let Some(block) = stream.next_block().await.expect("a block") {
            blocks.push(block);
        }
        let mut payload = Vec::new();
        clickhouse_connect::native::encode_blocks(&blocks, &mut payload);
        let rows: usize = blocks.iter().map(|b| b.rows()).sum();
        drop(blocks);
        let server = replaying_server(Arc::new(payload)).await;

        let driver = Client::builder()
            .url(server.clone())
            .compression(Compression::None)
            .build()
            .expect("a client");
        let pool = ClickHousePoolOptions::new()
            .max_connections(1)
            .connect(&format!("{server}/?compression=none"))
            .await
            .expect("a pool");

        // `SQLX_READ_ONLY=sqlx` or `=driver` runs one path alone (for a profiler).
        let only = std::env::var("SQLX_READ_ONLY").ok();
        let (mut best_driver, mut best_sqlx) = (0f64, 0f64);
        for _ in 0..5 {
            if only.as_deref() == Some("sqlx") {
                let events: Vec<Event> = sqlx::query_as(QUERY).fetch_all(&pool).await.expect("rows");
                std::hint::black_box(events.iter().map(touch).sum::<usize>());
                continue;
            }
            if only.as_deref() == Some("driver") {
                let events: Vec<Event> = driver.query(QUERY).fetch_rows().await.expect("rows");
                std::hint::black_box(events.iter().map(touch).sum::<usize>());
                continue;
            }
            let started = Instant::now();
            let events: Vec<Event> = driver.query(QUERY).fetch_rows().await.expect("rows");
            let rate = events.len() as f64 / started.elapsed().as_secs_f64();
            assert_eq!(events.len(), rows);
            std::hint::black_box(events.iter().map(touch).sum::<usize>());
            best_driver = best_driver.max(rate);

            let started = Instant::now();
            let events: Vec<Event> = sqlx::query_as(QUERY).fetch_all(&pool).await.expect("rows");
            let rate = events.len() as f64 / started.elapsed().as_secs_f64();
            assert_eq!(events.len(), rows);
            std::hint::black_box(events.iter().map(touch).sum::<usize>());
            best_sqlx = best_sqlx.max(rate);
        }
        println!("{rows} rows of the decode benchmark's payload, replayed over loopback HTTP, best of 5:");
        println!("  driver fetch_rows (FromBlock, owned fields)   {:>6.2} M rows/s", best_driver / 1e6);
        println!("  sqlx query_as (FromRow, the same fields)      {:>6.2} M rows/s", best_sqlx / 1e6);
        println!("  sqlx / driver                                 {:>6.2}", best_sqlx / best_driver);
        pool.close().await;

    });
}
