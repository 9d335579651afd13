//! Typed rows both ways beside the official Rust client (`clickhouse` 0.15.3), in one run.
//!
//! Reads: a loopback replay server answers every query with canned bytes of the benchmark
//! payload (1,000,000 rows: `id UInt64, ts DateTime('UTC'), name String, score Float64,
//! note Nullable(String), color LowCardinality(String), tags Array(UInt32)`), fetched once from
//! the 26.9 engine (`CLICKHOUSE_URL`) in the format each client asks for: Native for ours,
//! RowBinaryWithNamesAndTypes for the official crate (its default, validated mode). Neither
//! side compresses. Inserts: the same rows into a sink that reads and discards the body (it
//! parses nothing, but runs in this process on the same cores, so its reads and the socket's
//! copies are a floor under every client: printed as the payload's Native bytes POSTed from
//! memory), then into a `Null` table of the 18.16 server (`CLICKHOUSE_LEGACY_URL`); the
//! official crate inserts `RowBinary` without validation (its fastest insert path; 18.16
//! cannot describe tables the way its validation asks).
//!
//! Each path runs five times in this process (best and median printed), the paths taking turns
//! (one run of each per round), so that the order does not favour one; the first query of a
//! fresh process (cold) is measured in a child process per path. Beside the reads, the floor
//! of an owned read: the same rows cloned from memory, which allocates what every owned read
//! allocates and decodes nothing. Our per-block paths hand each block back with
//! `QueryStream::recycle`, as a loop over a large result should. The peak memory of a
//! 10,000,000-row typed read and typed insert is measured in child processes too.
//!
//! Run with `cargo bench --bench peers` (start the engines with `scripts/dev-servers up`).
//! Arguments after `--`: `quick` (one run of each, no children), or a path name to run alone;
//! `--count WORD...` runs each path whose name holds a word once, for callgrind to count its
//! instructions (see [`count`]).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use clickhouse_connect::column::Column;
use clickhouse_connect::value::to_column::RowsResult;
use clickhouse_connect::{Client, Compression, FromBlock, ToBlock};
use futures_util::StreamExt;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const ROWS: usize = 1_000_000;

/// The payload query; `{rows}` and `{format}` are filled in.
const QUERY: &str = "SELECT number AS id, toDateTime(1600000000 + number, 'UTC') AS ts, \
    concat('name_', toString(number % 1000)) AS name, number / 3 AS score, \
    if(number % 5 = 0, NULL, concat('note ', toString(number))) AS note, \
    CAST(['red', 'green', 'blue'][number % 3 + 1] AS LowCardinality(String)) AS color, \
    CAST(range(number % 4) AS Array(UInt32)) AS tags \
    FROM numbers({rows}) FORMAT {format}";

const TABLE_COLUMNS: &str = "id UInt64, ts DateTime('UTC'), name String, score Float64, \
    note Nullable(String), color LowCardinality(String), tags Array(UInt32)";

/// The row with owned fields, for every typed path of both clients.
#[derive(
    Debug,
    Clone,
    PartialEq,
    serde::Deserialize,
    serde::Serialize,
    FromBlock,
    ToBlock,
    clickhouse::Row,
)]
struct Event {
    id: u64,
    ts: u32,
    name: String,
    score: f64,
    note: Option<String>,
    color: String,
    tags: Vec<u32>,
}

/// The row with borrowed strings.
#[derive(serde::Deserialize, FromBlock, clickhouse::Row)]
struct EventRef<'a> {
    id: u64,
    ts: u32,
    name: &'a str,
    score: f64,
    note: Option<&'a str>,
    color: &'a str,
    tags: Vec<u32>,
}

fn touch(e: &Event) -> usize {
    e.id as usize
        + e.ts as usize
        + e.name.len()
        + e.score as usize
        + e.note.as_ref().map_or(0, String::len)
        + e.color.len()
        + e.tags.len()
}

fn touch_ref(e: &EventRef<'_>) -> usize {
    e.id as usize
        + e.ts as usize
        + e.name.len()
        + e.score as usize
        + e.note.map_or(0, str::len)
        + e.color.len()
        + e.tags.len()
}

/// The rows every insert sends, made once and kept for the whole process: our inserts take
/// rows by value (`'static`), so each row is handed over as a `'static` reference into this
/// list (as the official crate's `write` takes a reference), never cloned inside the timed
/// region and with no reference count to touch.
static SHARED: std::sync::OnceLock<&'static [Event]> = std::sync::OnceLock::new();

/// A row of the shared rows, as our inserts take it.
struct SharedRow(&'static Event);

impl serde::Serialize for SharedRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl ToBlock for SharedRow {
    fn column_names() -> Vec<&'static str> {
        Event::column_names()
    }
    fn append(&self, columns: &mut [Column]) -> Result<(), (usize, clickhouse_connect::Error)> {
        self.0.append(columns)
    }
    fn append_rows<'a, I>(rows: I, columns: &mut [Column]) -> RowsResult
    where
        I: Iterator<Item = &'a Self> + Clone,
    {
        Event::append_rows(rows.map(|row| row.0), columns)
    }
}

/// Keeps `rows` for the rest of the process as the shared rows (the first call wins).
fn share(rows: &[Event]) {
    SHARED.get_or_init(|| Vec::leak(rows.to_vec()));
}

/// The shared rows, one `SharedRow` each.
fn shared_rows() -> impl Iterator<Item = SharedRow> + Send + 'static {
    SHARED.get().expect("the shared rows").iter().map(SharedRow)
}

/// The rows the inserts send (the payload's rows).
fn rows(n: usize) -> Vec<Event> {
    (0..n as u64)
        .map(|i| Event {
            id: i,
            ts: 1_600_000_000 + i as u32,
            name: format!("name_{}", i % 1000),
            score: i as f64 / 3.0,
            note: (i % 5 != 0).then(|| format!("note {i}")),
            color: ["red", "green", "blue"][(i % 3) as usize].to_owned(),
            tags: (0..(i % 4) as u32).collect(),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The replay server.

/// Canned answers, by what the request asks for.
struct Canned {
    native: Vec<u8>,
    row_binary: Vec<u8>,
    describe: Vec<u8>,
}

/// Starts the replay server; returns its URL.
async fn replay(canned: Arc<Canned>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            socket.set_nodelay(true).ok();
            tokio::spawn(serve(socket, canned.clone()));
        }
    });
    url
}

/// One connection: requests read whole (the body discarded), answers written from memory.
async fn serve(socket: TcpStream, canned: Arc<Canned>) {
    let (read, mut write) = socket.into_split();
    let mut read = BufReader::with_capacity(256 * 1024, read);
    loop {
        let mut head = String::new();
        loop {
            let mut line = String::new();
            match read.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let headers: HashMap<String, String> = head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        // The body: its start is kept (it may hold the SQL), the rest discarded.
        let mut start = Vec::new();
        let mut keep = |bytes: &[u8]| {
            if start.len() < 4096 {
                start.extend_from_slice(&bytes[..bytes.len().min(4096 - start.len())]);
            }
        };
        let mut buf = vec![0u8; 256 * 1024];
        if headers
            .get("transfer-encoding")
            .is_some_and(|t| t.contains("chunked"))
        {
            loop {
                let mut size = String::new();
                if read.read_line(&mut size).await.unwrap_or(0) == 0 {
                    return;
                }
                let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or(""), 16)
                    .unwrap_or(0);
                let mut left = size;
                while left > 0 {
                    let n = left.min(buf.len());
                    if read.read_exact(&mut buf[..n]).await.is_err() {
                        return;
                    }
                    keep(&buf[..n]);
                    left -= n;
                }
                let mut crlf = String::new();
                let _ = read.read_line(&mut crlf).await;
                if size == 0 {
                    break;
                }
            }
        } else if let Some(length) = headers.get("content-length") {
            let mut left: usize = length.parse().unwrap_or(0);
            while left > 0 {
                let n = left.min(buf.len());
                if read.read_exact(&mut buf[..n]).await.is_err() {
                    return;
                }
                keep(&buf[..n]);
                left -= n;
            }
        }
        let request = format!(
            "{} {}",
            urlencoding::decode(head.lines().next().unwrap_or("")).unwrap_or_default(),
            String::from_utf8_lossy(&start)
        );
        if std::env::var_os("PEERS_DEBUG").is_some() {
            eprintln!("replay: {}", &request[..request.len().min(600)]);
        }
        let repeat = if request.contains("/* x10 */") { 10 } else { 1 };
        let (body, format): (&[u8], &str) = if request.contains("INSERT") {
            (b"", "")
        } else if request.contains("version()") {
            (b"26.9.1.1\tUTC\treplay\n", "TabSeparated")
        } else if request.contains("DESCRIBE") {
            (&canned.describe, "Native")
        } else if request.contains("RowBinary") {
            (&canned.row_binary, "RowBinaryWithNamesAndTypes")
        } else {
            (&canned.native, "Native")
        };
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nX-ClickHouse-Format: {format}\r\n\
             X-ClickHouse-Timezone: UTC\r\nX-ClickHouse-Server-Display-Name: replay\r\n\
             X-ClickHouse-Summary: {{\"read_rows\":\"0\",\"written_rows\":\"0\"}}\r\n\
             Connection: keep-alive\r\n\r\n",
            body.len() * repeat
        );
        if write.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
        for _ in 0..repeat {
            if write.write_all(body).await.is_err() {
                return;
            }
        }
    }
}

/// The canned answers, from the engine.
async fn fetch_canned(engine: &str) -> Canned {
    let http = reqwest::Client::new();
    let get = |sql: String| {
        let http = http.clone();
        async move {
            let response = http
                .post(format!("{engine}/"))
                .body(sql)
                .send()
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "{engine} is not reachable ({e}); start it with `scripts/dev-servers up`"
                    )
                });
            assert!(
                response.status().is_success(),
                "{:?}",
                response.text().await
            );
            response.bytes().await.expect("the payload").to_vec()
        }
    };
    let query = |format: &str| {
        QUERY
            .replace("{rows}", &ROWS.to_string())
            .replace("{format}", format)
    };
    Canned {
        native: get(query("Native")).await,
        // One block: a row format has no blocks on the wire, and an engine front that formats
        // each chunk as a whole output (as the 26.9 front did before) then writes its header once.
        row_binary: get(query("RowBinaryWithNamesAndTypes")
            .replace(" FORMAT ", " SETTINGS max_block_size = 2000000 FORMAT "))
        .await,
        describe: get(format!(
            "DESCRIBE TABLE generateRandom('{}') FORMAT Native",
            TABLE_COLUMNS.replace('\'', "\\'")
        ))
        .await,
    }
}

// ---------------------------------------------------------------------------------------------
// The paths.

/// What a path needs: both clients, pointed at the replay server or the 18.16 server.
struct Clients {
    ours: Client,
    official: clickhouse::Client,
    /// The official client for inserts: `RowBinary` without validation.
    official_insert: clickhouse::Client,
    /// The read query (`FORMAT` left to each client).
    query: String,
}

fn clients(url: &str, query: &str) -> Clients {
    // `PEERS_INSERT_BLOCK_ROWS` sets our insert block size, to compare sizes with one binary.
    let mut ours = Client::builder().url(url).compression(Compression::None);
    if let Ok(rows) = std::env::var("PEERS_INSERT_BLOCK_ROWS") {
        ours = ours.insert_block_rows(rows.parse().expect("PEERS_INSERT_BLOCK_ROWS is a number"));
    }
    Clients {
        ours: ours.build().expect("a client"),
        official: clickhouse::Client::default()
            .with_url(url)
            .with_compression(clickhouse::Compression::None),
        official_insert: clickhouse::Client::default()
            .with_url(url)
            .with_compression(clickhouse::Compression::None)
            .with_validation(false),
        query: query.to_owned(),
    }
}

type Run =
    for<'a> fn(&'a Clients, &'a [Event]) -> std::pin::Pin<Box<dyn Future<Output = usize> + 'a>>;

/// Every path: name, peer it is compared with, what it does.
fn paths() -> Vec<(&'static str, Option<&'static str>, Run)> {
    vec![
        ("official fetch_all (serde, owned)", None, |c, _| {
            Box::pin(async move {
                let rows: Vec<Event> = c.official.query(&c.query).fetch_all().await.unwrap();
                rows.iter().map(touch).sum()
            })
        }),
        ("official cursor (serde, borrowed)", None, |c, _| {
            Box::pin(async move {
                let mut cursor = c.official.query(&c.query).fetch::<EventRef<'_>>().unwrap();
                let mut n = 0;
                while let Some(row) = cursor.next().await.unwrap() {
                    n += touch_ref(&row);
                }
                n
            })
        }),
        (
            "ours fetch_all (serde, owned)",
            Some("official fetch_all (serde, owned)"),
            |c, _| {
                Box::pin(async move {
                    let rows: Vec<Event> = c.ours.query(&c.query).fetch_all().await.unwrap();
                    rows.iter().map(touch).sum()
                })
            },
        ),
        (
            "ours fetch_stream (serde, owned)",
            Some("official fetch_all (serde, owned)"),
            |c, _| {
                Box::pin(async move {
                    let mut stream = c
                        .ours
                        .query(&c.query)
                        .fetch_stream::<Event>()
                        .await
                        .unwrap();
                    let mut n = 0;
                    while let Some(row) = stream.next().await {
                        n += touch(&row.unwrap());
                    }
                    n
                })
            },
        ),
        (
            "ours rows_as per block (serde, borrowed)",
            Some("official cursor (serde, borrowed)"),
            |c, _| {
                Box::pin(async move {
                    let mut stream = c.ours.query(&c.query).stream().await.unwrap();
                    let zone = stream.default_zone();
                    let mut n = 0;
                    while let Some(block) = stream.next_block().await.unwrap() {
                        for row in block.rows_as::<EventRef<'_>>(zone) {
                            n += touch_ref(&row.unwrap());
                        }
                        stream.recycle(block);
                    }
                    n
                })
            },
        ),
        (
            "ours fetch_rows (FromBlock, owned)",
            Some("official fetch_all (serde, owned)"),
            |c, _| {
                Box::pin(async move {
                    let rows: Vec<Event> = c.ours.query(&c.query).fetch_rows().await.unwrap();
                    rows.iter().map(touch).sum()
                })
            },
        ),
        (
            "ours rows_of per block (FromBlock, borrowed)",
            Some("official cursor (serde, borrowed)"),
            |c, _| {
                Box::pin(async move {
                    let mut stream = c.ours.query(&c.query).stream().await.unwrap();
                    let zone = stream.default_zone();
                    let mut n = 0;
                    while let Some(block) = stream.next_block().await.unwrap() {
                        for row in block.rows_of::<EventRef<'_>>(zone).unwrap() {
                            n += touch_ref(&row.unwrap());
                        }
                        stream.recycle(block);
                    }
                    n
                })
            },
        ),
        (
            "ours blocks (columnar)",
            Some("official cursor (serde, borrowed)"),
            |c, _| {
                Box::pin(async move {
                    let mut stream = c.ours.query(&c.query).stream().await.unwrap();
                    let mut n = 0;
                    while let Some(block) = stream.next_block().await.unwrap() {
                        n += block.rows();
                        stream.recycle(block);
                    }
                    n
                })
            },
        ),
    ]
}

/// Insert paths: name, peer, what it does (returns the rows sent).
fn insert_paths() -> Vec<(&'static str, Option<&'static str>, Run)> {
    vec![
        ("official insert/write/end (RowBinary)", None, |c, rows| {
            Box::pin(async move {
                let mut insert = c
                    .official_insert
                    .insert::<Event>("peer_sink")
                    .await
                    .unwrap();
                for row in rows {
                    insert.write(row).await.unwrap();
                }
                insert.end().await.unwrap();
                rows.len()
            })
        }),
        (
            "ours insert_rows (serde)",
            Some("official insert/write/end (RowBinary)"),
            |c, rows| {
                Box::pin(async move {
                    c.ours
                        .insert_rows("peer_sink", shared_rows())
                        .unwrap()
                        .await
                        .unwrap();
                    rows.len()
                })
            },
        ),
        (
            "ours insert_typed (ToBlock)",
            Some("official insert/write/end (RowBinary)"),
            |c, rows| {
                Box::pin(async move {
                    c.ours
                        .insert_typed("peer_sink", shared_rows())
                        .await
                        .unwrap();
                    rows.len()
                })
            },
        ),
    ]
}

/// The floor of an owned read: the rows cloned from memory, which allocates their owned fields
/// and the row vector as any owned read must (3.55 allocations a row, ~200 MB of fresh pages)
/// and decodes nothing. No client's owned read can beat it with the same allocator.
const OWNED_FLOOR: &str = "floor: the rows cloned from memory";

fn owned_floor<'a>(
    _: &'a Clients,
    rows: &'a [Event],
) -> std::pin::Pin<Box<dyn Future<Output = usize> + 'a>> {
    Box::pin(async move {
        let owned: Vec<Event> = rows.to_vec();
        owned.iter().map(touch).sum()
    })
}

/// The sink's floor: the payload's Native bytes POSTed from memory in 1 MiB pieces, an insert
/// with nothing to encode. What is left is the socket and the sink, which run on the same
/// cores as the client: no client's insert into the sink can beat it. Sorted seconds of `runs`.
async fn sink_floor(url: &str, native: &[u8], runs: usize) -> Vec<f64> {
    let body = bytes::Bytes::copy_from_slice(native);
    let http = reqwest::Client::new();
    let target = format!("{url}/?query=INSERT%20INTO%20peer_sink%20FORMAT%20Native");
    let mut times = Vec::new();
    for _ in 0..runs {
        let pieces: Vec<Result<bytes::Bytes, std::io::Error>> = (0..body.len())
            .step_by(1 << 20)
            .map(|at| Ok(body.slice(at..(at + (1 << 20)).min(body.len()))))
            .collect();
        let started = Instant::now();
        let response = http
            .post(&target)
            .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
                pieces,
            )))
            .send()
            .await
            .expect("the sink");
        response.bytes().await.expect("the sink's answer");
        times.push(started.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    times
}

/// Sorted seconds of `runs` runs of each path, checking the count each time. The paths take
/// turns, one run each per round, so that each meets the same states of the machine and the
/// allocator (what the path before it left) and the ratios are not skewed by the order.
async fn measure(
    clients: &Clients,
    rows: &[Event],
    paths: &[Run],
    runs: usize,
    expect: usize,
) -> Vec<Vec<f64>> {
    let mut times = vec![Vec::new(); paths.len()];
    for _ in 0..runs {
        for (path, times) in paths.iter().zip(&mut times) {
            let started = Instant::now();
            let n = path(clients, rows).await;
            times.push(started.elapsed().as_secs_f64());
            assert!(n >= expect, "a path read {n} rows, fewer than {expect}");
        }
    }
    for times in &mut times {
        times.sort_by(f64::total_cmp);
    }
    times
}

/// Measures the paths whose names hold `only` (all without it), taking turns; `cold` gives a
/// path's cold figure.
async fn run_paths<'a>(
    clients: &Clients,
    rows: &[Event],
    paths: Vec<(&'a str, Option<&'a str>, Run)>,
    only: Option<&String>,
    runs: usize,
    expect: usize,
    cold: impl Fn(&str) -> Option<f64>,
) -> Vec<Measured<'a>> {
    let paths: Vec<_> = paths
        .into_iter()
        .filter(|(name, ..)| only.is_none_or(|o| name.contains(o.as_str())))
        .collect();
    let colds: Vec<_> = paths.iter().map(|(name, ..)| cold(name)).collect();
    let runners: Vec<Run> = paths.iter().map(|(.., path)| *path).collect();
    let times = measure(clients, rows, &runners, runs, expect).await;
    paths
        .into_iter()
        .zip(times)
        .zip(colds)
        .map(|(((name, peer, _), times), cold)| (name, peer, times, cold))
        .collect()
}

/// A path's results: name, peer, rows per second of each run, cold rows per second.
type Measured<'a> = (&'a str, Option<&'a str>, Vec<f64>, Option<f64>);

fn print_table(title: &str, results: &[Measured<'_>]) {
    println!("\n{title}");
    println!(
        "| {:<46} | {:>12} | {:>12} | {:>12} | {:>9} |",
        "path", "best rows/s", "median", "cold (1st)", "vs peer"
    );
    println!(
        "|{:-<48}|{:->14}|{:->14}|{:->14}|{:->11}|",
        "", "", "", "", ""
    );
    let rate = |secs: f64| ROWS as f64 / secs / 1e6;
    for (name, peer, times, cold) in results {
        let best = times[0];
        let median = times[times.len() / 2];
        let ratio = peer
            .and_then(|p| results.iter().find(|r| r.0 == p))
            .map_or_else(String::new, |p| format!("{:.2}x", p.2[0] / best));
        println!(
            "| {name:<46} | {:>10.2} M | {:>10.2} M | {:>12} | {ratio:>9} |",
            rate(best),
            rate(median),
            cold.map_or_else(|| "-".into(), |c| format!("{:.2} M", rate(c))),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Child processes: the cold first query, and peak memory.

/// Runs this program again with `args`; returns what it printed last (seconds or KiB).
fn child(args: &[&str]) -> Option<f64> {
    let exe = std::env::current_exe().ok()?;
    let out = std::process::Command::new(exe).args(args).output().ok()?;
    if !out.status.success() {
        eprintln!(
            "child {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

/// The peak resident set of this process, in KiB.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Each thread of the process: id, name, nanoseconds on the CPU so far
/// (`/proc/self/task/*/schedstat`).
fn thread_cpu() -> Vec<(u64, String, u64)> {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    tasks
        .flatten()
        .filter_map(|task| {
            let tid = task.file_name().to_str()?.parse().ok()?;
            let name = std::fs::read_to_string(task.path().join("comm")).ok()?;
            let stat = std::fs::read_to_string(task.path().join("schedstat")).ok()?;
            let ns = stat.split_whitespace().next()?.parse().ok()?;
            Some((tid, name.trim().to_owned(), ns))
        })
        .collect()
}

/// The process's minor page faults so far (`/proc/self/stat`, field 10).
fn minor_faults() -> u64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let after_name = &s[s.rfind(')')? + 2..];
            after_name.split_whitespace().nth(7)?.parse().ok()
        })
        .unwrap_or(0)
}

/// In a child: one run of `name` against `url`, printing its seconds (the cold figure).
async fn cold_child(name: &str, url: &str, insert: bool) {
    let query = QUERY
        .replace("{rows}", &ROWS.to_string())
        .replace(" FORMAT {format}", "");
    let clients = clients(url, &query);
    let rows = if insert { rows(ROWS) } else { Vec::new() };
    share(&rows);
    let all = if insert { insert_paths() } else { paths() };
    let (_, _, path) = all
        .into_iter()
        .find(|(n, _, _)| *n == name)
        .expect("a known path");
    let started = Instant::now();
    let n = path(&clients, &rows).await;
    let secs = started.elapsed().as_secs_f64();
    assert!(n >= if insert { ROWS } else { 1 });
    println!("{secs}");
}

/// In a child: a 10,000,000-row typed stream read (or typed insert into the sink), printing
/// the peak resident set in KiB.
async fn memory_child(what: &str, url: &str) {
    let query = QUERY
        .replace("{rows}", &ROWS.to_string())
        .replace(" FORMAT {format}", " /* x10 */");
    let clients = clients(url, &query);
    let before = peak_kib();
    match what {
        "read" => {
            let mut stream = clients
                .ours
                .query(&clients.query)
                .fetch_stream::<Event>()
                .await
                .unwrap();
            let mut n = 0;
            while let Some(row) = stream.next().await {
                n += usize::from(touch(&row.unwrap()) > 0);
            }
            assert_eq!(n, 10 * ROWS);
        }
        _ => {
            let source = (0..10 * ROWS as u64).map(|i| Event {
                id: i,
                ts: 1_600_000_000 + i as u32,
                name: format!("name_{}", i % 1000),
                score: i as f64 / 3.0,
                note: (i % 5 != 0).then(|| format!("note {i}")),
                color: ["red", "green", "blue"][(i % 3) as usize].to_owned(),
                tags: (0..(i % 4) as u32).collect(),
            });
            clients
                .ours
                .insert_rows("peer_sink", source)
                .unwrap()
                .await
                .unwrap();
        }
    }
    eprintln!("peak before {before} KiB");
    println!("{}", peak_kib());
}

/// `--count WORD...`: each path whose name contains one of the words, run once after the
/// replay server and the rows are ready, inside [`counted`], so that callgrind counts the
/// client's instructions for the path alone: `valgrind --tool=callgrind
/// --toggle-collect=peers::counted <bench binary> --count insert_typed` (collection follows
/// the thread that enters `counted`: the replay server and the connection tasks run on the
/// runtime's other threads and are not counted).
fn count(runtime: &tokio::runtime::Runtime, words: &[String]) {
    let (clients, rows) = runtime.block_on(async {
        let engine =
            std::env::var("CLICKHOUSE_URL").unwrap_or_else(|_| "http://127.0.0.1:28123".into());
        let url = replay(Arc::new(fetch_canned(&engine).await)).await;
        let query = QUERY
            .replace("{rows}", &ROWS.to_string())
            .replace(" FORMAT {format}", "");
        (clients(&url, &query), rows(ROWS))
    });
    share(&rows);
    let floor = (OWNED_FLOOR, None, owned_floor as Run);
    for (name, _, path) in paths().into_iter().chain([floor]).chain(insert_paths()) {
        if words.iter().any(|w| name.contains(w.as_str())) {
            let (started, faults, cpu) = (Instant::now(), minor_faults(), thread_cpu());
            counted(runtime, path, &clients, &rows);
            let elapsed = started.elapsed().as_secs_f64();
            let busy: Vec<String> = thread_cpu()
                .into_iter()
                .filter_map(|(tid, name, ns)| {
                    let before = cpu.iter().find(|(t, ..)| *t == tid).map_or(0, |c| c.2);
                    let ms = (ns - before) as f64 / 1e6;
                    (ms >= 1.0).then(|| format!("{name} {ms:.0} ms"))
                })
                .collect();
            println!(
                "{name}: {elapsed:.3} s, {} page faults; on the CPU: {}",
                minor_faults() - faults,
                busy.join(", ")
            );
        }
    }
}

/// One run of `path`: what callgrind counts in `--count`.
#[inline(never)]
fn counted(runtime: &tokio::runtime::Runtime, path: Run, clients: &Clients, rows: &[Event]) {
    std::hint::black_box(runtime.block_on(path(clients, rows)));
}

// ---------------------------------------------------------------------------------------------

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    match args.first().map(String::as_str) {
        Some("--cold") => return runtime.block_on(cold_child(&args[1], &args[2], false)),
        Some("--cold-insert") => return runtime.block_on(cold_child(&args[1], &args[2], true)),
        Some("--memory") => return runtime.block_on(memory_child(&args[1], &args[2])),
        Some("--count") => return count(&runtime, &args[1..]),
        _ => {}
    }
    let quick = args.iter().any(|a| a == "quick");
    let only: Option<&String> = args.iter().find(|a| *a != "quick");
    let runs = if quick { 1 } else { 5 };
    runtime.block_on(async {
        let engine =
            std::env::var("CLICKHOUSE_URL").unwrap_or_else(|_| "http://127.0.0.1:28123".into());
        let legacy = std::env::var("CLICKHOUSE_LEGACY_URL")
            .unwrap_or_else(|_| "http://127.0.0.1:18123".into());
        let canned = Arc::new(fetch_canned(&engine).await);
        let url = replay(canned.clone()).await;
        eprintln!(
            "payload: Native {} bytes, RowBinaryWithNamesAndTypes {} bytes; replay at {url}",
            canned.native.len(),
            canned.row_binary.len()
        );
        let query = QUERY
            .replace("{rows}", &ROWS.to_string())
            .replace(" FORMAT {format}", "");
        let replayed = clients(&url, &query);

        // Reads, and the floor of an owned read beside them.
        let rows = rows(ROWS);
        share(&rows);
        let mut reads: Vec<(&str, Option<&str>, Run)> = paths();
        reads.push((OWNED_FLOOR, None, owned_floor));
        let results = run_paths(&replayed, &rows, reads, only, runs, 1, |name| {
            (!quick && name != OWNED_FLOOR)
                .then(|| child(&["--cold", name, &url]))
                .flatten()
        })
        .await;
        print_table(
            "Reads: 1,000,000 rows replayed over loopback HTTP, no compression",
            &results,
        );

        // Inserts: into the sink, then into 18.16's Null table.
        let results = run_paths(&replayed, &rows, insert_paths(), only, runs, ROWS, |name| {
            (!quick)
                .then(|| child(&["--cold-insert", name, &url]))
                .flatten()
        })
        .await;
        print_table(
            "Inserts: 1,000,000 rows into a sink that discards the body",
            &results,
        );
        if only.is_none() {
            let floor = sink_floor(&url, &canned.native, runs).await;
            println!(
                "Floor of the sink (the payload's {:.1} MB of Native POSTed from memory, nothing \
                 encoded): best {:.2} M rows/s, median {:.2} M",
                canned.native.len() as f64 / 1e6,
                ROWS as f64 / floor[0] / 1e6,
                ROWS as f64 / floor[floor.len() / 2] / 1e6,
            );
        }

        let server = clients(&legacy, &query);
        server
            .ours
            .command("DROP TABLE IF EXISTS peer_sink")
            .await
            .expect("the 18.16 server (start it with `scripts/dev-servers up`)");
        server
            .ours
            .command(format!(
                "CREATE TABLE peer_sink ({TABLE_COLUMNS}) ENGINE = Null"
            ))
            .setting("allow_experimental_low_cardinality_type", 1)
            .await
            .unwrap();
        let results = run_paths(&server, &rows, insert_paths(), only, runs, ROWS, |_| None).await;
        print_table(
            "Inserts: 1,000,000 rows into a Null table of the 18.16 server",
            &results,
        );
        server.ours.command("DROP TABLE peer_sink").await.unwrap();

        if !quick {
            let read = child(&["--memory", "read", &url]);
            let insert = child(&["--memory", "insert", &url]);
            println!(
                "\nPeak memory, 10,000,000 rows: typed read (fetch_stream) {} MiB, typed insert \
                 (insert_rows) {} MiB",
                read.map_or_else(|| "?".into(), |k| format!("{:.1}", k / 1024.0)),
                insert.map_or_else(|| "?".into(), |k| format!("{:.1}", k / 1024.0)),
            );
        }
    });
}
