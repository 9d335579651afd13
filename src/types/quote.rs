//! Quoting of names and string literals the way the server prints them in type strings.
//!
//! Single-quoted strings (time zones, enum names, regexps) and back-quoted identifiers (tuple
//! element names, JSON paths) escape the quote character, the backslash and the control
//! characters `\b \f \n \r \t \0`; every other byte is written as it is.

use std::fmt::{self, Write};

/// Names that are valid identifiers but that the server still back-quotes.
const QUOTED_KEYWORDS: [&str; 8] = [
    "null", "true", "false", "distinct", "all", "table", "select", "from",
];

/// Whether `name` can be written without back-quotes.
fn is_plain_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    let starts_well = matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_');
    starts_well
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !QUOTED_KEYWORDS
            .iter()
            .any(|keyword| keyword.eq_ignore_ascii_case(name))
}

fn write_escaped(out: &mut impl Write, text: &str, quote: char) -> fmt::Result {
    out.write_char(quote)?;
    for c in text.chars() {
        match c {
            '\\' => out.write_str("\\\\")?,
            '\u{8}' => out.write_str("\\b")?,
            '\u{c}' => out.write_str("\\f")?,
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            '\0' => out.write_str("\\0")?,
            c if c == quote => {
                out.write_char('\\')?;
                out.write_char(c)?;
            }
            c => out.write_char(c)?,
        }
    }
    out.write_char(quote)
}

/// Writes `text` as a single-quoted literal.
pub(crate) fn write_quoted(out: &mut impl Write, text: &str) -> fmt::Result {
    write_escaped(out, text, '\'')
}

/// Writes `name` as is when it is a plain identifier, back-quoted otherwise.
pub(crate) fn write_backquoted_if_needed(out: &mut impl Write, name: &str) -> fmt::Result {
    if is_plain_identifier(name) {
        out.write_str(name)
    } else {
        write_escaped(out, name, '`')
    }
}

/// `text` as a single-quoted literal (`it's` becomes `'it\'s'`).
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    // Writing into a String cannot fail.
    let _ = write_quoted(&mut out, text);
    out
}

/// `name` as the server prints an identifier: unchanged when it is a plain identifier,
/// back-quoted otherwise (`a b` becomes `` `a b` ``).
pub fn backquote_if_needed(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    let _ = write_backquoted_if_needed(&mut out, name);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_escape_what_the_server_escapes() {
        assert_eq!(quote("a'b\\c"), r"'a\'b\\c'");
        assert_eq!(quote("a\nb\tc\0"), r"'a\nb\tc\0'");
        assert_eq!(quote("é`\""), "'é`\"'");
    }

    #[test]
    fn identifiers_are_backquoted_only_when_needed() {
        assert_eq!(backquote_if_needed("key"), "key");
        assert_eq!(backquote_if_needed("_x1"), "_x1");
        assert_eq!(backquote_if_needed("a.b"), "`a.b`");
        assert_eq!(backquote_if_needed("1a"), "`1a`");
        assert_eq!(backquote_if_needed("From"), "`From`");
        assert_eq!(backquote_if_needed("NULL"), "`NULL`");
        assert_eq!(backquote_if_needed("a`b"), r"`a\`b`");
        assert_eq!(backquote_if_needed(""), "``");
    }
}
