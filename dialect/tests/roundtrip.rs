//! Property test on the 26.9 engine (`CLICKHOUSE_URL`; `scripts/dev-servers up`): random
//! strings and byte strings, including quotes, backslashes, NUL, newlines and bytes that are
//! not UTF-8, come back unchanged from `SELECT <value>`, both as an inline literal and as a
//! typed parameter, so no value can inject SQL.

use clickhouse_connect::{Client, Value as ChValue};
use proptest::prelude::*;
use sea_query::{Expr, Query, Value};
use sea_query_clickhouse::{ChStatement, ClientExt};

fn client(runtime: &tokio::runtime::Runtime) -> Client {
    let url = std::env::var("CLICKHOUSE_URL").unwrap_or_else(|_| "http://127.0.0.1:28123".into());
    let client = Client::builder().url(&url).build().expect("client");
    if let Err(e) = runtime.block_on(client.ping()) {
        panic!(
            "cannot reach ClickHouse at {url} ({e}); run `scripts/dev-servers up` (or set CLICKHOUSE_URL)"
        );
    }
    client
}

/// `SELECT value` inline and typed; both results' bytes.
fn round_trip(runtime: &tokio::runtime::Runtime, client: &Client, value: Value) -> [Vec<u8>; 2] {
    // Aliased: the server names an unaliased column after the literal, bytes and all.
    let select = Query::select().expr_as(Expr::val(value), "v").to_owned();
    let inline_sql = select.to_sql().expect("inline");
    let inline = runtime
        .block_on(client.query(inline_sql.clone()).fetch())
        .unwrap_or_else(|e| panic!("{inline_sql}: {e}"));
    let typed = runtime
        .block_on(client.query_statement(&select))
        .unwrap_or_else(|e| panic!("{:?}: {e}", select.build_typed()));
    [inline, typed].map(|r| match r.result_rows().remove(0).remove(0) {
        ChValue::String(bytes) => bytes,
        other => panic!("not a string: {other:?}"),
    })
}

fn tricky_bytes() -> impl Strategy<Value = Vec<u8>> {
    let special = prop::sample::select(vec![
        b'\'', b'"', b'`', b'\\', 0u8, b'\n', b'\r', b'\t', 0x1a, 0x7f, 0xff, 0xc3, b'{', b'}',
        b';',
    ]);
    prop::collection::vec(prop_oneof![special, any::<u8>()], 0..40)
}

fn tricky_string() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(vec![
                '\'', '"', '`', '\\', '\0', '\n', '\r', '\t', '\u{1a}', 'é', '😀', '{', '}'
            ]),
            any::<char>(),
        ],
        0..40,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

#[test]
fn strings_and_bytes_round_trip_inline_and_typed() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = client(&runtime);
    let config = ProptestConfig::with_cases(128);
    proptest!(config, |(text in tricky_string(), bytes in tricky_bytes())| {
        for got in round_trip(&runtime, &client, Value::String(Some(text.clone()))) {
            prop_assert_eq!(&got, text.as_bytes());
        }
        for got in round_trip(&runtime, &client, Value::Bytes(Some(bytes.clone()))) {
            prop_assert_eq!(&got, &bytes);
        }
    });
}
