//! `QueryBuilder` for ClickHouse: SELECT, INSERT, UPDATE and DELETE pieces that differ from
//! the shared renderer (DISTINCT ON, NULLS FIRST/LAST, explicit UNION DISTINCT, USING,
//! function spellings, literal LIMIT/OFFSET, literals and parameters).

use std::fmt::Write;

use sea_query::{
    BinOper, ExplainStatement, Expr, Func, JoinOn, LockClause, OnConflict, OrderExpr,
    PostgresQueryBuilder, QueryBuilder, ReturningClause, SelectDistinct, SelectInto,
    SelectStatement, SqlWriter, SubQueryStatement, Token, Tokenizer, UnOper, UnionType, Value,
    WithClause, WithQuery,
};

use super::report::{report, unsupported};
use super::{ClickHouseQueryBuilder, Defaults, oper, probe};
use crate::literal;

impl QueryBuilder for ClickHouseQueryBuilder {
    fn prepare_query_statement(&self, query: &SubQueryStatement, sql: &mut impl SqlWriter) {
        match query {
            SubQueryStatement::SelectStatement(s) => self.prepare_select_statement(s, sql),
            SubQueryStatement::InsertStatement(s) => self.prepare_insert_statement(s, sql),
            SubQueryStatement::UpdateStatement(s) => self.prepare_update_statement(s, sql),
            SubQueryStatement::DeleteStatement(s) => self.prepare_delete_statement(s, sql),
            SubQueryStatement::WithStatement(s) => self.prepare_with_query(s, sql),
        }
    }

    fn prepare_select_into(&self, _: &SelectInto, sql: &mut impl SqlWriter) {
        // ClickHouse has no SELECT INTO; keep the keyword so the server rejects the statement.
        report("SELECT ... INTO");
        let _ = sql.write_str(" INTO");
    }

    fn prepare_explain_statement(&self, _: &ExplainStatement, sql: &mut impl SqlWriter) {
        let _ = sql.write_str(
            "SELECT throwError('EXPLAIN is not supported by sea-query-clickhouse; prefix the SQL with EXPLAIN')",
        );
    }

    fn prepare_value(&self, value: Value, sql: &mut impl SqlWriter) {
        sql.push_param(value, self as _);
    }

    fn write_value(&self, buf: &mut impl Write, value: &Value) -> std::fmt::Result {
        literal::write_value(buf, value)
    }

    fn write_string_quoted(&self, string: &str, buffer: &mut impl Write) {
        let _ = literal::write_string(buffer, string.as_bytes());
    }

    fn write_bytes(&self, bytes: &[u8], buffer: &mut impl Write) {
        let _ = literal::write_hex_string(buffer, bytes);
    }

    fn prepare_select_distinct(&self, distinct: &SelectDistinct, sql: &mut impl SqlWriter) {
        match distinct {
            SelectDistinct::All => {
                let _ = sql.write_str("ALL");
            }
            SelectDistinct::Distinct | SelectDistinct::DistinctRow => {
                let _ = sql.write_str("DISTINCT");
            }
            SelectDistinct::DistinctOn(columns) => {
                let _ = sql.write_str("DISTINCT ON (");
                for (i, column) in columns.iter().enumerate() {
                    if i > 0 {
                        let _ = sql.write_str(", ");
                    }
                    self.prepare_column_ref(column, sql);
                }
                let _ = sql.write_str(")");
            }
            _ => {
                let _ = sql.write_str("DISTINCT");
            }
        }
    }

    fn prepare_order_expr(&self, order_expr: &OrderExpr, sql: &mut impl SqlWriter) {
        // The null ordering is private to sea-query: read it from a Postgres rendering.
        let mut probe = String::new();
        PostgresQueryBuilder.prepare_order_expr(order_expr, &mut probe);
        Defaults.prepare_order_expr(order_expr, sql);
        if probe.ends_with(" NULLS LAST") {
            let _ = sql.write_str(" NULLS LAST");
        } else if probe.ends_with(" NULLS FIRST") {
            let _ = sql.write_str(" NULLS FIRST");
        }
    }

    fn prepare_select_limit_offset(&self, select: &SelectStatement, sql: &mut impl SqlWriter) {
        // LIMIT and OFFSET are unsigned integers: written as literals, valid on every server.
        let mut probe = String::new();
        PostgresQueryBuilder.prepare_select_limit_offset(select, &mut probe);
        let _ = sql.write_str(&probe);
    }

    fn prepare_union_statement(
        &self,
        union_type: UnionType,
        select: &SelectStatement,
        sql: &mut impl SqlWriter,
    ) {
        // sea-query's INTERSECT and EXCEPT mean DISTINCT; ClickHouse's bare keywords follow the
        // `intersect_default_mode`/`except_default_mode` settings (ALL on recent servers).
        #[allow(unreachable_patterns)]
        let keyword = match union_type {
            UnionType::Intersect => " INTERSECT DISTINCT (",
            UnionType::Distinct => " UNION DISTINCT (",
            UnionType::Except => " EXCEPT DISTINCT (",
            UnionType::All => " UNION ALL (",
            other => {
                let _ = sql.write_str(" UNION ALL (");
                unsupported(sql, format!("the set operation {other:?}"));
                let _ = sql.write_str(")");
                return;
            }
        };
        let _ = sql.write_str(keyword);
        self.prepare_select_statement(select, sql);
        let _ = sql.write_str(")");
    }

    fn prepare_expr(&self, expr: &Expr, sql: &mut impl SqlWriter) {
        if let Expr::CustomWithExpr(text, values) = expr {
            // sea-query indexes the values by placeholder and panics past their end.
            let placeholders = count_placeholders(text);
            if placeholders > values.len() {
                return unsupported(
                    sql,
                    format!(
                        "{text:?} has {placeholders} `?` placeholders for {} values",
                        values.len()
                    ),
                );
            }
        }
        self.prepare_expr_common(expr, sql);
    }

    fn binary_expr(&self, left: &Expr, op: &BinOper, right: &Expr, sql: &mut impl SqlWriter) {
        oper::binary_expr(left, op, right, sql);
    }

    fn prepare_bin_oper(&self, bin_oper: &BinOper, sql: &mut impl SqlWriter) {
        oper::bin_oper(bin_oper, sql);
    }

    fn prepare_un_oper(&self, un_oper: &UnOper, sql: &mut impl SqlWriter) {
        oper::un_oper(un_oper, sql);
    }

    fn prepare_with_query(&self, query: &WithQuery, sql: &mut impl SqlWriter) {
        let skeleton = probe::skeleton(query);
        if let Some(problem) = probe::with_problem(&skeleton) {
            let _ = sql.write_str("SELECT ");
            unsupported(sql, problem);
        } else if probe::with_query_lacks_query(&skeleton) {
            let _ = sql.write_str("SELECT ");
            unsupported(sql, "a WITH query without its query");
        } else {
            Defaults.prepare_with_query(query, sql);
        }
    }

    fn prepare_with_clause(&self, with_clause: &WithClause, sql: &mut impl SqlWriter) {
        match probe::with_problem(&probe::skeleton(with_clause)) {
            Some(problem) => {
                let _ = sql.write_str("WITH ");
                unsupported(sql, problem);
                let _ = sql.write_str(" AS unsupported ");
            }
            None => Defaults.prepare_with_clause(with_clause, sql),
        }
    }

    fn prepare_select_lock(&self, lock: &LockClause, sql: &mut impl SqlWriter) {
        report("row locks (SELECT ... FOR UPDATE/SHARE)");
        PostgresQueryBuilder.prepare_select_lock(lock, sql);
    }

    fn prepare_returning(&self, returning: &Option<ReturningClause>, sql: &mut impl SqlWriter) {
        if returning.is_some() {
            report("RETURNING");
            let _ = sql.write_str(" RETURNING");
        }
    }

    fn prepare_on_conflict(&self, on_conflict: &Option<OnConflict>, sql: &mut impl SqlWriter) {
        if on_conflict.is_some() {
            report("ON CONFLICT");
            let _ = sql.write_str(" ON CONFLICT");
        }
    }

    fn prepare_join_on(&self, join_on: &JoinOn, sql: &mut impl SqlWriter) {
        match join_on {
            JoinOn::Condition(c) => self.prepare_condition(c, "ON", sql),
            JoinOn::Columns(columns) => {
                let _ = sql.write_str(" USING (");
                for (i, column) in columns.iter().enumerate() {
                    if i > 0 {
                        let _ = sql.write_str(", ");
                    }
                    self.prepare_expr(column, sql);
                }
                let _ = sql.write_str(")");
            }
            _ => self.prepare_condition(&Default::default(), "ON", sql),
        }
    }

    fn prepare_function_name(&self, function: &Func, sql: &mut impl SqlWriter) {
        let name = match function {
            Func::Lower => "lower",
            Func::Upper => "upper",
            Func::BitAnd => "groupBitAnd",
            Func::BitOr => "groupBitOr",
            Func::Round => "round",
            Func::Abs => "abs",
            Func::Greatest => "greatest",
            Func::Least => "least",
            Func::PgFunction(_) => {
                return PostgresQueryBuilder.prepare_function_name(function, sql);
            }
            _ => return self.prepare_function_name_common(function, sql),
        };
        let _ = sql.write_str(name);
    }

    fn if_null_function(&self) -> &str {
        "ifNull"
    }

    fn random_function(&self) -> &str {
        "rand"
    }

    fn char_length_function(&self) -> &str {
        "lengthUTF8"
    }

    fn greatest_function(&self) -> &str {
        "greatest"
    }

    fn least_function(&self) -> &str {
        "least"
    }
}

/// The `?` placeholders in custom SQL text as sea-query counts them (`??` is a literal `?`).
fn count_placeholders(text: &str) -> usize {
    let mut tokens = Tokenizer::new(text).iter().peekable();
    let mut count = 0;
    while let Some(token) = tokens.next() {
        if token == Token::Punctuation("?") {
            if tokens.peek() == Some(&Token::Punctuation("?")) {
                tokens.next();
            } else {
                count += 1;
            }
        }
    }
    count
}
