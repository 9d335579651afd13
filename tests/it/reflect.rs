//! Reflection (`client.reflect()`) against the engines: the API on both transports and both
//! versions, what 18.16's system tables lack, code generation (snapshots, `rustfmt`, and the
//! generated structs compiled here and reading rows). The DDL round trips of the whole corpus
//! are in the dialect's tests (`dialect/tests/reflect_roundtrip.rs`).

#[cfg(feature = "codegen")]
use clickhouse_connect::Client;
use clickhouse_connect::ErrorKind;
#[cfg(feature = "codegen")]
use clickhouse_connect::reflect::codegen::{self, Derive, Options};
use clickhouse_connect::reflect::{
    DefaultKind, EngineKind, MergeTreeVariant, TableKind, TableSchema, ViewTarget,
};

use crate::common::{Server, client_for, engine, legacy, legacy_tcp};

#[cfg(feature = "codegen")]
#[path = "reflect_generated.rs"]
mod generated;

fn corpus_statements(file: &str, db: &str) -> Vec<String> {
    let path = format!("{}/testdata/reflect/{file}.sql", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let body: Vec<&str> = text.lines().filter(|l| !l.starts_with("--")).collect();
    body.join("\n")
        .split(";\n")
        .map(|s| s.trim().trim_end_matches(';').trim().replace("{db}", db))
        .filter(|s| !s.is_empty())
        .collect()
}

/// A fresh database on `server` with the tables of the corpus `files`.
async fn with_corpus(
    server: &Server,
    test: &str,
    files: &[&str],
    settings: &[(&str, &str)],
) -> String {
    let db = server.fresh_database(test).await;
    let mut params = vec![("database", db.as_str())];
    params.extend_from_slice(settings);
    for file in files {
        for statement in corpus_statements(file, &db) {
            server.run(&statement, &params).await;
        }
    }
    db
}

async fn drop(server: &Server, db: &str) {
    server
        .run(&format!("DROP DATABASE IF EXISTS {db}"), &[])
        .await;
}

fn names(tables: &[TableSchema]) -> Vec<&str> {
    tables.iter().map(|t| t.name.as_str()).collect()
}

#[tokio::test]
async fn reflects_the_same_over_http_and_tcp_on_18_16() {
    let server = legacy().await;
    let db = with_corpus(
        &server,
        "reflect_legacy",
        &[
            "06_defaults",
            "13_mv_inner",
            "12_view",
            "16_low_cardinality",
        ],
        &[("allow_experimental_low_cardinality_type", "1")],
    )
    .await;
    let http = client_for(&server, clickhouse_connect::Compression::Lz4);
    let tcp = client_for(&legacy_tcp().await, clickhouse_connect::Compression::Lz4);
    let over_http = http.reflect().tables(&db).await.expect("reflect over HTTP");
    let over_tcp = tcp.reflect().tables(&db).await.expect("reflect over TCP");
    assert_eq!(over_http, over_tcp);
    assert_eq!(
        names(&over_http),
        [
            "big_events",
            "clicks",
            "clicks_per_page",
            "defaults",
            "events",
            "lc"
        ],
        "the inner table of clicks_per_page is part of its view"
    );

    // What 18.16's system tables lack is None; positions still count from 1.
    let defaults = over_http.iter().find(|t| t.name == "defaults").unwrap();
    assert_eq!(defaults.uuid, None);
    assert_eq!(defaults.comment, None);
    assert!(defaults.columns.iter().all(|c| c.codec.is_none()));
    let positions: Vec<u64> = defaults.columns.iter().map(|c| c.position).collect();
    assert_eq!(
        positions,
        (1..=defaults.columns.len() as u64).collect::<Vec<_>>()
    );
    let kinds: Vec<Option<DefaultKind>> = defaults
        .columns
        .iter()
        .map(|c| c.default.as_ref().map(|d| d.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            None,
            Some(DefaultKind::Default),
            Some(DefaultKind::Default),
            Some(DefaultKind::Default),
            Some(DefaultKind::Materialized),
            Some(DefaultKind::Alias)
        ]
    );
    let view = over_http
        .iter()
        .find(|t| t.name == "clicks_per_page")
        .unwrap();
    let TableKind::MaterializedView(mv) = &view.kind else {
        panic!("{:?}", view.kind)
    };
    assert_eq!(
        mv.target,
        ViewTarget::Inner {
            table: Some(".inner.clicks_per_page".into())
        }
    );
    assert_eq!(view.engine.as_ref().unwrap().name, "SummingMergeTree");
    assert_eq!(view.sorting_key(), ["day", "page"]);

    let one = tcp.reflect().table(&db, "lc").await.expect("one table");
    assert_eq!(
        one.column("city").unwrap().data_type.to_string(),
        "LowCardinality(Nullable(String))"
    );
    assert!(one.column("country").unwrap().keys.sorting);
    let err = tcp.reflect().table(&db, "missing").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert!(err.to_string().contains("missing"), "{err}");
    drop(&server, &db).await;
}

#[tokio::test]
async fn reflects_databases_views_and_keys_on_26_9() {
    let server = engine().await;
    let db = with_corpus(
        &server,
        "reflect_modern",
        &[
            "13_mv_inner",
            "14_mv_to",
            "24_skip_indexes",
            "22_ttl",
            "33_dictionary",
        ],
        &[],
    )
    .await;
    let client = client_for(&server, clickhouse_connect::Compression::Lz4);
    let reflect = client.reflect();
    let database = reflect.database(&db).await.expect("the database");
    assert_eq!(database.engine, "Atomic");
    assert_eq!(
        names(&database.tables),
        [
            "clicks",
            "clicks_per_page",
            "countries",
            "country_names",
            "country_table",
            "expiring",
            "indexed",
            "raw",
            "roll",
            "rolled"
        ]
    );
    let order: Vec<&str> = database
        .in_creation_order()
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    let at = |n: &str| order.iter().position(|o| *o == n).unwrap();
    assert!(at("country_names") < at("country_table") && at("rolled") < at("roll"));

    let clicks_per_page = database
        .tables
        .iter()
        .find(|t| t.name == "clicks_per_page")
        .unwrap();
    let uuid = clicks_per_page.uuid.expect("Atomic tables have UUIDs");
    let TableKind::MaterializedView(mv) = &clicks_per_page.kind else {
        panic!()
    };
    assert_eq!(
        mv.target,
        ViewTarget::Inner {
            table: Some(format!(".inner_id.{uuid}"))
        }
    );
    let roll = database.tables.iter().find(|t| t.name == "roll").unwrap();
    let TableKind::MaterializedView(mv) = &roll.kind else {
        panic!()
    };
    assert_eq!(
        mv.target,
        ViewTarget::Table {
            database: db.clone(),
            table: "rolled".into()
        }
    );
    assert!(roll.engine.is_none());
    assert_eq!(
        roll.query.as_deref(),
        Some(format!("SELECT id, v * 2 AS v FROM {db}.raw").as_str())
    );

    let indexed = database
        .tables
        .iter()
        .find(|t| t.name == "indexed")
        .unwrap();
    let indexes: Vec<(&str, &str, &str, u64)> = indexed
        .skip_indexes
        .iter()
        .map(|i| {
            (
                i.name.as_str(),
                i.expression.as_str(),
                i.index_type.as_str(),
                i.granularity,
            )
        })
        .collect();
    assert_eq!(
        indexes,
        [
            ("n_minmax", "n", "minmax", 1),
            ("s_set", "s", "set(100)", 2),
            ("s_bloom", "lower(s)", "bloom_filter(0.01)", 3),
            ("s_ngram", "s", "ngrambf_v1(3, 256, 2, 0)", 4),
            ("tag_tokens", "tags", "bloom_filter", 1),
            ("pair", "(n, id)", "minmax", 8),
        ]
    );

    let expiring = database
        .tables
        .iter()
        .find(|t| t.name == "expiring")
        .unwrap();
    assert_eq!(
        expiring.column("payload").unwrap().ttl.as_deref(),
        Some("d + toIntervalDay(1)")
    );
    assert_eq!(
        expiring.column("extra").unwrap().comment.as_deref(),
        Some("gone after a week")
    );
    assert_eq!(
        expiring.ttl.as_deref(),
        Some("d + toIntervalMonth(1) WHERE (id % 2) = 0, d + toIntervalYear(1)")
    );
    assert_eq!(expiring.sorting_key(), ["id", "d"]);
    assert!(expiring.column("d").unwrap().keys.partition);
    let Some(EngineKind::MergeTree(m)) = expiring.engine.as_ref().map(|e| &e.kind) else {
        panic!()
    };
    assert_eq!(m.variant, MergeTreeVariant::Plain);

    let dict = database
        .tables
        .iter()
        .find(|t| t.name == "country_names")
        .unwrap();
    let TableKind::Dictionary(d) = &dict.kind else {
        panic!()
    };
    assert_eq!(d.layout.name, "HASHED");
    assert_eq!(d.primary_key, ["id"]);
    assert!(
        d.attributes
            .iter()
            .any(|a| a.column == "parent" && a.hierarchical)
    );

    let like = reflect.tables_like(&db, "r%").await.expect("a pattern");
    assert_eq!(names(&like), ["raw", "roll", "rolled"]);
    let all = reflect.databases().await.expect("every database");
    assert!(all.iter().any(|d| d.name == db && d.tables.len() == 10));
    assert!(all.iter().all(|d| d.name != "system"));
    drop(&server, &db).await;
}

#[cfg(feature = "codegen")]
/// The tables whose Rust is generated into `reflect_generated.rs`, from their corpus files.
const GENERATED: [(&str, &str); 7] = [
    ("06_defaults", "defaults"),
    ("08_nested", "nested"),
    ("09_scalar_types", "scalars"),
    ("20_names", "odd names"),
    ("28_maps_tuples", "structured"),
    ("30_modern_scalars", "modern"),
    ("31_geo", "shapes"),
];

#[cfg(feature = "codegen")]
fn generation_options() -> Options {
    Options::default().derive(Derive::Deserialize)
}

#[cfg(feature = "codegen")]
/// The generated source of every table of `GENERATED`, reflected on 26.9 (moved to a
/// database named `app`, so the text does not depend on the test's database).
async fn generate(client: &Client, db: &str) -> String {
    let mut out = String::from(
        "//! Generated by `reflect::codegen::module` for corpus tables (see `reflect.rs`); \
         do not edit:\n//! `BLESS_GENERATED=1 cargo test --test it reflect::generated_source` \
         writes it anew.\n#![allow(dead_code)]\n",
    );
    for (_, table) in GENERATED {
        let schema = client
            .reflect()
            .table(db, table)
            .await
            .unwrap_or_else(|e| panic!("{table}: {e}"))
            .in_database("app")
            .expect("moved");
        out.push('\n');
        out.push_str(&codegen::module(&schema, &generation_options()).expect("generated"));
    }
    out
}

#[cfg(feature = "codegen")]
async fn generated_tables(server: &Server, test: &str) -> String {
    let files: Vec<&str> = GENERATED.iter().map(|(f, _)| *f).collect();
    with_corpus(server, test, &files, &[]).await
}

#[cfg(feature = "codegen")]
/// Formats `source` with rustfmt (edition 2024), which the test suite's toolchain has.
fn rustfmt(source: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("rustfmt (part of the Rust toolchain `scripts/test` uses) runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(source.as_bytes())
        .unwrap();
    let out = child.wait_with_output().expect("rustfmt finishes");
    assert!(
        out.status.success(),
        "rustfmt: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("text")
}

#[cfg(feature = "codegen")]
#[tokio::test]
async fn generated_source_is_current_and_rustfmt_clean() {
    let server = engine().await;
    let db = generated_tables(&server, "reflect_codegen_source").await;
    let client = client_for(&server, clickhouse_connect::Compression::None);
    let source = generate(&client, &db).await;
    drop(&server, &db).await;
    assert_eq!(
        rustfmt(&source),
        source,
        "the generated source is not rustfmt-clean"
    );
    let path = format!(
        "{}/tests/it/reflect_generated.rs",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("BLESS_GENERATED").is_some() {
        std::fs::write(&path, &source).expect("write the generated source");
    }
    let compiled = std::fs::read_to_string(&path).expect("the generated source");
    assert_eq!(
        compiled, source,
        "tests/it/reflect_generated.rs (compiled into this test binary) is not what the \
         generator writes now; run with BLESS_GENERATED=1 to write it"
    );
}

#[cfg(feature = "codegen")]
#[tokio::test]
async fn codegen_snapshots() {
    let server = engine().await;
    let db = with_corpus(
        &server,
        "reflect_codegen_snapshots",
        &[
            "06_defaults",
            "20_names",
            "29_semi_structured",
            "09_scalar_types",
        ],
        &[],
    )
    .await;
    let client = client_for(&server, clickhouse_connect::Compression::None);
    let moved = |t: TableSchema| t.in_database("app").expect("moved");
    let defaults = moved(client.reflect().table(&db, "defaults").await.unwrap());
    let names = moved(client.reflect().table(&db, "odd names").await.unwrap());
    let semi = moved(client.reflect().table(&db, "semi").await.unwrap());
    let scalars = moved(client.reflect().table(&db, "scalars").await.unwrap());
    drop(&server, &db).await;

    insta::assert_snapshot!(
        "defaults_from_block",
        codegen::row_struct(&defaults, &Options::default()).unwrap()
    );
    insta::assert_snapshot!(
        "defaults_insertable_serde",
        codegen::row_struct(
            &defaults,
            &Options::none()
                .derive(Derive::Serialize)
                .columns(codegen::Columns::Insertable)
                .struct_name("NewDefaults")
        )
        .unwrap()
    );
    insta::assert_snapshot!(
        "odd_names_module",
        codegen::module(&names, &generation_options()).unwrap()
    );
    insta::assert_snapshot!(
        "semi_structured_from_block",
        codegen::row_struct(&semi, &Options::default()).unwrap()
    );
    insta::assert_snapshot!(
        "semi_structured_serde",
        codegen::row_struct(&semi, &generation_options()).unwrap()
    );
    insta::assert_snapshot!(
        "scalars_iden",
        codegen::iden_enum(&scalars, &Options::default()).unwrap()
    );
    let err =
        codegen::row_struct(&scalars, &Options::default().struct_name("not a name")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[cfg(feature = "codegen")]
#[tokio::test]
async fn generated_structs_read_rows() {
    use generated::*;
    use sea_query::Iden;

    let server = engine().await;
    let db = generated_tables(&server, "reflect_codegen_rows").await;
    let client = Client::builder()
        .url(server.client_url.clone())
        .database(db.clone())
        .build()
        .expect("a client");
    for insert in [
        "INSERT INTO defaults (id, created, label, quoted) VALUES (7, '2024-05-06 07:08:09', 'seven', 'q')",
        "INSERT INTO nested (id, goals.id, goals.name, goals.cost, tags) VALUES (1, [10, 20], ['a', 'b'], [1.5, 2.25], ['x'])",
        "INSERT INTO scalars VALUES (1, NULL, [1, NULL], [[1, 2]], 'sixteen-bytes-xx', 'b''c', 'y', 12.3456, 1.5, \
         '6b8b4567-327b-4e36-a6c1-9cd4b9b65b8f', '2024-01-02 03:04:05', 0.5, (1, 's', [NULL, 2.5]))",
        "INSERT INTO `odd names` VALUES (1, 'from', 2, 3, 'naïve', 4)",
        "INSERT INTO structured (id, attrs, lc_attrs, point, pairs, deep, `with space`) VALUES \
         (1, {'a': 1}, {'k': ['v']}, (1.5, 2.5), [('p', NULL), ('q', 3)], ((7, {'m': ('d', [1])}), 'f'), (1, 'c'))",
        "INSERT INTO modern VALUES (1, true, -170141183460469231731687303715884105728, 12345678901234567890123456789, \
         '1950-01-01', '2024-01-02 03:04:05.678', '2024-01-02 03:04:05.123456', '10.0.0.1', '::1', '12:34:56', \
         '01:02:03.456', 1.25, NULL, 9, 1.5)",
        "INSERT INTO shapes VALUES (1, (1, 2), [(0, 0), (1, 0)], [(0, 0), (2, 2)], [[(0, 0)]], [[(0, 0), (1, 1), (1, 0)]], [[[(0, 0), (1, 1), (1, 0)]]])",
    ] {
        client
            .command(insert)
            .await
            .unwrap_or_else(|e| panic!("{insert}: {e}"));
    }

    // Column by column (FromBlock) and through serde: the same rows.
    let rows: Vec<Defaults> = client
        .query("SELECT id, created, label, doubled, tripled, quoted FROM defaults")
        .fetch_rows()
        .await
        .expect("FromBlock");
    assert_eq!((rows[0].id, rows[0].doubled, rows[0].tripled), (7, 14, 21));
    assert_eq!(rows[0].created.to_rfc3339(), "2024-05-06T07:08:09+00:00");
    let serde_rows: Vec<Defaults> = client
        .query("SELECT id, created, label, doubled, tripled, quoted FROM defaults")
        .fetch_all()
        .await
        .expect("serde");
    assert_eq!(format!("{serde_rows:?}"), format!("{rows:?}"));

    let nested: Vec<Nested> = client
        .query("SELECT * FROM nested")
        .fetch_rows()
        .await
        .unwrap();
    assert_eq!(nested[0].goals_id, [10, 20]);
    assert_eq!(nested[0].goals_name, ["a", "b"]);
    assert_eq!(nested[0].goals_cost[1].to_string(), "2.25");

    let result = client.query("SELECT * FROM scalars").await.unwrap();
    let scalars: Vec<Scalars<'_>> = result.rows_of().unwrap();
    let s = &scalars[0];
    assert_eq!(s.maybe, None);
    assert_eq!(s.arr, [Some(1), None]);
    assert_eq!(s.fixed, b"sixteen-bytes-xx");
    assert_eq!((s.e8.as_str(), s.e16.as_str()), ("b'c", "y"));
    assert_eq!(s.dec.to_string(), "12.3456");
    // Over HTTP a top-level DateTime('zone') arrives without its zone: the same instant.
    assert_eq!(s.ts.timestamp(), 1_704_132_245);
    assert_eq!(s.t.2, [None, Some(2.5)]);

    let odd: Vec<OddNames> = client
        .query("SELECT * FROM `odd names`")
        .fetch_all()
        .await
        .unwrap();
    assert_eq!(
        (odd[0].select, odd[0].from.as_str(), odd[0]._1st),
        (1, "from", 3)
    );
    assert_eq!(odd[0].a_b, 4);
    assert_eq!(OddNamesIden::Select.unquoted(), "select");
    assert_eq!(OddNamesIden::Table.unquoted(), "odd names");

    let structured: Vec<Structured> = client
        .query("SELECT * FROM structured")
        .fetch_rows()
        .await
        .unwrap();
    let st = &structured[0];
    assert_eq!(st.attrs["a"], 1);
    assert_eq!(st.point, (1.5, 2.5));
    assert_eq!(
        st.pairs,
        [("p".to_owned(), None), ("q".to_owned(), Some(3))]
    );
    assert_eq!(st.deep.0.1["m"].1, [1]);
    let structured_serde: Vec<Structured> = client
        .query("SELECT * FROM structured")
        .fetch_all()
        .await
        .unwrap();
    assert_eq!(format!("{structured_serde:?}"), format!("{structured:?}"));

    let modern: Vec<Modern> = client
        .query("SELECT * FROM modern")
        .fetch_rows()
        .await
        .unwrap();
    let m = &modern[0];
    assert!(m.b);
    assert_eq!(m.i128, i128::MIN);
    assert_eq!(m.u256.to_string(), "12345678901234567890123456789");
    assert_eq!(m.d32.to_string(), "1950-01-01");
    assert_eq!(m.dt64.to_rfc3339(), "2024-01-02T03:04:05.678+01:00");
    assert_eq!(m.ip4.to_string(), "10.0.0.1");
    assert_eq!(m.dec256, "1.25000000000000000000");
    assert_eq!((m.lcn.clone(), m.saf, m.bf), (None, 9, 1.5));
    let modern_serde: Vec<Modern> = client
        .query("SELECT * FROM modern")
        .fetch_all()
        .await
        .unwrap();
    assert_eq!(format!("{modern_serde:?}"), format!("{modern:?}"));

    let shapes: Vec<Shapes> = client
        .query("SELECT * FROM shapes")
        .fetch_rows()
        .await
        .unwrap();
    assert_eq!(shapes[0].p, (1.0, 2.0));
    assert_eq!(shapes[0].mp[0][0].len(), 3);
    drop(&server, &db).await;
}
