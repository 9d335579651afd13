//! Reflection round trips on the real engines: every table of the corpus
//! (`testdata/reflect/*.sql`) is created, reflected, rendered through the dialect, created in
//! a second database from that rendering, and reflected again; the two schemas must be equal
//! (the second moved back by database), and so must the server's own `SHOW CREATE` of both
//! once the database name is set aside. On ClickHouse 26.9 (`CLICKHOUSE_URL`) for the whole
//! corpus and on 18.16 (`CLICKHOUSE_LEGACY_URL`) for the files that say it can create them.
//! Each file works in two fresh databases named after it, dropped at the end.

mod reflect_common;

use clickhouse_connect::reflect::{TableKind, TableSchema};
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
    for file in &files {
        match round_trip(engine, file).await {
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
