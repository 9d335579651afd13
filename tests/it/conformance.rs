//! The HTTP front over the 26.9 engine behaves like a ClickHouse server.
//!
//! Each test sends the same requests to the 18.16 server and to the front and checks what both
//! versions share: status classes, headers, Native bytes, error codes, insert then select.
//! Behaviour that only newer servers have (error names, `X-ClickHouse-Summary`, query
//! parameters, `compress=1`) is checked on the 26.9 engine alone; each such check says so.

use std::io::Read;

use crate::common::{Response, Server, both, engine, legacy};

/// A ClickHouse compressed frame (LZ4) holding `SELECT 1+1`, as verified against a real 18.16
/// server (notes: clickhouse-wire-formats.md §3).
const SELECT_1_PLUS_1_LZ4: &[u8] = &[
    0x35, 0x38, 0x0B, 0xCF, 0x98, 0x5F, 0xA8, 0x80, 0x99, 0x43, 0xAA, 0x91, 0x33, 0x99, 0x0B, 0x11,
    0x82, 0x14, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0xA0, b'S', b'E', b'L', b'E', b'C', b'T',
    b' ', b'1', b'+', b'1',
];

fn status_class(r: &Response) -> u16 {
    r.status / 100
}

#[tokio::test]
async fn ping_and_plain_select() {
    for server in both().await {
        let r = server.get(&[("query", "SELECT 1")]).await;
        assert_eq!(r.status, 200, "{}: {}", server.name, r.text());
        assert_eq!(r.text(), "1\n", "{}", server.name);
        assert_eq!(
            r.header("content-type"),
            Some("text/tab-separated-values; charset=UTF-8"),
            "{}",
            server.name
        );
        assert!(
            r.header("x-clickhouse-server-display-name").is_some(),
            "{}: no X-ClickHouse-Server-Display-Name",
            server.name
        );
    }
}

#[tokio::test]
async fn ping_endpoint_answers_ok() {
    for server in both().await {
        let r = server
            .send(reqwest::Client::new().get(format!("{}/ping", server.url)))
            .await;
        assert_eq!(
            (r.status, r.text().as_str()),
            (200, "Ok.\n"),
            "{}",
            server.name
        );
    }
}

#[tokio::test]
async fn query_parameter_and_body_are_joined_with_a_newline() {
    for server in both().await {
        let r = server.post(&[("query", "SELECT length('ab")], "cd')").await;
        assert_eq!(r.status, 200, "{}: {}", server.name, r.text());
        assert_eq!(r.text(), "5\n", "{}", server.name);
    }
}

#[tokio::test]
async fn native_bytes_of_simple_types_are_identical() {
    let sql = "SELECT toUInt8(1) AS a, toInt32(-2) AS i, toUInt64(300) AS u, 'x\\0y' AS s, \
               toFloat64(1.5) AS f, toDate('2020-01-02') AS d, toFixedString('ab', 3) AS fs, \
               [toUInt16(1), 2] AS arr, CAST(NULL AS Nullable(Int8)) AS n \
               FORMAT Native";
    let [new, old] = both().await;
    let a = new.post(&[], sql).await;
    let b = old.post(&[], sql).await;
    assert_eq!(
        (a.status, b.status),
        (200, 200),
        "{} / {}",
        a.text(),
        b.text()
    );
    assert_eq!(a.header("content-type"), Some("application/octet-stream"));
    assert_eq!(b.header("content-type"), Some("application/octet-stream"));
    assert!(
        a.body.starts_with(&[9, 1, 1, b'a', 5]),
        "9 columns, 1 row, column `a` UInt8"
    );
    assert_eq!(a.body, b.body, "Native bytes differ between 26.9 and 18.16");
}

#[tokio::test]
async fn default_format_and_format_header() {
    for server in both().await {
        let r = server
            .get(&[
                ("query", "SELECT 1 AS x"),
                ("default_format", "JSONEachRow"),
            ])
            .await;
        assert_eq!(r.status, 200, "{}: {}", server.name, r.text());
        assert_eq!(r.text(), "{\"x\":1}\n", "{}", server.name);
    }
    // 26.9 only: 18.16 predates the X-ClickHouse-Format request header.
    {
        let server = engine().await;
        let r = server
            .send(
                server
                    .post_builder(&[])
                    .header("X-ClickHouse-Format", "CSV")
                    .body("SELECT 1, 'a'"),
            )
            .await;
        assert_eq!(r.status, 200, "{}: {}", server.name, r.text());
        assert_eq!(r.text(), "1,\"a\"\n", "{}", server.name);
    }
}

/// A result larger than one block of the engine still has one header (names, types, envelope):
/// the front must not format each streamed chunk as a whole output.
#[tokio::test]
async fn headers_and_envelopes_come_once_per_result() {
    // 300,000 rows are several blocks (and several chunks of the 26.9 engine).
    let sql = "SELECT number AS only_once FROM numbers(300000) FORMAT ";
    let check = |server: &Server, format: &str, r: Response| {
        assert_eq!(r.status, 200, "{} {format}: {}", server.name, r.text());
        let names = r
            .body
            .windows(b"only_once".len())
            .filter(|w| *w == b"only_once")
            .count();
        // JSON names the column in its header and in every row.
        let expected = if format == "JSON" { 300_001 } else { 1 };
        assert_eq!(names, expected, "{} {format}", server.name);
    };
    for server in both().await {
        for format in ["TSVWithNames", "TSVWithNamesAndTypes", "JSON"] {
            check(
                &server,
                format,
                server.post(&[], format!("{sql}{format}")).await,
            );
        }
    }
    // 26.9 only: 18.16 has neither format.
    let server = engine().await;
    for format in ["RowBinaryWithNamesAndTypes", "CSVWithNamesAndTypes"] {
        check(
            &server,
            format,
            server.post(&[], format!("{sql}{format}")).await,
        );
    }
}

#[tokio::test]
async fn errors_keep_the_code_and_the_status_class() {
    for server in both().await {
        let unknown_table = server
            .post(&[], "SELECT * FROM no_such_table_anywhere")
            .await;
        assert_eq!(
            status_class(&unknown_table),
            4,
            "{}: {}",
            server.name,
            unknown_table.text()
        );
        assert_eq!(
            unknown_table.error_code(),
            Some(60),
            "{}: {}",
            server.name,
            unknown_table.text()
        );

        let syntax = server.post(&[], "SELEC 1").await;
        assert_eq!(syntax.status, 400, "{}: {}", server.name, syntax.text());
        assert_eq!(syntax.error_code(), Some(62), "{}", server.name);

        let thrown = server.post(&[], "SELECT throwIf(1)").await;
        assert_eq!(thrown.status, 500, "{}: {}", server.name, thrown.text());
        assert_eq!(
            thrown.error_code(),
            Some(395),
            "{}: {}",
            server.name,
            thrown.text()
        );

        let unknown_setting = server
            .post(&[("no_such_setting_xyz", "1")], "SELECT 1")
            .await;
        assert_eq!(status_class(&unknown_setting), 4, "{}", server.name);
        assert_eq!(
            unknown_setting.error_code(),
            Some(115),
            "{}: {}",
            server.name,
            unknown_setting.text()
        );
    }
}

#[tokio::test]
async fn newer_servers_name_the_error_and_send_its_code_in_a_header() {
    // 26.9 only: 18.16 predates X-ClickHouse-Exception-Code and the `(NAME)` part of the message.
    let server = engine().await;
    let r = server
        .post(&[], "SELECT * FROM no_such_table_anywhere")
        .await;
    assert_eq!(r.status, 404, "{}", r.text());
    assert_eq!(r.header("x-clickhouse-exception-code"), Some("60"));
    let text = r.text();
    assert!(text.starts_with("Code: 60. DB::Exception: "), "{text}");
    assert!(text.contains("(UNKNOWN_TABLE)"), "{text}");
    assert!(
        text.trim_end().ends_with(')') && text.contains("(version 26.9"),
        "{text}"
    );
}

#[tokio::test]
async fn settings_in_the_url_apply_to_that_query_only() {
    for server in both().await {
        let limited = server
            .post(
                &[("max_result_rows", "1"), ("result_overflow_mode", "throw")],
                "SELECT number FROM system.numbers LIMIT 10",
            )
            .await;
        assert_eq!(
            limited.error_code(),
            Some(396),
            "{}: {}",
            server.name,
            limited.text()
        );
        let sql = "SELECT value FROM system.settings WHERE name = 'max_block_size'";
        let set = server.run(sql, &[("max_block_size", "1234")]).await;
        assert_eq!(set, "1234\n", "{}", server.name);
        let after = server.run(sql, &[]).await;
        assert_ne!(
            after, "1234\n",
            "{}: the setting leaked into the next query",
            server.name
        );
    }
}

#[tokio::test]
async fn database_parameter_selects_the_current_database() {
    for server in both().await {
        let r = server
            .run(
                "SELECT currentDatabase(), count() FROM one",
                &[("database", "system")],
            )
            .await;
        assert_eq!(r, "system\t1\n", "{}", server.name);
    }
}

#[tokio::test]
async fn sessions_keep_settings_and_temporary_tables() {
    for server in both().await {
        let session = format!("conformance-{}-{}", server.name.len(), std::process::id());
        let s = [("session_id", session.as_str())];
        server.run("SET max_block_size = 4321", &s).await;
        server
            .run("CREATE TEMPORARY TABLE tmp_conf (x UInt8)", &s)
            .await;
        server.run("INSERT INTO tmp_conf VALUES (7)", &s).await;
        let sql = "SELECT value FROM system.settings WHERE name = 'max_block_size'";
        assert_eq!(server.run(sql, &s).await, "4321\n", "{}", server.name);
        assert_eq!(
            server.run("SELECT x FROM tmp_conf", &s).await,
            "7\n",
            "{}",
            server.name
        );
        assert_ne!(
            server.run(sql, &[]).await,
            "4321\n",
            "{}: session leaked",
            server.name
        );
        let outside = server.post(&[], "SELECT x FROM tmp_conf").await;
        assert_eq!(
            outside.error_code(),
            Some(60),
            "{}: {}",
            server.name,
            outside.text()
        );
    }
}

#[tokio::test]
async fn insert_native_then_select() {
    for server in both().await {
        let db = server.fresh_database("insert_native").await;
        let table = format!("{db}.t");
        server
            .run(
                &format!("CREATE TABLE {table} (id UInt64, name String, score Nullable(Float64)) ENGINE = Memory"),
                &[],
            )
            .await;
        // The Native payload is produced by the server itself, then sent back in the body.
        let payload = server
            .post(
                &[],
                "SELECT number AS id, concat('n', toString(number)) AS name, \
                 if(number % 2 = 0, NULL, number / 2) AS score FROM system.numbers LIMIT 1000 FORMAT Native",
            )
            .await;
        assert_eq!(payload.status, 200, "{}: {}", server.name, payload.text());
        let insert = format!("INSERT INTO {table} FORMAT Native");
        let r = server
            .post(&[("query", insert.as_str())], payload.body.clone())
            .await;
        assert_eq!(r.status, 200, "{}: {}", server.name, r.text());
        // Text formats in the body after the statement work too.
        server
            .run(
                &format!("INSERT INTO {table} FORMAT TSV\n5000\tlast\t\\N\n"),
                &[],
            )
            .await;
        server
            .run(
                &format!("INSERT INTO {table} VALUES (6000, 'values', 1.25)"),
                &[],
            )
            .await;
        let summary = server
            .run(
                &format!("SELECT count(), sum(id), countIf(score IS NULL), max(name) FROM {table}"),
                &[],
            )
            .await;
        assert_eq!(summary, "1002\t510500\t501\tvalues\n", "{}", server.name);
        server.run(&format!("DROP DATABASE {db}"), &[]).await;
    }
}

#[tokio::test]
async fn compressed_request_bodies_are_checked() {
    for server in both().await {
        let ok = server
            .post(&[("decompress", "1")], SELECT_1_PLUS_1_LZ4)
            .await;
        assert_eq!(
            (ok.status, ok.text().as_str()),
            (200, "2\n"),
            "{}",
            server.name
        );
        let mut corrupt = SELECT_1_PLUS_1_LZ4.to_vec();
        corrupt[3] ^= 0xFF;
        let bad = server.post(&[("decompress", "1")], corrupt).await;
        assert_ne!(status_class(&bad), 2, "{}", server.name);
        assert_eq!(
            bad.error_code(),
            Some(40),
            "{}: {}",
            server.name,
            bad.text()
        );
    }
}

#[tokio::test]
async fn compressed_responses_use_clickhouse_frames() {
    // 26.9 only: the 18.16 build in this sandbox answers `compress=1` with an empty body.
    let server = engine().await;
    let r = server
        .post(&[("compress", "1")], "SELECT 'hello' FORMAT TSV")
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let frame = &r.body;
    assert!(frame.len() > 25, "a frame has a 25-byte header");
    assert_eq!(frame[16], 0x82, "LZ4 method byte");
    let compressed = u32::from_le_bytes(frame[17..21].try_into().unwrap()) as usize;
    let decompressed = u32::from_le_bytes(frame[21..25].try_into().unwrap()) as usize;
    assert_eq!(
        frame.len(),
        16 + compressed,
        "one frame holds the whole small answer"
    );
    assert_eq!(decompressed, "hello\n".len());
}

#[tokio::test]
async fn http_gzip_compression() {
    for server in both().await {
        let r = server
            .send(
                server
                    .post_builder(&[("enable_http_compression", "1")])
                    .header("Accept-Encoding", "gzip")
                    .body("SELECT number FROM system.numbers LIMIT 3"),
            )
            .await;
        assert_eq!(r.status, 200, "{}", server.name);
        assert_eq!(
            r.header("content-encoding"),
            Some("gzip"),
            "{}",
            server.name
        );
        let mut text = String::new();
        flate2::read::GzDecoder::new(&r.body[..])
            .read_to_string(&mut text)
            .expect("valid gzip");
        assert_eq!(text, "0\n1\n2\n", "{}", server.name);
    }
}

#[tokio::test]
async fn wrong_credentials_are_refused() {
    let new = engine().await;
    let r = new
        .get(&[
            ("query", "SELECT 1"),
            ("user", "alice"),
            ("password", "wrong"),
        ])
        .await;
    assert_eq!(status_class(&r), 4, "{}", r.text());
    assert_eq!(r.error_code(), Some(516), "{}", r.text());
    assert!(r.text().contains("(AUTHENTICATION_FAILED)"), "{}", r.text());
    // 18.16 predates code 516: it reports WRONG_PASSWORD (193) with HTTP 401.
    let old = legacy().await;
    let r = old
        .get(&[
            ("query", "SELECT 1"),
            ("user", "alice"),
            ("password", "wrong"),
        ])
        .await;
    assert_eq!((r.status, r.error_code()), (401, Some(193)), "{}", r.text());

    // The right password works through Basic auth and through the X-ClickHouse-* headers.
    // (The 26.9 engine has no users of its own: the front checks the credentials, then runs the
    // query as the engine's only user, so `currentUser()` is not compared.)
    for server in [new, old] {
        let basic = server
            .send(
                server
                    .post_builder(&[])
                    .basic_auth("alice", Some("secret"))
                    .body("SELECT 1"),
            )
            .await;
        assert_eq!(
            (basic.status, basic.text().as_str()),
            (200, "1\n"),
            "{}",
            server.name
        );
        let headers = server
            .send(
                server
                    .post_builder(&[])
                    .header("X-ClickHouse-User", "alice")
                    .header("X-ClickHouse-Key", "secret")
                    .body("SELECT 1"),
            )
            .await;
        assert_eq!(
            (headers.status, headers.text().as_str()),
            (200, "1\n"),
            "{}",
            server.name
        );
        let wrong = server
            .send(
                server
                    .post_builder(&[])
                    .basic_auth("alice", Some("nope"))
                    .body("SELECT 1"),
            )
            .await;
        assert_eq!(status_class(&wrong), 4, "{}: {}", server.name, wrong.text());
    }
}

#[tokio::test]
async fn newer_servers_send_query_id_summary_format_and_timezone() {
    // 26.9 only: 18.16 sends none of these headers.
    let server = engine().await;
    let r = server
        .post(
            &[
                ("query_id", "conformance-query-id"),
                ("wait_end_of_query", "1"),
            ],
            "SELECT number FROM numbers(10)",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("x-clickhouse-query-id"),
        Some("conformance-query-id")
    );
    assert_eq!(r.header("x-clickhouse-format"), Some("TabSeparated"));
    assert!(
        r.header("x-clickhouse-timezone")
            .is_some_and(|tz| !tz.is_empty())
    );
    let summary: serde_json::Value = serde_json::from_str(
        r.header("x-clickhouse-summary")
            .expect("X-ClickHouse-Summary"),
    )
    .unwrap();
    assert_eq!(summary["read_rows"], "10", "{summary}");
    assert_eq!(summary["result_rows"], "10", "{summary}");
}

#[tokio::test]
async fn newer_servers_bind_query_parameters() {
    // 26.9 only: 18.16 answers `param_x` with "Unknown setting".
    let server = engine().await;
    let r = server
        .post(
            // Parameter values are in the escaped text form: `\\` is a backslash, `\t` a tab.
            &[("param_name", r#"it's \\ "quoted"\t"#), ("param_n", "41")],
            "SELECT {name:String}, {n:UInt8} + 1",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    // TSV output escapes the quote, the backslash and the tab again.
    assert_eq!(r.text(), "it\\'s \\\\ \"quoted\"\\t\t42\n");
    let old: Server = legacy().await;
    let r = old.post(&[("param_n", "41")], "SELECT 1").await;
    assert_eq!(
        r.error_code(),
        Some(115),
        "18.16 has no query parameters: {}",
        r.text()
    );
}
