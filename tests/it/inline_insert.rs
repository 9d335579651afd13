//! INSERT statements that carry their data (`VALUES (...)`) on every transport: over HTTP the
//! server reads the data; over the native protocol 18.16 answers with the table's columns and
//! waits for blocks, so the client reads the literals itself. The same statements must store
//! the same rows everywhere, an unsupported form must fail at once with a clear error, and the
//! connection must serve the next query.

use std::time::{Duration, Instant};

use clickhouse_connect::{Client, Value};

use crate::common::{Server, both_clients, is_tcp};

/// Columns every engine has (18.16 has no Map, Bool, Date32 or DateTime64).
const TABLE: &str = "(id UInt32, i Int64, f Float64, d Decimal(9, 3), s String, \
    fs FixedString(3), n Nullable(String), a Array(Array(Int16)), t Tuple(UInt8, String), \
    e Enum8('a' = 1, 'b' = 2), day Date, at DateTime('Europe/Berlin'), local DateTime, \
    u UUID) ENGINE = Memory";

/// Inline INSERTs of every literal form (the string `VALUES` and semicolons inside the data).
const STATEMENTS: &[&str] = &[
    "INSERT INTO {t} VALUES (1, -42, 1.5e3, 12.345, 'plain', 'abc', NULL, [[1, -2], []], \
     (7, 'x'), 'a', '2024-01-02', '2024-01-02 03:04:05', '2024-06-01 12:00:00', \
     '00000000-0000-0000-0000-000000000001')",
    "INSERT INTO {t} (id, s, n, a, t, e) VALUES (2, 'a;b VALUES (9)', 'not null', [], (0, ''), 'b'),\
     (3, 'tab\\there\\nnewline \\\\ back \\' quote '' doubled \\x41', '', [[32767]], (255, 'ü'), 'b');",
    "insert into {t} (id, f, s) /* VALUES (0) */ -- VALUES (0)\n values (4, -inf, 'SELECT'), (5, nan, '/* not a comment */')",
    "INSERT INTO {t} (id, i, day, at) VALUES\n  (6, 9223372036854775807, '1970-01-01', 0),\n  (7, -9223372036854775808, '2100-01-01', 1704067200)",
];

async fn rows(server: &Server, table: &str) -> String {
    server
        .run(
            &format!("SELECT * FROM {table} ORDER BY id FORMAT TabSeparated"),
            &[],
        )
        .await
}

#[tokio::test]
async fn inline_values_store_the_same_rows_on_every_transport() {
    let mut results = Vec::new();
    for (server, client) in both_clients().await {
        let db = server.fresh_database("inline_values").await;
        let table = format!("{db}.t");
        client
            .command(format!("CREATE TABLE {table} {TABLE}"))
            .await
            .unwrap();
        for statement in STATEMENTS {
            let sql = statement.replace("{t}", &table);
            let started = Instant::now();
            client
                .command(sql.clone())
                .timeout(Duration::from_secs(10))
                .await
                .unwrap_or_else(|e| panic!("{}: `{sql}`: {e}", server.name));
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{}",
                server.name
            );
        }
        // Through `query` too (an answer without blocks), and on an owned connection.
        client
            .query(format!(
                "INSERT INTO {table} (id, s) VALUES (8, 'via query')"
            ))
            .await
            .unwrap();
        let mut conn = client.connection().await.unwrap();
        conn.command(format!("INSERT INTO {table} (id) VALUES (9)"))
            .await
            .unwrap();
        assert_eq!(conn.query("SELECT 1").scalar::<u8>().await.unwrap(), 1);
        // Read back over the server's HTTP interface, the same reader for both transports, as
        // values (each version prints defaults its own way in text).
        let reader = Client::builder().url(server.url.clone()).build().unwrap();
        let stored = reader
            .query(format!("SELECT * FROM {table} ORDER BY id"))
            .await
            .unwrap()
            .result_rows();
        assert_eq!(stored.len(), 9, "{}: {stored:?}", server.name);
        results.push((server.name, stored));
        client.command(format!("DROP DATABASE {db}")).await.unwrap();
    }
    let (first_name, first) = &results[0];
    for (name, stored) in &results[1..] {
        // Compared as their Debug text, in which NaN equals NaN.
        for (theirs, ours) in stored.iter().zip(first) {
            assert_eq!(
                format!("{theirs:?}"),
                format!("{ours:?}"),
                "{name} stored another row than {first_name}"
            );
        }
    }
}

#[tokio::test]
async fn parameters_inside_values() {
    for (server, client) in both_clients().await {
        // 18.16 over HTTP has no server-side parameters at all (refused before sending, see
        // `parameters_are_refused_where_the_server_has_none`); over TCP the client reads them.
        if !is_tcp(&server) && server.name.contains("18.16") {
            continue;
        }
        let db = server.fresh_database("inline_params").await;
        let table = format!("{db}.t");
        client
            .command(format!(
                "CREATE TABLE {table} (id UInt32, s String, a Array(String), n Nullable(Int8)) \
                 ENGINE = Memory"
            ))
            .await
            .unwrap();
        client
            .command(format!(
                "INSERT INTO {table} VALUES ({{id:UInt32}}, {{s:String}}, {{a:Array(String)}}, \
                 {{n:Nullable(Int8)}})"
            ))
            .param("id", 1u32)
            .param("s", "it's a\ttab")
            .param("a", vec!["x".to_string(), "y'z".to_string()])
            .param("n", None::<i8>)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", server.name));
        let stored = client
            .query(format!("SELECT id, s, a, n FROM {table}"))
            .await
            .unwrap()
            .result_rows();
        assert_eq!(
            stored,
            vec![vec![
                Value::UInt32(1),
                Value::from("it's a\ttab"),
                Value::array(["x", "y'z"]),
                Value::Null
            ]],
            "{}",
            server.name
        );
        client.command(format!("DROP DATABASE {db}")).await.unwrap();
    }
}

#[tokio::test]
async fn what_the_client_cannot_read_fails_at_once_and_clearly() {
    for (server, client) in both_clients().await {
        if !is_tcp(&server) {
            continue;
        }
        let db = server.fresh_database("inline_refused").await;
        let table = format!("{db}.t");
        client
            .command(format!(
                "CREATE TABLE {table} (id UInt32, at DateTime) ENGINE = Memory"
            ))
            .await
            .unwrap();
        for (sql, wanted) in [
            (
                format!("INSERT INTO {table} VALUES (1, now())"),
                "expression",
            ),
            (
                format!("INSERT INTO {table} VALUES (1 + 1, 0)"),
                "expression",
            ),
            (
                format!("INSERT INTO {table} FORMAT CSV\n1,0\n"),
                "FORMAT CSV",
            ),
            (format!("INSERT INTO {table} VALUES (1)"), "comma"),
        ] {
            let started = Instant::now();
            let err = client.command(sql.clone()).await.unwrap_err();
            assert!(
                started.elapsed() < Duration::from_secs(1),
                "`{sql}` took {:?}",
                started.elapsed()
            );
            let text = err.to_string();
            assert!(
                text.contains(wanted) && text.contains("HTTP") && text.contains("insert API"),
                "`{sql}`: {text}"
            );
            assert_eq!(client.query("SELECT 2").scalar::<u8>().await.unwrap(), 2);
        }
        // Nothing was stored by the refused statements.
        assert_eq!(rows(&server, &table).await, "");
        client.command(format!("DROP DATABASE {db}")).await.unwrap();
    }
}
