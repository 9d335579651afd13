//! Row removal and change: [`ChDelete`] (lightweight `DELETE FROM ... WHERE`) and
//! [`Mutation`] (`ALTER TABLE ... UPDATE/DELETE ... WHERE`, rewritten in the background).

use sea_query::{
    Condition, DeleteStatement, DynIden, Expr, IntoCondition, IntoIden, IntoTableRef, QueryBuilder,
    QuotedBuilder, SqlWriter, TableRef,
};

use crate::backend::{ClickHouseQueryBuilder, Ext, ExtBuilder};
use crate::error::{Error, Result};
use crate::literal;
use crate::select::{SettingValue, write_settings};
use crate::statement::ChStatement;

const CH: ClickHouseQueryBuilder = ClickHouseQueryBuilder;

fn inline_expr(expr: &Expr) -> String {
    let mut out = String::new();
    CH.prepare_expr(expr, &mut out);
    out
}

/// A lightweight `DELETE FROM t [ON CLUSTER c] [IN PARTITION p] WHERE ... [SETTINGS ...]`.
///
/// ORDER BY or LIMIT on the inner statement is an error: ClickHouse has neither on DELETE.
///
/// ```
/// use sea_query::{Expr, ExprTrait, Query};
/// use sea_query_clickhouse::{ChDelete, ChStatement};
///
/// let delete = Query::delete().from_table("events").and_where(Expr::col("id").eq(7)).to_owned();
/// let typed = ChDelete::new(delete).on_cluster("main").build_typed().unwrap();
/// assert_eq!(typed.sql, "DELETE FROM `events` ON CLUSTER `main` WHERE `id` = {p1:Int32}");
/// ```
#[derive(Debug, Clone)]
pub struct ChDelete {
    inner: DeleteStatement,
    on_cluster: Option<String>,
    in_partition: Option<Expr>,
    settings: Vec<(String, SettingValue)>,
}

impl From<DeleteStatement> for ChDelete {
    fn from(inner: DeleteStatement) -> Self {
        ChDelete::new(inner)
    }
}

impl ChDelete {
    /// Wraps a sea-query DELETE.
    pub fn new(inner: DeleteStatement) -> Self {
        ChDelete {
            inner,
            on_cluster: None,
            in_partition: None,
            settings: Vec::new(),
        }
    }

    /// Adds `name = value` to the `SETTINGS` clause (e.g. `lightweight_deletes_sync`).
    pub fn settings(mut self, name: &str, value: impl Into<SettingValue>) -> Self {
        self.settings.push((name.to_owned(), value.into()));
        self
    }

    /// `ON CLUSTER name`.
    pub fn on_cluster(mut self, cluster: &str) -> Self {
        self.on_cluster = Some(cluster.to_owned());
        self
    }

    /// `IN PARTITION expr` (the partition's value or ID expression, written inline).
    pub fn in_partition(mut self, partition: impl Into<Expr>) -> Self {
        self.in_partition = Some(partition.into());
        self
    }

    pub(crate) fn write_before_where(&self, sql: &mut impl SqlWriter) {
        if let Some(cluster) = &self.on_cluster {
            let _ = sql.write_str(" ON CLUSTER ");
            let _ = literal::write_identifier(sql, cluster);
        }
        if let Some(partition) = &self.in_partition {
            let _ = write!(sql, " IN PARTITION {}", inline_expr(partition));
        }
    }
}

/// Checks a DELETE for clauses ClickHouse does not have.
pub(crate) fn check_delete(delete: &DeleteStatement) -> Result<()> {
    let mut probe = String::new();
    CH.prepare_delete_order_by(delete, &mut probe);
    if !probe.is_empty() {
        return Err(Error::Unsupported("ORDER BY on a DELETE".into()));
    }
    CH.prepare_delete_limit(delete, &mut probe);
    if !probe.is_empty() {
        return Err(Error::Unsupported("LIMIT on a DELETE".into()));
    }
    let mut full = String::new();
    CH.prepare_delete_statement(delete, &mut full);
    if !full.contains(" WHERE ") {
        return Err(Error::Unsupported(
            "a lightweight DELETE needs a WHERE clause (use TRUNCATE to empty a table)".into(),
        ));
    }
    Ok(())
}

impl ChStatement for ChDelete {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        check_delete(&self.inner)?;
        ExtBuilder::new(Ext::Delete(self)).prepare_delete_statement(&self.inner, sql);
        write_settings(sql, &self.settings)
    }
}

#[derive(Debug, Clone)]
enum MutationKind {
    Update(Vec<(DynIden, Expr)>),
    Delete,
}

/// A mutation: `ALTER TABLE t UPDATE col = expr, ... WHERE ...` or `ALTER TABLE t DELETE
/// WHERE ...`, with an optional `SETTINGS` clause. The server rewrites the affected parts in the
/// background (set `mutations_sync` to wait for it).
///
/// ```
/// use sea_query::{Expr, ExprTrait};
/// use sea_query_clickhouse::{ChStatement, Mutation};
///
/// let m = Mutation::update("events").value("kind", "view").and_where(Expr::col("id").eq(3));
/// assert_eq!(
///     m.build_typed().unwrap().sql,
///     "ALTER TABLE `events` UPDATE `kind` = {p1:String} WHERE `id` = {p2:Int32}"
/// );
/// ```
#[derive(Debug, Clone)]
pub struct Mutation {
    table: TableRef,
    on_cluster: Option<String>,
    kind: MutationKind,
    in_partition: Option<Expr>,
    condition: Option<Condition>,
    settings: Vec<(String, SettingValue)>,
}

impl Mutation {
    /// `ALTER TABLE table UPDATE ...`.
    pub fn update(table: impl IntoTableRef) -> Self {
        Self::new(table, MutationKind::Update(Vec::new()))
    }

    /// `ALTER TABLE table DELETE WHERE ...`.
    pub fn delete(table: impl IntoTableRef) -> Self {
        Self::new(table, MutationKind::Delete)
    }

    fn new(table: impl IntoTableRef, kind: MutationKind) -> Self {
        Mutation {
            table: table.into_table_ref(),
            on_cluster: None,
            kind,
            in_partition: None,
            condition: None,
            settings: Vec::new(),
        }
    }

    /// Adds `name = value` to the `SETTINGS` clause (e.g. `mutations_sync = 2` to wait until
    /// the mutation is done).
    pub fn settings(mut self, name: &str, value: impl Into<SettingValue>) -> Self {
        self.settings.push((name.to_owned(), value.into()));
        self
    }

    /// Sets `column = value` (an UPDATE mutation only).
    pub fn value(mut self, column: impl IntoIden, value: impl Into<Expr>) -> Self {
        if let MutationKind::Update(values) = &mut self.kind {
            values.push((column.into_iden(), value.into()));
        }
        self
    }

    /// Adds a condition, combined with AND.
    pub fn and_where(self, expr: impl Into<Expr>) -> Self {
        self.cond_where(expr.into())
    }

    /// Adds a condition, combined with AND.
    pub fn cond_where(mut self, condition: impl IntoCondition) -> Self {
        let condition = condition.into_condition();
        self.condition = Some(match self.condition.take() {
            Some(existing) => existing.add(condition),
            None => Condition::all().add(condition),
        });
        self
    }

    /// `ON CLUSTER name`.
    pub fn on_cluster(mut self, cluster: &str) -> Self {
        self.on_cluster = Some(cluster.to_owned());
        self
    }

    /// `IN PARTITION expr`.
    pub fn in_partition(mut self, partition: impl Into<Expr>) -> Self {
        self.in_partition = Some(partition.into());
        self
    }
}

impl ChStatement for Mutation {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        let Some(condition) = &self.condition else {
            return Err(Error::InvalidInput(
                "a mutation needs a WHERE condition (use Expr::val(true) for every row)".into(),
            ));
        };
        let _ = sql.write_str("ALTER TABLE ");
        CH.prepare_table_ref(&self.table, sql);
        if let Some(cluster) = &self.on_cluster {
            let _ = sql.write_str(" ON CLUSTER ");
            let _ = literal::write_identifier(sql, cluster);
        }
        match &self.kind {
            MutationKind::Update(values) => {
                if values.is_empty() {
                    return Err(Error::InvalidInput(
                        "an UPDATE mutation sets no column".into(),
                    ));
                }
                let _ = sql.write_str(" UPDATE ");
                for (i, (column, value)) in values.iter().enumerate() {
                    if i > 0 {
                        let _ = sql.write_str(", ");
                    }
                    CH.prepare_iden(column, sql);
                    let _ = sql.write_str(" = ");
                    CH.prepare_expr(value, sql);
                }
            }
            MutationKind::Delete => {
                let _ = sql.write_str(" DELETE");
            }
        }
        if let Some(partition) = &self.in_partition {
            let _ = write!(sql, " IN PARTITION {}", inline_expr(partition));
        }
        let _ = sql.write_str(" WHERE ");
        CH.prepare_condition_where(condition, sql);
        write_settings(sql, &self.settings)
    }
}
