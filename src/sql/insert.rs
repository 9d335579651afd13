//! Finding the inline data of an INSERT: `INSERT INTO t [(cols)] [SETTINGS ...] VALUES (...)` or
//! `... FORMAT <name> <data>`. Over HTTP the server reads that data; over the native protocol
//! the server reads only the statement and waits for blocks, so the client must see where the
//! data starts. Words inside strings, quoted identifiers and comments are never mistaken for
//! `VALUES`.

use super::lexer::{Token, TokenKind, tokens};

/// An INSERT statement that carries its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InlineInsert<'a> {
    /// The statement up to the data: `INSERT INTO t (a, b) VALUES` or `... FORMAT CSV`.
    pub(crate) head: &'a str,
    /// The data's format: `Values` for a `VALUES` clause, else the name after `FORMAT`.
    pub(crate) format: &'a str,
    /// The data.
    pub(crate) data: &'a str,
}

/// The inline data of `sql`, if it is an INSERT that carries some (`None` for any other
/// statement, `INSERT ... SELECT`, and an INSERT whose data is to follow separately).
pub(crate) fn inline_insert(sql: &str) -> Option<InlineInsert<'_>> {
    let mut code = tokens(sql).filter(|t| !t.is_blank());
    if !code.next()?.is_word(sql, "INSERT") || !code.next()?.is_word(sql, "INTO") {
        return None;
    }
    let mut code = code.peekable();
    // The target: `[TABLE] name[.name]` or `FUNCTION f(...)`.
    if code.peek()?.is_word(sql, "TABLE") {
        code.next();
    }
    if code.peek()?.is_word(sql, "FUNCTION") {
        code.next();
        code.next()?;
        skip_group(sql, &mut code)?;
    } else {
        code.next()?;
        if code.peek().is_some_and(|t| t.is_punct(sql, '.')) {
            code.next();
            code.next()?;
        }
    }
    let mut depth = 0usize;
    while let Some(token) = code.next() {
        if token.is_punct(sql, '(') {
            depth += 1;
        } else if token.is_punct(sql, ')') {
            depth = depth.checked_sub(1)?;
        } else if depth > 0 {
            continue;
        } else if token.is_word(sql, "SELECT") || token.is_word(sql, "WITH") {
            return None;
        } else if token.is_word(sql, "VALUES") {
            return with_data(sql, token.end, "Values");
        } else if token.is_word(sql, "FORMAT") {
            let name = code.next()?;
            if !matches!(name.kind, TokenKind::Word | TokenKind::QuotedIdentifier) {
                return None;
            }
            return with_data(sql, name.end, name.text(sql));
        }
    }
    None
}

/// Skips a balanced `( ... )` group that starts at the next token.
fn skip_group(sql: &str, code: &mut impl Iterator<Item = Token>) -> Option<()> {
    if !code.next()?.is_punct(sql, '(') {
        return None;
    }
    let mut depth = 1usize;
    for token in code {
        if token.is_punct(sql, '(') {
            depth += 1;
        } else if token.is_punct(sql, ')') {
            depth -= 1;
            if depth == 0 {
                return Some(());
            }
        }
    }
    None
}

/// The INSERT whose data follows `head_end`, if any data does (whitespace, comments and a final
/// `;` are not data).
fn with_data<'a>(sql: &'a str, head_end: usize, format: &'a str) -> Option<InlineInsert<'a>> {
    let rest = &sql[head_end..];
    let has_data = tokens(rest).any(|t| !t.is_blank() && !t.is_punct(rest, ';'));
    has_data.then(|| InlineInsert {
        head: &sql[..head_end],
        format,
        data: rest,
    })
}

/// Whether `sql` runs `ON CLUSTER` (the words as code, not inside strings or comments).
pub(crate) fn is_on_cluster(sql: &str) -> bool {
    let code: Vec<_> = tokens(sql).filter(|t| !t.is_blank()).collect();
    code.windows(2)
        .any(|w| w[0].is_word(sql, "ON") && w[1].is_word(sql, "CLUSTER"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(sql: &str) -> Option<(&str, &str, &str)> {
        inline_insert(sql).map(|i| (i.head, i.format, i.data.trim()))
    }

    #[test]
    fn finds_the_data_and_only_the_data() {
        assert_eq!(
            parts("INSERT INTO t (id, s) VALUES (1, 'a;b'), (2, 'x')"),
            Some((
                "INSERT INTO t (id, s) VALUES",
                "Values",
                "(1, 'a;b'), (2, 'x')"
            ))
        );
        assert_eq!(
            parts("insert into db.`my table` values (1)"),
            Some(("insert into db.`my table` values", "Values", "(1)"))
        );
        assert_eq!(
            parts("INSERT INTO t FORMAT CSV\n1,2\n"),
            Some(("INSERT INTO t FORMAT CSV", "CSV", "1,2"))
        );
        assert_eq!(
            parts("INSERT INTO TABLE t SETTINGS async_insert = 1 VALUES (1)"),
            Some((
                "INSERT INTO TABLE t SETTINGS async_insert = 1 VALUES",
                "Values",
                "(1)"
            ))
        );
        // A table called `values`, and the word inside strings, identifiers and comments.
        assert_eq!(
            parts("INSERT INTO values (v) VALUES ('VALUES')"),
            Some(("INSERT INTO values (v) VALUES", "Values", "('VALUES')"))
        );
        assert_eq!(
            parts("INSERT INTO FUNCTION remote('h', db, 'values') VALUES (1)").map(|p| p.2),
            Some("(1)")
        );
        assert_eq!(parts("/* VALUES (1) */ INSERT INTO t SELECT 1"), None);
        assert_eq!(parts("INSERT INTO t (`VALUES`) SELECT 'VALUES (1)'"), None);
        assert_eq!(parts("INSERT INTO t VALUES"), None);
        assert_eq!(parts("INSERT INTO t VALUES ; -- nothing"), None);
        assert_eq!(parts("INSERT INTO t (a) WITH 1 AS x SELECT x"), None);
        assert_eq!(parts("SELECT 'INSERT INTO t VALUES (1)'"), None);
        assert_eq!(parts("INSERT INTO t FORMAT Native"), None);
    }

    #[test]
    fn on_cluster_is_found_as_code_only() {
        assert!(is_on_cluster(
            "CREATE TABLE t ON CLUSTER c (x UInt8) ENGINE = Memory"
        ));
        assert!(is_on_cluster("drop table t on  /* c */ cluster c"));
        assert!(!is_on_cluster("SELECT 'ON CLUSTER'"));
        assert!(!is_on_cluster("SELECT 1 -- ON CLUSTER"));
    }
}
