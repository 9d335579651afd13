//! The ClickHouse backend: [`ClickHouseQueryBuilder`] and the quoting, escaping and precedence
//! hooks every sea-query backend provides. `query.rs` renders queries, `table.rs` and `index.rs`
//! the schema statements, `ext.rs` the stateful builders behind the ClickHouse statement types.

mod ext;
mod index;
mod oper;
pub(crate) mod probe;
mod query;
pub(crate) mod report;
mod table;

use std::fmt::Write;

use sea_query::extension::postgres::PgBinOper;
use sea_query::{
    BinOper, DynIden, EscapeBuilder, Expr, GenericBuilder, Keyword, Oper, OperLeftAssocDecider,
    PostgresQueryBuilder, PrecedenceDecider, Quote, QuotedBuilder, SchemaBuilder, SqlWriter,
    TableRef, TableRefBuilder,
};

pub(crate) use ext::{Defaults, Ext, ExtBuilder};

use crate::literal;

/// The ClickHouse query builder: pass it to sea-query's `build`/`to_string`.
///
/// Identifiers are back-quoted with backslash escapes, inline values are ClickHouse literals
/// that cannot break out of their quotes, and functions use ClickHouse's spelling.
#[derive(Debug, Default, Clone, Copy)]
pub struct ClickHouseQueryBuilder;

impl GenericBuilder for ClickHouseQueryBuilder {}

impl SchemaBuilder for ClickHouseQueryBuilder {}

impl QuotedBuilder for ClickHouseQueryBuilder {
    fn quote(&self) -> Quote {
        Quote::new(b'`')
    }

    fn prepare_iden(&self, iden: &DynIden, sql: &mut impl SqlWriter) {
        let _ = literal::write_identifier(sql, &iden.inner());
    }
}

impl EscapeBuilder for ClickHouseQueryBuilder {
    fn write_escaped(&self, buffer: &mut impl Write, string: &str) {
        let _ = literal::write_escaped_body(buffer, string.as_bytes());
    }

    fn unescape_string(&self, string: &str) -> String {
        literal::unescape(string)
    }
}

impl TableRefBuilder for ClickHouseQueryBuilder {
    fn prepare_table_ref_iden(&self, table_ref: &TableRef, sql: &mut impl SqlWriter) {
        match table_ref {
            TableRef::Table(name, alias) => {
                self.prepare_table_name(name, sql);
                if let Some(alias) = alias {
                    let _ = sql.write_str(" AS ");
                    self.prepare_iden(alias, sql);
                }
            }
            _ => report::unsupported(
                sql,
                "a subquery, VALUES list or function where a table name is needed",
            ),
        }
    }
}

impl PrecedenceDecider for ClickHouseQueryBuilder {
    fn inner_expr_well_known_greater_precedence(&self, inner: &Expr, outer_oper: &Oper) -> bool {
        // ILIKE binds like LIKE; sea-query's precedence table knows LIKE only.
        let is_ilike = |op: &BinOper| {
            matches!(
                op,
                BinOper::PgOperator(PgBinOper::ILike | PgBinOper::NotILike)
            )
        };
        let outer = match outer_oper {
            Oper::BinOper(op) if is_ilike(op) => &Oper::BinOper(BinOper::Like),
            other => other,
        };
        match inner {
            Expr::Binary(_, op, _) if is_ilike(op) => {
                let like = Expr::Binary(
                    Box::new(Expr::Keyword(Keyword::Null)),
                    BinOper::Like,
                    Box::new(Expr::Keyword(Keyword::Null)),
                );
                PostgresQueryBuilder.inner_expr_well_known_greater_precedence(&like, outer)
            }
            _ => PostgresQueryBuilder.inner_expr_well_known_greater_precedence(inner, outer),
        }
    }
}

impl OperLeftAssocDecider for ClickHouseQueryBuilder {
    fn well_known_left_associative(&self, op: &BinOper) -> bool {
        PostgresQueryBuilder.well_known_left_associative(op)
    }
}
