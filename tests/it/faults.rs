//! Faults between the client and a real server (issue 20): a proxy on loopback forwards to the
//! server until a test tells it to misbehave (answer with bad bytes, giant lengths or a body
//! that never ends, fall silent, reset, cut an insert off), and the same client must then
//! fail within its limits, in bounded memory, and go on serving queries against the real
//! server. A fake native server that speaks a newer revision checks the bytes of parameters.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clickhouse_connect::column::ColumnData;
use clickhouse_connect::{Client, ErrorKind, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};

use crate::common::{Server, engine, legacy, legacy_tcp};

/// What a timeout may take past its limit.
const MARGIN: Duration = Duration::from_millis(500);

/// What the proxy does when a client sends bytes (the start of a request, or more of one).
#[derive(Clone, Debug)]
pub enum Fault {
    /// Forward both ways.
    Forward,
    /// Read and drop what the client sends; answer nothing; keep the connection open.
    Silence,
    /// Close the connection at once with a reset.
    Reset,
    /// Answer these bytes, then close.
    Answer(Vec<u8>),
    /// Answer `head`, then `bytes` bytes of `x` (or until the client stops reading), then close.
    Flood { head: Vec<u8>, bytes: usize },
    /// Forward, and reset both sides once this many more bytes came from the client.
    CutAfter(usize),
    /// Keep what the client sends (until it pauses for 200 ms), answer these bytes, close.
    Capture(Vec<u8>),
}

/// A proxy to `upstream` whose behaviour a test switches.
pub struct FaultProxy {
    pub address: String,
    fault: Arc<Mutex<Fault>>,
    /// What `Capture` kept, per request.
    captured: Arc<Mutex<Vec<Vec<u8>>>>,
    /// Bytes of `Flood` written so far.
    flooded: Arc<AtomicUsize>,
}

impl FaultProxy {
    pub async fn start(upstream: &str) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let proxy = FaultProxy {
            address,
            fault: Arc::new(Mutex::new(Fault::Forward)),
            captured: Arc::default(),
            flooded: Arc::default(),
        };
        let (fault, captured, flooded) = (
            proxy.fault.clone(),
            proxy.captured.clone(),
            proxy.flooded.clone(),
        );
        let upstream = upstream.to_owned();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(serve(
                    client,
                    upstream.clone(),
                    fault.clone(),
                    captured.clone(),
                    flooded.clone(),
                ));
            }
        });
        proxy
    }

    pub fn set(&self, fault: Fault) {
        *self.fault.lock().unwrap() = fault;
    }

    pub fn captured(&self) -> Vec<Vec<u8>> {
        self.captured.lock().unwrap().clone()
    }

    pub fn flooded(&self) -> usize {
        self.flooded.load(Ordering::Relaxed)
    }
}

/// One client connection through the proxy.
async fn serve(
    client: TcpStream,
    upstream: String,
    fault: Arc<Mutex<Fault>>,
    captured: Arc<Mutex<Vec<Vec<u8>>>>,
    flooded: Arc<AtomicUsize>,
) {
    let (mut reader, writer) = client.into_split();
    let writer: Arc<tokio::sync::Mutex<Option<OwnedWriteHalf>>> =
        Arc::new(tokio::sync::Mutex::new(Some(writer)));
    let mut to_server: Option<OwnedWriteHalf> = None;
    let mut pump: Option<tokio::task::JoinHandle<()>> = None;
    let mut cut_left: Option<usize> = None;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let current = fault.lock().unwrap().clone();
        let forward = match current {
            Fault::Forward => true,
            Fault::CutAfter(limit) => {
                let left = cut_left.get_or_insert(limit);
                if n >= *left {
                    break_off(pump.take(), &writer, reader).await;
                    return;
                }
                *left -= n;
                true
            }
            _ => false,
        };
        if forward {
            if to_server.is_none() {
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    return;
                };
                let (mut from_server, server_writer) = server.into_split();
                to_server = Some(server_writer);
                let writer = writer.clone();
                pump = Some(tokio::spawn(async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    while let Ok(n) = from_server.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        let mut guard = writer.lock().await;
                        let Some(w) = guard.as_mut() else { break };
                        if w.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    if let Some(w) = writer.lock().await.as_mut() {
                        let _ = w.shutdown().await;
                    }
                }));
            }
            if to_server
                .as_mut()
                .unwrap()
                .write_all(&buf[..n])
                .await
                .is_err()
            {
                return;
            }
            continue;
        }
        // A fault: the server side of this connection is done.
        if let Some(pump) = pump.take() {
            pump.abort();
        }
        drop(to_server.take());
        let mut out = writer.lock().await.take();
        let Some(w) = out.as_mut() else { return };
        match current {
            Fault::Forward | Fault::CutAfter(_) => unreachable!(),
            Fault::Silence => {
                while let Ok(n) = reader.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                }
                return;
            }
            Fault::Reset => {
                if let Ok(stream) = reader.reunite(out.take().unwrap()) {
                    let _ = stream.set_zero_linger();
                }
                return;
            }
            Fault::Answer(bytes) => {
                let _ = w.write_all(&bytes).await;
                let _ = w.shutdown().await;
            }
            Fault::Flood { head, bytes } => {
                if w.write_all(&head).await.is_err() {
                    return;
                }
                let chunk = vec![b'x'; 64 * 1024];
                let mut left = bytes;
                while left > 0 {
                    let k = left.min(chunk.len());
                    if w.write_all(&chunk[..k]).await.is_err() {
                        return;
                    }
                    flooded.fetch_add(k, Ordering::Relaxed);
                    left -= k;
                }
                let _ = w.shutdown().await;
            }
            Fault::Capture(answer) => {
                let mut kept = buf[..n].to_vec();
                while let Ok(Ok(n)) =
                    tokio::time::timeout(Duration::from_millis(200), reader.read(&mut buf)).await
                {
                    if n == 0 {
                        break;
                    }
                    kept.extend_from_slice(&buf[..n]);
                }
                captured.lock().unwrap().push(kept);
                let _ = w.write_all(&answer).await;
                let _ = w.shutdown().await;
            }
        }
        // Drain what else comes, so the client sees the answer rather than a reset.
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            while let Ok(n) = reader.read(&mut buf).await {
                if n == 0 {
                    break;
                }
            }
        })
        .await;
        return;
    }
}

/// Resets the client side of a connection (its server side is dropped).
async fn break_off(
    pump: Option<tokio::task::JoinHandle<()>>,
    writer: &Arc<tokio::sync::Mutex<Option<OwnedWriteHalf>>>,
    reader: tokio::net::tcp::OwnedReadHalf,
) {
    if let Some(pump) = pump {
        pump.abort();
    }
    if let Some(w) = writer.lock().await.take() {
        if let Ok(stream) = reader.reunite(w) {
            let _ = stream.set_zero_linger();
        }
    }
}

fn host_port(url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap_or(url);
    rest.trim_end_matches('/').to_owned()
}

/// An HTTP answer with a body.
fn http_answer(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// Bytes from hex digits (`_` between them for reading, ignored).
fn hex(s: &str) -> Vec<u8> {
    let s = s.replace('_', "");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The client gets through the proxy to the real server again.
async fn still_serves(client: &Client, what: &str) {
    let started = Instant::now();
    let answer = client.query("SELECT 41 + 1").scalar::<u8>().await;
    assert_eq!(answer.ok(), Some(42), "after {what}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "after {what}: {:?}",
        started.elapsed()
    );
}

fn client_through(proxy: &FaultProxy, scheme: &str, timeout: Duration) -> Client {
    Client::builder()
        .url(format!("{scheme}://{}", proxy.address))
        .request_timeout(timeout)
        .pool_size(2)
        .build()
        .unwrap()
}

async fn http_servers() -> Vec<Server> {
    vec![engine().await, legacy().await]
}

#[tokio::test]
async fn http_faults_fail_cleanly_and_the_client_goes_on() {
    for server in http_servers().await {
        let proxy = FaultProxy::start(&host_port(&server.url)).await;
        // Uncompressed, so that a hostile body reaches the block reader.
        let client = Client::builder()
            .url(format!("http://{}", proxy.address))
            .request_timeout(Duration::from_secs(2))
            .compression(clickhouse_connect::Compression::None)
            .build()
            .unwrap();
        still_serves(&client, "nothing").await;
        let name = server.name;

        // An error body that does not end (256 MiB): read up to a cap, not whole (item 9).
        proxy.set(Fault::Flood {
            head: b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 268435456\r\n\r\n"
                .to_vec(),
            bytes: 256 << 20,
        });
        let started = Instant::now();
        let err = client.query("SELECT 1").await.unwrap_err();
        assert_eq!(err.http_status(), Some(500), "{name}: {err:?}");
        assert!(started.elapsed() < Duration::from_secs(2), "{name}");
        proxy.set(Fault::Forward);
        // The client stopped reading: what the proxy got written is the cap and the socket
        // buffers, far from 256 MiB.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            proxy.flooded() < 32 << 20,
            "{name}: the client read {} bytes of the error body",
            proxy.flooded()
        );
        still_serves(&client, "a giant error body").await;

        // A 200 whose body is hostile Native (issue item 1: 2^40 JSON rows without bytes).
        let body = hex("01808080808020016a044a534f4e030000000000000000");
        proxy.set(Fault::Answer(http_answer("200 OK", &[], &body)));
        let err = client.query("SELECT 1").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{name}: {err:?}");
        proxy.set(Fault::Forward);
        still_serves(&client, "a hostile body").await;

        // A body that ends early.
        proxy.set(Fault::Answer(
            b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n\x01\x01"
                .to_vec(),
        ));
        let err = client.query("SELECT 1").await.unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Connection | ErrorKind::Decode),
            "{name}: {err:?}"
        );
        proxy.set(Fault::Forward);
        still_serves(&client, "a cut body").await;

        // Garbage where the head should be.
        proxy.set(Fault::Answer(b"\x00\xffnot http at all\r\n\r\n".to_vec()));
        let err = client.query("SELECT 1").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connection, "{name}: {err:?}");
        proxy.set(Fault::Forward);
        still_serves(&client, "garbage").await;

        // A reset.
        proxy.set(Fault::Reset);
        let err = client.query("SELECT 1").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connection, "{name}: {err:?}");
        proxy.set(Fault::Forward);
        still_serves(&client, "a reset").await;

        // Silence: the timeout, in time.
        proxy.set(Fault::Silence);
        let started = Instant::now();
        let err = client.query("SELECT 1").await.unwrap_err();
        assert!(err.is_timeout(), "{name}: {err:?}");
        assert!(
            started.elapsed() < Duration::from_secs(2) + MARGIN,
            "{name}"
        );
        let err = client.command("SELECT 1").await.unwrap_err();
        assert!(err.is_timeout(), "{name}: {err:?}");
        proxy.set(Fault::Forward);
        still_serves(&client, "silence").await;
    }
}

#[tokio::test]
async fn native_faults_fail_cleanly_and_the_client_goes_on() {
    let server = legacy_tcp().await;
    let proxy = FaultProxy::start(&host_port(&server.client_url)).await;
    let client = client_through(&proxy, "tcp", Duration::from_secs(1));
    still_serves(&client, "nothing").await;

    // A silent server: queries, commands and inserts all time out within the limit (item 6).
    proxy.set(Fault::Silence);
    let started = Instant::now();
    let err = client.query("SELECT 1").await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(1) + MARGIN);
    let started = Instant::now();
    let err = client.command("SELECT 1").await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(1) + MARGIN,
        "{:?}",
        started.elapsed()
    );
    let started = Instant::now();
    let err = client
        .insert("system.numbers", &["number"], vec![(1u64,)])
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(1) + MARGIN,
        "{:?}",
        started.elapsed()
    );
    proxy.set(Fault::Forward);
    still_serves(&client, "silence").await;

    // A Data packet whose table name declares 4 GiB, then 256 MiB of it (item 9): refused from
    // the length, so the client stops reading.
    let mut head = vec![1u8];
    head.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x10]);
    proxy.set(Fault::Flood {
        head,
        bytes: 256 << 20,
    });
    let err = client.query("SELECT 1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err:?}");
    assert!(err.to_string().contains("table name"), "{err}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        proxy.flooded() < 32 << 20,
        "the client read {} bytes of the table name",
        proxy.flooded()
    );
    proxy.set(Fault::Forward);
    still_serves(&client, "a giant length").await;

    // An exception whose message declares 1 GiB, and ends there.
    proxy.set(Fault::Answer(hex("0200000000008080808004")));
    let err = client.query("SELECT 1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err:?}");
    proxy.set(Fault::Forward);
    still_serves(&client, "a giant message").await;

    // A hostile block (issue item 5: 2^40 empty tuples in one row) at the server's revision,
    // in a frame as the query asked (LZ4 by default; a raw frame is as good). A `Tuple()` row
    // takes a byte in Native, so the block waits for 2^40 bytes, allocating nothing for them,
    // until the connection ends in the middle of it.
    let mut block = hex("010002ffffffff00"); // BlockInfo: not overflows, bucket -1, end
    block.extend_from_slice(&hex("0101")); // one column, one row
    block.extend_from_slice(&hex("01610c4172726179285475706c65290000000000010000"));
    let mut data = vec![1u8, 0]; // Data, no table name
    clickhouse_connect::compression::encode_frame(
        clickhouse_connect::compression::Method::None,
        0,
        &block,
        &mut data,
    )
    .unwrap();
    proxy.set(Fault::Answer(data));
    let err = client.query("SELECT 1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err:?}");
    assert!(
        err.to_string().contains("in the middle of a packet"),
        "{err}"
    );
    proxy.set(Fault::Forward);
    still_serves(&client, "a hostile block").await;

    // An unknown packet, then a reset.
    proxy.set(Fault::Answer(vec![99]));
    let err = client.query("SELECT 1").await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Decode | ErrorKind::Protocol),
        "{err:?}"
    );
    proxy.set(Fault::Reset);
    let err = client.query("SELECT 1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err:?}");
    proxy.set(Fault::Forward);
    still_serves(&client, "a reset").await;
}

/// Item 12: an insert cut off on the way says what it had sent and what the server took.
#[tokio::test]
async fn a_cut_insert_says_how_far_it_came() {
    let server = legacy_tcp().await;
    let db = server.fresh_database("cut_insert").await;
    server
        .run(
            &format!("CREATE TABLE {db}.t (x UInt64, s String) ENGINE = Memory"),
            &[],
        )
        .await;
    let proxy = FaultProxy::start(&host_port(&server.client_url)).await;
    let client = Client::builder()
        .url(format!("tcp://{}", proxy.address))
        .insert_block_rows(1000)
        .compression(clickhouse_connect::Compression::None)
        .build()
        .unwrap();
    still_serves(&client, "nothing").await;
    // About 110 KB per block, 55 MB in all: the cut comes in the first blocks, long before
    // the socket buffers could hold the rest.
    proxy.set(Fault::CutAfter(250_000));
    let rows = (0..500_000u64).map(|i| (i, "0123456789".repeat(10)));
    let err = client
        .insert(&format!("{db}.t"), &["x", "s"], rows)
        .await
        .unwrap_err();
    let progress = *err.insert_progress().expect("the insert's progress");
    assert!(
        progress.blocks_sent >= 2 && progress.blocks_sent < 500,
        "{progress:?}"
    );
    assert_eq!(
        progress.rows_sent,
        progress.blocks_sent * 1000,
        "{progress:?}"
    );
    // 18.16 reports no written rows: the error says so.
    assert_eq!(progress.rows_acknowledged, None);
    let shown = err.to_string();
    assert!(
        shown.contains(&format!("sent {} rows", progress.rows_sent))
            && shown.contains("some may be stored"),
        "{shown}"
    );
    proxy.set(Fault::Forward);
    still_serves(&client, "a cut insert").await;
}

/// Item 12 over HTTP: a server that refuses the third block; 18.16 sends no summary, so what it
/// wrote is unknown, and the error says so.
#[tokio::test]
async fn a_refused_insert_says_what_was_sent() {
    let server = legacy().await;
    let db = server.fresh_database("refused_insert").await;
    server
        .run(
            &format!("CREATE TABLE {db}.t (x UInt64) ENGINE = Memory"),
            &[],
        )
        .await;
    // Each block passes through this view as it is written: the third one fails.
    server
        .run(
            &format!(
                "CREATE MATERIALIZED VIEW {db}.guard ENGINE = Memory AS \
                 SELECT throwIf(x >= 2500) AS failed FROM {db}.t"
            ),
            &[],
        )
        .await;
    let client = Client::builder()
        .url(server.client_url.clone())
        .insert_block_rows(1000)
        .build()
        .unwrap();
    let err = client
        .insert(&format!("{db}.t"), &["x"], (0..5000u64).map(|x| (x,)))
        .await
        .unwrap_err();
    assert!(err.server().is_some(), "{err:?}");
    let progress = *err.insert_progress().expect("the insert's progress");
    assert!(progress.blocks_sent >= 3, "{progress:?}");
    assert_eq!(progress.rows_sent, progress.blocks_sent * 1000);
    assert_eq!(progress.rows_acknowledged, None);
    assert!(err.to_string().contains("some may be stored"), "{err}");
}

/// Item 12 over TCP at a revision whose Progress packets count written rows: a fake server takes
/// the blocks, reports 2000 rows written, then fails the insert.
#[tokio::test]
async fn a_failed_native_insert_says_what_the_server_wrote() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let mut buf = vec![0u8; 1 << 20];
        let _ = socket.read(&mut buf).await; // hello
        socket.write_all(&native_hello()).await.unwrap();
        let _ = until_quiet(&mut socket, &mut buf).await; // addendum, query, empty block
        // The insert's header: one column `x UInt64`, no rows.
        let mut header = vec![1u8, 0];
        header.extend_from_slice(&hex("010002ffffffff00")); // BlockInfo
        header.extend_from_slice(&[1, 0, 1, b'x', 6]);
        header.extend_from_slice(b"UInt64");
        header.push(0); // no custom serialization
        socket.write_all(&header).await.unwrap();
        let _ = until_quiet(&mut socket, &mut buf).await; // the blocks and the empty one
        // Progress: read 0, 0, 0; written 2000 rows, 16000 bytes; elapsed 0. Then an exception.
        let mut answer = vec![3u8, 0, 0, 0, 0xD0, 0x0F, 0x80, 0x7D, 0];
        answer.push(2);
        answer.extend_from_slice(&395i32.to_le_bytes());
        for text in [
            &b"DB::Exception"[..],
            b"DB::Exception: the third block is refused",
            b"",
        ] {
            answer.push(text.len() as u8);
            answer.extend_from_slice(text);
        }
        answer.push(0);
        socket.write_all(&answer).await.unwrap();
        // The client proves the connection in sync with a Ping.
        if let Ok(n) = socket.read(&mut buf).await {
            if n > 0 && buf[0] == 4 {
                let _ = socket.write_all(&[4]).await;
            }
        }
        let _ = until_quiet(&mut socket, &mut buf).await;
    });
    let client = Client::builder()
        .url(format!("tcp://{address}"))
        .insert_block_rows(1000)
        .compression(clickhouse_connect::Compression::None)
        .build()
        .unwrap();
    let err = client
        .insert("t", &["x"], (0..5000u64).map(|x| (x,)))
        .await
        .unwrap_err();
    assert_eq!(err.server_code(), Some(395), "{err:?}");
    let progress = *err.insert_progress().expect("the insert's progress");
    assert_eq!(
        (
            progress.blocks_sent,
            progress.rows_sent,
            progress.rows_acknowledged
        ),
        (5, 5000, Some(2000))
    );
    let shown = err.to_string();
    assert!(
        shown.contains("the third block is refused")
            && shown.contains("sent 5000 rows in 5 blocks")
            && shown.contains("acknowledged 2000 rows"),
        "{shown}"
    );
}

/// What the peer sends until it pauses for 300 ms (or closes).
async fn until_quiet(socket: &mut TcpStream, buf: &mut [u8]) -> Vec<u8> {
    let mut got = Vec::new();
    while let Ok(Ok(n)) = tokio::time::timeout(Duration::from_millis(300), socket.read(buf)).await {
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    got
}

/// A server hello at revision 54460 (26.9, zone UTC).
fn native_hello() -> Vec<u8> {
    let mut hello = vec![0u8, 10];
    hello.extend_from_slice(b"ClickHouse");
    hello.extend_from_slice(&[26, 9, 0xBC, 0xA9, 0x03]);
    hello.push(3);
    hello.extend_from_slice(b"UTC");
    hello.push(4);
    hello.extend_from_slice(b"fake");
    hello.push(1); // patch
    hello
}

/// The request head of a captured HTTP request.
fn head_of(request: &[u8]) -> String {
    let end = request
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(request.len());
    String::from_utf8_lossy(&request[..end]).into_owned()
}

/// Item 10: a DSN's user and password travel once, in ClickHouse's headers, and the URL the
/// client keeps has neither; a DSN that does not read fails at `build`.
#[tokio::test]
async fn one_user_identity_is_sent() {
    let server = legacy().await;
    let proxy = FaultProxy::start(&host_port(&server.url)).await;
    let client = Client::builder()
        .url(format!("http://alice:pw@{}/?max_threads=2", proxy.address))
        .build()
        .unwrap();
    proxy.set(Fault::Capture(http_answer("200 OK", &[], b"1\n")));
    client.command("SELECT 1").await.unwrap();
    let captured = proxy.captured();
    let head = head_of(&captured[0]);
    let lower = head.to_ascii_lowercase();
    assert!(lower.contains("x-clickhouse-user: alice"), "{head}");
    assert!(lower.contains("x-clickhouse-key: pw"), "{head}");
    assert!(!lower.contains("authorization"), "{head}");
    assert!(!lower.contains("x-clickhouse-user: default"), "{head}");
    let request_line = head.lines().next().unwrap();
    assert!(
        !request_line.contains("alice") && !request_line.contains("pw@"),
        "{request_line}"
    );
    assert!(request_line.contains("max_threads=2"), "{request_line}");
    for bad in [
        "http://alice:pw@h/?request_timeout=soon",
        "http://h/?compression=snappy",
        "http://h/?connect_timeout=-1",
        "snappy://h/",
    ] {
        let err = Client::builder().url(bad).build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{bad}: {err}");
        assert!(!err.to_string().contains("pw"), "{err}");
    }
}

/// Item 11: parameter bytes travel exactly (percent-encoded in the URL; raw in a form body when
/// large), and a large parameter is no error.
#[tokio::test]
async fn parameters_travel_exactly_whatever_their_size() {
    let server = engine().await;
    let proxy = FaultProxy::start(&host_port(&server.url)).await;
    let client = Client::builder()
        .url(format!("http://{}", proxy.address))
        .build()
        .unwrap();
    still_serves(&client, "nothing").await;
    let answer = http_answer("200 OK", &[("X-ClickHouse-Format", "TabSeparated")], b"1\n");
    // Bytes that are not UTF-8, small: in the URL, each byte percent-encoded.
    proxy.set(Fault::Capture(answer.clone()));
    client
        .command("SELECT {s:String}")
        .param("s", Value::String(vec![0xFF, 0xFE, b'a', b'\t']))
        .await
        .unwrap();
    let head = head_of(&proxy.captured()[0]);
    assert!(
        head.lines().next().unwrap().contains("param_s=%FF%FEa%5Ct"),
        "{head}"
    );
    // Large: a form in the body, the bytes raw.
    let mut large = vec![0xFFu8; 3];
    large.extend(std::iter::repeat_n(b'\t', 45_000));
    proxy.set(Fault::Capture(answer));
    client
        .command("SELECT length({s:String})")
        .param("s", Value::String(large.clone()))
        .await
        .unwrap();
    let request = proxy.captured()[1].clone();
    let head = head_of(&request);
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: multipart/form-data; boundary="),
        "{head}"
    );
    let mut escaped = vec![0xFFu8; 3];
    for _ in 0..45_000 {
        escaped.extend_from_slice(b"\\t");
    }
    assert!(
        request.windows(escaped.len()).any(|w| w == escaped),
        "the form holds the exact bytes"
    );
    proxy.set(Fault::Forward);
    // And the server takes it: 90 KB escaped, once `Parsed Url is not a valid Uri`.
    let text = "\t".repeat(45_000);
    let length: u64 = client
        .query("SELECT length({s:String})")
        .param("s", text.as_str())
        .scalar()
        .await
        .unwrap();
    assert_eq!(length, 45_000);
    // A large parameter with a large statement: both in the form.
    let padding = format!("/* {} */", "x".repeat(20_000));
    let length: u64 = client
        .query(format!("SELECT length({{s:String}}) {padding}"))
        .param("s", text.as_str())
        .scalar()
        .await
        .unwrap();
    assert_eq!(length, 45_000);
}

/// A server on loopback that runs `serve` on each connection; its address.
async fn fake_server<F, A>(serve: F) -> String
where
    F: Fn(TcpStream) -> A + Send + 'static,
    A: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(serve(socket));
        }
    });
    address
}

/// A fake native server's side of the handshake: the client's hello read, ours (revision
/// 54460) sent; then the addendum, the query and its empty data block, as they came (`None`
/// when the client went away first).
async fn native_query(socket: &mut TcpStream, buf: &mut [u8]) -> Option<Vec<u8>> {
    socket.read(buf).await.ok().filter(|&n| n > 0)?;
    socket.write_all(&native_hello()).await.ok()?;
    Some(until_quiet(socket, buf).await).filter(|query| !query.is_empty())
}

/// A fake native server at revision 54460: answers the hello, keeps the Query packet, and ends
/// the query with EndOfStream.
async fn fake_native_server() -> (String, Arc<Mutex<Vec<u8>>>) {
    let kept: Arc<Mutex<Vec<u8>>> = Arc::default();
    let keep = kept.clone();
    let address = fake_server(move |mut socket| {
        let keep = keep.clone();
        async move {
            let mut buf = vec![0u8; 64 * 1024];
            // Keep the query, then end it.
            let Some(got) = native_query(&mut socket, &mut buf).await else {
                return;
            };
            keep.lock().unwrap().extend_from_slice(&got);
            let _ = socket.write_all(&[5]).await; // EndOfStream
            let _ = tokio::time::timeout(Duration::from_secs(2), socket.read(&mut buf)).await;
        }
    })
    .await;
    (address, kept)
}

#[tokio::test]
async fn native_parameters_travel_exactly() {
    let (address, kept) = fake_native_server().await;
    let client = Client::builder()
        .url(format!("tcp://{address}"))
        .build()
        .unwrap();
    client
        .command("SELECT {s:String}")
        .param("s", Value::String(vec![0xFF, b'\'', 0xFE]))
        .await
        .unwrap();
    let packet = kept.lock().unwrap().clone();
    // The parameter: its name, the custom flag, and `'\xff\\'\xfe'` (quoted, quote escaped).
    let expected = [
        &[1u8, b's', 2, 6][..],
        &[b'\'', 0xFF, b'\\', b'\'', 0xFE, b'\''][..],
    ]
    .concat();
    assert!(
        packet.windows(expected.len()).any(|w| w == expected),
        "{packet:?}"
    );
}

/// A fake host that answers every query with one row (`x UInt8` = 7) and then breaks the
/// connection before the result ends: over HTTP a Native body that claims 1,000 bytes, over
/// the native protocol (revision 54460) a Data packet and no EndOfStream. Returns its address
/// and how many queries it answered.
async fn host_that_breaks_after_rows(native: bool) -> (String, Arc<AtomicUsize>) {
    let answered: Arc<AtomicUsize> = Arc::default();
    let count = answered.clone();
    let address = fake_server(move |mut socket| {
        let count = count.clone();
        async move {
            let mut buf = vec![0u8; 64 * 1024];
            let answer = if native {
                if native_query(&mut socket, &mut buf).await.is_none() {
                    return;
                }
                // Data, no table name, block info (not overflows, bucket -1), 1 column, 1 row:
                // `x`, `UInt8`, no custom serialization, 7.
                hex("01_00_0100_02ffffffff_00_01_01_0178_0555496e7438_00_07")
            } else {
                let request = until_quiet(&mut socket, &mut buf).await;
                if request.windows(10).any(|w| w == b"hostName()") {
                    // What the client asks a host first: its version and zone.
                    let info = b"24.8.1.1\tUTC\tfake\n";
                    let _ = socket.write_all(&http_answer("200 OK", &[], info)).await;
                    let _ = socket.shutdown().await;
                    return;
                }
                // One column `x` of type UInt8, one row: 7.
                let mut answer =
                    b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n"
                        .to_vec();
                answer.extend_from_slice(&hex("010101780555496e743807"));
                answer
            };
            count.fetch_add(1, Ordering::Relaxed);
            let _ = socket.write_all(&answer).await;
            // The row reaches the client on its own before the connection breaks.
            tokio::time::sleep(Duration::from_millis(100)).await;
            let _ = socket.shutdown().await;
        }
    })
    .await;
    (address, answered)
}

/// A client of two hosts: the breaking fake first, the real server second.
fn breaking_first(fake: &str, server: &Server) -> Client {
    let scheme = server.client_url.split("://").next().unwrap_or("http");
    Client::builder()
        .url(format!("{scheme}://{fake}"))
        .hosts([fake.to_owned(), host_port(&server.client_url)])
        .compression(clickhouse_connect::Compression::None)
        .request_timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// A result collected whole (`fetch`, `scalar`, `fetch_all`, `fetch_rows`) has given the
/// caller nothing when the connection breaks after some rows: the query starts over on the
/// next host and the rows of the broken answer are dropped. A stream that has handed out a
/// block keeps the failure. Over HTTP (both engines) and the native protocol (18.16).
#[tokio::test]
async fn a_result_broken_after_rows_starts_over_on_the_next_host() {
    #[derive(Debug, PartialEq, serde::Deserialize, clickhouse_connect::FromBlock)]
    struct Row {
        x: u8,
    }
    const SQL: &str = "SELECT toUInt8(42) AS x";
    let mut servers = Vec::new();
    for server in http_servers().await {
        servers.push((server, host_that_breaks_after_rows(false).await));
    }
    servers.push((legacy_tcp().await, host_that_breaks_after_rows(true).await));
    for (server, (fake, answered)) in servers {
        let name = server.name;

        let result = breaking_first(&fake, &server).query(SQL).fetch().await;
        let rows: Vec<u8> = result
            .unwrap_or_else(|e| panic!("{name}: fetch: {e:?}"))
            .rows()
            .map(|row| row.get::<u8>(0).unwrap())
            .collect();
        assert_eq!(rows, [42], "{name}: fetch");
        assert_eq!(answered.load(Ordering::Relaxed), 1, "{name}");

        let x = breaking_first(&fake, &server)
            .query(SQL)
            .scalar::<u8>()
            .await;
        assert_eq!(x.ok(), Some(42), "{name}: scalar");

        let rows = breaking_first(&fake, &server)
            .query(SQL)
            .fetch_all::<Row>()
            .await;
        assert_eq!(rows.ok(), Some(vec![Row { x: 42 }]), "{name}: fetch_all");

        let rows = breaking_first(&fake, &server)
            .query(SQL)
            .fetch_rows::<Row>()
            .await;
        assert_eq!(rows.ok(), Some(vec![Row { x: 42 }]), "{name}: fetch_rows");
        assert_eq!(answered.load(Ordering::Relaxed), 4, "{name}");

        // A stream hands the fake's row out, then the failure: no rows twice.
        let mut stream = breaking_first(&fake, &server)
            .query(SQL)
            .stream()
            .await
            .unwrap();
        let block = stream
            .next_block()
            .await
            .unwrap()
            .expect("the fake's block");
        assert!(
            matches!(block.column(0).map(|c| c.data()), Some(ColumnData::UInt8(x)) if x == &[7]),
            "{name}: {block:?}"
        );
        let err = stream.next_block().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connection, "{name}: {err:?}");

        // A query marked not safe to repeat is not repeated.
        let err = breaking_first(&fake, &server)
            .query(SQL)
            .idempotent(false)
            .fetch()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Connection, "{name}: {err:?}");
        assert_eq!(answered.load(Ordering::Relaxed), 6, "{name}");
    }
}
