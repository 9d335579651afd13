//! The reflection queries (one per system table for everything asked, never one per table)
//! and the assembly of their rows into [`TableSchema`]s.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::catalog::Catalog;
use super::create_query::{self, Creates, DeclaredColumn, Statement};
use super::engine::parse_storage;
use super::schema::{
    ColumnDefault, ColumnSchema, DefaultKind, KeyMembership, MaterializedView, Projection,
    SkipIndex, TableKind, TableSchema, ViewTarget,
};
use crate::client::{Client, QueryResult};
use crate::error::{Error, Result};
use crate::types::{DataType, quote};
use crate::value::FromBlock;

/// Which tables to read.
#[derive(Debug, Clone)]
pub(crate) enum Filter {
    /// Every table of these databases.
    Databases(Vec<String>),
    /// Every database but the server's own (`system`, `INFORMATION_SCHEMA`).
    AllDatabases,
    /// The tables of a database whose names match a `LIKE` pattern.
    Like { database: String, pattern: String },
    /// One table.
    Table { database: String, name: String },
}

/// The databases that belong to the server.
pub(crate) const SERVER_DATABASES: [&str; 3] =
    ["system", "INFORMATION_SCHEMA", "information_schema"];

impl Filter {
    /// The `WHERE` condition on `system.tables` (`name_column` is `name` there and `table`
    /// elsewhere). Inner tables of materialized views are always read with their views.
    fn condition(&self, name_column: &str) -> String {
        let inner = format!("startsWith({name_column}, '.inner')");
        match self {
            Filter::Databases(names) => {
                let list: Vec<String> = names.iter().map(|n| quote(n)).collect();
                format!("database IN ({})", list.join(", "))
            }
            Filter::AllDatabases => {
                let list: Vec<String> = SERVER_DATABASES.iter().map(|n| quote(n)).collect();
                format!("database NOT IN ({})", list.join(", "))
            }
            Filter::Like { database, pattern } => format!(
                "database = {} AND ({name_column} LIKE {} OR {inner})",
                quote(database),
                quote(pattern)
            ),
            Filter::Table { database, name } => format!(
                "database = {} AND ({name_column} = {} OR {inner})",
                quote(database),
                quote(name)
            ),
        }
    }
}

/// A row of `system.tables`.
struct TableRow {
    database: String,
    name: String,
    uuid: Option<Uuid>,
    engine: String,
    engine_full: String,
    create_table_query: String,
    comment: Option<String>,
}

/// A row of `system.columns`.
struct ColumnRow {
    name: String,
    type_text: String,
    default_kind: String,
    default_expression: String,
    comment: String,
    keys: KeyMembership,
    codec: Option<String>,
    position: Option<u64>,
}

/// `system.tables` as the query reads it (columns the server lacks come as constants).
#[derive(FromBlock)]
struct TableLine<'a> {
    database: &'a str,
    name: &'a str,
    engine: &'a str,
    engine_full: &'a str,
    create_table_query: &'a str,
    uuid: Uuid,
    comment: &'a str,
}

/// `system.columns` as the query reads it.
#[derive(FromBlock)]
struct ColumnLine<'a> {
    database: &'a str,
    table: &'a str,
    name: &'a str,
    #[from_block(rename = "type")]
    type_text: &'a str,
    default_kind: &'a str,
    default_expression: &'a str,
    comment: &'a str,
    is_in_partition_key: u8,
    is_in_sorting_key: u8,
    is_in_primary_key: u8,
    is_in_sampling_key: u8,
    compression_codec: &'a str,
    position: u64,
}

/// `system.data_skipping_indices` as the query reads it.
#[derive(FromBlock)]
struct IndexLine<'a> {
    database: &'a str,
    table: &'a str,
    name: &'a str,
    expr: &'a str,
    type_full: &'a str,
    granularity: u64,
}

/// `system.projections` as the query reads it.
#[derive(FromBlock)]
struct ProjectionLine<'a> {
    database: &'a str,
    table: &'a str,
    name: &'a str,
    query: &'a str,
}

type Key = (String, String);

/// An index expression of several parts as the one tuple it is (`system.data_skipping_indices`
/// writes `(a, b)` as `a, b`).
fn one_expression(text: String) -> String {
    match super::lexer::split_top_level(&text) {
        Ok(parts) if parts.len() > 1 => format!("({text})"),
        _ => text,
    }
}

fn none_if_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// The queries for `filter` on a server of `catalog`: `system.tables`, `system.columns`, and
/// where the server has them with the columns needed, `system.data_skipping_indices` and
/// `system.projections`.
fn queries(catalog: Catalog, filter: &Filter) -> [Option<String>; 4] {
    // What the server lacks comes as a constant that reads as "unknown".
    let mut columns = "database, name, engine, engine_full, create_table_query".to_owned();
    columns.push_str(if catalog.tables_uuid() {
        ", uuid"
    } else {
        ", toUUID('00000000-0000-0000-0000-000000000000') AS uuid"
    });
    columns.push_str(if catalog.tables_comment() {
        ", comment"
    } else {
        ", '' AS comment"
    });
    let tables = format!(
        "SELECT {columns} FROM system.tables WHERE {} AND NOT is_temporary",
        filter.condition("name")
    );
    let mut columns = "database, table, name, type, default_kind, default_expression, comment, \
                       is_in_partition_key, is_in_sorting_key, is_in_primary_key, is_in_sampling_key"
        .to_owned();
    columns.push_str(if catalog.columns_codec() {
        ", compression_codec"
    } else {
        ", '' AS compression_codec"
    });
    columns.push_str(if catalog.columns_position() {
        ", position"
    } else {
        ", toUInt64(0) AS position"
    });
    let column_sql = format!(
        "SELECT {columns} FROM system.columns WHERE {}",
        filter.condition("table")
    );
    let indexes = catalog.skipping_indices().then(|| {
        let explicit = if catalog.skipping_indices_creation() {
            " AND creation = 'Explicit'"
        } else {
            ""
        };
        format!(
            "SELECT database, table, name, expr, type_full, granularity \
             FROM system.data_skipping_indices WHERE {}{explicit}",
            filter.condition("table")
        )
    });
    let projections = catalog.projections().then(|| {
        format!(
            "SELECT database, table, name, query FROM system.projections WHERE {}",
            filter.condition("table")
        )
    });
    [Some(tables), Some(column_sql), indexes, projections]
}

async fn run(client: &Client, sql: Option<String>) -> Result<Option<QueryResult>> {
    match sql {
        Some(sql) => client.query(sql).await.map(Some),
        None => Ok(None),
    }
}

/// Reads the tables `filter` selects: one query per system table, sent together.
pub(crate) async fn read(client: &Client, filter: &Filter) -> Result<Vec<TableSchema>> {
    let catalog = Catalog::of(&client.server_info().await?);
    let [tables_sql, columns_sql, indexes_sql, projections_sql] = queries(catalog, filter);
    let (tables_result, columns_result, indexes_result, projections_result) = tokio::try_join!(
        run(client, tables_sql),
        run(client, columns_sql),
        run(client, indexes_sql),
        run(client, projections_sql),
    )?;

    let table_lines: Vec<TableLine<'_>> = match &tables_result {
        Some(r) => r.rows_of()?,
        None => Vec::new(),
    };
    let tables: Vec<TableRow> = table_lines
        .into_iter()
        .map(|t| TableRow {
            database: t.database.to_owned(),
            name: t.name.to_owned(),
            uuid: Some(t.uuid).filter(|u| !u.is_nil()),
            engine: t.engine.to_owned(),
            engine_full: t.engine_full.to_owned(),
            create_table_query: t.create_table_query.to_owned(),
            comment: none_if_empty(t.comment.to_owned()),
        })
        .collect();

    let column_lines: Vec<ColumnLine<'_>> = match &columns_result {
        Some(r) => r.rows_of()?,
        None => Vec::new(),
    };
    let mut by_table: HashMap<(&str, &str), Vec<ColumnRow>> = HashMap::new();
    for c in column_lines {
        let codec = c
            .compression_codec
            .strip_prefix("CODEC(")
            .and_then(|c| c.strip_suffix(')'))
            .unwrap_or(c.compression_codec);
        let row = ColumnRow {
            name: c.name.to_owned(),
            type_text: c.type_text.to_owned(),
            default_kind: c.default_kind.to_owned(),
            default_expression: c.default_expression.to_owned(),
            comment: c.comment.to_owned(),
            keys: KeyMembership {
                partition: c.is_in_partition_key != 0,
                sorting: c.is_in_sorting_key != 0,
                primary: c.is_in_primary_key != 0,
                sampling: c.is_in_sampling_key != 0,
            },
            codec: none_if_empty(codec.to_owned()),
            position: (c.position != 0).then_some(c.position),
        };
        by_table.entry((c.database, c.table)).or_default().push(row);
    }

    let mut indexes: Option<HashMap<(&str, &str), Vec<SkipIndex>>> = None;
    if let Some(result) = &indexes_result {
        let mut map: HashMap<(&str, &str), Vec<SkipIndex>> = HashMap::new();
        for i in result.rows_of::<IndexLine<'_>>()? {
            map.entry((i.database, i.table))
                .or_default()
                .push(SkipIndex {
                    name: i.name.to_owned(),
                    expression: one_expression(i.expr.to_owned()),
                    index_type: i.type_full.to_owned(),
                    granularity: i.granularity,
                });
        }
        indexes = Some(map);
    }

    let mut projections: Option<HashMap<(&str, &str), Vec<Projection>>> = None;
    if let Some(result) = &projections_result {
        let mut map: HashMap<(&str, &str), Vec<Projection>> = HashMap::new();
        for p in result.rows_of::<ProjectionLine<'_>>()? {
            map.entry((p.database, p.table))
                .or_default()
                .push(Projection {
                    name: p.name.to_owned(),
                    query: p.query.to_owned(),
                });
        }
        projections = Some(map);
    }

    let inner_names: HashSet<Key> = tables
        .iter()
        .filter(|t| t.name.starts_with(".inner"))
        .map(|t| (t.database.clone(), t.name.clone()))
        .collect();
    let mut out = Vec::new();
    for table in &tables {
        let is_inner = table.name.starts_with(".inner");
        let wanted = match filter {
            Filter::Table { name, .. } => &table.name == name,
            _ => !is_inner,
        };
        if !wanted {
            continue;
        }
        let key = (table.database.as_str(), table.name.as_str());
        let mut rows = by_table.remove(&key).unwrap_or_default();
        if rows.iter().all(|r| r.position.is_some()) {
            rows.sort_by_key(|r| r.position);
        }
        let schema = assemble(
            table,
            rows,
            indexes.as_mut().map(|m| m.remove(&key).unwrap_or_default()),
            projections
                .as_mut()
                .map(|m| m.remove(&key).unwrap_or_default()),
            &inner_names,
        )?;
        out.push(schema);
    }
    Ok(out)
}

fn assemble(
    table: &TableRow,
    rows: Vec<ColumnRow>,
    indexes: Option<Vec<SkipIndex>>,
    projections: Option<Vec<Projection>>,
    inner_names: &HashSet<Key>,
) -> Result<TableSchema> {
    let what = format!("{}.{}", table.database, table.name);
    let statement: Statement = create_query::parse(&table.create_table_query, &what)?;
    let declared: HashMap<&str, &DeclaredColumn> = statement
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c))
        .collect();

    let mut columns = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        let data_type = DataType::parse(&row.type_text).map_err(|e| {
            Error::protocol(format!(
                "column {what}.{} has a type reflection cannot read: {e}",
                row.name
            ))
            .with_source(e)
        })?;
        let decl = declared.get(row.name.as_str());
        let default = match DefaultKind::parse(&row.default_kind) {
            // A bare `EPHEMERAL` is listed with a made-up default; the statement says none.
            Some(DefaultKind::Ephemeral) => Some(ColumnDefault::new(
                DefaultKind::Ephemeral,
                decl.and_then(|d| d.default.as_ref())
                    .and_then(|d| d.expression.clone()),
            )),
            Some(kind) => Some(ColumnDefault::new(kind, Some(row.default_expression))),
            None if row.default_kind.is_empty() => None,
            None => {
                return Err(Error::protocol(format!(
                    "column {what}.{} has a default kind `{}` reflection does not know",
                    row.name, row.default_kind
                )));
            }
        };
        let mut column =
            ColumnSchema::new(row.name, row.position.unwrap_or(i as u64 + 1), data_type);
        column.default = default;
        column.comment = none_if_empty(row.comment);
        column.codec = row.codec.or_else(|| decl.and_then(|d| d.codec.clone()));
        column.ttl = decl.and_then(|d| d.ttl.clone());
        column.keys = row.keys;
        columns.push(column);
    }
    if statement.creates == Creates::Dictionary {
        // `system.columns` lists a dictionary's structure (range columns and keys first) and
        // no defaults; the statement has both as declared.
        for column in &mut columns {
            column.default = declared
                .get(column.name.as_str())
                .and_then(|d| d.default.clone());
        }
        let order = |name: &str| statement.columns.iter().position(|d| d.name == name);
        columns.sort_by_key(|c| order(&c.name));
        for (i, column) in columns.iter_mut().enumerate() {
            column.position = i as u64 + 1;
        }
    }
    let hidden_columns: Vec<String> = statement
        .columns
        .iter()
        .filter(|d| !columns.iter().any(|c| c.name == d.name))
        .map(|d| d.name.clone())
        .collect();

    let kind = match (&statement.creates, table.engine.as_str()) {
        (Creates::View, _) => TableKind::View,
        (Creates::MaterializedView, _) => {
            let target = match &statement.to {
                Some((db, name)) => ViewTarget::Table {
                    database: db.clone().unwrap_or_else(|| table.database.clone()),
                    table: name.clone(),
                },
                None => {
                    let candidates = [
                        table.uuid.map(|u| format!(".inner_id.{u}")),
                        Some(format!(".inner.{}", table.name)),
                    ];
                    let inner = candidates
                        .into_iter()
                        .flatten()
                        .find(|name| inner_names.contains(&(table.database.clone(), name.clone())));
                    ViewTarget::Inner { table: inner }
                }
            };
            TableKind::MaterializedView(MaterializedView {
                target,
                refresh: statement.refresh.clone(),
            })
        }
        (Creates::Dictionary, _) => TableKind::Dictionary(
            statement
                .dictionary
                .clone()
                .ok_or_else(|| Error::protocol(format!("dictionary {what} has no SOURCE")))?,
        ),
        (Creates::Table, _) if statement.as_other.is_none() => TableKind::Table,
        (_, engine) => TableKind::Other(engine.to_owned()),
    };

    // A table's storage is in `engine_full`; a materialized view's, in its statement (26.x
    // leaves the view's `engine_full` empty and keeps it on the inner table).
    let storage_text = match &kind {
        TableKind::Table => table.engine_full.as_str(),
        TableKind::MaterializedView(_) => statement.engine.as_deref().unwrap_or(""),
        _ => "",
    };
    let storage = parse_storage(storage_text)
        .map_err(|e| Error::protocol(format!("table {what}: {e}")).with_source(e))?;

    Ok(TableSchema {
        database: table.database.clone(),
        name: table.name.clone(),
        uuid: table.uuid,
        kind,
        engine: storage.engine,
        partition_key: storage.partition_key,
        order_by: storage.order_by,
        primary_key: storage.primary_key,
        sampling_key: storage.sampling_key,
        ttl: storage.ttl,
        settings: storage.settings,
        comment: table.comment.clone().or_else(|| statement.comment.clone()),
        columns,
        skip_indexes: indexes.unwrap_or_else(|| statement.skip_indexes.clone()),
        projections: projections.unwrap_or_else(|| statement.projections.clone()),
        constraints: statement.constraints.clone(),
        query: statement.query.clone(),
        hidden_columns,
        create_table_query: table.create_table_query.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, type_text: &str, position: u64) -> ColumnRow {
        ColumnRow {
            name: name.into(),
            type_text: type_text.into(),
            default_kind: String::new(),
            default_expression: String::new(),
            comment: String::new(),
            keys: KeyMembership::default(),
            codec: None,
            position: Some(position),
        }
    }

    /// A user without SHOW COLUMNS on `secret` gets no row for it from `system.columns`; the
    /// statement still declares it. (Neither local engine has SQL access control to show this
    /// live: 18.16 predates it, the 26.9 front runs every request as `default`.)
    #[test]
    fn columns_the_server_leaves_out_are_reported() {
        let table = TableRow {
            database: "db".into(),
            name: "t".into(),
            uuid: None,
            engine: "MergeTree".into(),
            engine_full: "MergeTree ORDER BY id SETTINGS index_granularity = 8192".into(),
            create_table_query: "CREATE TABLE db.t (`id` UInt64, `secret` String, `v` UInt8) \
                                 ENGINE = MergeTree ORDER BY id SETTINGS index_granularity = 8192"
                .into(),
            comment: None,
        };
        let rows = vec![row("id", "UInt64", 1), row("v", "UInt8", 3)];
        let schema = assemble(&table, rows, None, None, &HashSet::new()).unwrap();
        assert_eq!(schema.hidden_columns, ["secret"]);
        assert!(!schema.is_complete());
        assert_eq!(
            schema.columns.len(),
            2,
            "nothing is guessed for the hidden column"
        );
    }

    #[test]
    fn a_type_reflection_cannot_read_names_the_column() {
        let table = TableRow {
            database: "db".into(),
            name: "t".into(),
            uuid: None,
            engine: "Memory".into(),
            engine_full: "Memory".into(),
            create_table_query: "CREATE TABLE db.t (`x` Futuristic(1)) ENGINE = Memory".into(),
            comment: None,
        };
        let err = assemble(
            &table,
            vec![row("x", "Futuristic(1)", 1)],
            None,
            None,
            &HashSet::new(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("db.t.x"), "{err}");
    }
}
