//! Operators: every [`BinOper`] and [`UnOper`] sea-query can hand the backend, as ClickHouse
//! writes it.
//!
//! | sea-query | ClickHouse |
//! |---|---|
//! | `AND` `OR` `LIKE` `NOT LIKE` `IS` `IS NOT` `IN` `NOT IN` `BETWEEN` `NOT BETWEEN` `=` `<>` `<` `>` `<=` `>=` `+` `-` `*` `/` `%` `AS`, `Custom(op)` | the same infix operator |
//! | `&`, `\|`, `<<`, `>>` | `bitAnd(a, b)`, `bitOr(a, b)`, `bitShiftLeft(a, b)`, `bitShiftRight(a, b)` |
//! | `LIKE p ESCAPE '\'` | `LIKE p` (backslash is ClickHouse's LIKE escape) |
//! | `LIKE 'p' ESCAPE 'c'` | `LIKE 'p'` with the pattern rewritten to backslash escapes (every version) |
//! | `LIKE p ESCAPE 'c'`, `p` not a string value | `LIKE p ESCAPE 'c'` (recent servers; 26.9 has it) |
//! | PostgreSQL `ILIKE`, `NOT ILIKE`, `\|\|` | the same infix operator |
//! | PostgreSQL `~`, `~*` | `match(a, b)`, `match(a, concat('(?i)', b))` (RE2 syntax) |
//! | PostgreSQL `@>`, `<@`, `&&` on arrays | `hasAll(a, b)`, `hasAll(b, a)`, `hasAny(a, b)` |
//! | `NOT` | `NOT` |
//!
//! Everything else (`ESCAPE` outside LIKE or with an escape that is not one character, the
//! remaining PostgreSQL and SQLite operators, operators added to sea-query later) is written as `throwError('...')` and reported, so the dialect's entry points return
//! [`Error::Unsupported`](crate::Error::Unsupported).

use sea_query::extension::postgres::PgBinOper;
use sea_query::{BinOper, Expr, QueryBuilder, SqlWriter, UnOper, Value};

use super::report::unsupported;
use super::{ClickHouseQueryBuilder, Defaults};

const CH: ClickHouseQueryBuilder = ClickHouseQueryBuilder;

/// How one binary operator is written.
enum Form {
    /// `a op b`.
    Infix(&'static str),
    /// `f(a, b)`, or `f(b, a)` when swapped.
    Function(&'static str, bool),
    /// `match(a, concat('(?i)', b))`.
    MatchCaseInsensitive,
    /// Not expressible: the reason.
    Unsupported(String),
}

fn form(op: &BinOper) -> Form {
    use Form::{Function, Infix, Unsupported};
    #[allow(unreachable_patterns)]
    match op {
        BinOper::And => Infix("AND"),
        BinOper::Or => Infix("OR"),
        BinOper::Like => Infix("LIKE"),
        BinOper::NotLike => Infix("NOT LIKE"),
        BinOper::Is => Infix("IS"),
        BinOper::IsNot => Infix("IS NOT"),
        BinOper::In => Infix("IN"),
        BinOper::NotIn => Infix("NOT IN"),
        BinOper::Between => Infix("BETWEEN"),
        BinOper::NotBetween => Infix("NOT BETWEEN"),
        BinOper::Equal => Infix("="),
        BinOper::NotEqual => Infix("<>"),
        BinOper::SmallerThan => Infix("<"),
        BinOper::GreaterThan => Infix(">"),
        BinOper::SmallerThanOrEqual => Infix("<="),
        BinOper::GreaterThanOrEqual => Infix(">="),
        BinOper::Add => Infix("+"),
        BinOper::Sub => Infix("-"),
        BinOper::Mul => Infix("*"),
        BinOper::Div => Infix("/"),
        BinOper::Mod => Infix("%"),
        BinOper::As => Infix("AS"),
        BinOper::Custom(raw) => Infix(raw),
        BinOper::BitAnd => Function("bitAnd", false),
        BinOper::BitOr => Function("bitOr", false),
        BinOper::LShift => Function("bitShiftLeft", false),
        BinOper::RShift => Function("bitShiftRight", false),
        BinOper::Escape => Unsupported("ESCAPE outside a LIKE pattern".into()),
        BinOper::PgOperator(pg) => match pg {
            PgBinOper::ILike => Infix("ILIKE"),
            PgBinOper::NotILike => Infix("NOT ILIKE"),
            PgBinOper::Concatenate => Infix("||"),
            PgBinOper::Regex => Function("match", false),
            PgBinOper::RegexCaseInsensitive => Form::MatchCaseInsensitive,
            PgBinOper::Contains => Function("hasAll", false),
            PgBinOper::Contained => Function("hasAll", true),
            PgBinOper::Overlap => Function("hasAny", false),
            other => Unsupported(format!("the PostgreSQL operator {other:?}")),
        },
        BinOper::SqliteOperator(sqlite) => Unsupported(format!("the SQLite operator {sqlite:?}")),
        other => Unsupported(format!("the operator {other:?}")),
    }
}

fn is_like(op: &BinOper) -> bool {
    matches!(
        op,
        BinOper::Like
            | BinOper::NotLike
            | BinOper::PgOperator(PgBinOper::ILike | PgBinOper::NotILike)
    )
}

/// A LIKE pattern with escape character `escape`, rewritten to ClickHouse's backslash escapes.
fn rewrite_pattern(pattern: &str, escape: char) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == escape {
            match chars.next() {
                Some(next @ ('%' | '_' | '\\')) => {
                    out.push('\\');
                    out.push(next);
                }
                Some(next) => out.push(next),
                None => out.push_str("\\\\"),
            }
        } else if c == '\\' {
            out.push_str("\\\\");
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes `left op right` ([`QueryBuilder::binary_expr`] of the ClickHouse builder).
pub(crate) fn binary_expr(left: &Expr, op: &BinOper, right: &Expr, sql: &mut impl SqlWriter) {
    match form(op) {
        Form::Infix(_) if is_like(op) => match right {
            Expr::Binary(pattern, BinOper::Escape, escape) => {
                like_with_escape(left, op, pattern, escape, sql)
            }
            _ => Defaults.binary_expr(left, op, right, sql),
        },
        Form::Infix(_) => Defaults.binary_expr(left, op, right, sql),
        Form::Function(name, swap) => {
            let (a, b) = if swap { (right, left) } else { (left, right) };
            let _ = write!(sql, "{name}(");
            CH.prepare_expr(a, sql);
            let _ = sql.write_str(", ");
            CH.prepare_expr(b, sql);
            let _ = sql.write_str(")");
        }
        Form::MatchCaseInsensitive => {
            let _ = sql.write_str("match(");
            CH.prepare_expr(left, sql);
            let _ = sql.write_str(", concat('(?i)', ");
            CH.prepare_expr(right, sql);
            let _ = sql.write_str("))");
        }
        Form::Unsupported(reason) => unsupported(sql, reason),
    }
}

fn like_with_escape(
    left: &Expr,
    op: &BinOper,
    pattern: &Expr,
    escape_expr: &Expr,
    sql: &mut impl SqlWriter,
) {
    let escape = match escape_expr {
        Expr::Constant(Value::Char(Some(c))) | Expr::Value(Value::Char(Some(c))) => Some(*c),
        Expr::Constant(Value::String(Some(s))) | Expr::Value(Value::String(Some(s))) => {
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Some(c),
                _ => None,
            }
        }
        _ => None,
    };
    match (escape, pattern) {
        (Some('\\'), _) => Defaults.binary_expr(left, op, pattern, sql),
        (Some(c), Expr::Value(Value::String(Some(p)))) => {
            let rewritten = Expr::Value(Value::String(Some(rewrite_pattern(p, c))));
            Defaults.binary_expr(left, op, &rewritten, sql)
        }
        (Some(c), Expr::Constant(Value::String(Some(p)))) => {
            let rewritten = Expr::Constant(Value::String(Some(rewrite_pattern(p, c))));
            Defaults.binary_expr(left, op, &rewritten, sql)
        }
        (Some(_), _) => {
            Defaults.binary_expr(left, op, pattern, sql);
            let _ = sql.write_str(" ESCAPE ");
            CH.prepare_expr(escape_expr, sql);
        }
        (None, _) => unsupported(
            sql,
            "LIKE ... ESCAPE with an escape that is not one character",
        ),
    }
}

/// Writes the infix token of `op` ([`QueryBuilder::prepare_bin_oper`]).
pub(crate) fn bin_oper(op: &BinOper, sql: &mut impl SqlWriter) {
    match form(op) {
        Form::Infix(token) => {
            let _ = sql.write_str(token);
        }
        // binary_expr writes these itself; reached only through a hook called directly.
        Form::Function(..) | Form::MatchCaseInsensitive => {
            unsupported(sql, format!("the operator {op:?} as an infix token"))
        }
        Form::Unsupported(reason) => unsupported(sql, reason),
    }
}

/// Writes the token of `op` ([`QueryBuilder::prepare_un_oper`]).
pub(crate) fn un_oper(op: &UnOper, sql: &mut impl SqlWriter) {
    #[allow(unreachable_patterns)]
    match op {
        UnOper::Not => {
            let _ = sql.write_str("NOT");
        }
        other => unsupported(sql, format!("the operator {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::rewrite_pattern;

    #[test]
    fn escape_characters_become_backslashes() {
        assert_eq!(rewrite_pattern("10#%", '#'), r"10\%");
        assert_eq!(rewrite_pattern("a#_b_", '#'), r"a\_b_");
        assert_eq!(rewrite_pattern("##x#y", '#'), "#xy");
        assert_eq!(rewrite_pattern(r"c:\dir%", '#'), r"c:\\dir%");
        assert_eq!(rewrite_pattern("end#", '#'), r"end\\");
    }
}
