//! sea-query-clickhouse: a ClickHouse backend for sea-query 1.0.
//!
//! [`ClickHouseQueryBuilder`] renders sea-query's stock statements as ClickHouse SQL. Clauses
//! sea-query cannot carry live on ClickHouse statement types: [`ChSelect`] (FINAL, SAMPLE, ARRAY
//! JOIN, join strictness, PREWHERE, WITH TOTALS, LIMIT BY, SETTINGS, FORMAT), [`ChDelete`]
//! (lightweight DELETE), [`Mutation`] (`ALTER TABLE ... UPDATE/DELETE`), [`CreateTable`],
//! [`AlterTable`], [`CreateView`] (plain and materialized), [`DropView`], [`CreateDatabase`] and
//! [`DropDatabase`]. Every statement renders through the
//! [`ChStatement`] trait three ways: inline literals ([`ChStatement::to_sql`]), `?` placeholders
//! with sea-query values ([`ChStatement::build_values`]) and typed server-side parameters
//! ([`ChStatement::build_typed`]), which [`ClientExt`] sends with the driver.
//!
//! ```
//! use sea_query::{Expr, ExprTrait, Query};
//! use sea_query_clickhouse::{ChSelect, ChStatement, ClickHouseQueryBuilder};
//!
//! let select = Query::select().column("id").from("events").and_where(Expr::col("kind").eq("click")).to_owned();
//! assert_eq!(select.to_string(ClickHouseQueryBuilder), "SELECT `id` FROM `events` WHERE `kind` = 'click'");
//! let typed = ChSelect::new(select).final_().build_typed().unwrap();
//! assert_eq!(typed.sql, "SELECT `id` FROM `events` FINAL WHERE `kind` = {p1:String}");
//! ```

mod backend;
mod client;
mod ddl;
mod delete;
mod error;
mod func;
mod literal;
mod params;
mod select;
mod statement;
mod types;

pub use sea_query;

pub use backend::ClickHouseQueryBuilder;
pub use client::ClientExt;
pub use ddl::{
    AlterPlan, AlterStep, AlterTable, ChColumn, ChType, ColumnProperty, CreateDatabase,
    CreateDictionary, CreateStatement, CreateTable, CreateView, DictAttribute, DropDatabase,
    DropView, Engine, Lifetime, ValueKind,
};
pub use delete::{ChDelete, Mutation};
pub use error::{Error, Result};
pub use func::ChFunc;
pub use params::{ParamWriter, TypedQuery};
pub use select::{
    ArrayJoin, ChJoin, ChSelect, GroupByModifier, JoinKind, SettingValue, Strictness,
};
pub use statement::ChStatement;
pub use types::column_type;
