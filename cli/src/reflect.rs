//! `chc reflect` and `chc diff`: schemas from the server as DDL, Rust or JSON; the ALTERs
//! between two tables.

use clickhouse_connect::reflect::codegen::{self, Derive, Options};
use clickhouse_connect::reflect::{
    ChangeClass, ChangeKind, TableKind, TableSchema, diff as schema_diff,
};
use sea_query_clickhouse::{AlterPlan, ChStatement, CreateStatement};
use serde_json::json;

use crate::cli::{Connection, DeriveArg, DiffArgs, ReflectArgs, ReflectOutput};
use crate::conn;
use crate::fail::Failure;

/// A table or database that is not there is a failure (exit code 1), as a query on it is.
fn failed(e: clickhouse_connect::Error) -> Failure {
    Failure::Failed(e.into())
}

/// `db.table` split; a name without a dot is a database.
fn split(target: &str) -> (&str, Option<&str>) {
    match target.split_once('.') {
        Some((db, table)) => (db, Some(table)),
        None => (target, None),
    }
}

pub(crate) async fn reflect(options: &Connection, args: ReflectArgs) -> Result<(), Failure> {
    let client = conn::client(options)?;
    let target = args
        .target
        .clone()
        .or_else(|| options.database.clone())
        .unwrap_or_else(|| "default".to_owned());
    let (database, table) = split(&target);
    let tables = match table {
        Some(table) => vec![
            client
                .reflect()
                .table(database, table)
                .await
                .map_err(failed)?,
        ],
        None => {
            let db = client.reflect().database(database).await.map_err(failed)?;
            db.in_creation_order().into_iter().cloned().collect()
        }
    };
    match args.output {
        ReflectOutput::Ddl => {
            for schema in &tables {
                println!("{}", ddl(schema)?);
            }
        }
        ReflectOutput::Rust | ReflectOutput::Iden => {
            let mut codegen_options = Options::none();
            for derive in &args.derive {
                codegen_options = match derive {
                    DeriveArg::Fromblock => codegen_options.derive(Derive::FromBlock),
                    DeriveArg::Serde => codegen_options
                        .derive(Derive::Serialize)
                        .derive(Derive::Deserialize),
                };
            }
            for schema in tables.iter().filter(|s| has_columns(s)) {
                let source = match args.output {
                    ReflectOutput::Rust => codegen::row_struct(schema, &codegen_options)?,
                    _ => codegen::iden_enum(schema, &codegen_options)?,
                };
                println!("{source}");
            }
        }
        ReflectOutput::Json => {
            let list: Vec<_> = tables.iter().map(to_json).collect();
            let text = serde_json::to_string_pretty(&list).map_err(anyhow::Error::from)?;
            println!("{text}");
        }
    }
    Ok(())
}

fn has_columns(schema: &TableSchema) -> bool {
    !schema.columns.is_empty()
}

/// The `CREATE` statement, or the server's own for kinds no DDL is rendered for.
fn ddl(schema: &TableSchema) -> Result<String, Failure> {
    if let TableKind::Other(_) = schema.kind {
        return Ok(format!(
            "-- {}.{}: as the server keeps it\n{};",
            schema.database, schema.name, schema.create_table_query
        ));
    }
    let statement = CreateStatement::try_from(schema).map_err(anyhow::Error::from)?;
    Ok(format!(
        "{};",
        statement.to_sql().map_err(anyhow::Error::from)?
    ))
}

fn to_json(schema: &TableSchema) -> serde_json::Value {
    let columns: Vec<_> = schema
        .columns
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "type": c.data_type.to_string(),
                "default_kind": c.default.as_ref().map(|d| d.kind.keyword()),
                "default": c.default.as_ref().and_then(|d| d.expression.clone()),
                "comment": c.comment,
                "codec": c.codec,
                "ttl": c.ttl,
            })
        })
        .collect();
    json!({
        "database": schema.database,
        "name": schema.name,
        "kind": schema.kind.name(),
        "engine": schema.engine.as_ref().map(|e| e.to_sql()),
        "partition_by": schema.partition_key,
        "order_by": schema.order_by,
        "primary_key": schema.primary_key,
        "sample_by": schema.sampling_key,
        "ttl": schema.ttl,
        "comment": schema.comment,
        "columns": columns,
        "create_table_query": schema.create_table_query,
    })
}

fn class_name(class: ChangeClass) -> &'static str {
    match class {
        ChangeClass::MetadataOnly => "metadata only",
        ChangeClass::Mutation => "mutation",
        ChangeClass::Rebuild => "rebuild",
        _ => "other",
    }
}

pub(crate) async fn diff(options: &Connection, args: DiffArgs) -> Result<(), Failure> {
    let (Some(from), Some(to)) = (args.from.split_once('.'), args.to.split_once('.')) else {
        return Err(Failure::usage_msg("name both tables as db.table"));
    };
    let client = conn::client(options)?;
    let old = client
        .reflect()
        .table(from.0, from.1)
        .await
        .map_err(failed)?;
    let new = client.reflect().table(to.0, to.1).await.map_err(failed)?;
    // Compared in one database, so queries and engine arguments that name it agree.
    let new = new.in_database(&old.database)?;
    let changes = schema_diff(&old, &new);
    if changes.is_empty() {
        println!(
            "-- no changes: {} and {} have the same definition",
            args.from, args.to
        );
        return Ok(());
    }
    let rebuilds: Vec<_> = changes.rebuilds().collect();
    if !rebuilds.is_empty() {
        for change in &rebuilds {
            let what = match &change.kind {
                ChangeKind::Rebuild { what } => what.clone(),
                other => format!("{other:?}"),
            };
            let note = change.note.as_deref().map(|n| format!(": {n}"));
            println!("-- rebuild: {what}{}", note.unwrap_or_default());
        }
        return Err(Failure::No(format!(
            "{} change(s) need a rebuild: no ALTER turns {} into {}",
            rebuilds.len(),
            args.from,
            args.to
        )));
    }
    let plan = AlterPlan::new(&old, &changes).map_err(anyhow::Error::from)?;
    for step in plan.steps() {
        let notes = if step.notes.is_empty() {
            String::new()
        } else {
            format!(": {}", step.notes.join(" "))
        };
        println!(
            "-- {}{notes}\n{};",
            class_name(step.class),
            step.statement.to_sql().map_err(anyhow::Error::from)?
        );
    }
    Ok(())
}
