//! The reflection queries (one per system table for everything asked, never one per table)
//! and the assembly of their rows into [`TableSchema`]s.

use std::collections::HashMap;

use uuid::Uuid;

use super::catalog::Catalog;
use super::create_query::{self, Creates, DeclaredColumn, Statement};
use super::engine::parse_storage;
use super::schema::{
    ColumnDefault, ColumnSchema, DefaultKind, KeyMembership, MaterializedView, Projection,
    SkipIndex, TableKind, TableSchema, ViewTarget,
};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::types::{DataType, quote};
use crate::value::Row;

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

type Key = (String, String);

fn text(row: &Row<'_>, i: usize) -> Result<String> {
    row.get::<String>(i)
}

fn flag(row: &Row<'_>, i: usize) -> Result<bool> {
    Ok(row.get::<u64>(i)? != 0)
}

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

/// Reads the tables `filter` selects: one query per system table.
pub(crate) async fn read(client: &Client, filter: &Filter) -> Result<Vec<TableSchema>> {
    let catalog = Catalog::of(&client.server_info().await?);

    let mut columns = "database, name, engine, engine_full, create_table_query".to_owned();
    if catalog.tables_uuid() {
        columns.push_str(", uuid");
    }
    if catalog.tables_comment() {
        columns.push_str(", comment");
    }
    let sql = format!(
        "SELECT {columns} FROM system.tables WHERE {} AND NOT is_temporary",
        filter.condition("name")
    );
    let result = client.query(sql).await?;
    let mut tables = Vec::with_capacity(result.row_count());
    for row in result.rows() {
        let mut next = 5;
        let (database, name, engine, engine_full, create_table_query) = (
            text(&row, 0)?,
            text(&row, 1)?,
            text(&row, 2)?,
            text(&row, 3)?,
            text(&row, 4)?,
        );
        let uuid = if catalog.tables_uuid() {
            next += 1;
            Some(row.get::<Uuid>(next - 1)?).filter(|u| !u.is_nil())
        } else {
            None
        };
        let comment = if catalog.tables_comment() {
            none_if_empty(text(&row, next)?)
        } else {
            None
        };
        tables.push(TableRow {
            database,
            name,
            uuid,
            engine,
            engine_full,
            create_table_query,
            comment,
        });
    }

    let mut columns = "database, table, name, type, default_kind, default_expression, comment, \
                       is_in_partition_key, is_in_sorting_key, is_in_primary_key, is_in_sampling_key"
        .to_owned();
    if catalog.columns_codec() {
        columns.push_str(", compression_codec");
    }
    if catalog.columns_position() {
        columns.push_str(", position");
    }
    let sql = format!(
        "SELECT {columns} FROM system.columns WHERE {}",
        filter.condition("table")
    );
    let result = client.query(sql).await?;
    let mut by_table: HashMap<Key, Vec<ColumnRow>> = HashMap::new();
    for row in result.rows() {
        let key = (text(&row, 0)?, text(&row, 1)?);
        let mut next = 11;
        let codec = if catalog.columns_codec() {
            next += 1;
            let codec = text(&row, next - 1)?;
            let inner = codec
                .strip_prefix("CODEC(")
                .and_then(|c| c.strip_suffix(')'))
                .unwrap_or(&codec)
                .to_owned();
            none_if_empty(inner)
        } else {
            None
        };
        let position = if catalog.columns_position() {
            Some(row.get::<u64>(next)?)
        } else {
            None
        };
        by_table.entry(key).or_default().push(ColumnRow {
            name: text(&row, 2)?,
            type_text: text(&row, 3)?,
            default_kind: text(&row, 4)?,
            default_expression: text(&row, 5)?,
            comment: text(&row, 6)?,
            keys: KeyMembership {
                partition: flag(&row, 7)?,
                sorting: flag(&row, 8)?,
                primary: flag(&row, 9)?,
                sampling: flag(&row, 10)?,
            },
            codec,
            position,
        });
    }

    let mut indexes: Option<HashMap<Key, Vec<SkipIndex>>> = None;
    if catalog.skipping_indices() {
        let explicit = if catalog.skipping_indices_creation() {
            " AND creation = 'Explicit'"
        } else {
            ""
        };
        let sql = format!(
            "SELECT database, table, name, expr, type_full, granularity \
             FROM system.data_skipping_indices WHERE {}{explicit}",
            filter.condition("table")
        );
        let result = client.query(sql).await?;
        let mut map: HashMap<Key, Vec<SkipIndex>> = HashMap::new();
        for row in result.rows() {
            map.entry((text(&row, 0)?, text(&row, 1)?))
                .or_default()
                .push(SkipIndex {
                    name: text(&row, 2)?,
                    expression: one_expression(text(&row, 3)?),
                    index_type: text(&row, 4)?,
                    granularity: row.get::<u64>(5)?,
                });
        }
        indexes = Some(map);
    }

    let mut projections: Option<HashMap<Key, Vec<Projection>>> = None;
    if catalog.projections() {
        let sql = format!(
            "SELECT database, table, name, query FROM system.projections WHERE {}",
            filter.condition("table")
        );
        let result = client.query(sql).await?;
        let mut map: HashMap<Key, Vec<Projection>> = HashMap::new();
        for row in result.rows() {
            map.entry((text(&row, 0)?, text(&row, 1)?))
                .or_default()
                .push(Projection {
                    name: text(&row, 2)?,
                    query: text(&row, 3)?,
                });
        }
        projections = Some(map);
    }

    let inner_names: HashMap<Key, ()> = tables
        .iter()
        .filter(|t| t.name.starts_with(".inner"))
        .map(|t| ((t.database.clone(), t.name.clone()), ()))
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
        let key = (table.database.clone(), table.name.clone());
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
    inner_names: &HashMap<Key, ()>,
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
                    let inner = candidates.into_iter().flatten().find(|name| {
                        inner_names.contains_key(&(table.database.clone(), name.clone()))
                    });
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
