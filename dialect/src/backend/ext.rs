//! Stateful builders that share [`ClickHouseQueryBuilder`]'s rendering.
//!
//! [`ExtBuilder`] renders the top level of a ClickHouse statement type ([`ChSelect`],
//! [`ChDelete`]) and writes that statement's extra clauses from sea-query's hooks, in place,
//! so parameters stay in textual order. Everything nested (subqueries, CTEs, unions,
//! expressions) is handed to [`ClickHouseQueryBuilder`], so the extras apply to the top level
//! only. [`Defaults`] exposes sea-query's default bodies of hooks the ClickHouse builder
//! overrides (`prepare_order_expr`, `binary_expr`, `prepare_with_clause`,
//! `prepare_with_query`), with every other hook the ClickHouse builder's.

use std::cell::Cell;
use std::fmt::Write;

use sea_query::{
    BinOper, ConditionHolder, DynIden, EscapeBuilder, ExplainStatement, Expr, Func, JoinExpr,
    JoinOn, LockClause, OnConflict, Oper, OperLeftAssocDecider, OrderExpr, PrecedenceDecider,
    QueryBuilder, Quote, QuotedBuilder, ReturningClause, SelectDistinct, SelectExpr, SelectInto,
    SelectStatement, SqlWriter, SubQueryStatement, TableRef, TableRefBuilder, UnOper, UnionType,
    Value, WithClause, WithQuery,
};

use super::ClickHouseQueryBuilder;
use crate::delete::ChDelete;
use crate::select::ChSelect;

const CH: ClickHouseQueryBuilder = ClickHouseQueryBuilder;

/// sea-query's default bodies for hooks the ClickHouse builder overrides.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Defaults;

/// The statement whose extra clauses an [`ExtBuilder`] writes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ext<'a> {
    Select(&'a ChSelect),
    Delete(&'a ChDelete),
    /// Counts the top-level joins and set operations, writing nothing for them.
    Count,
}

/// Renders one ClickHouse statement's top level; see the module docs.
#[derive(Debug)]
pub(crate) struct ExtBuilder<'a> {
    ext: Ext<'a>,
    join_index: Cell<usize>,
    set_operation_index: Cell<usize>,
}

impl<'a> ExtBuilder<'a> {
    pub(crate) fn new(ext: Ext<'a>) -> Self {
        ExtBuilder {
            ext,
            join_index: Cell::new(0),
            set_operation_index: Cell::new(0),
        }
    }

    /// How many top-level joins were rendered.
    pub(crate) fn joins_seen(&self) -> usize {
        self.join_index.get()
    }

    /// How many top-level set operations (UNION, INTERSECT, EXCEPT) were rendered.
    pub(crate) fn set_operations_seen(&self) -> usize {
        self.set_operation_index.get()
    }
}

macro_rules! delegate_traits {
    ([$($generics:tt)*] $ty:ty) => {
        impl<$($generics)*> QuotedBuilder for $ty {
            fn quote(&self) -> Quote {
                CH.quote()
            }
            fn prepare_iden(&self, iden: &DynIden, sql: &mut impl SqlWriter) {
                CH.prepare_iden(iden, sql)
            }
        }
        impl<$($generics)*> EscapeBuilder for $ty {
            fn write_escaped(&self, buffer: &mut impl Write, string: &str) {
                CH.write_escaped(buffer, string)
            }
            fn unescape_string(&self, string: &str) -> String {
                CH.unescape_string(string)
            }
        }
        impl<$($generics)*> TableRefBuilder for $ty {
            fn prepare_table_ref_iden(&self, table_ref: &TableRef, sql: &mut impl SqlWriter) {
                CH.prepare_table_ref_iden(table_ref, sql)
            }
        }
        impl<$($generics)*> PrecedenceDecider for $ty {
            fn inner_expr_well_known_greater_precedence(&self, inner: &Expr, outer: &Oper) -> bool {
                CH.inner_expr_well_known_greater_precedence(inner, outer)
            }
        }
        impl<$($generics)*> OperLeftAssocDecider for $ty {
            fn well_known_left_associative(&self, op: &BinOper) -> bool {
                CH.well_known_left_associative(op)
            }
        }
    };
}

/// The QueryBuilder methods both builders hand to [`ClickHouseQueryBuilder`].
macro_rules! delegate_query_methods {
    () => {
        fn prepare_query_statement(&self, query: &SubQueryStatement, sql: &mut impl SqlWriter) {
            CH.prepare_query_statement(query, sql)
        }
        fn prepare_select_into(&self, into: &SelectInto, sql: &mut impl SqlWriter) {
            CH.prepare_select_into(into, sql)
        }
        fn prepare_explain_statement(&self, explain: &ExplainStatement, sql: &mut impl SqlWriter) {
            CH.prepare_explain_statement(explain, sql)
        }
        fn prepare_value(&self, value: Value, sql: &mut impl SqlWriter) {
            CH.prepare_value(value, sql)
        }
        fn write_value(&self, buf: &mut impl Write, value: &Value) -> std::fmt::Result {
            CH.write_value(buf, value)
        }
        fn write_string_quoted(&self, string: &str, buffer: &mut impl Write) {
            CH.write_string_quoted(string, buffer)
        }
        fn write_bytes(&self, bytes: &[u8], buffer: &mut impl Write) {
            CH.write_bytes(bytes, buffer)
        }
        fn prepare_select_distinct(&self, distinct: &SelectDistinct, sql: &mut impl SqlWriter) {
            CH.prepare_select_distinct(distinct, sql)
        }
        fn prepare_join_on(&self, join_on: &JoinOn, sql: &mut impl SqlWriter) {
            CH.prepare_join_on(join_on, sql)
        }
        fn prepare_function_name(&self, function: &Func, sql: &mut impl SqlWriter) {
            CH.prepare_function_name(function, sql)
        }
        fn prepare_expr(&self, expr: &Expr, sql: &mut impl SqlWriter) {
            CH.prepare_expr(expr, sql)
        }
        fn prepare_select_expr(&self, expr: &SelectExpr, sql: &mut impl SqlWriter) {
            CH.prepare_select_expr(expr, sql)
        }
        fn prepare_table_ref(&self, table_ref: &TableRef, sql: &mut impl SqlWriter) {
            CH.prepare_table_ref(table_ref, sql)
        }
        fn prepare_bin_oper(&self, op: &BinOper, sql: &mut impl SqlWriter) {
            CH.prepare_bin_oper(op, sql)
        }
        fn prepare_un_oper(&self, op: &UnOper, sql: &mut impl SqlWriter) {
            CH.prepare_un_oper(op, sql)
        }
        fn prepare_select_lock(&self, lock: &LockClause, sql: &mut impl SqlWriter) {
            CH.prepare_select_lock(lock, sql)
        }
        fn prepare_returning(&self, returning: &Option<ReturningClause>, sql: &mut impl SqlWriter) {
            CH.prepare_returning(returning, sql)
        }
        fn prepare_on_conflict(&self, on_conflict: &Option<OnConflict>, sql: &mut impl SqlWriter) {
            CH.prepare_on_conflict(on_conflict, sql)
        }
    };
}

delegate_traits!([] Defaults);
delegate_traits!(['a] ExtBuilder<'a>);

impl QueryBuilder for Defaults {
    delegate_query_methods!();

    fn prepare_union_statement(
        &self,
        union_type: UnionType,
        select: &SelectStatement,
        sql: &mut impl SqlWriter,
    ) {
        CH.prepare_union_statement(union_type, select, sql)
    }

    fn prepare_select_limit_offset(&self, select: &SelectStatement, sql: &mut impl SqlWriter) {
        CH.prepare_select_limit_offset(select, sql)
    }
}

impl QueryBuilder for ExtBuilder<'_> {
    delegate_query_methods!();

    fn prepare_with_clause(&self, with: &WithClause, sql: &mut impl SqlWriter) {
        CH.prepare_with_clause(with, sql)
    }

    fn prepare_with_query(&self, query: &WithQuery, sql: &mut impl SqlWriter) {
        CH.prepare_with_query(query, sql)
    }

    fn binary_expr(&self, left: &Expr, op: &BinOper, right: &Expr, sql: &mut impl SqlWriter) {
        CH.binary_expr(left, op, right, sql)
    }

    fn prepare_union_statement(
        &self,
        union_type: UnionType,
        select: &SelectStatement,
        sql: &mut impl SqlWriter,
    ) {
        let index = self.set_operation_index.get();
        self.set_operation_index.set(index + 1);
        match self.ext {
            Ext::Count => {}
            Ext::Select(ch) => ch.write_set_operation(index, union_type, select, sql),
            Ext::Delete(_) => CH.prepare_union_statement(union_type, select, sql),
        }
    }

    fn prepare_order_expr(&self, order_expr: &OrderExpr, sql: &mut impl SqlWriter) {
        CH.prepare_order_expr(order_expr, sql)
    }

    fn prepare_table_sample(&self, _select: &SelectStatement, sql: &mut impl SqlWriter) {
        if let Ext::Select(select) = self.ext {
            select.write_after_from(sql);
        }
    }

    fn prepare_join_expr(&self, join: &JoinExpr, sql: &mut impl SqlWriter) {
        let index = self.join_index.get();
        self.join_index.set(index + 1);
        match self.ext {
            Ext::Count => {}
            Ext::Select(select) => select.write_join(index, join, sql),
            Ext::Delete(_) => CH.prepare_join_expr(join, sql),
        }
    }

    fn prepare_condition(
        &self,
        condition: &ConditionHolder,
        keyword: &str,
        sql: &mut impl SqlWriter,
    ) {
        match (self.ext, keyword) {
            (Ext::Select(select), "WHERE") => select.write_prewhere(sql),
            (Ext::Select(select), "HAVING") => select.write_group_by_modifiers(sql),
            (Ext::Delete(delete), "WHERE") => delete.write_before_where(sql),
            _ => {}
        }
        CH.prepare_condition(condition, keyword, sql)
    }

    fn prepare_select_limit_offset(&self, select: &SelectStatement, sql: &mut impl SqlWriter) {
        if let Ext::Select(ch) = self.ext {
            ch.write_limit_by(sql);
        }
        CH.prepare_select_limit_offset(select, sql)
    }
}
