//! ClickHouse DDL sea-query cannot express: columns with ClickHouse types and options
//! ([`ChColumn`]), CREATE TABLE with engines and table clauses ([`CreateTable`]), ALTER TABLE
//! column changes ([`AlterTable`]), CREATE/DROP DATABASE, plain and materialized views
//! ([`CreateView`], [`DropView`]), dictionaries ([`CreateDictionary`]), and all of these from a
//! reflected schema ([`CreateStatement`], `CreateTable::from(&TableSchema)`). DDL is always
//! rendered with inline literals.

mod alter;
mod column;
mod create_table;
mod database;
mod dictionary;
mod from_schema;
mod plan;
mod view;

pub use alter::{AlterTable, ColumnProperty};
pub use column::{ChColumn, ChType, ValueKind};
pub use create_table::{CreateTable, Engine};
pub use database::{CreateDatabase, DropDatabase};
pub use dictionary::{CreateDictionary, DictAttribute, Lifetime};
pub use from_schema::CreateStatement;
pub use plan::{AlterPlan, AlterStep};
pub use view::{CreateView, DropView};

use sea_query::{Expr, QueryBuilder};

use crate::backend::ClickHouseQueryBuilder;

/// An expression with inline literals.
pub(crate) fn inline_expr(expr: &Expr) -> String {
    let mut out = String::new();
    ClickHouseQueryBuilder.prepare_expr(expr, &mut out);
    out
}

/// ` ON CLUSTER `name``.
pub(crate) fn on_cluster(out: &mut String, cluster: &Option<String>) {
    if let Some(cluster) = cluster {
        out.push_str(" ON CLUSTER ");
        let _ = crate::literal::write_identifier(out, cluster);
    }
}
