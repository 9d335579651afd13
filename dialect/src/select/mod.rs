//! [`ChSelect`]: a sea-query `SelectStatement` plus the ClickHouse-only SELECT clauses.
//!
//! The wrapper renders its inner statement with a stateful builder that writes each extra
//! clause from the hook where it belongs (FINAL/SAMPLE/ARRAY JOIN after FROM, join
//! strictness at each join, PREWHERE before WHERE, WITH ROLLUP/CUBE/TOTALS after GROUP BY,
//! INTERSECT ALL/EXCEPT ALL at each set operation, LIMIT BY before LIMIT), then SETTINGS and
//! FORMAT. Parameters stay in textual order.

mod join;
mod settings;

pub use join::{ArrayJoin, ChJoin, JoinKind, Strictness};
pub use settings::SettingValue;
pub(crate) use settings::{is_identifier, write_settings};

use sea_query::{
    Condition, DynIden, Expr, IntoCondition, IntoIden, IntoTableRef, JoinExpr, JoinType,
    QueryBuilder, QuotedBuilder, SelectStatement, SqlWriter, UnionType,
};

use crate::backend::report::Collect;
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
    final_: bool,
    sample: Option<(f64, Option<f64>)>,
    array_joins: Vec<ArrayJoin>,
    joins: Vec<ClickHouseJoin>,
    all_set_operations: Vec<usize>,
    prewhere: Option<Condition>,
    group_by_modifier: Option<GroupByModifier>,
    with_totals: bool,
    limit_by: Option<LimitBy>,
    settings: Vec<(String, SettingValue)>,
    format: Option<String>,
}

/// A join added through [`ChSelect`]: its index among the statement's joins.
#[derive(Debug, Clone)]
struct ClickHouseJoin {
    index: usize,
    join: ChJoin,
    using: Vec<DynIden>,
    has_condition: bool,
}

/// `LIMIT [offset, ] n BY exprs`.
#[derive(Debug, Clone)]
struct LimitBy {
    n: u64,
    offset: Option<u64>,
    by: Vec<Expr>,
}

impl From<SelectStatement> for ChSelect {
    fn from(select: SelectStatement) -> Self {
        ChSelect::new(select)
    }
}

impl ChSelect {
    /// Wraps a sea-query SELECT.
    pub fn new(inner: SelectStatement) -> Self {
        ChSelect {
            inner,
            final_: false,
            sample: None,
            array_joins: Vec::new(),
            joins: Vec::new(),
            all_set_operations: Vec::new(),
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

    /// How many top-level joins and set operations the inner statement has now; the next
    /// ones added get these indexes.
    fn counts(&self) -> (usize, usize) {
        // Anything unsupported is reported again when the statement is rendered.
        let collect = Collect::begin();
        let counter = ExtBuilder::new(Ext::Count);
        let mut scratch = String::new();
        counter.prepare_select_statement(&self.inner, &mut scratch);
        let _ = collect.finish();
        (counter.joins_seen(), counter.set_operations_seen())
    }

    /// Adds a join with ClickHouse kind, strictness and GLOBAL, on a condition.
    ///
    /// A CROSS join takes no condition: pass `Condition::all()` (or use
    /// [`cross_join`](Self::cross_join)); a non-empty one is an error when rendering.
    pub fn join(
        &mut self,
        join: ChJoin,
        table: impl IntoTableRef,
        on: impl IntoCondition,
    ) -> &mut Self {
        let (index, _) = self.counts();
        let on = on.into_condition();
        let has_condition = !on.is_empty();
        self.inner.join(JoinType::InnerJoin, table, on);
        self.joins.push(ClickHouseJoin {
            index,
            join,
            using: Vec::new(),
            has_condition,
        });
        self
    }

    /// `CROSS JOIN table`.
    pub fn cross_join(&mut self, table: impl IntoTableRef) -> &mut Self {
        self.join(ChJoin::cross(), table, Condition::all())
    }

    /// Adds a join `USING (columns)`.
    pub fn join_using<I: IntoIden>(
        &mut self,
        join: ChJoin,
        table: impl IntoTableRef,
        columns: impl IntoIterator<Item = I>,
    ) -> &mut Self {
        let (index, _) = self.counts();
        self.inner.cross_join(table);
        let using = columns.into_iter().map(IntoIden::into_iden).collect();
        self.joins.push(ClickHouseJoin {
            index,
            join,
            using,
            has_condition: false,
        });
        self
    }

    /// `INTERSECT ALL (select)`: the rows of both, as often as both have them.
    ///
    /// sea-query's own `UnionType::Intersect` is written `INTERSECT DISTINCT`.
    pub fn intersect_all(&mut self, select: SelectStatement) -> &mut Self {
        self.set_operation_all(UnionType::Intersect, select)
    }

    /// `EXCEPT ALL (select)`: the rows of this one, each as often as it has more of them than
    /// `select`.
    ///
    /// sea-query's own `UnionType::Except` is written `EXCEPT DISTINCT`.
    pub fn except_all(&mut self, select: SelectStatement) -> &mut Self {
        self.set_operation_all(UnionType::Except, select)
    }

    fn set_operation_all(&mut self, kind: UnionType, select: SelectStatement) -> &mut Self {
        let (_, index) = self.counts();
        self.inner.union(kind, select);
        self.all_set_operations.push(index);
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
        self.limit_by = Some(LimitBy {
            n,
            offset: None,
            by: by.into_iter().map(Into::into).collect(),
        });
        self
    }

    /// `LIMIT offset, n BY exprs`: per distinct value of the expressions, skip `offset` rows
    /// and keep at most `n` (ClickHouse 19.x and later).
    pub fn limit_by_offset<E: Into<Expr>>(
        &mut self,
        offset: u64,
        n: u64,
        by: impl IntoIterator<Item = E>,
    ) -> &mut Self {
        self.limit_by = Some(LimitBy {
            n,
            offset: Some(offset),
            by: by.into_iter().map(Into::into).collect(),
        });
        self
    }

    /// Adds `name = value` to the `SETTINGS` clause.
    pub fn settings(&mut self, name: &str, value: impl Into<SettingValue>) -> &mut Self {
        self.settings.push((name.to_owned(), value.into()));
        self
    }

    /// `FORMAT name` (e.g. `JSONEachRow`).
    ///
    /// The server then answers in that format, which only raw output can carry: render the
    /// statement with [`to_sql`](ChStatement::to_sql) or
    /// [`build_typed`](ChStatement::build_typed) for a client that returns bytes.
    /// [`ClientExt`](crate::ClientExt)'s typed queries decode Native and refuse such a statement.
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
        let Some(ch) = self.joins.iter().find(|j| j.index == index) else {
            return CH.prepare_join_expr(join, sql);
        };
        let _ = sql.write_str(&ch.join.keyword());
        let _ = sql.write_str(" ");
        CH.prepare_join_table_ref(join, sql);
        if !ch.using.is_empty() {
            let _ = sql.write_str(" USING (");
            for (i, column) in ch.using.iter().enumerate() {
                if i > 0 {
                    let _ = sql.write_str(", ");
                }
                CH.prepare_iden(column, sql);
            }
            let _ = sql.write_str(")");
        } else if ch.join.kind == JoinKind::Cross {
            // A CROSS join has no condition (render refuses a non-empty one).
        } else if let Some(on) = &join.on {
            CH.prepare_join_on(on, sql);
        }
    }

    /// Writes the top-level set operation number `index`.
    pub(crate) fn write_set_operation(
        &self,
        index: usize,
        kind: UnionType,
        select: &SelectStatement,
        sql: &mut impl SqlWriter,
    ) {
        let keyword = match kind {
            UnionType::Intersect => " INTERSECT ALL (",
            UnionType::Except => " EXCEPT ALL (",
            _ => return CH.prepare_union_statement(kind, select, sql),
        };
        if !self.all_set_operations.contains(&index) {
            return CH.prepare_union_statement(kind, select, sql);
        }
        let _ = sql.write_str(keyword);
        CH.prepare_select_statement(select, sql);
        let _ = sql.write_str(")");
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
        if let Some(LimitBy { n, offset, by }) = &self.limit_by {
            match offset {
                Some(offset) => write!(sql, " LIMIT {offset}, {n} BY "),
                None => write!(sql, " LIMIT {n} BY "),
            }
            .ok();
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
    fn output_format(&self) -> Option<&str> {
        self.format.as_deref()
    }

    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        for ch in &self.joins {
            ch.join.check()?;
            if ch.join.kind == JoinKind::Cross && (!ch.using.is_empty() || ch.has_condition) {
                return Err(Error::Unsupported(
                    "a condition on a CROSS JOIN (ON or USING); use an INNER join for one".into(),
                ));
            }
        }
        if self.limit_by.as_ref().is_some_and(|l| l.by.is_empty()) {
            return Err(Error::InvalidInput("LIMIT BY without expressions".into()));
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
