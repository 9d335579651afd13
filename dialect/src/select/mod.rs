//! [`ChSelect`]: a sea-query `SelectStatement` plus the ClickHouse-only SELECT clauses.
//!
//! The wrapper renders its inner statement with a stateful builder that writes each extra
//! clause from the hook where it belongs (FINAL/SAMPLE/ARRAY JOIN after FROM, join
//! strictness at each join, PREWHERE before WHERE, WITH ROLLUP/CUBE/TOTALS after GROUP BY,
//! LIMIT BY before LIMIT), then SETTINGS and FORMAT. Parameters stay in textual order.

mod join;
mod settings;

pub use join::{ArrayJoin, ChJoin, JoinKind, Strictness};
pub use settings::SettingValue;
pub(crate) use settings::{is_identifier, write_settings};

use sea_query::{
    Condition, DynIden, Expr, IntoCondition, IntoIden, IntoTableRef, JoinExpr, JoinType,
    QueryBuilder, QuotedBuilder, SelectStatement, SqlWriter,
};

use crate::backend::{ClickHouseQueryBuilder, Ext, ExtBuilder};
use crate::error::{Error, Result};
use crate::statement::ChStatement;

const CH: ClickHouseQueryBuilder = ClickHouseQueryBuilder;

/// `WITH ROLLUP` or `WITH CUBE` after GROUP BY.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GroupByModifier {
    /// `WITH ROLLUP`.
    Rollup,
    /// `WITH CUBE`.
    Cube,
}

/// A SELECT with ClickHouse-only clauses. Build the inner statement with sea-query, wrap it,
/// and add clauses.
///
/// ```
/// use sea_query::{Expr, ExprTrait, Query};
/// use sea_query_clickhouse::{ChSelect, ChStatement};
///
/// let mut select = ChSelect::new(Query::select().column("id").from("events").to_owned());
/// select.final_().prewhere(Expr::col("day").eq("2024-01-01")).settings("max_threads", 4);
/// assert_eq!(
///     select.to_sql().unwrap(),
///     "SELECT `id` FROM `events` FINAL PREWHERE `day` = '2024-01-01' SETTINGS max_threads = 4"
/// );
/// ```
#[derive(Debug, Clone)]
pub struct ChSelect {
    inner: SelectStatement,
    joins_before: usize,
    final_: bool,
    sample: Option<(f64, Option<f64>)>,
    array_joins: Vec<ArrayJoin>,
    joins: Vec<(usize, ChJoin, Vec<DynIden>)>,
    prewhere: Option<Condition>,
    group_by_modifier: Option<GroupByModifier>,
    with_totals: bool,
    limit_by: Option<(u64, Vec<Expr>)>,
    settings: Vec<(String, SettingValue)>,
    format: Option<String>,
}

impl From<SelectStatement> for ChSelect {
    fn from(select: SelectStatement) -> Self {
        ChSelect::new(select)
    }
}

impl ChSelect {
    /// Wraps a sea-query SELECT.
    pub fn new(inner: SelectStatement) -> Self {
        // Joins already on the statement keep their sea-query rendering: count them.
        let counter = ExtBuilder::new(Ext::CountJoins);
        let mut scratch = String::new();
        counter.prepare_select_statement(&inner, &mut scratch);
        ChSelect {
            joins_before: counter.joins_seen(),
            inner,
            final_: false,
            sample: None,
            array_joins: Vec::new(),
            joins: Vec::new(),
            prewhere: None,
            group_by_modifier: None,
            with_totals: false,
            limit_by: None,
            settings: Vec::new(),
            format: None,
        }
    }

    /// The inner statement, to add columns, conditions, ordering, ...
    pub fn inner_mut(&mut self) -> &mut SelectStatement {
        &mut self.inner
    }

    /// The inner statement.
    pub fn inner(&self) -> &SelectStatement {
        &self.inner
    }

    /// `FINAL` after the table: read merged rows of Replacing/Collapsing/... tables.
    pub fn final_(&mut self) -> &mut Self {
        self.final_ = true;
        self
    }

    /// `SAMPLE k` (a fraction such as 0.1, or a row count when at least 1).
    pub fn sample(&mut self, k: f64) -> &mut Self {
        self.sample = Some((k, None));
        self
    }

    /// `SAMPLE k OFFSET m`.
    pub fn sample_offset(&mut self, k: f64, m: f64) -> &mut Self {
        self.sample = Some((k, Some(m)));
        self
    }

    /// Adds an `ARRAY JOIN` clause.
    pub fn array_join(&mut self, array_join: ArrayJoin) -> &mut Self {
        self.array_joins.push(array_join);
        self
    }

    /// Adds a join with ClickHouse kind, strictness and GLOBAL, on a condition.
    pub fn join(
        &mut self,
        join: ChJoin,
        table: impl IntoTableRef,
        on: impl IntoCondition,
    ) -> &mut Self {
        let index = self.joins_before + self.joins.len();
        self.inner.join(JoinType::InnerJoin, table, on);
        self.joins.push((index, join, Vec::new()));
        self
    }

    /// Adds a join `USING (columns)`.
    pub fn join_using<I: IntoIden>(
        &mut self,
        join: ChJoin,
        table: impl IntoTableRef,
        columns: impl IntoIterator<Item = I>,
    ) -> &mut Self {
        let index = self.joins_before + self.joins.len();
        self.inner.cross_join(table);
        let columns = columns.into_iter().map(IntoIden::into_iden).collect();
        self.joins.push((index, join, columns));
        self
    }

    /// `PREWHERE condition` (combined with AND when called again).
    pub fn prewhere(&mut self, condition: impl IntoCondition) -> &mut Self {
        let condition = condition.into_condition();
        self.prewhere = Some(match self.prewhere.take() {
            Some(existing) => existing.add(condition),
            None => Condition::all().add(condition),
        });
        self
    }

    /// `GROUP BY ... WITH ROLLUP` or `WITH CUBE`.
    pub fn group_by_modifier(&mut self, modifier: GroupByModifier) -> &mut Self {
        self.group_by_modifier = Some(modifier);
        self
    }

    /// `WITH TOTALS` after GROUP BY.
    pub fn with_totals(&mut self) -> &mut Self {
        self.with_totals = true;
        self
    }

    /// `LIMIT n BY exprs`: at most `n` rows per distinct value of the expressions.
    pub fn limit_by<E: Into<Expr>>(
        &mut self,
        n: u64,
        by: impl IntoIterator<Item = E>,
    ) -> &mut Self {
        self.limit_by = Some((n, by.into_iter().map(Into::into).collect()));
        self
    }

    /// Adds `name = value` to the `SETTINGS` clause.
    pub fn settings(&mut self, name: &str, value: impl Into<SettingValue>) -> &mut Self {
        self.settings.push((name.to_owned(), value.into()));
        self
    }

    /// `FORMAT name` (e.g. `JSONEachRow`).
    pub fn format(&mut self, format: &str) -> &mut Self {
        self.format = Some(format.to_owned());
        self
    }

    pub(crate) fn write_after_from(&self, sql: &mut impl SqlWriter) {
        if self.final_ {
            let _ = sql.write_str(" FINAL");
        }
        if let Some((k, m)) = self.sample {
            let _ = write!(sql, " SAMPLE {k:?}");
            if let Some(m) = m {
                let _ = write!(sql, " OFFSET {m:?}");
            }
        }
        for aj in &self.array_joins {
            let _ = sql.write_str(if aj.left {
                " LEFT ARRAY JOIN "
            } else {
                " ARRAY JOIN "
            });
            for (i, (expr, alias)) in aj.items.iter().enumerate() {
                if i > 0 {
                    let _ = sql.write_str(", ");
                }
                CH.prepare_expr(expr, sql);
                if let Some(alias) = alias {
                    let _ = sql.write_str(" AS ");
                    CH.prepare_iden(alias, sql);
                }
            }
        }
    }

    pub(crate) fn write_join(&self, index: usize, join: &JoinExpr, sql: &mut impl SqlWriter) {
        let Some((_, kind, using)) = self.joins.iter().find(|(i, ..)| *i == index) else {
            return CH.prepare_join_expr(join, sql);
        };
        let _ = sql.write_str(&kind.keyword());
        let _ = sql.write_str(" ");
        CH.prepare_join_table_ref(join, sql);
        if !using.is_empty() {
            let _ = sql.write_str(" USING (");
            for (i, column) in using.iter().enumerate() {
                if i > 0 {
                    let _ = sql.write_str(", ");
                }
                CH.prepare_iden(column, sql);
            }
            let _ = sql.write_str(")");
        } else if let Some(on) = &join.on {
            CH.prepare_join_on(on, sql);
        }
    }

    pub(crate) fn write_prewhere(&self, sql: &mut impl SqlWriter) {
        if let Some(prewhere) = &self.prewhere {
            let _ = sql.write_str(" PREWHERE ");
            CH.prepare_condition_where(prewhere, sql);
        }
    }

    pub(crate) fn write_group_by_modifiers(&self, sql: &mut impl SqlWriter) {
        match self.group_by_modifier {
            Some(GroupByModifier::Rollup) => {
                let _ = sql.write_str(" WITH ROLLUP");
            }
            Some(GroupByModifier::Cube) => {
                let _ = sql.write_str(" WITH CUBE");
            }
            None => {}
        }
        if self.with_totals {
            let _ = sql.write_str(" WITH TOTALS");
        }
    }

    pub(crate) fn write_limit_by(&self, sql: &mut impl SqlWriter) {
        if let Some((n, by)) = &self.limit_by {
            let _ = write!(sql, " LIMIT {n} BY ");
            for (i, expr) in by.iter().enumerate() {
                if i > 0 {
                    let _ = sql.write_str(", ");
                }
                CH.prepare_expr(expr, sql);
            }
        }
    }
}

impl ChStatement for ChSelect {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        for (_, join, using) in &self.joins {
            join.check()?;
            if join.kind == JoinKind::Cross && !using.is_empty() {
                return Err(Error::Unsupported("CROSS JOIN ... USING".into()));
            }
        }
        if let Some((k, m)) = self.sample {
            if !(k.is_finite() && k > 0.0) || m.is_some_and(|m| !(m.is_finite() && m >= 0.0)) {
                return Err(Error::InvalidInput(format!("SAMPLE {k} OFFSET {m:?}")));
            }
        }
        if let Some(format) = &self.format {
            if !is_identifier(format) {
                return Err(Error::InvalidInput(format!(
                    "{format:?} is not a format name"
                )));
            }
        }
        ExtBuilder::new(Ext::Select(self)).prepare_select_statement(&self.inner, sql);
        write_settings(sql, &self.settings)?;
        if let Some(format) = &self.format {
            let _ = write!(sql, " FORMAT {format}");
        }
        Ok(())
    }
}
