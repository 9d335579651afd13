//! A lexer for ClickHouse SQL text: enough to tell data and code apart (strings, quoted
//! identifiers, heredocs and comments are single tokens), never a parser.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// Spaces, tabs, newlines.
    Whitespace,
    /// `-- ...`, `# ...` (to the end of the line) or `/* ... */` (nested as the server nests
    /// them).
    Comment,
    /// A word: a keyword or a bare identifier (letters, digits, `_`, `$` after the first).
    Word,
    /// A number (digits, a point, an exponent, `0x` hex).
    Number,
    /// `'...'`, with `\` escapes and `''`.
    String,
    /// `"..."` or `` `...` ``.
    QuotedIdentifier,
    /// `$$...$$` or `$tag$...$tag$`.
    Heredoc,
    /// Any other single character (`(`, `,`, `;`, `{`, ...).
    Punct,
    /// A string, identifier, heredoc or comment that the text ends inside of.
    Unterminated,
}

/// A token: its kind and where it is in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Token {
    /// The token's text.
    pub(crate) fn text<'a>(&self, sql: &'a str) -> &'a str {
        &sql[self.start..self.end]
    }

    /// Whether this is the word `word`, in any case.
    pub(crate) fn is_word(&self, sql: &str, word: &str) -> bool {
        self.kind == TokenKind::Word && self.text(sql).eq_ignore_ascii_case(word)
    }

    /// Whether this is the punctuation `c`.
    pub(crate) fn is_punct(&self, sql: &str, c: char) -> bool {
        self.kind == TokenKind::Punct && self.text(sql).starts_with(c)
    }

    /// Whether this is whitespace or a comment.
    pub(crate) fn is_blank(&self) -> bool {
        matches!(self.kind, TokenKind::Whitespace | TokenKind::Comment)
    }
}

/// The tokens of `sql`, in order; together they cover every byte.
pub(crate) fn tokens(sql: &str) -> impl Iterator<Item = Token> + '_ {
    let bytes = sql.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        let (kind, end) = next(sql, pos);
        pos = end;
        Some(Token { kind, start, end })
    })
}

/// The kind and end of the token that starts at `at` (not at the end).
fn next(sql: &str, at: usize) -> (TokenKind, usize) {
    let bytes = sql.as_bytes();
    let rest = &bytes[at..];
    let b = rest[0];
    match b {
        b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {
            let len = rest
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c'))
                .count();
            (TokenKind::Whitespace, at + len)
        }
        b'-' if rest.get(1) == Some(&b'-') => (TokenKind::Comment, line_end(bytes, at)),
        // `#` starts a comment when a space or `!` follows (`#!` and `# ...`), as the server
        // reads it.
        b'#' if matches!(rest.get(1), Some(b' ' | b'!')) => {
            (TokenKind::Comment, line_end(bytes, at))
        }
        b'/' if rest.get(1) == Some(&b'*') => block_comment(bytes, at),
        b'\'' => quoted(bytes, at, b'\'', TokenKind::String),
        b'"' => quoted(bytes, at, b'"', TokenKind::QuotedIdentifier),
        b'`' => quoted(bytes, at, b'`', TokenKind::QuotedIdentifier),
        b'$' => heredoc(sql, at).unwrap_or((TokenKind::Punct, at + 1)),
        b'0'..=b'9' => (TokenKind::Number, at + number_len(rest)),
        b'.' if rest.get(1).is_some_and(u8::is_ascii_digit) => {
            (TokenKind::Number, at + number_len(rest))
        }
        _ if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 => {
            let len = rest
                .iter()
                .take_while(|b| {
                    b.is_ascii_alphanumeric() || **b == b'_' || **b == b'$' || **b >= 0x80
                })
                .count();
            (TokenKind::Word, at + len)
        }
        _ => {
            // One character (which may be several bytes).
            let len = sql[at..].chars().next().map_or(1, char::len_utf8);
            (TokenKind::Punct, at + len)
        }
    }
}

fn line_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |p| at + p)
}

fn block_comment(bytes: &[u8], at: usize) -> (TokenKind, usize) {
    let mut depth = 0usize;
    let mut i = at;
    while i + 1 < bytes.len() {
        if bytes[i] == b'/' && bytes[i + 1] == b'*' {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes[i + 1] == b'/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return (TokenKind::Comment, i);
            }
        } else {
            i += 1;
        }
    }
    (TokenKind::Unterminated, bytes.len())
}

/// A string or quoted identifier: `\` escapes the next byte; a doubled quote is one quote.
fn quoted(bytes: &[u8], at: usize, quote: u8, kind: TokenKind) -> (TokenKind, usize) {
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => {
                if bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                } else {
                    return (kind, i + 1);
                }
            }
            _ => i += 1,
        }
    }
    (TokenKind::Unterminated, bytes.len())
}

/// `$$...$$` or `$tag$...$tag$`; `None` when the `$` does not open one.
fn heredoc(sql: &str, at: usize) -> Option<(TokenKind, usize)> {
    let rest = &sql[at + 1..];
    let tag_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    if rest.as_bytes().get(tag_len) != Some(&b'$') {
        return None;
    }
    let delimiter = &sql[at..at + tag_len + 2];
    let body = at + delimiter.len();
    Some(match sql[body..].find(delimiter) {
        Some(end) => (TokenKind::Heredoc, body + end + delimiter.len()),
        None => (TokenKind::Unterminated, sql.len()),
    })
}

fn number_len(rest: &[u8]) -> usize {
    if rest.len() > 1 && rest[0] == b'0' && matches!(rest[1], b'x' | b'X') {
        return 2 + rest[2..]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
    }
    let mut i = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if rest.get(i) == Some(&b'.') {
        i += 1;
        i += rest[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    }
    if matches!(rest.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(rest.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let digits = rest[j..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 {
            i = j + digits;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str) -> Vec<(TokenKind, &str)> {
        tokens(sql)
            .filter(|t| t.kind != TokenKind::Whitespace)
            .map(|t| (t.kind, t.text(sql)))
            .collect()
    }

    #[test]
    fn strings_identifiers_and_comments_are_single_tokens() {
        use TokenKind::*;
        assert_eq!(
            kinds(r#"SELECT 'a;b\'c''d', `x y`, """q""" -- VALUES ( 1"#),
            vec![
                (Word, "SELECT"),
                (String, r"'a;b\'c''d'"),
                (Punct, ","),
                (QuotedIdentifier, "`x y`"),
                (Punct, ","),
                (QuotedIdentifier, r#""""q""""#),
                (Comment, "-- VALUES ( 1"),
            ]
        );
        assert_eq!(
            kinds("/* a /* nested */ b */ 1.5e-3 0x1F $$x;y$$ $t$z$t$ # note"),
            vec![
                (Comment, "/* a /* nested */ b */"),
                (Number, "1.5e-3"),
                (Number, "0x1F"),
                (Heredoc, "$$x;y$$"),
                (Heredoc, "$t$z$t$"),
                (Comment, "# note"),
            ]
        );
        assert_eq!(kinds("'open"), vec![(Unterminated, "'open")]);
        assert_eq!(kinds("/* open"), vec![(Unterminated, "/* open")]);
        // Every byte is covered, multi-byte characters included.
        let sql = "SELECT 'é', ü + 1 ∈ x";
        let total: usize = tokens(sql).map(|t| t.end - t.start).sum();
        assert_eq!(total, sql.len());
    }
}
