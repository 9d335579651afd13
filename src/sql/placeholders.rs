//! Placeholders: positional `?` and `$N` turned into server-side parameters `{pN:Type}`, and the
//! `{name:Type}` placeholders a statement already has.

use super::lexer::{TokenKind, tokens};
use crate::error::{Error, Result};
use crate::types::DataType;

/// Rewrites the positional placeholders of `sql` into server-side parameters: the i-th `?`
/// (counting from 1) becomes `{pi:Type}`, and `$N` becomes `{pN:Type}`, with `Type` the N-th of
/// `types`. Placeholders inside strings, quoted identifiers, heredocs and comments are text and stay; so
/// do `{name:Type}` placeholders already written. Bind the values as parameters `p1`, `p2`, ...
///
/// A `?` is always a placeholder here: write ClickHouse's ternary `a ? b : c` as `if(a, b, c)`
/// in a statement with positional parameters.
///
/// ```
/// use clickhouse_connect::DataType;
/// use clickhouse_connect::sql::bind_placeholders;
///
/// let sql = bind_placeholders(
///     "SELECT * FROM t WHERE id = ? AND name = ? AND note != '?'",
///     &[DataType::UInt64, DataType::String],
/// )
/// .unwrap();
/// assert_eq!(sql, "SELECT * FROM t WHERE id = {p1:UInt64} AND name = {p2:String} AND note != '?'");
/// ```
pub fn bind_placeholders(sql: &str, types: &[DataType]) -> Result<String> {
    let mut out = String::with_capacity(sql.len() + 16 * types.len());
    let mut next = 0usize;
    let mut tokens = tokens(sql).peekable();
    while let Some(token) = tokens.next() {
        let text = token.text(sql);
        let number = match token.kind {
            TokenKind::Punct if text == "?" => {
                next += 1;
                Some(next)
            }
            TokenKind::Punct if text == "$" => match tokens.peek() {
                Some(n) if n.kind == TokenKind::Number && n.start == token.end => {
                    let digits = n.text(sql);
                    let number = digits.parse::<usize>().map_err(|_| {
                        Error::invalid_input(format!("`${digits}` is not a parameter number"))
                    })?;
                    tokens.next();
                    Some(number)
                }
                _ => None,
            },
            _ => None,
        };
        match number {
            Some(n) => {
                let data_type = n.checked_sub(1).and_then(|i| types.get(i)).ok_or_else(|| {
                    Error::invalid_input(format!(
                        "the statement has a placeholder for parameter {n}, but {} values are bound",
                        types.len()
                    ))
                })?;
                out.push_str(&format!("{{p{n}:{data_type}}}"));
            }
            None => out.push_str(text),
        }
    }
    Ok(out)
}

/// `sql` with every parameter replaced by a value of its type (`{name:Type}` by
/// `defaultValueOfTypeName('Type')`, `?` and `$N` by `NULL`), so that the server can describe
/// the statement's result (`DESCRIBE (...)`) without values; and how many positional
/// placeholders it had.
pub fn without_parameters(sql: &str) -> Result<(String, usize)> {
    let mut out = String::with_capacity(sql.len());
    let mut positional = 0usize;
    let all: Vec<_> = tokens(sql).collect();
    let mut i = 0;
    while i < all.len() {
        let token = all[i];
        let text = token.text(sql);
        if token.kind == TokenKind::Punct && text == "?" {
            positional += 1;
            out.push_str("NULL");
        } else if token.kind == TokenKind::Punct
            && text == "$"
            && all
                .get(i + 1)
                .is_some_and(|n| n.kind == TokenKind::Number && n.start == token.end)
        {
            positional += 1;
            out.push_str("NULL");
            i += 1;
        } else if token.is_punct(sql, '{') {
            let close = all[i..]
                .iter()
                .position(|t| t.is_punct(sql, '}'))
                .map(|p| i + p);
            let inside = close.map(|c| &sql[token.end..all[c].start]);
            match (close, inside.and_then(|s| s.split_once(':'))) {
                (Some(close), Some((name, type_text)))
                    if !name.trim().is_empty()
                        && name
                            .trim()
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
                {
                    let data_type = DataType::parse(type_text.trim())?;
                    out.push_str(&format!(
                        "defaultValueOfTypeName({})",
                        crate::types::quote(&data_type.to_string())
                    ));
                    i = close;
                }
                _ => out.push_str(text),
            }
        } else {
            out.push_str(text);
        }
        i += 1;
    }
    Ok((out, positional))
}

/// The `{name:Type}` placeholders of `sql` (outside strings, identifiers and comments), in order
/// of first appearance, each name once.
pub fn parameter_placeholders(sql: &str) -> Result<Vec<(String, DataType)>> {
    let code: Vec<_> = tokens(sql).filter(|t| !t.is_blank()).collect();
    let mut found: Vec<(String, DataType)> = Vec::new();
    let mut i = 0;
    while i < code.len() {
        let opens = code[i].is_punct(sql, '{')
            && code.get(i + 1).is_some_and(|t| t.kind == TokenKind::Word)
            && code.get(i + 2).is_some_and(|t| t.is_punct(sql, ':'));
        if !opens {
            i += 1;
            continue;
        }
        let name = code[i + 1].text(sql).to_owned();
        let close = code[i + 3..]
            .iter()
            .position(|t| t.is_punct(sql, '}'))
            .map(|p| i + 3 + p)
            .ok_or_else(|| {
                Error::invalid_input(format!("the placeholder `{{{name}:` does not close"))
            })?;
        let type_text = &sql[code[i + 2].end..code[close].start];
        let data_type = DataType::parse(type_text.trim())?;
        if !found.iter().any(|(n, _)| *n == name) {
            found.push((name, data_type));
        }
        i = close + 1;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positional_placeholders_become_parameters() {
        let types = [DataType::Int32, DataType::String];
        assert_eq!(
            bind_placeholders(
                "SELECT ?, $2, $1 -- ? in a comment\n, `?`, \"?\", '$1'",
                &types
            )
            .unwrap(),
            "SELECT {p1:Int32}, {p2:String}, {p1:Int32} -- ? in a comment\n, `?`, \"?\", '$1'"
        );
        assert_eq!(
            bind_placeholders("SELECT {x:UInt8}, $$a?b$$", &[]).unwrap(),
            "SELECT {x:UInt8}, $$a?b$$"
        );
        let err = bind_placeholders("SELECT ?, ?", &types[..1]).unwrap_err();
        assert!(err.to_string().contains("parameter 2"), "{err}");
        assert!(bind_placeholders("SELECT $0", &types).is_err());
    }

    #[test]
    fn parameters_give_way_to_values_for_describe() {
        assert_eq!(
            without_parameters("SELECT {id:UInt64} + ?, $1, '{x:Int8}', {m:Map(String, UInt8)}")
                .unwrap(),
            (
                "SELECT defaultValueOfTypeName('UInt64') + NULL, NULL, '{x:Int8}', \
                 defaultValueOfTypeName('Map(String, UInt8)')"
                    .to_owned(),
                2
            )
        );
    }

    #[test]
    fn named_placeholders_are_found() {
        let found = parameter_placeholders(
            "SELECT {id:UInt64}, { name : Array(Nullable(String)) }, '{no:Int8}', {id:UInt64}",
        )
        .unwrap();
        assert_eq!(
            found,
            vec![
                ("id".to_owned(), DataType::UInt64),
                (
                    "name".to_owned(),
                    DataType::parse("Array(Nullable(String))").unwrap()
                ),
            ]
        );
    }
}
