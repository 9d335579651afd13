//! Reflection round trips on the real engines: every table of the corpus
//! (`testdata/reflect/*.sql`) is created, reflected, rendered through the dialect, created in
//! a second database from that rendering, and reflected again; the two schemas must be equal
//! (the second moved back by database), and so must the server's own `SHOW CREATE` of both
//! once the database name is set aside. On ClickHouse 26.9 (`CLICKHOUSE_URL`) for the whole
//! corpus and on 18.16 (`CLICKHOUSE_LEGACY_URL`) for the files that say it can create them.
//! Each file works in two fresh databases named after it, dropped at the end.

mod reflect_common;

use clickhouse_connect::reflect::{TableKind, TableSchema};
use futures_util::StreamExt;
use reflect_common::{Engine, corpus, drop_database, fresh_database, show_create};
use sea_query_clickhouse::{ChStatement, ClientExt, CreateStatement};

/// Runs one corpus file; `Err` says what differed.
async fn round_trip(engine: Engine, file: &reflect_common::CorpusFile) -> Result<usize, String> {
    let settings = file.settings_for(engine);
    let pid = std::process::id();
    let first = format!("rt_{}_{}_{pid}_a", engine.short(), file.stem);
    let second = format!("rt_{}_{}_{pid}_b", engine.short(), file.stem);
    let admin = engine.client(&settings, None).await;
    fresh_database(&admin, &first).await;
    fresh_database(&admin, &second).await;
    let result = compare(engine, file, &settings, &first, &second).await;
    // The copy first: its tables may depend on the original's (never the other way).
    drop_database(&admin, &second).await;
    drop_database(&admin, &first).await;
    result
}

async fn compare(
    engine: Engine,
    file: &reflect_common::CorpusFile,
    settings: &[(String, String)],
    first: &str,
    second: &str,
) -> Result<usize, String> {
    let one = engine.client(settings, Some(first)).await;
    for statement in file.statements_in(first) {
        one.command(statement.clone())
            .await
            .map_err(|e| format!("the corpus statement failed: {e}\n{statement}"))?;
    }
    let reflected = one
        .reflect()
        .database(first)
        .await
        .map_err(|e| format!("reflecting {first}: {e}"))?;
    if reflected.tables.len() != file.statements.len() {
        return Err(format!(
            "{} statements but {} tables reflected: {:?}",
            file.statements.len(),
            reflected.tables.len(),
            reflected.tables.iter().map(|t| &t.name).collect::<Vec<_>>()
        ));
    }
    let two = engine.client(settings, Some(second)).await;
    for table in reflected.in_creation_order() {
        let moved = table
            .in_database(second)
            .map_err(|e| format!("{}: {e}", table.name))?;
        let statement = CreateStatement::try_from(&moved)
            .map_err(|e| format!("{}: no DDL: {e}", table.name))?;
        let ddl = statement
            .to_sql()
            .map_err(|e| format!("{}: no DDL: {e}", table.name))?;
        two.execute_statement(&statement).await.map_err(|e| {
            format!(
                "{}: the server refused the rendering: {e}\n{ddl}",
                table.name
            )
        })?;
    }
    let again = two
        .reflect()
        .database(second)
        .await
        .map_err(|e| format!("reflecting {second}: {e}"))?;
    for table in &reflected.tables {
        let expected = table
            .in_database(second)
            .map_err(|e| e.to_string())?
            .definition();
        let got: &TableSchema = again
            .tables
            .iter()
            .find(|t| t.name == table.name)
            .ok_or_else(|| format!("{} is missing from the copy", table.name))?;
        if expected != got.definition() {
            return Err(format!(
                "{}: the copy reflects differently\n expected {expected:#?}\n got {:#?}",
                table.name,
                got.definition()
            ));
        }
        let dictionary = matches!(table.kind, TableKind::Dictionary(_));
        let original = show_create(&one, first, &table.name, dictionary).await;
        let copy = show_create(&two, second, &table.name, dictionary).await;
        if original.replace(first, second) != copy {
            return Err(format!(
                "{}: SHOW CREATE differs\n original {original}\n copy     {copy}",
                table.name
            ));
        }
    }
    Ok(reflected.tables.len())
}

async fn run_corpus(engine: Engine) {
    let files: Vec<_> = corpus("reflect")
        .into_iter()
        .filter(|f| f.runs_on(engine))
        .collect();
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    let mut tables = 0;
    // Four files at a time: each works in databases of its own.
    let results = futures_util::stream::iter(
        files
            .iter()
            .map(|f| async move { (f, round_trip(engine, f).await) }),
    )
    .buffer_unordered(4)
    .collect::<Vec<_>>()
    .await;
    for (file, result) in results {
        match result {
            Ok(n) => tables += n,
            Err(e) => failures.push(format!("{}: {e}", file.stem)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus files failed on {}:\n{}",
        failures.len(),
        files.len(),
        engine.tag(),
        failures.join("\n\n")
    );
    eprintln!(
        "{} corpus files, {tables} tables round-tripped on {}",
        files.len(),
        engine.tag()
    );
}

#[tokio::test]
async fn corpus_round_trips_on_26_9() {
    run_corpus(Engine::Modern).await;
}

#[tokio::test]
async fn corpus_round_trips_on_18_16() {
    run_corpus(Engine::Legacy).await;
}

/// What cannot be rebuilt from a schema is refused, saying why: a source password the server
/// hides, columns the user may not see, text in a schema that is not one SQL expression.
#[tokio::test]
async fn schemas_that_cannot_be_rebuilt_are_refused() {
    let engine = Engine::Modern;
    let db = format!("rt_refusals_{}", std::process::id());
    let admin = engine.client(&[], None).await;
    fresh_database(&admin, &db).await;
    let client = engine.client(&[], Some(&db)).await;
    for statement in [
        "CREATE TABLE src (id UInt64, v String) ENGINE = MergeTree ORDER BY id".to_owned(),
        format!(
            "CREATE DICTIONARY secret (id UInt64, v String) PRIMARY KEY id \
             SOURCE(CLICKHOUSE(TABLE 'src' DB '{db}' USER 'default' PASSWORD 'pw')) LIFETIME(0) LAYOUT(FLAT())"
        ),
    ] {
        client.command(statement).await.expect("setup");
    }
    let dictionary = client
        .reflect()
        .table(&db, "secret")
        .await
        .expect("reflect");
    let err = CreateStatement::try_from(&dictionary).unwrap_err();
    assert!(
        matches!(&err, sea_query_clickhouse::Error::Unsupported(m) if m.contains("PASSWORD") && m.contains("[HIDDEN]")),
        "{err}"
    );

    let table = client.reflect().table(&db, "src").await.expect("reflect");
    let mut hidden = table.clone();
    hidden.hidden_columns.push("salary".into());
    let err = CreateStatement::try_from(&hidden).unwrap_err();
    assert!(
        err.to_string().contains("SHOW COLUMNS") && err.to_string().contains("salary"),
        "{err}"
    );
    let err = sea_query_clickhouse::CreateTable::from(&hidden)
        .to_sql()
        .unwrap_err();
    assert!(err.to_string().contains("salary"), "{err}");

    let mut injected = table.clone();
    injected.order_by = Some("id) SETTINGS x = 1; DROP TABLE src; --".into());
    let err = CreateStatement::try_from(&injected).unwrap_err();
    assert!(err.to_string().contains("ORDER BY"), "{err}");
    let mut injected = table;
    injected.columns[1].comment = Some("it's fine: comments are quoted".into());
    injected.columns[0].default = Some(clickhouse_connect::reflect::ColumnDefault::new(
        clickhouse_connect::reflect::DefaultKind::Default,
        Some("1); DROP TABLE src; (".into()),
    ));
    let err = CreateStatement::try_from(&injected).unwrap_err();
    assert!(err.to_string().contains("DEFAULT"), "{err}");
    drop_database(&admin, &db).await;
}
