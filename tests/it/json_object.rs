//! `Dynamic` values in the shared variant and `JSON` in its object serialization, against the
//! 26.9 engine.
//!
//! Dynamic: a column with more types than its `max_types` keeps the rest in its shared variant
//! (each value a binary type and a binary value); every decoded row must have the type the
//! engine's `dynamicType` names and the value the engine's own TSV prints, and the decoded
//! column must go back into a table unchanged.

use clickhouse_connect::column::ColumnData;
use clickhouse_connect::{Block, Client, Compression, DataType};

use crate::common::{Server, client_for, engine};
use crate::engine_text::expect_tsv_cell;

/// Values of many types, one per row, for a `Dynamic(max_types=2)` column.
const DYNAMIC_VALUES: &[&str] = &[
    "toInt64(1)",
    "'a'",
    "toFloat64(2.5)",
    "NULL",
    "[1, 2]::Array(UInt8)",
    "toDate('2024-01-02')",
    "toUUID('00112233-4455-6677-8899-aabbccddeeff')",
    "toInt64(-7)",
    "map('k', 1.5::Decimal(9, 2))",
    "(1, 'x')::Tuple(a UInt8, b String)",
    "toDateTime64('2020-01-02 03:04:05.678', 3, 'Asia/Tokyo')",
    "toIPv4('1.2.3.4')",
    "true",
    "['p', NULL]::Array(Nullable(String))",
    "'b'::Enum8('a' = 1, 'b' = 2)",
    "toInt128('-170141183460469231731687303715884105728')",
    "toDecimal256('-1.5', 40)",
    "[1::Dynamic, 'two'::Dynamic]::Array(Dynamic)",
    "toFixedString('ab', 3)",
    "'tab\tquote''s'",
    "toTime('12:34:56')",
    "toBFloat16(1.5)",
];

/// The test table: `i` and a `Dynamic(max_types=2)` column filled with [`DYNAMIC_VALUES`].
async fn dynamic_table(server: &Server, test: &str) -> (String, String) {
    let db = server.fresh_database(test).await;
    let table = format!("{db}.t");
    server
        .run(
            &format!(
                "CREATE TABLE {table} (i UInt32, d Dynamic(max_types=2)) ENGINE = MergeTree ORDER BY i"
            ),
            &[],
        )
        .await;
    let rows: Vec<String> = DYNAMIC_VALUES
        .iter()
        .enumerate()
        .map(|(i, v)| format!("({i}, {v})"))
        .collect();
    server
        .run(
            &format!("INSERT INTO {table} VALUES {}", rows.join(", ")),
            &[("allow_experimental_time_time64_type", "1")],
        )
        .await;
    (db, table)
}

/// The engine's TSV lines of `sql`, split into cells.
async fn engine_tsv(server: &Server, sql: &str, settings: &[(&str, &str)]) -> Vec<Vec<Vec<u8>>> {
    let body = server.run(&format!("{sql} FORMAT TSV"), settings).await;
    body.lines()
        .map(|line| line.split('\t').map(|c| c.as_bytes().to_vec()).collect())
        .collect()
}

/// Every decoded Dynamic value of `select`'s column `d`, with its row's decoded type.
async fn decoded_dynamic(
    client: &Client,
    select: &str,
    settings: &[(&str, &str)],
) -> (
    Vec<Block>,
    Vec<(Option<DataType>, clickhouse_connect::Value)>,
) {
    let mut query = client.query(select);
    for (name, value) in settings {
        query = query.setting(*name, *value);
    }
    let result = query.await.unwrap_or_else(|e| panic!("{select}: {e}"));
    let zone = result.timezone();
    let mut rows = Vec::new();
    for block in result.blocks() {
        let column = block.column_by_name("d").expect("a column d");
        let ColumnData::Dynamic(dynamic) = column.data() else {
            panic!("d is {}", column.data_type())
        };
        for i in 0..column.len() {
            rows.push((dynamic.type_of(i).cloned(), column.value(i, zone)));
        }
    }
    (result.blocks().to_vec(), rows)
}

#[tokio::test]
async fn dynamic_shared_variant_values_match_the_engine() {
    let server = engine().await;
    let client = client_for(&server, Compression::Lz4);
    let (_db, table) = dynamic_table(&server, "dynamic_shared").await;
    let select = format!("SELECT i, d FROM {table} ORDER BY i");
    let (_, decoded) = decoded_dynamic(&client, &select, &[]).await;
    assert_eq!(decoded.len(), DYNAMIC_VALUES.len());
    let text = engine_tsv(
        &server,
        &format!(
            "SELECT d, dynamicType(d), isDynamicElementInSharedData(d) FROM {table} ORDER BY i"
        ),
        &[],
    )
    .await;
    assert_eq!(text.len(), decoded.len());
    let mut shared = 0;
    for (row, ((data_type, value), cells)) in decoded.iter().zip(&text).enumerate() {
        let engine_type = tsv_text(&cells[1]);
        let ours = data_type
            .as_ref()
            .map_or("None".to_owned(), ToString::to_string);
        assert_eq!(ours, engine_type, "row {row} ({})", DYNAMIC_VALUES[row]);
        if cells[2] == b"true" {
            shared += 1;
        }
        let data_type = data_type.clone().unwrap_or(DataType::Nothing);
        let checked = match &data_type {
            DataType::Nothing => (value.is_null() && cells[0] == b"\\N")
                .then_some(())
                .ok_or_else(|| format!("decoded {value:?}")),
            t => expect_tsv_cell(t, value, &cells[0]),
        };
        if let Err(reason) = checked {
            panic!(
                "row {row} ({}): decoded {value:?}, the engine printed {:?}: {reason}",
                DYNAMIC_VALUES[row],
                String::from_utf8_lossy(&cells[0])
            );
        }
    }
    assert!(
        shared >= 10,
        "only {shared} rows were in the shared variant"
    );
}

/// A TSV cell's text without its escapes (`\\'` in type names).
fn tsv_text(cell: &[u8]) -> String {
    String::from_utf8_lossy(cell).replace("\\'", "'")
}

#[tokio::test]
async fn dynamic_shared_variant_from_a_select_matches_the_engine() {
    let server = engine().await;
    let client = client_for(&server, Compression::None);
    // One value per row of numbers(); blocks of 5 rows, each cast to Dynamic(max_types=1) on
    // its own, so each block has its own types and its own shared variant.
    let branches: Vec<String> = DYNAMIC_VALUES
        .iter()
        .enumerate()
        .map(|(i, v)| format!("number = {i}, CAST({v} AS Dynamic)"))
        .collect();
    let select = format!(
        "SELECT CAST(multiIf({}, NULL) AS Dynamic(max_types=1)) AS d FROM numbers({})",
        branches.join(", "),
        DYNAMIC_VALUES.len()
    );
    let settings = [
        ("allow_experimental_time_time64_type", "1"),
        ("max_block_size", "5"),
    ];
    let (blocks, decoded) = decoded_dynamic(&client, &select, &settings).await;
    assert!(blocks.len() >= 4, "{} blocks", blocks.len());
    let text = engine_tsv(
        &server,
        &format!("SELECT d, dynamicType(d), isDynamicElementInSharedData(d) FROM ({select})"),
        &settings,
    )
    .await;
    assert_eq!(text.len(), decoded.len());
    let in_shared = text.iter().filter(|cells| cells[2] == b"true").count();
    assert!(in_shared >= 15, "{in_shared} rows in the shared variant");
    for (row, ((data_type, value), cells)) in decoded.iter().zip(&text).enumerate() {
        let ours = data_type
            .as_ref()
            .map_or("None".to_owned(), ToString::to_string);
        assert_eq!(ours, tsv_text(&cells[1]), "row {row}");
        if let Some(t) = data_type {
            expect_tsv_cell(t, value, &cells[0])
                .unwrap_or_else(|reason| panic!("row {row}: {value:?}: {reason}"));
        }
    }
}

#[tokio::test]
async fn decoded_shared_variant_values_go_back_into_a_table() {
    let server = engine().await;
    let client = client_for(&server, Compression::Lz4);
    let (db, table) = dynamic_table(&server, "dynamic_shared_reinsert").await;
    let copy = format!("{db}.copy");
    server
        .run(
            &format!(
                "CREATE TABLE {copy} (i UInt32, d Dynamic(max_types=2)) ENGINE = MergeTree ORDER BY i"
            ),
            &[],
        )
        .await;
    let select = format!("SELECT i, d FROM {table} ORDER BY i");
    let (blocks, _) = decoded_dynamic(&client, &select, &[("max_block_size", "7")]).await;
    for block in blocks {
        // The decoded column names every type it holds (V1 has no shared values to write).
        client
            .insert_block(&copy, block)
            .await
            .unwrap_or_else(|e| panic!("insert into {copy}: {e}"));
    }
    let check = |t: &str| format!("SELECT i, d, dynamicType(d) FROM {t} ORDER BY i");
    let original = engine_tsv(&server, &check(&table), &[]).await;
    let copied = engine_tsv(&server, &check(&copy), &[]).await;
    assert_eq!(original.len(), DYNAMIC_VALUES.len());
    assert_eq!(copied, original);
}
