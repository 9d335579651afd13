//! The `Client` against both engines and both transports: every method and option.
//!
//! The suite runs on the 26.9 engine over HTTP, and on the 18.16 server over HTTP and over
//! native TCP. Declared version checks (no error catching decides what runs):
//! - per-query settings over TCP: not on 18.16 (protocol 54412 predates settings as strings, 54429);
//! - server-side `{name:Type}` parameters: 26.9 only (18.16 rejects `param_*` as unknown settings);
//! - `X-ClickHouse-Summary` / `X-ClickHouse-Query-Id` headers: 26.9 only (18.16 sends neither);
//! - error names (`UNKNOWN_TABLE`): 26.9 only (18.16 messages carry the code alone);
//! - `AUTHENTICATION_FAILED` (516): 26.9; 18.16 reports `WRONG_PASSWORD` (193).

use std::time::Duration;

use clickhouse_connect::{
    Block, Client, Column, Compression, DataType, ErrorCode, ErrorKind, Value,
};
use futures_util::StreamExt;

use crate::common::{Server, both_clients, client_for, engine, is_tcp, legacy, legacy_tcp};

fn is_new(server: &Server) -> bool {
    server.name.contains("26.9")
}

#[tokio::test]
async fn ping_and_server_version() {
    for (server, client) in both_clients().await {
        client.ping().await.unwrap();
        let version = client.server_version().await.unwrap();
        let expected = if is_new(&server) { "26.9." } else { "18.16." };
        assert!(version.starts_with(expected), "{}: {version}", server.name);
    }
}

#[tokio::test]
async fn command_returns_summary_and_scalar() {
    for (server, client) in both_clients().await {
        let db = server.fresh_database("command").await;
        let ddl = client
            .command(format!("CREATE TABLE {db}.t (x UInt8) ENGINE = Memory"))
            .await
            .unwrap();
        assert_eq!(ddl.output, "", "{}", server.name);
        assert_eq!(ddl.scalar(), None);
        let scalar = client.command("SELECT 40 + 2").await.unwrap();
        assert_eq!(scalar.scalar(), Some("42"), "{}", server.name);
        let inserted = client
            .command(format!(
                "INSERT INTO {db}.t SELECT number FROM system.numbers LIMIT 5"
            ))
            .await
            .unwrap();
        if is_new(&server) {
            assert_eq!(inserted.summary.written_rows, 5, "{}", server.name);
        }
        client.command(format!("DROP DATABASE {db}")).await.unwrap();
    }
}

#[tokio::test]
async fn query_results_as_rows_columns_and_scalars() {
    for (server, client) in both_clients().await {
        let result = client
            .query(
                "SELECT number AS n, toString(number) AS s, if(number % 2 = 0, NULL, number) AS maybe, \
                 [number, number * 2] AS pair FROM system.numbers LIMIT 3",
            )
            .await
            .unwrap();
        assert_eq!(
            result.column_names(),
            ["n", "s", "maybe", "pair"],
            "{}",
            server.name
        );
        let types: Vec<String> = result
            .column_types()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            types,
            ["UInt64", "String", "Nullable(UInt64)", "Array(UInt64)"]
        );
        assert_eq!(result.row_count(), 3);
        assert_eq!(
            result.result_rows()[1],
            vec![
                Value::UInt64(1),
                Value::from("1"),
                Value::UInt64(1),
                Value::Array(vec![Value::UInt64(1), Value::UInt64(2)])
            ]
        );
        assert_eq!(
            result.result_columns()[2],
            vec![Value::Null, Value::UInt64(1), Value::Null]
        );
        let first = result.first_row().unwrap();
        assert_eq!(first.get::<String>("s").unwrap(), "0");
        assert_eq!(first.get::<Option<u64>>(2).unwrap(), None);
        assert_eq!(first.get::<Vec<u64>>("pair").unwrap(), vec![0, 0]);
        let rows: Vec<(u64, String)> = result
            .rows()
            .map(|r| (r.get(0).unwrap(), r.get(1).unwrap()))
            .collect();
        assert_eq!(rows[2], (2, "2".to_owned()));
        let wrong = first.get::<u8>("s").unwrap_err();
        assert!(
            wrong.to_string().contains("column `s` of type String"),
            "{wrong}"
        );
        let missing = first.get::<u8>("nope").unwrap_err();
        assert!(
            missing.to_string().contains("no column `nope`"),
            "{missing}"
        );

        let total: u64 = client
            .query("SELECT sum(number) FROM (SELECT number FROM system.numbers LIMIT 10)")
            .scalar()
            .await
            .unwrap();
        assert_eq!(total, 45, "{}", server.name);
        let empty = client.query("SELECT 1 WHERE 0").await.unwrap();
        assert_eq!(empty.row_count(), 0);
        assert!(empty.scalar::<u8>().is_err());
    }
}

#[tokio::test]
async fn query_stream_yields_blocks_as_they_arrive() {
    for (server, client) in both_clients().await {
        let stream = client
            // The SETTINGS clause rather than `.setting`: 18.16 over TCP cannot take per-query settings.
            .query("SELECT number, toString(number) FROM system.numbers LIMIT 1000000 SETTINGS max_block_size = 65536")
            .stream()
            .await
            .unwrap();
        let mut blocks = 0;
        let mut rows = 0;
        let mut sum = 0u64;
        let mut stream = Box::pin(stream.into_stream());
        while let Some(block) = stream.next().await {
            let block: Block = block.unwrap();
            blocks += 1;
            rows += block.rows();
            if let clickhouse_connect::column::ColumnData::UInt64(values) =
                block.columns()[0].data()
            {
                sum += values.iter().sum::<u64>();
            } else {
                panic!("UInt64 column expected");
            }
        }
        assert_eq!(rows, 1_000_000, "{}", server.name);
        assert_eq!(sum, 999_999 * 1_000_000 / 2);
        assert!(
            blocks >= 10,
            "{}: {blocks} blocks: the result must arrive in pieces",
            server.name
        );
    }
}

#[tokio::test]
async fn recycled_blocks_leave_every_next_block_whole() {
    for (server, client) in both_clients().await {
        let mut stream = client
            .query(
                "SELECT number, toString(number), \
                 if(number % 3 = 0, NULL, toString(number * 7)), range(number % 4) \
                 FROM system.numbers LIMIT 300000 SETTINGS max_block_size = 65536",
            )
            .stream()
            .await
            .unwrap();
        let (mut rows, mut blocks) = (0u64, 0);
        while let Some(block) = stream.next_block().await.unwrap() {
            // Each block holds the numbers that follow the ones before, their text, a NULL
            // or other text, and an array, whether it was read into the buffers of a block
            // given back (over HTTP) or the block before it waits to be freed (over TCP).
            for (i, row) in block
                .rows_as::<(u64, String, Option<String>, Vec<u64>)>(chrono_tz::Tz::UTC)
                .enumerate()
            {
                let (number, text, note, tags) = row.unwrap();
                assert_eq!(number, rows + i as u64, "{}", server.name);
                assert_eq!(text, number.to_string(), "{}", server.name);
                let expected = (number % 3 != 0).then(|| (number * 7).to_string());
                assert_eq!(note, expected, "{}", server.name);
                assert_eq!(tags, (0..number % 4).collect::<Vec<_>>(), "{}", server.name);
            }
            rows += block.rows() as u64;
            blocks += usize::from(block.rows() > 0);
            stream.recycle(block);
        }
        assert_eq!(rows, 300_000, "{}", server.name);
        assert!(blocks >= 4, "{}: {blocks} blocks", server.name);
    }
}

/// `Tuple()` has no element columns: its column keeps a row count of its own, so a table with
/// such a column takes inserts, and `Tuple()` values read back inside arrays, `Variant` and
/// `Dynamic` (whose shared variant places values by their type's row count).
#[tokio::test]
async fn empty_tuples_read_insert_and_sit_inside_dynamic() {
    let server = engine().await;
    let client = client_for(&server, Compression::None);
    let result = client
        .query(
            "SELECT tuple() AS t, number AS n, [tuple(), tuple()] AS a, \
             CAST(tuple(), 'Variant(Tuple(), UInt8)') AS v, \
             CAST(tuple(), 'Dynamic(max_types=0)') AS d, \
             CAST([tuple(), tuple()], 'Dynamic(max_types=0)') AS da FROM numbers(3)",
        )
        .await
        .unwrap();
    let block = &result.blocks()[0];
    assert_eq!(block.rows(), 3);
    assert_eq!(
        block.columns()[0].len(),
        3,
        "the Tuple() column counts its rows"
    );
    let empty = Value::Tuple(Vec::new());
    for row in result.rows() {
        let values = row.values();
        assert_eq!(values[0], empty);
        assert_eq!(values[2], Value::Array(vec![empty.clone(), empty.clone()]));
        assert_eq!(values[3].untyped(), &empty, "{values:?}");
        assert_eq!(values[4].untyped(), &empty, "{values:?}");
        // In the shared variant, as RowBinary: `Tuple()` values take no bytes there.
        assert_eq!(
            values[5].untyped(),
            &Value::Array(vec![empty.clone(), empty.clone()]),
            "{values:?}"
        );
    }

    client
        .command("DROP TABLE IF EXISTS empty_tuples")
        .await
        .unwrap();
    client
        .command("CREATE TABLE empty_tuples (t Tuple(), n UInt8) ENGINE = Memory")
        .await
        .unwrap();
    let inserted = client
        .insert(
            "empty_tuples",
            &[],
            vec![(empty.clone(), 1u8), (empty.clone(), 2u8)],
        )
        .await
        .unwrap();
    assert_eq!(inserted.rows, 2);
    let text = client
        .query("SELECT toString(t), n FROM empty_tuples ORDER BY n")
        .await
        .unwrap();
    let got: Vec<(String, u8)> = text.rows_as().unwrap();
    assert_eq!(got, [("()".to_owned(), 1), ("()".to_owned(), 2)]);
    client.command("DROP TABLE empty_tuples").await.unwrap();
}

#[tokio::test]
async fn inserts_rows_tuples_blocks_and_streams() {
    for (server, client) in both_clients().await {
        let db = server.fresh_database("inserts").await;
        let table = format!("{db}.t");
        client
            .command(format!(
                "CREATE TABLE {table} (id UInt32, name String, score Nullable(Float64), tags Array(String)) ENGINE = Memory"
            ))
            .await
            .unwrap();
        let rows = vec![
            vec![
                Value::from(1u32),
                Value::from("one"),
                Value::Float64(1.5),
                Value::array(["a", "b"]),
            ],
            vec![
                Value::from(2u32),
                Value::from("two"),
                Value::Null,
                Value::array(Vec::<&str>::new()),
            ],
        ];
        let sent = client
            .insert(&table, &["id", "name", "score", "tags"], rows)
            .await
            .unwrap();
        assert_eq!(sent.rows, 2);
        // Tuples, and an empty column list meaning every column.
        let tuples = vec![
            (3u32, "three", Some(3.0f64), Value::array(["c"])),
            (4, "four", None, Value::array(["d"])),
        ];
        client.insert(&table, &[], tuples).await.unwrap();
        // A block.
        let mut block = Block::new();
        let mut ids = Column::empty(DataType::UInt32).unwrap();
        let mut names = Column::empty(DataType::String).unwrap();
        for i in 5..8u32 {
            ids.push_value(&Value::from(i)).unwrap();
            names.push_value(&Value::from(format!("n{i}"))).unwrap();
        }
        block.push("id", ids).unwrap();
        block.push("name", names).unwrap();
        client.insert_block(&table, block).await.unwrap();
        // A stream of 200 000 rows in blocks of 10 000.
        let streamed =
            futures_util::stream::iter(100_000..300_000u32).map(|i| (i, format!("s{i}")));
        let result = Client::builder()
            .url(server.client_url.clone())
            .insert_block_rows(10_000)
            .build()
            .unwrap()
            .insert_stream(&table, &["id", "name"], streamed)
            .await
            .unwrap();
        assert_eq!(result.rows, 200_000, "{}", server.name);
        if is_new(&server) {
            assert_eq!(result.summary.written_rows, 200_000, "{}", server.name);
        }
        let check = client
            .query(format!(
                "SELECT count(), sum(id), countIf(score IS NULL), arrayStringConcat(groupArray(name), ',') FROM \
                 (SELECT * FROM {table} WHERE id < 100 ORDER BY id)"
            ))
            .await
            .unwrap();
        assert_eq!(
            check.result_rows()[0],
            vec![
                Value::UInt64(7),
                Value::UInt64(28),
                Value::UInt64(5),
                Value::from("one,two,three,four,n5,n6,n7")
            ],
            "{}",
            server.name
        );
        let total: u64 = client
            .query(format!("SELECT count() FROM {table}"))
            .scalar()
            .await
            .unwrap();
        assert_eq!(total, 200_007);
        client.command(format!("DROP DATABASE {db}")).await.unwrap();
    }
}

#[tokio::test]
async fn insert_errors_name_the_row_and_column() {
    for (server, client) in both_clients().await {
        let db = server.fresh_database("insert_errors").await;
        let table = format!("{db}.t");
        client
            .command(format!(
                "CREATE TABLE {table} (id UInt8, s String) ENGINE = Memory"
            ))
            .await
            .unwrap();
        let err = client
            .insert(
                &table,
                &["id", "s"],
                vec![(1u32, "ok"), (300u32, "too big")],
            )
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("row 1, column `id` (UInt8)") && text.contains("300"),
            "{}: {text}",
            server.name
        );
        let err = client
            .insert(&table, &["nope"], vec![(1u8,)])
            .await
            .unwrap_err();
        // Over HTTP the client checks the columns (DESCRIBE); over TCP the server does (code 16).
        assert!(
            err.to_string().contains("has no column `nope`")
                || (is_tcp(&server) && err.server_code() == Some(16)),
            "{err}"
        );
        let err = client
            .insert(&table, &["id", "s"], vec![vec![Value::from(1u8)]])
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("has 1 values for 2 columns"),
            "{err}"
        );
        client.command(format!("DROP DATABASE {db}")).await.unwrap();
    }
}

#[tokio::test]
async fn settings_query_id_session_and_database() {
    for (server, client) in both_clients().await {
        let sql = "SELECT value FROM system.settings WHERE name = 'max_block_size'";
        if is_tcp(&server) {
            // Declared: 18.16 speaks protocol 54412, before settings travelled as strings.
            let err = client
                .query(sql)
                .setting("max_block_size", 777)
                .await
                .unwrap_err();
            assert!(err.to_string().contains("54429"), "{err}");
        } else {
            let value: String = client
                .query(sql)
                .setting("max_block_size", 777)
                .scalar()
                .await
                .unwrap();
            assert_eq!(value, "777", "{}", server.name);
            let per_client = Client::builder()
                .url(server.client_url.clone())
                .setting("max_block_size", 888)
                .build()
                .unwrap();
            let value: String = per_client.query(sql).scalar().await.unwrap();
            assert_eq!(value, "888");
            let value: String = per_client
                .query(sql)
                .setting("max_block_size", 999)
                .scalar()
                .await
                .unwrap();
            assert_eq!(value, "999", "the query's setting wins over the client's");
        }

        let session = format!("client-test-{}-{}", std::process::id(), server.name.len());
        client
            .command("SET max_block_size = 4242")
            .session_id(&session)
            .await
            .unwrap();
        let in_session: String = client
            .query(sql)
            .session_id(&session)
            .scalar()
            .await
            .unwrap();
        assert_eq!(in_session, "4242", "{}", server.name);

        let db: String = client
            .query("SELECT currentDatabase()")
            .database("system")
            .scalar()
            .await
            .unwrap();
        assert_eq!(db, "system");
        let in_db = Client::from_dsn(&format!("{}/system", server.client_url)).unwrap();
        let db: String = in_db
            .query("SELECT currentDatabase()")
            .scalar()
            .await
            .unwrap();
        assert_eq!(db, "system");

        let result = client
            .query("SELECT 1")
            .query_id("my-query-id-1")
            .await
            .unwrap();
        assert_eq!(result.query_id(), "my-query-id-1");
    }
}

#[tokio::test]
async fn server_side_parameters_are_typed_and_safe() {
    // 26.9 only: 18.16 has no query parameters.
    let server = engine().await;
    let client = client_for(&server, Compression::Lz4);
    let nasty = [
        "plain",
        "",
        "it's",
        "back\\slash",
        "tab\tnew\nline\rcarriage",
        "nul\0byte",
        "'); DROP TABLE users; --",
        "{other:String}",
        "\\N",
        "日本語 ✓ émoji 🎉",
        "\\'\\\\'",
    ];
    for s in nasty {
        let back: String = client
            .query("SELECT {s:String}")
            .param("s", s)
            .scalar()
            .await
            .unwrap();
        assert_eq!(back, s);
    }
    let row = client
        .query("SELECT {a:Array(String)}, {n:Nullable(Int64)}, {t:Tuple(UInt8, String)}, {m:Map(String, UInt32)}, {u:UUID}")
        .param("a", Value::array(["x'y", "z\\w"]))
        .param("n", Value::Null)
        .param("t", Value::Tuple(vec![Value::from(7u8), Value::from("q'q")]))
        .param("m", Value::Map(vec![(Value::from("k'"), Value::from(5u32))]))
        .param("u", Value::Uuid("61f0c404-5cb3-11e7-907b-a6006ad3dba0".parse().unwrap()))
        .await
        .unwrap()
        .result_rows()
        .remove(0);
    assert_eq!(row[0], Value::array(["x'y", "z\\w"]));
    assert_eq!(row[1], Value::Null);
    assert_eq!(
        row[2],
        Value::Tuple(vec![Value::UInt8(7), Value::from("q'q")])
    );
    assert_eq!(
        row[3],
        Value::Map(vec![(Value::from("k'"), Value::UInt32(5))])
    );
    assert_eq!(row[4].to_string(), "61f0c404-5cb3-11e7-907b-a6006ad3dba0");
    let when = chrono::DateTime::parse_from_rfc3339("2024-02-29T12:34:56.789+05:00").unwrap();
    let value = Value::DateTime(when.with_timezone(&chrono_tz::Tz::UTC));
    let back: chrono::DateTime<chrono::Utc> = client
        .query("SELECT {t:DateTime64(3, 'Asia/Tokyo')}")
        .param("t", value)
        .scalar()
        .await
        .unwrap();
    assert_eq!(
        back,
        when.with_timezone(&chrono::Utc),
        "the instant survives"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

    #[test]
    fn any_string_parameter_round_trips(s in "\\PC*|[\\x00-\\x1f'\\\\\"{}]{0,12}") {
        let back: String = tokio::runtime::Runtime::new().unwrap().block_on(async {
            let server = engine().await;
            client_for(&server, Compression::None).query("SELECT {s:String}").param("s", s.as_str()).scalar().await.unwrap()
        });
        proptest::prop_assert_eq!(back, s);
    }
}

#[tokio::test]
async fn every_compression_round_trips() {
    for server in [engine().await, legacy().await] {
        for compression in [
            Compression::None,
            Compression::Lz4,
            Compression::Zstd(3),
            Compression::Gzip,
        ] {
            let client = client_for(&server, compression);
            let db = server.fresh_database("compression").await;
            let table = format!("{db}.t");
            client
                .command(format!(
                    "CREATE TABLE {table} (i UInt32, s String) ENGINE = Memory"
                ))
                .await
                .unwrap();
            let rows =
                (0..50_000u32).map(|i| (i, format!("value {i} {}", "x".repeat((i % 50) as usize))));
            client.insert(&table, &["i", "s"], rows).await.unwrap();
            let result = client
                .query(format!("SELECT i, s FROM {table} ORDER BY i"))
                .await
                .unwrap();
            assert_eq!(
                result.row_count(),
                50_000,
                "{} {compression:?}",
                server.name
            );
            let last = result.result_rows().pop().unwrap();
            assert_eq!(
                last[1],
                Value::from(format!("value 49999 {}", "x".repeat(49)))
            );
            client.command(format!("DROP DATABASE {db}")).await.unwrap();
        }
    }
}

#[tokio::test]
async fn server_errors_keep_code_name_and_message() {
    for (server, client) in both_clients().await {
        let err = client
            .query("SELECT * FROM no_such_table_xyz")
            .await
            .unwrap_err();
        let Some(e) = err.server() else {
            panic!("{}: {err:?}", server.name)
        };
        assert_eq!(err.kind(), ErrorKind::Server);
        assert_eq!(
            (e.code(), e.code),
            (60, ErrorCode::UnknownTable),
            "{}",
            server.name
        );
        assert!(e.message.contains("no_such_table_xyz"), "{}", e.message);
        // Old servers send no name: it comes from the table of known codes.
        assert_eq!(e.name, "UNKNOWN_TABLE", "{}", server.name);
        if is_new(&server) {
            assert!(
                e.server_version
                    .as_deref()
                    .is_some_and(|v| v.starts_with("26.9"))
            );
        }
        assert_eq!(err.server_code(), Some(60));
        let err = client.command("SELEC 1").await.unwrap_err();
        assert_eq!(err.server_code(), Some(62), "{}: {err}", server.name);
    }
}

#[tokio::test]
async fn exceptions_in_the_middle_of_a_stream_are_reported() {
    for (server, client) in both_clients().await {
        // The error comes after megabytes of output have been sent with status 200.
        let err = client
            .query(
                "SELECT number, throwIf(number = 3000000) FROM system.numbers LIMIT 5000000 SETTINGS max_block_size = 10000",
            )
            .await
            .unwrap_err();
        assert_eq!(err.server_code(), Some(395), "{}: {err:?}", server.name);
    }
}

#[tokio::test]
async fn timeouts_and_unreachable_servers_are_their_own_errors() {
    let server = engine().await;
    let impatient = Client::builder()
        .url(server.client_url.clone())
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = impatient.query("SELECT sleep(2)").await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let nowhere = Client::builder().url("http://127.0.0.1:1").build().unwrap();
    let err = nowhere.ping().await.unwrap_err();
    assert!(err.is_connection(), "{err:?}");
    assert!(err.to_string().contains("127.0.0.1:1"), "{err}");
}

#[tokio::test]
async fn wrong_credentials_are_server_errors() {
    let tcp = legacy_tcp().await;
    let client = Client::builder()
        .url(tcp.client_url.clone())
        .user("alice")
        .password("wrong")
        .build()
        .unwrap();
    assert_eq!(
        client.ping().await.unwrap_err().server_code(),
        Some(193),
        "the handshake fails with the server's code"
    );
    let new = engine().await;
    let client = Client::builder()
        .url(new.url.clone())
        .user("alice")
        .password("wrong")
        .build()
        .unwrap();
    assert_eq!(
        client.query("SELECT 1").await.unwrap_err().server_code(),
        Some(516)
    );
    let good = Client::from_dsn(&format!(
        "{}?max_threads=2",
        new.url.replace("http://", "http://alice:secret@")
    ))
    .unwrap();
    assert_eq!(good.query("SELECT 1").scalar::<u8>().await.unwrap(), 1);
    let old = legacy().await;
    let client = Client::builder()
        .url(old.url.clone())
        .user("alice")
        .password("wrong")
        .build()
        .unwrap();
    assert_eq!(
        client.query("SELECT 1").await.unwrap_err().server_code(),
        Some(193)
    );
}

#[tokio::test]
async fn cancelling_over_http_kills_the_query() {
    // 18.16 only: the 26.9 engine behind the front runs in-process and has no KILL QUERY.
    let server = legacy().await;
    let client = client_for(&server, Compression::Lz4);
    let endless = "SELECT number FROM system.numbers SETTINGS max_block_size = 1000";
    let mut stream = client
        .query(endless)
        .query_id("http-cancel-explicit")
        .stream()
        .await
        .unwrap();
    assert!(stream.next_block().await.unwrap().is_some());
    stream.cancel().await.unwrap();
    server.assert_gone("http-cancel-explicit").await;
}

#[tokio::test]
async fn progress_is_reported_on_both_transports() {
    use std::sync::{Arc, Mutex};
    let targets = [engine().await, legacy_tcp().await];
    for server in targets {
        let client = client_for(&server, Compression::Lz4);
        let seen: Arc<Mutex<Vec<u64>>> = Arc::default();
        let record = seen.clone();
        // A query that takes about half a second, so that progress is due several times whatever
        // the machine's speed. Over HTTP the headers come before the body: wait for the end so
        // they cover the work.
        let mut query = client
            .query(
                "SELECT count() FROM (SELECT number FROM system.numbers LIMIT 600000) \
                 WHERE sleepEachRow(0.000001) = 0 SETTINGS max_block_size = 65536",
            )
            .on_progress(move |p| record.lock().unwrap().push(p.read_rows));
        if !is_tcp(&server) {
            query = query
                .setting("wait_end_of_query", 1)
                .setting("http_headers_progress_interval_ms", 10);
        }
        let total: u64 = query.scalar().await.unwrap();
        assert_eq!(total, 600_000);
        let seen = seen.lock().unwrap();
        assert!(!seen.is_empty(), "{}: no progress reported", server.name);
        assert!(
            seen.windows(2).all(|w| w[0] <= w[1]),
            "{}: totals never go down: {seen:?}",
            server.name
        );
        // The server reads whole blocks, so it may count a few rows past the LIMIT.
        assert!(
            *seen.last().unwrap() >= 600_000,
            "{}: the last report covers every row: {seen:?}",
            server.name
        );
    }
}

#[tokio::test]
async fn inserts_take_vectors_maps_and_the_servers_date_time_text() {
    for (server, client) in both_clients().await {
        let db = server.fresh_database("vectors_text").await;
        let table = format!("{db}.t");
        client
            .command(format!(
                "CREATE TABLE {table} (id UInt64, tags Array(String), \
                 at DateTime('Europe/Berlin'), utc DateTime('UTC')) ENGINE = Memory"
            ))
            .await
            .unwrap();
        let rows = vec![
            (
                1u64,
                vec!["a".to_string(), "b".to_string()],
                "2024-01-01 01:00:00",
                "2024-01-01 00:00:00",
            ),
            (2u64, vec![], "2024-07-01T12:30:00+02:00", "1704067200"),
        ];
        client
            .insert(&table, &["id", "tags", "at", "utc"], rows)
            .await
            .unwrap();
        // The server's own reading of the same text is the reference.
        let same: u64 = client
            .query(format!(
                "SELECT count() FROM {table} WHERE \
                 (id = 1 AND tags = ['a', 'b'] \
                  AND at = toDateTime('2024-01-01 01:00:00', 'Europe/Berlin') \
                  AND utc = toDateTime('2024-01-01 00:00:00', 'UTC')) \
                 OR (id = 2 AND empty(tags) \
                  AND at = toDateTime('2024-07-01 12:30:00', 'Europe/Berlin') \
                  AND toUInt32(utc) = 1704067200)"
            ))
            .scalar()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", server.name));
        assert_eq!(same, 2, "{}", server.name);
        let rows = client
            .query(format!("SELECT id, tags FROM {table} ORDER BY id"))
            .await
            .unwrap()
            .result_rows();
        // Strings print as text.
        assert_eq!(
            format!("{rows:?}"),
            r#"[[UInt64(1), Array([String("a"), String("b")])], [UInt64(2), Array([])]]"#,
            "{}",
            server.name
        );
        if is_new(&server) {
            // Fractions, where the server has DateTime64 (not 18.16).
            let precise = format!("{db}.precise");
            client
                .command(format!(
                    "CREATE TABLE {precise} (at DateTime64(3, 'UTC')) ENGINE = Memory"
                ))
                .await
                .unwrap();
            client
                .insert(
                    &precise,
                    &["at"],
                    [("2024-01-01 00:00:00.250",), ("1704067200.5",)],
                )
                .await
                .unwrap();
            let millis: Vec<u64> = client
                .query(format!(
                    "SELECT toUInt64(toUnixTimestamp64Milli(at)) FROM {precise} ORDER BY at"
                ))
                .fetch_all::<(u64,)>()
                .await
                .unwrap()
                .into_iter()
                .map(|(m,)| m)
                .collect();
            assert_eq!(millis, [1_704_067_200_250, 1_704_067_200_500]);
        }
        client.command(format!("DROP DATABASE {db}")).await.unwrap();
    }
}

/// What each server and transport reports for a result that streams in many blocks, declared:
/// - TCP (18.16): Progress packets all along; the summary counts every row read.
/// - HTTP 26.9: progress headers and the summary come with the response headers, so for a
///   streamed body they cover what was read when the body started (a lower bound); with
///   `wait_end_of_query = 1` the server answers at the end and they are exact.
/// - HTTP 18.16: no progress headers and no summary header at all.
///
/// Everywhere `result_rows` counts at least the rows received.
#[tokio::test]
async fn progress_and_summary_of_streamed_results() {
    use std::sync::{Arc, Mutex};
    const ROWS: u64 = 3_000_000;
    for (server, client) in both_clients().await {
        let name = server.name;
        let reports: Arc<Mutex<Vec<u64>>> = Arc::default();
        let record = reports.clone();
        let mut stream = client
            .query(format!(
                "SELECT number FROM system.numbers LIMIT {ROWS} SETTINGS max_block_size = 100000"
            ))
            .on_progress(move |p| record.lock().unwrap().push(p.read_rows))
            .stream()
            .await
            .unwrap();
        let mut received = 0u64;
        while let Some(block) = stream.next_block().await.unwrap() {
            received += block.rows() as u64;
        }
        let summary = stream.summary();
        assert_eq!(received, ROWS, "{name}");
        assert!(summary.result_rows >= ROWS, "{name}: {summary:?}");
        let reports = reports.lock().unwrap().clone();
        if is_tcp(&server) {
            assert!(summary.read_rows >= ROWS, "{name}: {summary:?}");
            assert!(
                reports.last().is_some_and(|r| *r >= ROWS),
                "{name}: {reports:?}"
            );
        } else if is_new(&server) {
            assert!(
                summary.read_rows <= summary.result_rows,
                "{name}: {summary:?}"
            );
            // Exact when the server answers at the end.
            let exact = client
                .command(format!(
                    "SELECT count() FROM (SELECT number FROM system.numbers LIMIT {ROWS})"
                ))
                .await
                .unwrap();
            assert!(
                exact.summary.read_rows >= ROWS,
                "{name}: {:?}",
                exact.summary
            );
        } else {
            assert_eq!(summary.read_rows, 0, "{name}: {summary:?}");
            assert!(reports.is_empty(), "{name}: {reports:?}");
        }
    }
}

/// 18.16 takes no server-side parameters (over HTTP it fails with `Unknown setting param_x`,
/// over TCP its protocol has no field for them): the client refuses before sending, and says
/// what works instead.
#[tokio::test]
async fn parameters_are_refused_where_the_server_has_none() {
    for server in [legacy().await, legacy_tcp().await] {
        let client = client_for(&server, Compression::Lz4);
        let err = client
            .query("SELECT {x:UInt8}")
            .param("x", 1u8)
            .await
            .unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::InvalidInput,
            "{}: {err:?}",
            server.name
        );
        let text = err.to_string();
        let needed = if is_tcp(&server) { "22.8" } else { "19.x" };
        assert!(
            text.contains(needed) && text.contains("literals") && text.contains("18.16"),
            "{}: {text}",
            server.name
        );
        // Nothing was left half-done: the next request runs.
        assert_eq!(client.query("SELECT 1").scalar::<u8>().await.unwrap(), 1);
    }
}

/// Asynchronous inserts where the server has them (21.11+: the 26.9 engine), refused before
/// anything is sent where it has not (18.16); a deduplication token is a setting where the
/// server takes one (22.2+) and left to the blocks' contents where not.
#[tokio::test]
async fn async_inserts_and_deduplication_tokens_follow_the_server() {
    for (server, client) in both_clients().await {
        let db = server.fresh_database("async_insert").await;
        let table = format!("{db}.t");
        client
            .command(format!(
                "CREATE TABLE {table} (id UInt32) ENGINE = MergeTree ORDER BY id"
            ))
            .await
            .unwrap();
        let inserted = client
            .insert(&table, &["id"], (0..10u32).map(|i| (i,)))
            .async_insert(true)
            .await;
        if is_new(&server) {
            inserted.unwrap_or_else(|e| panic!("{}: {e}", server.name));
            let count: u64 = client
                .query(format!("SELECT count() FROM {table}"))
                .scalar()
                .await
                .unwrap();
            assert_eq!(count, 10);
        } else {
            let err = inserted.unwrap_err();
            assert_eq!(
                err.kind(),
                ErrorKind::InvalidInput,
                "{}: {err:?}",
                server.name
            );
            assert!(err.to_string().contains("21.11"), "{err}");
        }
        // A token goes where the server takes it; older servers insert as usual.
        client
            .insert(&table, &["id"], (100..110u32).map(|i| (i,)))
            .deduplication_token("token-1")
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", server.name));
        client.command(format!("DROP DATABASE {db}")).await.unwrap();
    }
}

/// A `Dynamic` column the server writes FLATTENED
/// (`output_format_native_use_flattened_dynamic_and_json_serialization`) lists its types in an
/// order of its own and has no shared variant. Read, inserted back and read again as text, its
/// rows are the server's own. (Kept in the listed order, the column was written back with
/// discriminators that pointed at other types: a fuzz finding.)
#[tokio::test]
async fn a_flattened_dynamic_column_inserts_back_as_it_was_read() {
    let server = engine().await;
    let client = client_for(&server, Compression::None);
    let db = server.fresh_database("flattened_dynamic").await;
    let table = format!("{db}.t");
    server
        .run(
            &format!("CREATE TABLE {table} (i UInt32, d Dynamic) ENGINE = MergeTree ORDER BY i"),
            &[],
        )
        .await;
    // UUID and String sort after the implicit `SharedVariant`, Int64 before it.
    let values = "SELECT toUInt32(number) AS i, multiIf(\
        number % 4 = 0, CAST(toUUID('61f0c404-5cb3-11e7-907b-a6006ad3dba0') AS Dynamic), \
        number % 4 = 1, CAST(toInt64(number) AS Dynamic), \
        number % 4 = 2, CAST(NULL AS Dynamic), \
        CAST(concat('s', toString(number)) AS Dynamic)) AS d FROM numbers(40)";
    let text = |sql: String| {
        let server = &server;
        async move {
            server
                .run(
                    &format!(
                        "SELECT i, dynamicType(d), toString(d) FROM ({sql}) ORDER BY i FORMAT TSV"
                    ),
                    &[],
                )
                .await
        }
    };
    let expected = text(values.to_owned()).await;
    let result = client
        .query(values)
        .setting(
            "output_format_native_use_flattened_dynamic_and_json_serialization",
            "1",
        )
        .await
        .unwrap();
    let mut blocks = 0;
    for block in result.blocks() {
        blocks += 1;
        client.insert_block(&table, block.clone()).await.unwrap();
    }
    assert!(blocks >= 1);
    assert_eq!(text(format!("SELECT * FROM {table}")).await, expected);
    assert!(expected.contains("UUID\t61f0c404"), "{expected}");
    assert!(expected.contains("String\ts3"), "{expected}");
}
