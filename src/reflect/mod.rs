//! reflect: tables, views and dictionaries as the server describes them.
//!
//! A user of [`Client`] like any application: [`Client::reflect`] reads `system.tables`,
//! `system.columns`, `system.data_skipping_indices` and `system.projections` (one query per
//! system table for everything asked, never one per table) and `create_table_query` for what
//! no system table lists, into [`TableSchema`]s. Which columns a server's system tables have is
//! decided by its version, in one place (`catalog.rs`). The sea-query dialect renders DDL from
//! a schema (`CreateTable::from(&schema)`); [`codegen`] writes Rust for it; [`diff`] compares two.
//!
//! ```no_run
//! # async fn run() -> clickhouse_connect::Result<()> {
//! use clickhouse_connect::Client;
//!
//! let client = Client::builder().url("http://localhost:8123").build()?;
//! let events = client.reflect().table("default", "events").await?;
//! for column in &events.columns {
//!     println!("{} {} {:?}", column.name, column.data_type, column.default);
//! }
//! # Ok(())
//! # }
//! ```

mod catalog;
#[cfg(feature = "codegen")]
pub mod codegen;
mod create_query;
mod diff;
mod engine;
mod lexer;
mod read;
mod schema;

/// The parsers reflection runs on text a server sends, for the fuzz targets (`crate::fuzzing`).
#[cfg(feature = "fuzzing")]
pub(crate) mod fuzzing {
    use crate::error::Result;

    pub(crate) fn create_query(text: &str) -> Result<String> {
        super::create_query::parse(text, "fuzz input").map(|s| format!("{s:?}"))
    }

    pub(crate) fn storage(text: &str) -> Result<String> {
        super::engine::parse_storage(text).map(|s| format!("{s:?}"))
    }

    pub(crate) fn key_list(text: &str) -> Vec<String> {
        super::engine::key_list(text)
    }
}

pub use diff::{Change, ChangeClass, ChangeKind, ColumnProperty, SchemaDiff, diff};
pub use engine::{EngineKind, MergeTreeEngine, MergeTreeVariant, Replication, TableEngine};
pub use schema::{
    ColumnDefault, ColumnSchema, Constraint, ConstraintKind, DefaultKind, Dictionary,
    DictionaryAttribute, DictionaryCall, KeyMembership, MaterializedView, Projection, SkipIndex,
    TableKind, TableSchema, TableSetting, ViewTarget,
};

use read::{Filter, SERVER_DATABASES};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::types::quote;

impl Client {
    /// Reflection: the tables, views and dictionaries of this client's server as
    /// [`TableSchema`]s.
    pub fn reflect(&self) -> Reflector {
        Reflector {
            client: self.clone(),
        }
    }
}

/// Reads schemas from the server; from [`Client::reflect`].
#[derive(Debug, Clone)]
pub struct Reflector {
    client: Client,
}

/// A database and its tables.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DatabaseSchema {
    /// The database's name.
    pub name: String,
    /// Its engine (`Atomic`, `Ordinary`, `Memory`, ...).
    pub engine: String,
    /// Its tables, views and dictionaries, by name (inner tables of materialized views are
    /// part of their views).
    pub tables: Vec<TableSchema>,
}

impl DatabaseSchema {
    /// The tables in an order they can be created in: tables, then dictionaries, then tables
    /// over other tables (`Merge`, `Buffer`, `Distributed`, `Dictionary` engines), then views,
    /// then materialized views. (Views over views keep their name order.)
    pub fn in_creation_order(&self) -> Vec<&TableSchema> {
        let mut tables: Vec<&TableSchema> = self.tables.iter().collect();
        tables.sort_by_key(|t| creation_rank(t));
        tables
    }
}

fn creation_rank(table: &TableSchema) -> u8 {
    match &table.kind {
        TableKind::Table => match table.engine.as_ref().map(|e| e.name.as_str()) {
            Some("Merge" | "Buffer" | "Distributed" | "Dictionary") => 2,
            _ => 0,
        },
        TableKind::Dictionary(_) => 1,
        TableKind::View => 3,
        TableKind::MaterializedView(_) => 4,
        _ => 5,
    }
}

impl Reflector {
    /// The table (view, dictionary) `database.name`.
    pub async fn table(&self, database: &str, name: &str) -> Result<TableSchema> {
        let filter = Filter::Table {
            database: database.to_owned(),
            name: name.to_owned(),
        };
        read::read(&self.client, &filter)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| Error::invalid_input(format!("there is no table {database}.{name}")))
    }

    /// Every table, view and dictionary of `database`, by name.
    pub async fn tables(&self, database: &str) -> Result<Vec<TableSchema>> {
        let mut tables =
            read::read(&self.client, &Filter::Databases(vec![database.to_owned()])).await?;
        tables.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(tables)
    }

    /// The tables of `database` whose names match `pattern` (SQL `LIKE`: `%` any text, `_`
    /// one character), by name.
    pub async fn tables_like(&self, database: &str, pattern: &str) -> Result<Vec<TableSchema>> {
        let filter = Filter::Like {
            database: database.to_owned(),
            pattern: pattern.to_owned(),
        };
        let mut tables = read::read(&self.client, &filter).await?;
        tables.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(tables)
    }

    /// The database `name` with its tables.
    pub async fn database(&self, name: &str) -> Result<DatabaseSchema> {
        let sql = format!(
            "SELECT name, engine FROM system.databases WHERE name = {}",
            quote(name)
        );
        let engine: Option<String> = {
            let result = self.client.query(sql).await?;
            result
                .rows()
                .next()
                .map(|row| row.get::<String>(1))
                .transpose()?
        };
        let engine =
            engine.ok_or_else(|| Error::invalid_input(format!("there is no database {name}")))?;
        Ok(DatabaseSchema {
            name: name.to_owned(),
            engine,
            tables: self.tables(name).await?,
        })
    }

    /// Every database but the server's own (`system`, `INFORMATION_SCHEMA`), with its
    /// tables, by name.
    pub async fn databases(&self) -> Result<Vec<DatabaseSchema>> {
        let list: Vec<String> = SERVER_DATABASES.iter().map(|n| quote(n)).collect();
        let sql = format!(
            "SELECT name, engine FROM system.databases WHERE name NOT IN ({}) ORDER BY name",
            list.join(", ")
        );
        let result = self.client.query(sql).await?;
        let mut databases = Vec::new();
        for row in result.rows() {
            databases.push(DatabaseSchema {
                name: row.get::<String>(0)?,
                engine: row.get::<String>(1)?,
                tables: Vec::new(),
            });
        }
        let mut tables = read::read(&self.client, &Filter::AllDatabases).await?;
        tables.sort_by(|a, b| (&a.database, &a.name).cmp(&(&b.database, &b.name)));
        for table in tables {
            if let Some(db) = databases.iter_mut().find(|d| d.name == table.database) {
                db.tables.push(table);
            }
        }
        Ok(databases)
    }
}
