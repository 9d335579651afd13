//! Schema diffs on the real engines: for each pair in `testdata/reflect_diff/*.sql`, the old
//! and the new table are created in two fresh databases and reflected; the plan of `ALTER`s
//! from old to new is applied to the old table, which must then reflect as the new one (and
//! show the same `SHOW CREATE`). Pairs that need a rebuild must be refused with the reason.
//! On ClickHouse 26.9 for every pair, on 18.16 for the pairs it can create and alter.

mod reflect_common;

use clickhouse_connect::reflect::{ChangeClass, TableSchema};
use reflect_common::{Engine, drop_database, fresh_database, show_create, testdata};
use sea_query_clickhouse::{AlterPlan, ClientExt, Error};

/// A pair: what is expected, the old statements and the new ones.
struct Pair {
    stem: String,
    engines: Vec<String>,
    expect: String,
    note: Option<String>,
    old: Vec<String>,
    new: Vec<String>,
}

fn statements(text: &str) -> Vec<String> {
    text.split(";\n")
        .map(|s| s.trim().trim_end_matches(';').trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn pairs() -> Vec<Pair> {
    let mut files: Vec<_> = std::fs::read_dir(testdata("reflect_diff"))
        .expect("the diff corpus")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a pair");
            let header = |key: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_owned()))
            };
            let (_, rest) = text.split_once("-- old\n").expect("an -- old section");
            let (old, new) = rest.split_once("-- new\n").expect("a -- new section");
            Pair {
                stem: path.file_stem().unwrap().to_string_lossy().into_owned(),
                engines: header("-- engines:")
                    .expect("engines")
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
                expect: header("-- expect:").expect("expect"),
                note: header("-- note:"),
                old: statements(old),
                new: statements(new),
            }
        })
        .collect()
}

async fn reflect_t(client: &clickhouse_connect::Client, db: &str) -> Result<TableSchema, String> {
    client
        .reflect()
        .table(db, "t")
        .await
        .map_err(|e| format!("reflecting {db}.t: {e}"))
}

async fn check(engine: Engine, pair: &Pair) -> Result<(), String> {
    let pid = std::process::id();
    let (a, b) = (
        format!("df_{}_{}_{pid}_old", engine.short(), pair.stem),
        format!("df_{}_{}_{pid}_new", engine.short(), pair.stem),
    );
    let admin = engine.client(&[], None).await;
    fresh_database(&admin, &a).await;
    fresh_database(&admin, &b).await;
    let result = run(engine, pair, &a, &b).await;
    drop_database(&admin, &a).await;
    drop_database(&admin, &b).await;
    result
}

async fn run(engine: Engine, pair: &Pair, a: &str, b: &str) -> Result<(), String> {
    let old_client = engine.client(&[], Some(a)).await;
    let new_client = engine.client(&[], Some(b)).await;
    for s in &pair.old {
        old_client
            .command(s.clone())
            .await
            .map_err(|e| format!("old: {e}\n{s}"))?;
    }
    for s in &pair.new {
        new_client
            .command(s.clone())
            .await
            .map_err(|e| format!("new: {e}\n{s}"))?;
    }
    let old = reflect_t(&old_client, a).await?;
    let new = reflect_t(&new_client, b)
        .await?
        .in_database(a)
        .map_err(|e| e.to_string())?;
    let plan = AlterPlan::between(&old, &new);
    if let Some(reason) = pair.expect.strip_prefix("rebuild:") {
        return match plan {
            Err(Error::Unsupported(message)) if message.contains(reason.trim()) => Ok(()),
            Err(other) => Err(format!("refused, but not saying {reason:?}: {other}")),
            Ok(plan) => Err(format!(
                "expected a refusal ({reason}), got {:?}",
                plan.to_sql()
            )),
        };
    }
    let plan = plan.map_err(|e| format!("no plan: {e}"))?;
    let class = match pair.expect.as_str() {
        "none" => None,
        "metadata" => Some(ChangeClass::MetadataOnly),
        "mutation" => Some(ChangeClass::Mutation),
        other => return Err(format!("unknown expectation {other}")),
    };
    if plan.class() != class {
        return Err(format!(
            "the plan is {:?}, expected {class:?}: {:?}",
            plan.class(),
            plan.to_sql()
        ));
    }
    if let Some(note) = &pair.note {
        if !plan
            .steps()
            .iter()
            .any(|s| s.notes.iter().any(|n| n.contains(note)))
        {
            return Err(format!("no step notes {note:?}"));
        }
    }
    let sql = plan.to_sql().map_err(|e| e.to_string())?;
    for step in plan.steps() {
        let mut command = old_client
            .statement_command(&step.statement)
            .map_err(|e| e.to_string())?;
        if engine == Engine::Modern {
            // Mutations wait for their end, so the next reflection sees the result (18.16
            // has no such setting; its metadata changes at once anyway).
            command = command.setting("mutations_sync", 2);
        }
        command
            .await
            .map_err(|e| format!("the server refused a step: {e}\n{sql:#?}"))?;
    }
    let altered = reflect_t(&old_client, a).await?;
    if altered.definition() != new.definition() {
        return Err(format!(
            "after {sql:#?}\n the table is {:#?}\n expected {:#?}",
            altered.definition(),
            new.definition()
        ));
    }
    let left = show_create(&old_client, a, "t", false).await;
    let right = show_create(&new_client, b, "t", false).await.replace(b, a);
    if left != right {
        return Err(format!(
            "after {sql:#?} SHOW CREATE differs:\n{left}\n{right}"
        ));
    }
    Ok(())
}

async fn run_pairs(engine: Engine) {
    let pairs: Vec<Pair> = pairs()
        .into_iter()
        .filter(|p| p.engines.iter().any(|e| e == engine.tag()))
        .collect();
    assert!(!pairs.is_empty());
    let mut failures = Vec::new();
    for pair in &pairs {
        if let Err(e) = check(engine, pair).await {
            failures.push(format!("{}: {e}", pair.stem));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} pairs failed on {}:\n{}",
        failures.len(),
        pairs.len(),
        engine.tag(),
        failures.join("\n\n")
    );
}

#[tokio::test]
async fn diff_pairs_apply_on_26_9() {
    run_pairs(Engine::Modern).await;
}

#[tokio::test]
async fn diff_pairs_apply_on_18_16() {
    run_pairs(Engine::Legacy).await;
}
