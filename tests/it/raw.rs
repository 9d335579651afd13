//! Pass-through formats: `Query::raw` and `insert_raw` against the servers' own output and
//! input, over HTTP on 26.9 and 18.16; the native protocol refuses them.

use bytes::Bytes;
use clickhouse_connect::{Client, Compression, ErrorKind};
use futures_util::stream;

use crate::common::{Server, client_for, engine, legacy, legacy_tcp};

async fn raw_bytes(
    client: &Client,
    sql: &str,
    format: &str,
) -> clickhouse_connect::Result<Vec<u8>> {
    let mut answer = client.query(sql).raw(format).await?;
    let mut out = Vec::new();
    while let Some(chunk) = answer.next_chunk().await? {
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// The server's own answer to `sql` in `format`, by a plain HTTP request.
async fn server_bytes(server: &Server, sql: &str, format: &str) -> Vec<u8> {
    let r = server
        .post(&[("default_format", format)], sql.to_owned())
        .await;
    assert_eq!(r.status, 200, "{}: {}", server.name, r.text());
    r.body
}

const MIXED: &str = "SELECT number AS n, toString(number) AS s, \
     if(number % 3 = 0, NULL, number * 1.5) AS f, [number, number + 1] AS a, \
     'quote\"tab\\tnew\\nline' AS t, toDate('2026-01-02') + number AS d \
     FROM numbers(5000) ORDER BY n";

#[tokio::test]
async fn raw_answers_are_the_servers_bytes() {
    for server in [engine().await, legacy().await] {
        // Compression does not apply to pass-through answers: they are the server's bytes.
        for compression in [Compression::None, Compression::Lz4] {
            let client = client_for(&server, compression);
            for format in ["CSV", "TSVWithNames", "JSONEachRow", "Native", "RowBinary"] {
                let ours = raw_bytes(&client, MIXED, format).await.unwrap();
                let theirs = server_bytes(&server, MIXED, format).await;
                assert!(!ours.is_empty(), "{} {format}", server.name);
                assert!(ours == theirs, "{} {format}: the bytes differ", server.name);
            }
        }
    }
    // A binary format only the new engine writes.
    let server = engine().await;
    let client = client_for(&server, Compression::Lz4);
    let parquet = raw_bytes(&client, MIXED, "Parquet").await.unwrap();
    assert!(parquet.starts_with(b"PAR1") && parquet.ends_with(b"PAR1"));
    assert_eq!(parquet, server_bytes(&server, MIXED, "Parquet").await);
    // The SQL's own FORMAT clause wins over the asked format.
    let csv = raw_bytes(&client, "SELECT 1, 'a' FORMAT CSV", "JSONEachRow")
        .await
        .unwrap();
    assert_eq!(csv, b"1,\"a\"\n");
}

#[tokio::test]
async fn raw_answers_stream_and_cancel() {
    // An endless answer: its bytes arrive while it runs, and cancelling stops the server's work
    // (18.16, whose system.processes shows the client's query ids).
    let server = legacy().await;
    let client = client_for(&server, Compression::None);
    let mut answer = client
        .query("SELECT number FROM system.numbers SETTINGS max_block_size = 1000")
        .query_id("raw-cancel")
        .raw("TSV")
        .await
        .unwrap();
    let mut received = 0;
    while received < 1 << 20 {
        received += answer.next_chunk().await.unwrap().unwrap().len();
    }
    server.assert_running("raw-cancel").await;
    answer.cancel().await.unwrap();
    server.assert_gone("raw-cancel").await;

    // A stream dropped half read is stopped too.
    let mut answer = client
        .query("SELECT number FROM system.numbers SETTINGS max_block_size = 1000")
        .query_id("raw-drop")
        .raw("RowBinary")
        .await
        .unwrap();
    answer.next_chunk().await.unwrap().unwrap();
    drop(answer);
    server.assert_gone("raw-drop").await;
}

#[tokio::test]
async fn an_exception_after_the_data_started_is_an_error() {
    for server in [engine().await, legacy().await] {
        let client = client_for(&server, Compression::None);
        let sql = "SELECT number, throwIf(number = 300000) FROM numbers(400000) \
                   SETTINGS max_block_size = 1000";
        let mut answer = client.query(sql).raw("CSV").await.unwrap();
        let mut received = 0;
        let error = loop {
            match answer.next_chunk().await {
                Ok(Some(chunk)) => received += chunk.len(),
                Ok(None) => panic!("{}: the answer ended without its exception", server.name),
                Err(e) => break e,
            }
        };
        assert!(received > 0, "{}: data came first", server.name);
        assert_eq!(error.server_code(), Some(395), "{}: {error}", server.name);
        // Nothing more comes after the error.
        assert!(answer.next_chunk().await.unwrap().is_none());
    }
}

#[tokio::test]
async fn raw_errors_are_the_servers() {
    for server in [engine().await, legacy().await] {
        let client = client_for(&server, Compression::None);
        let unknown = raw_bytes(&client, "SELECT 1", "NoSuchFormat")
            .await
            .unwrap_err();
        assert_eq!(
            unknown.server_code(),
            Some(73),
            "{}: {unknown}",
            server.name
        );
        let table = raw_bytes(&client, "SELECT * FROM no_such_db.t", "CSV")
            .await
            .unwrap_err();
        assert_eq!(table.server_code(), Some(81), "{}: {table}", server.name);
        let name = raw_bytes(&client, "SELECT 1", "CSV&readonly=2")
            .await
            .unwrap_err();
        assert_eq!(name.kind(), ErrorKind::InvalidInput, "{name}");
    }
}

/// `data` cut into pieces of `size` bytes (cuts fall inside rows).
fn pieces(
    data: &str,
    size: usize,
) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> + use<> {
    let chunks: Vec<std::io::Result<Bytes>> = data
        .as_bytes()
        .chunks(size)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    stream::iter(chunks)
}

#[tokio::test]
async fn raw_inserts_stream_any_input_format() {
    for server in [engine().await, legacy().await] {
        let db = server.fresh_database("raw_insert").await;
        let client = client_for(&server, Compression::Lz4);
        client
            .command(format!(
                "CREATE TABLE {db}.t (id UInt32, name String, score Float64) \
                 ENGINE = MergeTree ORDER BY id"
            ))
            .await
            .unwrap();
        let mut csv = String::from("id,name,score\n");
        for i in 0..10_000 {
            csv.push_str(&format!("{i},\"name, {i}\",{}.5\n", i % 7));
        }
        let done = client
            .insert_raw(&format!("{db}.t"), "CSVWithNames", pieces(&csv, 777))
            .await
            .unwrap();
        // 18.16 sends no summary over HTTP; newer servers report the rows written.
        if server.name.contains("26.9") {
            assert_eq!(done.summary.written_rows, 10_000);
            assert_eq!(done.rows, 10_000);
        }
        let json = "{\"id\":20000,\"name\":\"j\",\"score\":1}\n{\"id\":20001,\"name\":\"k\",\"score\":2}\n";
        client
            .insert_raw("t", "JSONEachRow", pieces(json, 5))
            .database(&db)
            .await
            .unwrap();
        // A column subset, with a setting for the format.
        client
            .insert_raw(&format!("{db}.t"), "CSV", pieces("30000;semi\n", 3))
            .columns(&["id", "name"])
            .setting("format_csv_delimiter", ";")
            .await
            .unwrap();
        let (count, sum): (u64, u64) = {
            let r = client
                .query(format!("SELECT count(), sum(id) FROM {db}.t"))
                .fetch()
                .await
                .unwrap();
            let row = r.first_row().unwrap();
            (row.get(0).unwrap(), row.get(1).unwrap())
        };
        assert_eq!(count, 10_003, "{}", server.name);
        assert_eq!(sum, (0..10_000u64).sum::<u64>() + 20_000 + 20_001 + 30_000);

        // Data the server cannot parse: its error, with its code.
        let bad = client
            .insert_raw(&format!("{db}.t"), "CSV", pieces("1,a,notanumber\n", 100))
            .await
            .unwrap_err();
        assert!(bad.server().is_some(), "{}: {bad}", server.name);

        // A body that fails to read: that error, not the broken request.
        let failing = stream::iter(vec![
            Ok(Bytes::from_static(b"40000,x,1\n")),
            Err(std::io::Error::other("the disk went away")),
        ]);
        let read = client
            .insert_raw(&format!("{db}.t"), "CSV", failing)
            .await
            .unwrap_err();
        assert_eq!(read.kind(), ErrorKind::Io, "{}: {read}", server.name);
        assert!(read.to_string().contains("the disk went away"), "{read}");
        client.command(format!("DROP DATABASE {db}")).await.unwrap();
    }
}

#[tokio::test]
async fn the_native_protocol_refuses_pass_through_formats() {
    let server = legacy_tcp().await;
    let db = server.fresh_database("raw_tcp").await;
    let client = client_for(&server, Compression::Lz4);
    client
        .command(format!("CREATE TABLE {db}.t (id UInt32) ENGINE = Memory"))
        .await
        .unwrap();
    let query = raw_bytes(&client, "SELECT 1", "CSV").await.unwrap_err();
    assert_eq!(query.kind(), ErrorKind::Unsupported, "{query}");
    assert!(query.to_string().contains("HTTP URL"), "{query}");
    let insert = client
        .insert_raw(&format!("{db}.t"), "CSV", pieces("1\n2\n", 2))
        .await
        .unwrap_err();
    assert_eq!(insert.kind(), ErrorKind::Unsupported, "{insert}");
    let count: u64 = client
        .query(format!("SELECT count() FROM {db}.t"))
        .scalar()
        .await
        .unwrap();
    assert_eq!(count, 0);
    // The connection is fine for blocks afterwards.
    assert_eq!(client.query("SELECT 7").scalar::<u8>().await.unwrap(), 7);
    client.command(format!("DROP DATABASE {db}")).await.unwrap();
}
