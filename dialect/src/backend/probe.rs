//! Checks on sea-query statements whose fields are private, read from their `Debug` text.
//!
//! A few of sea-query's default rendering bodies panic on states its builders allow (a
//! `WithQuery` without a query, a `WITH` without tables, a CTE without a name, a half-built
//! `SEARCH`/`CYCLE`, a `RENAME` of something that is not a table name), and the fields that
//! would tell are private. The derived `Debug` text shows them. The checks below first blank
//! every string and character literal of that text (names and values, which a user controls),
//! so only sea-query's own structure is matched.

use std::fmt::Debug;

/// The `Debug` text of `value` with every string literal emptied (`""`) and every character
/// literal blanked (`' '`).
pub(crate) fn skeleton(value: &impl Debug) -> String {
    let text = format!("{value:?}");
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                while let Some(inner) = chars.next() {
                    if inner == '\\' {
                        chars.next();
                    } else if inner == c {
                        break;
                    }
                }
                out.push(c);
                if c == '\'' {
                    out.push(' ');
                }
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Why a `WITH` clause or query (its skeleton) would make sea-query panic or cannot be
/// ClickHouse, if it would.
pub(crate) fn with_problem(skeleton: &str) -> Option<&'static str> {
    if skeleton.contains("cte_expressions: []") {
        Some("a WITH clause without common table expressions")
    } else if skeleton.contains("CommonTableExpression { table_name: None") {
        Some("a common table expression without a name")
    } else if skeleton.contains("recursive: true, search: Some(")
        || skeleton.contains("recursive: true, search: None, cycle: Some(")
    {
        Some("SEARCH and CYCLE clauses of a recursive WITH")
    } else {
        None
    }
}

/// Whether a `WithQuery` (its skeleton) has no query.
pub(crate) fn with_query_lacks_query(skeleton: &str) -> bool {
    skeleton.ends_with(", query: None }")
}

/// Whether a `TableRenameStatement` (its skeleton) names plain tables only (optionally
/// qualified), which is what sea-query's rename rendering accepts without panicking.
pub(crate) fn rename_is_plain(skeleton: &str) -> bool {
    const SCHEMAS: [&str; 3] = [
        "None",
        r#"Some(SchemaName(None, DynIden("")))"#,
        r#"Some(SchemaName(Some(DatabaseName(DynIden(""))), DynIden("")))"#,
    ];
    let side_ok = |side: &str| {
        side == "None"
            || SCHEMAS
                .iter()
                .any(|s| side == format!(r#"Some(Table(TableName({s}, DynIden("")), None))"#))
    };
    let Some(body) = skeleton
        .strip_prefix("TableRenameStatement { from_name: ")
        .and_then(|rest| rest.strip_suffix(" }"))
    else {
        return false;
    };
    let Some((from, to)) = body.split_once(", to_name: ") else {
        return false;
    };
    side_ok(from) && side_ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_query::{
        CommonTableExpression, Cycle, Expr, IntoIden, Query, SearchOrder, Table, TableName,
        TableRef, WithClause, WithQuery,
    };

    #[test]
    fn skeleton_blanks_user_text() {
        let select = Query::select()
            .column("a\"), to_name: ")
            .expr(Expr::val('"'))
            .expr(Expr::val('\''))
            .expr(Expr::val("x\\\"y"))
            .to_owned();
        let s = skeleton(&select);
        assert!(!s.contains("to_name"), "{s}");
        assert!(s.contains(r#"DynIden("")"#), "{s}");
        assert!(s.contains("Char(Some(' '))"), "{s}");
    }

    #[test]
    fn with_clauses() {
        let select = Query::select().column("a").from("t").to_owned();
        let cte = CommonTableExpression::new()
            .query(select.clone())
            .table_name("c")
            .to_owned();
        let good = WithClause::new().cte(cte.clone()).to_owned();
        assert_eq!(with_problem(&skeleton(&good)), None);
        let good_query = good.clone().query(select.clone());
        assert_eq!(with_problem(&skeleton(&good_query)), None);
        assert!(!with_query_lacks_query(&skeleton(&good_query)));
        assert!(with_query_lacks_query(&skeleton(&WithQuery::new())));
        assert!(with_problem(&skeleton(&WithClause::new())).is_some());
        let unnamed = CommonTableExpression::new().query(select).to_owned();
        assert!(with_problem(&skeleton(&WithClause::new().cte(unnamed).to_owned())).is_some());
        let cycle = WithClause::new()
            .recursive(true)
            .cte(cte.clone())
            .cycle(Cycle::new())
            .to_owned();
        assert!(with_problem(&skeleton(&cycle)).is_some());
        let search = WithClause::new()
            .recursive(true)
            .cte(cte)
            .search(
                sea_query::Search::new()
                    .order(SearchOrder::DEPTH)
                    .to_owned(),
            )
            .to_owned();
        assert!(with_problem(&skeleton(&search)).is_some());
    }

    #[test]
    fn renames() {
        let plain = Table::rename().table("a", "b").to_owned();
        assert!(rename_is_plain(&skeleton(&plain)));
        let qualified = Table::rename()
            .table(("db", "a"), ("x", "y", "b"))
            .to_owned();
        assert!(rename_is_plain(&skeleton(&qualified)), "{qualified:?}");
        assert!(rename_is_plain(&skeleton(&Table::rename())));
        let aliased = Table::rename()
            .table(
                "a",
                TableRef::Table(TableName(None, "b".into_iden()), Some("c".into_iden())),
            )
            .to_owned();
        assert!(!rename_is_plain(&skeleton(&aliased)));
        let sub = TableRef::SubQuery(
            Query::select().column("a").to_owned().into(),
            "s".into_iden(),
        );
        assert!(!rename_is_plain(&skeleton(
            &Table::rename().table(sub, "b").to_owned()
        )));
        let tricky = Table::rename()
            .table("a\")), to_name: None }", "b")
            .to_owned();
        assert!(rename_is_plain(&skeleton(&tricky)));
    }
}
