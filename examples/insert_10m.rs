//! Streams 10,000,000 rows into a table and prints the rate and the process's peak memory.
//!
//! The rows come from a lazy iterator; the client builds, compresses and sends one block at a
//! time, so peak memory stays at a few blocks however many rows there are. Run against the local
//! engine with `cargo run --release --example insert_10m` (after `scripts/dev-servers up`).

use std::time::Instant;

use clickhouse_connect::Client;

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

#[tokio::main]
async fn main() -> clickhouse_connect::Result<()> {
    let url = std::env::var("CLICKHOUSE_URL").unwrap_or_else(|_| "http://127.0.0.1:28123".into());
    let rows: u64 = std::env::var("ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(10_000_000);
    let client = Client::builder().url(url).build()?;
    client.command("DROP TABLE IF EXISTS insert_10m").await?;
    client
        .command("CREATE TABLE insert_10m (id UInt64, name String, score Float64) ENGINE = MergeTree ORDER BY id")
        .await?;
    let before = peak_rss_mib().unwrap_or(0.0);
    let start = Instant::now();
    let source = (0..rows).map(|i| (i, format!("name {}", i % 1000), i as f64 / 3.0));
    let sent = client
        .insert("insert_10m", &["id", "name", "score"], source)
        .await?;
    let elapsed = start.elapsed().as_secs_f64();
    let stored: u64 = client
        .query("SELECT count() FROM insert_10m")
        .scalar()
        .await?;
    println!(
        "inserted {} rows ({} stored) in {elapsed:.1} s: {:.0} rows/s; peak RSS {:.0} MiB (was {before:.0} MiB before the insert)",
        sent.rows,
        stored,
        sent.rows as f64 / elapsed,
        peak_rss_mib().unwrap_or(0.0)
    );
    client.command("DROP TABLE insert_10m").await?;
    Ok(())
}
