//! Statement splitting: a migration file is a list of statements, cut where the server's own
//! lexer would see a `;`.
//!
//! The tokenizer follows ClickHouse's lexer (`src/Parsers/Lexer.cpp`) wherever a `;` could hide:
//!
//! - `'...'` string literals, `"..."` and `` `...` `` quoted identifiers: a backslash escapes the
//!   next character, a doubled quote stands for itself;
//! - `x'..'` / `b'..'` hex and binary strings;
//! - heredocs `$$...$$` and `$tag$...$tag$` (the opening delimiter runs from a `$` to the next
//!   `$`; without a closing one it is no heredoc, as in the server);
//! - comments `-- ...`, `// ...`, `# ...` and `#! ...` to the end of the line, and `/* ... */`,
//!   which nest.
//!
//! [`split`] is a pure function from the text to the statements: no I/O, no panics, and time
//! linear in the input (apart from a sort of the heredoc delimiters), so it can be fuzzed as it
//! is.

use std::collections::HashMap;
use std::fmt;

use sha2::{Digest, Sha256};

/// One statement of a migration file: its text without the `;`, the comments and the
/// whitespace around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    column: usize,
    normalized: String,
}

impl<'a> Statement<'a> {
    /// The statement as written (comments inside it kept), without the `;`.
    pub fn sql(&self) -> &'a str {
        self.text
    }

    /// Its byte offset in the file.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The line it starts on (1-based).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column it starts at (1-based, in characters).
    pub fn column(&self) -> usize {
        self.column
    }

    /// The statement's tokens without comments, joined by single spaces: two statements that
    /// differ only in comments and whitespace between tokens have the same normalized form.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// SHA-256 of [`normalized`](Self::normalized), in lowercase hex: what the history records
    /// for each statement applied, so that editing a comment is not a change.
    pub fn hash(&self) -> String {
        statement_hash(&self.normalized)
    }
}

/// SHA-256 of a normalized statement, in lowercase hex.
pub(crate) fn statement_hash(normalized: &str) -> String {
    hex(&Sha256::digest(normalized.as_bytes()))
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// What cannot be split: a quote or a comment that never ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    /// What is unterminated.
    pub kind: SplitErrorKind,
    /// Where it starts: line (1-based).
    pub line: usize,
    /// Where it starts: column (1-based, in characters).
    pub column: usize,
    /// Where it starts: byte offset.
    pub offset: usize,
}

/// The kinds of [`SplitError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SplitErrorKind {
    /// A `'...'` string literal (or `x'..'`, `b'..'`) without its closing quote.
    UnterminatedString,
    /// A `"..."` identifier without its closing quote.
    UnterminatedDoubleQuoted,
    /// A `` `...` `` identifier without its closing backquote.
    UnterminatedBackquoted,
    /// A `/* ... */` comment without its closing `*/` (comments nest).
    UnterminatedComment,
}

impl fmt::Display for SplitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            SplitErrorKind::UnterminatedString => "a string literal is not closed",
            SplitErrorKind::UnterminatedDoubleQuoted => "a \"quoted\" identifier is not closed",
            SplitErrorKind::UnterminatedBackquoted => "a `quoted` identifier is not closed",
            SplitErrorKind::UnterminatedComment => "a /* comment */ is not closed",
        };
        write!(
            f,
            "{what} (it starts at line {}, column {})",
            self.line, self.column
        )
    }
}

impl std::error::Error for SplitError {}

/// The kinds of tokens the splitter tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Whitespace,
    Comment,
    Semicolon,
    /// A bare word (keyword or identifier; may contain `$`).
    Word,
    Number,
    /// `'...'`, `x'..'`, `b'..'`.
    String,
    /// `"..."` or `` `...` ``.
    QuotedIdentifier,
    HereDoc,
    /// Any other character (operators, brackets, a lone `$`).
    Other,
}

/// A token: its kind and byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Token {
    fn significant(&self) -> bool {
        !matches!(self.kind, TokenKind::Whitespace | TokenKind::Comment)
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Whether `c` is whitespace to the server's lexer: the ASCII six, and the Unicode spaces it
/// skips for text pasted from word processors (U+0085, U+00A0, U+180E, U+2000 to U+200D,
/// U+2028, U+2029, U+202F, U+205F, U+2060, U+3000, U+FEFF). Other Unicode spaces (U+1680, say)
/// are not whitespace to the server: a statement of one is sent, and the server refuses it.
pub(crate) fn is_server_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '\x0c' | '\x0b' | '\u{85}' | '\u{a0}' | '\u{180e}' | '\u{2000}'
            ..='\u{200d}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{2060}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// The lexer: a cursor over the bytes (every delimiter is ASCII, so cuts fall on character
/// boundaries).
struct Lexer<'a> {
    sql: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Heredoc delimiters (`$...$`, from a `$` to the next one) by text, with where each
    /// occurs; built on the first `$`.
    dollars: Option<HashMap<&'a str, Vec<usize>>>,
}

impl<'a> Lexer<'a> {
    fn new(sql: &'a str) -> Self {
        Lexer {
            sql,
            bytes: sql.as_bytes(),
            pos: 0,
            dollars: None,
        }
    }

    fn peek(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    /// The next token, `Ok(None)` at the end.
    fn next(&mut self) -> Result<Option<Token>, (SplitErrorKind, usize)> {
        let start = self.pos;
        let Some(b) = self.peek(start) else {
            return Ok(None);
        };
        let kind = match b {
            b'\'' => self.quoted(b'\'', SplitErrorKind::UnterminatedString, TokenKind::String)?,
            b'"' => self.quoted(
                b'"',
                SplitErrorKind::UnterminatedDoubleQuoted,
                TokenKind::QuotedIdentifier,
            )?,
            b'`' => self.quoted(
                b'`',
                SplitErrorKind::UnterminatedBackquoted,
                TokenKind::QuotedIdentifier,
            )?,
            b';' => {
                self.pos += 1;
                TokenKind::Semicolon
            }
            b'-' if self.peek(start + 1) == Some(b'-') => self.line_comment(),
            b'/' if self.peek(start + 1) == Some(b'/') => self.line_comment(),
            b'#' if matches!(self.peek(start + 1), Some(b' ' | b'!')) => self.line_comment(),
            b'/' if self.peek(start + 1) == Some(b'*') => self.block_comment()?,
            b'0'..=b'9' => self.number(),
            b'$' => self.dollar(),
            b'x' | b'X' | b'b' | b'B' if self.peek(start + 1) == Some(b'\'') => {
                self.hex_or_binary_string(b)?
            }
            b if is_word(b) => {
                self.word();
                TokenKind::Word
            }
            _ => {
                // A run of what the server's lexer skips as whitespace (ASCII and Unicode
                // spaces alike), else one character (a multi-byte one whole, so cuts stay on
                // boundaries).
                let rest = &self.sql[start..];
                let spaces: usize = rest
                    .chars()
                    .take_while(|&c| is_server_space(c))
                    .map(char::len_utf8)
                    .sum();
                if spaces > 0 {
                    self.pos += spaces;
                    TokenKind::Whitespace
                } else {
                    self.pos += rest.chars().next().map_or(1, char::len_utf8);
                    TokenKind::Other
                }
            }
        };
        Ok(Some(Token {
            kind,
            start,
            end: self.pos,
        }))
    }

    fn quoted(
        &mut self,
        quote: u8,
        error: SplitErrorKind,
        kind: TokenKind,
    ) -> Result<TokenKind, (SplitErrorKind, usize)> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek(self.pos) {
                None => return Err((error, start)),
                Some(b'\\') => {
                    if self.pos + 1 >= self.bytes.len() {
                        return Err((error, start));
                    }
                    self.pos += 2;
                }
                Some(b) if b == quote => {
                    self.pos += 1;
                    if self.peek(self.pos) == Some(quote) {
                        self.pos += 1;
                    } else {
                        return Ok(kind);
                    }
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    fn line_comment(&mut self) -> TokenKind {
        self.pos = memchr_newline(self.bytes, self.pos);
        TokenKind::Comment
    }

    fn block_comment(&mut self) -> Result<TokenKind, (SplitErrorKind, usize)> {
        let start = self.pos;
        self.pos += 2;
        let mut depth = 1usize;
        while self.pos + 2 <= self.bytes.len() {
            match (self.bytes[self.pos], self.bytes[self.pos + 1]) {
                (b'/', b'*') => {
                    depth += 1;
                    self.pos += 2;
                }
                (b'*', b'/') => {
                    depth -= 1;
                    self.pos += 2;
                    if depth == 0 {
                        return Ok(TokenKind::Comment);
                    }
                }
                _ => self.pos += 1,
            }
        }
        Err((SplitErrorKind::UnterminatedComment, start))
    }

    /// A number, as the server skips it: digits, `0x`/`0b` prefixes, `_` separators, a decimal
    /// point, an exponent with its sign, and word characters glued to it.
    fn number(&mut self) -> TokenKind {
        let bytes = self.bytes;
        let mut hex = false;
        if bytes[self.pos] == b'0' && matches!(self.peek(self.pos + 1), Some(b'x' | b'X')) {
            hex = true;
            self.pos += 2;
        }
        let digit = |b: u8| {
            if hex {
                b.is_ascii_hexdigit() || b == b'_'
            } else {
                b.is_ascii_digit() || b == b'_'
            }
        };
        while self.peek(self.pos).is_some_and(digit) {
            self.pos += 1;
        }
        if self.peek(self.pos) == Some(b'.') {
            self.pos += 1;
            while self.peek(self.pos).is_some_and(digit) {
                self.pos += 1;
            }
        }
        let exponent = if hex { [b'p', b'P'] } else { [b'e', b'E'] };
        if self.peek(self.pos).is_some_and(|b| exponent.contains(&b)) && self.pos + 1 < bytes.len()
        {
            self.pos += 1;
            if matches!(self.peek(self.pos), Some(b'+' | b'-')) && self.pos + 1 < bytes.len() {
                self.pos += 1;
            }
            while self
                .peek(self.pos)
                .is_some_and(|b| b.is_ascii_digit() || b == b'_')
            {
                self.pos += 1;
            }
        }
        while self.peek(self.pos).is_some_and(is_word) {
            self.pos += 1;
        }
        TokenKind::Number
    }

    /// A bare word: word characters and `$`.
    fn word(&mut self) {
        while self.peek(self.pos).is_some_and(|b| is_word(b) || b == b'$') {
            self.pos += 1;
        }
    }

    /// `$`: a heredoc if its delimiter (`$` to the next `$`) occurs again later, else a word
    /// starting with `$`, else a lone `$`.
    fn dollar(&mut self) -> TokenKind {
        let start = self.pos;
        if let Some(end) = self.heredoc_end(start) {
            self.pos = end;
            return TokenKind::HereDoc;
        }
        if self.peek(start + 1).is_some_and(is_word) {
            self.word();
            TokenKind::Word
        } else {
            self.pos += 1;
            TokenKind::Other
        }
    }

    /// Where the heredoc opened at `start` ends, if it is one.
    fn heredoc_end(&mut self, start: usize) -> Option<usize> {
        let bytes = self.bytes;
        let sql = self.sql;
        let dollars = self.dollars.get_or_insert_with(|| {
            // Every `$...$` segment (a `$` to the next `$`) by its text. A delimiter has `$`
            // only at its ends, so it occurs at q exactly when the segment starting at q is it.
            let positions: Vec<usize> = bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'$')
                .map(|(i, _)| i)
                .collect();
            let mut map: HashMap<&str, Vec<usize>> = HashMap::new();
            for pair in positions.windows(2) {
                map.entry(&sql[pair[0]..=pair[1]])
                    .or_default()
                    .push(pair[0]);
            }
            map
        });
        let close = start + 1 + bytes[start + 1..].iter().position(|b| *b == b'$')?;
        let delimiter = &sql[start..=close];
        let size = delimiter.len();
        let at = dollars.get(delimiter)?;
        let i = at.partition_point(|&q| q < start + size);
        at.get(i).map(|&q| q + size)
    }

    fn hex_or_binary_string(&mut self, prefix: u8) -> Result<TokenKind, (SplitErrorKind, usize)> {
        let start = self.pos;
        self.pos += 2;
        let hex = matches!(prefix, b'x' | b'X');
        while self.peek(self.pos).is_some_and(|b| {
            if hex {
                b.is_ascii_hexdigit()
            } else {
                b == b'0' || b == b'1'
            }
        }) {
            self.pos += 1;
        }
        if self.peek(self.pos) == Some(b'\'') {
            self.pos += 1;
            Ok(TokenKind::String)
        } else {
            Err((SplitErrorKind::UnterminatedString, start))
        }
    }
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |i| from + i)
}

/// Line and column (1-based; the column in characters) of byte offsets, asked in increasing
/// order (each byte is looked at once).
struct Positions<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
    column: usize,
}

impl<'a> Positions<'a> {
    fn new(sql: &'a str) -> Self {
        Positions {
            bytes: sql.as_bytes(),
            offset: 0,
            line: 1,
            column: 1,
        }
    }

    fn at(&mut self, offset: usize) -> (usize, usize) {
        for b in &self.bytes[self.offset..offset] {
            if *b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                // Not a UTF-8 continuation byte: one more character.
                self.column += 1;
            }
        }
        self.offset = offset;
        (self.line, self.column)
    }
}

/// Every token of `sql`, whitespace and comments included.
pub(crate) fn tokens(sql: &str) -> Result<Vec<Token>, SplitError> {
    tokens_of(sql).map_err(|(kind, offset)| {
        let (line, column) = Positions::new(sql).at(offset);
        SplitError {
            kind,
            line,
            column,
            offset,
        }
    })
}

fn tokens_of(sql: &str) -> Result<Vec<Token>, (SplitErrorKind, usize)> {
    let mut lexer = Lexer::new(sql);
    let mut out = Vec::new();
    while let Some(token) = lexer.next()? {
        out.push(token);
    }
    Ok(out)
}

/// The significant tokens of `tokens` (cut from `sql`), one space between each two.
fn normalize(sql: &str, tokens: &[Token]) -> String {
    let mut normalized = String::new();
    for t in tokens.iter().filter(|t| t.significant()) {
        if !normalized.is_empty() {
            normalized.push(' ');
        }
        normalized.push_str(&sql[t.start..t.end]);
    }
    normalized
}

/// Splits a migration file into its statements, as the server's lexer sees them: a `;` inside
/// a string, a quoted identifier, a heredoc or a comment does not end a statement. Statements
/// holding only whitespace and comments are dropped; the last one needs no `;`.
///
/// ```
/// use clickhouse_connect::migrate::split;
///
/// let sql = "-- two statements\nCREATE TABLE t (s String) ENGINE Memory;\nINSERT INTO t VALUES ('a;b') /* ; */";
/// let statements = split(sql).unwrap();
/// assert_eq!(statements.len(), 2);
/// assert_eq!(statements[1].sql(), "INSERT INTO t VALUES ('a;b')");
/// assert_eq!(statements[1].line(), 3);
/// ```
pub fn split(sql: &str) -> Result<Vec<Statement<'_>>, SplitError> {
    let tokens = tokens(sql)?;
    let mut positions = Positions::new(sql);
    let mut out = Vec::new();
    for group in tokens.split(|t| t.kind == TokenKind::Semicolon) {
        let mut significant = group.iter().filter(|t| t.significant());
        let Some(first) = significant.next() else {
            continue;
        };
        let last = significant.next_back().unwrap_or(first);
        let text = &sql[first.start..last.end];
        // The normalized form is that of the text the server runs: the statement alone. Where
        // a token's end depends on the end of the input (the server's lexer takes an exponent
        // sign only when a character follows it), lexing in place and alone can differ.
        let normalized = match tokens_of(text) {
            Ok(alone) => normalize(text, &alone),
            Err(_) => normalize(sql, group),
        };
        let (line, column) = positions.at(first.start);
        out.push(Statement {
            text,
            offset: first.start,
            line,
            column,
            normalized,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<&str> {
        split(sql).unwrap().iter().map(Statement::sql).collect()
    }

    /// Found by fuzzing (migrate_split): text between two `;` that held only Unicode spaces
    /// was a statement. The server's lexer skips U+00A0, U+3000, U+FEFF and the like as
    /// whitespace (and would answer such a statement "Empty query"); U+1680 it does not skip.
    #[test]
    fn unicode_spaces_the_server_skips_are_whitespace() {
        assert_eq!(texts("SELECT 1;\u{a0}\u{3000}\n;\u{feff}"), ["SELECT 1"]);
        let statements = split("SELECT\u{a0}1;").unwrap();
        assert_eq!(statements[0].sql(), "SELECT\u{a0}1");
        assert_eq!(statements[0].normalized(), "SELECT 1");
        assert_eq!(texts("SELECT 1;\u{1680}"), ["SELECT 1", "\u{1680}"]);
    }

    #[test]
    fn semicolons_inside_quotes_and_comments_do_not_split() {
        let sql = "SELECT 'a;b', \"c;d\", `e;f` -- g;h\n; /* i;j */ SELECT 2 # k;l\n;#! m;n\nSELECT 3 // o;p";
        assert_eq!(
            texts(sql),
            ["SELECT 'a;b', \"c;d\", `e;f`", "SELECT 2", "SELECT 3"]
        );
    }

    #[test]
    fn escapes_and_doubled_quotes() {
        let sql = r"SELECT 'it\'s;', 'it''s;', '\\'; SELECT `a``;b`, `a\`;b`, 'x\\\\'; SELECT 3";
        assert_eq!(
            texts(sql),
            [
                r"SELECT 'it\'s;', 'it''s;', '\\'",
                r"SELECT `a``;b`, `a\`;b`, 'x\\\\'",
                "SELECT 3"
            ]
        );
        assert_eq!(
            texts(r#"SELECT "a\";b", "a"";b"; SELECT 2"#),
            [r#"SELECT "a\";b", "a"";b""#, "SELECT 2"]
        );
    }

    #[test]
    fn heredocs_with_and_without_tags() {
        let sql = "SELECT $$a;b$$; SELECT $tag$ x;$$;y $tag$; SELECT $$$$; SELECT 4";
        assert_eq!(
            texts(sql),
            [
                "SELECT $$a;b$$",
                "SELECT $tag$ x;$$;y $tag$",
                "SELECT $$$$",
                "SELECT 4"
            ]
        );
        // Without a closing delimiter it is no heredoc (as in the server): `$x` is a word.
        assert_eq!(texts("SELECT $x; SELECT 2"), ["SELECT $x", "SELECT 2"]);
        assert_eq!(texts("SELECT $; SELECT 2"), ["SELECT $", "SELECT 2"]);
        // A word containing `$` is not the start of a heredoc.
        assert_eq!(texts("SELECT a$b; SELECT $b;"), ["SELECT a$b", "SELECT $b"]);
        // The closing delimiter must start after the opening one ends.
        assert_eq!(
            texts("SELECT $a$a$; SELECT 2"),
            ["SELECT $a$a$", "SELECT 2"]
        );
    }

    #[test]
    fn nested_block_comments() {
        let sql = "SELECT 1 /* outer /* inner; */ still; */; SELECT 2";
        assert_eq!(texts(sql), ["SELECT 1", "SELECT 2"]);
        let e = split("SELECT 1 /* a /* b */ ; SELECT 2").unwrap_err();
        assert_eq!(e.kind, SplitErrorKind::UnterminatedComment);
        assert_eq!((e.line, e.column, e.offset), (1, 10, 9));
    }

    #[test]
    fn hash_is_not_a_comment_unless_followed_by_space_or_bang() {
        // `#x` is not a comment for the server (it is an error token), so `;` after it splits.
        assert_eq!(texts("SELECT #x; SELECT 2"), ["SELECT #x", "SELECT 2"]);
        assert_eq!(
            texts("SELECT 1 # x; y\n; SELECT 2"),
            ["SELECT 1", "SELECT 2"]
        );
    }

    #[test]
    fn empty_statements_and_no_trailing_semicolon() {
        assert_eq!(texts(""), Vec::<&str>::new());
        assert_eq!(texts(" ;; -- c\n ; /* d */ ;"), Vec::<&str>::new());
        assert_eq!(texts("SELECT 1"), ["SELECT 1"]);
        assert_eq!(texts("SELECT 1 -- no semicolon"), ["SELECT 1"]);
        assert_eq!(texts(";;SELECT 1;;;SELECT 2;;"), ["SELECT 1", "SELECT 2"]);
    }

    #[test]
    fn minus_and_slash_are_operators_when_single() {
        assert_eq!(
            texts("SELECT 4-2/1; SELECT 2"),
            ["SELECT 4-2/1", "SELECT 2"]
        );
        assert_eq!(
            texts("SELECT 1e-3;SELECT 0x1F;"),
            ["SELECT 1e-3", "SELECT 0x1F"]
        );
    }

    #[test]
    fn hex_and_binary_strings() {
        assert_eq!(
            texts("SELECT x'3B', b'0101'; SELECT 2"),
            ["SELECT x'3B', b'0101'", "SELECT 2"]
        );
        let e = split("SELECT x'3Bz;'").unwrap_err();
        assert_eq!(e.kind, SplitErrorKind::UnterminatedString);
        // A word ending in x before a quote is a word then a string.
        assert_eq!(texts("SELECT max'a;'"), ["SELECT max'a;'"]);
    }

    #[test]
    fn unterminated_quotes_are_errors_with_their_position() {
        let e = split("SELECT 1;\nSELECT 'abc;\n").unwrap_err();
        assert_eq!(e.kind, SplitErrorKind::UnterminatedString);
        assert_eq!((e.line, e.column), (2, 8));
        assert!(e.to_string().contains("line 2, column 8"), "{e}");
        assert_eq!(
            split("SELECT \"a").unwrap_err().kind,
            SplitErrorKind::UnterminatedDoubleQuoted
        );
        assert_eq!(
            split("SELECT `a").unwrap_err().kind,
            SplitErrorKind::UnterminatedBackquoted
        );
        // A backslash at the very end escapes nothing.
        assert_eq!(
            split("SELECT 'a\\").unwrap_err().kind,
            SplitErrorKind::UnterminatedString
        );
    }

    #[test]
    fn lines_columns_and_normalized_forms() {
        let sql = "-- header\n\n  CREATE TABLE t\n  (x UInt8) -- trailing\n  ENGINE = Memory;\n\té SELECT  'a  b'  ,1";
        let s = split(sql).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].line(), s[0].column()), (3, 3));
        assert_eq!(
            s[0].sql(),
            "CREATE TABLE t\n  (x UInt8) -- trailing\n  ENGINE = Memory"
        );
        assert_eq!(
            s[0].normalized(),
            "CREATE TABLE t ( x UInt8 ) ENGINE = Memory"
        );
        assert_eq!((s[1].line(), s[1].column()), (6, 2));
        assert_eq!(s[1].normalized(), "é SELECT 'a  b' , 1");
        // Comments and spacing do not change the hash; a changed literal does.
        let a = &split("SELECT 1, 'x' -- one").unwrap()[0];
        let b = &split("SELECT   1,\n'x' /* two */").unwrap()[0];
        let c = &split("SELECT 1, 'y'").unwrap()[0];
        assert_eq!(a.hash(), b.hash());
        assert_ne!(a.hash(), c.hash());
        assert_eq!(a.hash().len(), 64);
    }

    #[test]
    fn a_statement_alone_normalizes_as_in_its_file() {
        // Found by the migrate_split fuzz target: in the file, `4e-` is followed by a `-` and
        // takes the exponent sign; alone, the sign ends the text and is an operator of its own.
        let sql = "\u{4}4e---en'ines: 1 'ine;8.$$$$";
        let s = split(sql).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].sql(), "\u{4}4e-");
        let again = split(s[0].sql()).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].normalized(), s[0].normalized());
        assert_eq!(again[0].hash(), s[0].hash());
        // The form is the one the server runs: the statement alone.
        assert_eq!(s[0].normalized(), "\u{4} 4e -");
    }

    #[test]
    fn multibyte_text_everywhere() {
        let sql = "SELECT 'ü;ß' AS `ä;`, ñ; SELECT '日本'; -- 語;\nSELECT 3";
        assert_eq!(
            texts(sql),
            ["SELECT 'ü;ß' AS `ä;`, ñ", "SELECT '日本'", "SELECT 3"]
        );
    }

    #[test]
    fn many_distinct_failed_heredoc_openers_stay_fast() {
        // Each `$xN;$` looks for a closing delimiter that never comes; the index of delimiters
        // keeps this linear instead of quadratic.
        let sql: String = (0..40_000).map(|i| format!("$x{i};")).collect();
        let started = std::time::Instant::now();
        let statements = split(&sql).unwrap();
        assert_eq!(statements.len(), 40_000);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            /// Any text splits or fails cleanly, never panics, and every statement is a slice
            /// of the input at its offset that contains no top-level `;`.
            #[test]
            fn any_text_splits_without_panic(sql in "\\PC*") {
                if let Ok(statements) = split(&sql) {
                    for s in statements {
                        prop_assert_eq!(&sql[s.offset()..s.offset() + s.sql().len()], s.sql());
                        prop_assert!(!s.sql().trim_matches(is_server_space).is_empty());
                        let again = split(s.sql()).unwrap();
                        prop_assert_eq!(again.len(), 1);
                    }
                }
            }

            /// Bytes from the characters that matter most, in any order.
            #[test]
            fn delimiter_soup(sql in "[-;'\"`$/*#! \\\\\nxab1e]{0,64}") {
                let _ = split(&sql);
            }

            /// Statements made of quoted pieces, joined by `;`, come back as they were.
            #[test]
            fn joined_statements_come_back(
                pieces in proptest::collection::vec(
                    prop_oneof![
                        "'([^'\\\\]|\\\\.|'')*'",
                        "`([^`\\\\]|``)*`",
                        "\"([^\"\\\\]|\"\")*\"",
                        "\\$\\$[^$]*\\$\\$",
                        "[a-z_][a-z0-9_]{0,8}",
                        "/\\*[^*/]*\\*/",
                    ],
                    1..6,
                ),
                count in 1usize..4,
            ) {
                let statement = format!("SELECT {}", pieces.join(" "));
                let sql = vec![statement.as_str(); count].join(";\n");
                let got = split(&sql).unwrap();
                prop_assert_eq!(got.len(), count);
                for s in got {
                    // A trailing comment is not part of the statement.
                    prop_assert!(statement.starts_with(s.sql()));
                }
            }
        }
    }
}
