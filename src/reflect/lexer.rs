//! A lexer for the SQL the server writes into `system.tables` (`create_table_query`,
//! `engine_full`, `as_select`): tokens with their byte spans, so that an expression is cut out
//! of the text exactly as the server wrote it. It knows what splits naively written parsers
//! (ch2rs splits tuple types on `", "`): string literals with backslash and doubled-quote
//! escapes, back-quoted and double-quoted identifiers, comments, and nesting of `()` `[]` `{}`.

use std::ops::Range;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A bare word: keyword, name, function or type name (`[A-Za-z_][A-Za-z0-9_$]*`).
    Word,
    /// A back-quoted or double-quoted identifier.
    Quoted,
    /// A single-quoted string literal.
    String,
    /// A number literal.
    Number,
    /// `(`, `[` or `{`.
    Open,
    /// `)`, `]` or `}`.
    Close,
    /// `,`.
    Comma,
    /// `.`.
    Dot,
    /// Any other operator or punctuation (`=`, `+`, `::`, `->`, ...).
    Symbol,
}

/// One token: its kind, its span in the text and its nesting depth (0 at the top level;
/// brackets themselves carry the depth outside them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    pub(crate) span: Range<usize>,
    pub(crate) depth: usize,
}

/// Why a text could not be split into tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexError(pub(crate) String);

/// The tokens of `text`, comments and white space left out.
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, LexError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        let kind = match b {
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {
                i += 1;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'#' if bytes.get(i + 1) == Some(&b' ') || bytes.get(i + 1) == Some(&b'!') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                // Block comments nest in ClickHouse.
                let mut level = 0usize;
                while i < bytes.len() {
                    if bytes[i..].starts_with(b"/*") {
                        level += 1;
                        i += 2;
                    } else if bytes[i..].starts_with(b"*/") {
                        level -= 1;
                        i += 2;
                        if level == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                if level != 0 {
                    return Err(LexError(format!("a comment at byte {start} does not end")));
                }
                continue;
            }
            b'\'' | b'`' | b'"' => {
                i = quoted_end(bytes, i)
                    .ok_or_else(|| LexError(format!("a quote at byte {start} does not end")))?;
                match b {
                    b'\'' => Kind::String,
                    _ => Kind::Quoted,
                }
            }
            b'$' => {
                // A heredoc `$tag$ ... $tag$`, read as a string.
                let tag_end = bytes[i + 1..]
                    .iter()
                    .position(|&c| c == b'$')
                    .map(|p| i + 1 + p)
                    .filter(|&e| {
                        bytes[i + 1..e]
                            .iter()
                            .all(|c| c.is_ascii_alphanumeric() || *c == b'_')
                    });
                match tag_end {
                    Some(e) => {
                        let tag = &bytes[i..=e];
                        let body = e + 1;
                        let close = find(&bytes[body..], tag).ok_or_else(|| {
                            LexError(format!("a heredoc at byte {start} does not end"))
                        })?;
                        i = body + close + tag.len();
                        Kind::String
                    }
                    None => {
                        i += 1;
                        Kind::Symbol
                    }
                }
            }
            b'0'..=b'9' => {
                i = number_end(bytes, i);
                Kind::Number
            }
            b'.' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                && !matches!(
                    tokens.last(),
                    Some(Token {
                        kind: Kind::Word | Kind::Quoted | Kind::Close,
                        ..
                    })
                ) =>
            {
                i = number_end(bytes, i);
                Kind::Number
            }
            b'(' | b'[' | b'{' => {
                i += 1;
                tokens.push(Token {
                    kind: Kind::Open,
                    span: start..i,
                    depth,
                });
                depth += 1;
                continue;
            }
            b')' | b']' | b'}' => {
                i += 1;
                depth = depth.checked_sub(1).ok_or_else(|| {
                    LexError(format!("an unmatched `{}` at byte {start}", b as char))
                })?;
                tokens.push(Token {
                    kind: Kind::Close,
                    span: start..i,
                    depth,
                });
                continue;
            }
            b',' => {
                i += 1;
                Kind::Comma
            }
            b'.' => {
                i += 1;
                Kind::Dot
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'_'
                        || bytes[i] == b'$'
                        || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                Kind::Word
            }
            _ => {
                // Two-character operators first.
                let two = &bytes[i..(i + 2).min(bytes.len())];
                i += if matches!(
                    two,
                    b"::" | b"->" | b"<=" | b">=" | b"!=" | b"<>" | b"==" | b"||"
                ) {
                    2
                } else {
                    // A whole UTF-8 character (the text is a `str`, so boundaries are sound).
                    text[i..].chars().next().map_or(1, char::len_utf8)
                };
                Kind::Symbol
            }
        };
        tokens.push(Token {
            kind,
            span: start..i,
            depth,
        });
    }
    if depth != 0 {
        return Err(LexError("a bracket is not closed".into()));
    }
    Ok(tokens)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The end of the quoted text starting at `start` (after its closing quote): a backslash
/// escapes the next byte, and a doubled quote stands for one quote.
fn quoted_end(bytes: &[u8], start: usize) -> Option<usize> {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            c if c == quote => {
                if bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                } else {
                    return Some(i + 1);
                }
            }
            _ => i += 1,
        }
    }
    None
}

fn number_end(bytes: &[u8], mut i: usize) -> usize {
    if bytes[i..].starts_with(b"0x") || bytes[i..].starts_with(b"0X") {
        i += 2;
        while i < bytes.len() && (bytes[i].is_ascii_hexdigit() || bytes[i] == b'_') {
            i += 1;
        }
        return i;
    }
    while i < bytes.len() {
        match bytes[i] {
            b'0'..=b'9' | b'.' | b'_' => i += 1,
            b'e' | b'E' => {
                i += 1;
                if matches!(bytes.get(i), Some(b'+' | b'-')) {
                    i += 1;
                }
            }
            _ => break,
        }
    }
    i
}

/// The text of a quoted token without its quotes, escapes resolved (`\n`, `\t`, `\xHH`,
/// `\\`, `\'`, doubled quotes, ...).
pub(crate) fn unquote(token_text: &str) -> String {
    let inner = &token_text[1..token_text.len().saturating_sub(1)];
    let quote = token_text.as_bytes()[0];
    let mut out: Vec<u8> = Vec::with_capacity(inner.len());
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\\' && i + 1 < bytes.len() {
            let e = bytes[i + 1];
            i += 2;
            match e {
                b'n' => out.push(b'\n'),
                b't' => out.push(b'\t'),
                b'r' => out.push(b'\r'),
                b'b' => out.push(0x08),
                b'f' => out.push(0x0c),
                b'a' => out.push(0x07),
                b'v' => out.push(0x0b),
                b'e' => out.push(0x1b),
                b'0' => out.push(0),
                b'x' | b'X' => {
                    let hex = inner
                        .get(i..i + 2)
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    match hex {
                        Some(v) => {
                            out.push(v);
                            i += 2;
                        }
                        None => out.push(e),
                    }
                }
                other => out.push(other),
            }
        } else if b == quote && bytes.get(i + 1) == Some(&quote) {
            out.push(quote);
            i += 2;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A token stream over one text, with the helpers the parsers share.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tokens<'a> {
    pub(crate) text: &'a str,
    pub(crate) tokens: &'a [Token],
}

impl<'a> Tokens<'a> {
    /// The text of token `i`, `""` past the last token (so that looking one token ahead never
    /// panics on text that ends early).
    pub(crate) fn text_of(&self, i: usize) -> &'a str {
        self.tokens
            .get(i)
            .map_or("", |t| &self.text[t.span.clone()])
    }

    /// Whether token `i` is the bare word `word` (any case).
    pub(crate) fn is_word(&self, i: usize, word: &str) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| t.kind == Kind::Word && self.text_of(i).eq_ignore_ascii_case(word))
    }

    /// Whether the tokens from `i` are the words `words` in order.
    pub(crate) fn are_words(&self, i: usize, words: &[&str]) -> bool {
        words
            .iter()
            .enumerate()
            .all(|(k, w)| self.is_word(i + k, w))
    }

    /// The text from token `from` to token `to` (exclusive) as written, or `""`.
    pub(crate) fn slice(&self, from: usize, to: usize) -> &'a str {
        let to = to.min(self.tokens.len());
        if from >= to || from >= self.tokens.len() {
            return "";
        }
        let start = self.tokens[from].span.start;
        let end = self.tokens[to - 1].span.end;
        &self.text[start..end]
    }

    /// The index of the token that closes the bracket opened at `open`.
    pub(crate) fn closing(&self, open: usize) -> Option<usize> {
        let depth = self.tokens.get(open)?.depth;
        (open + 1..self.tokens.len())
            .find(|&i| self.tokens[i].kind == Kind::Close && self.tokens[i].depth == depth)
    }

    /// The ranges between the commas at the depth of `from`, from `from` up to `to`.
    pub(crate) fn split_commas(&self, from: usize, to: usize) -> Vec<(usize, usize)> {
        let Some(first) = self.tokens.get(from) else {
            return Vec::new();
        };
        let depth = first.depth;
        let to = to.min(self.tokens.len());
        let mut parts = Vec::new();
        let mut start = from;
        for i in from..to {
            let t = &self.tokens[i];
            if t.kind == Kind::Comma && t.depth == depth {
                parts.push((start, i));
                start = i + 1;
            }
        }
        if start < to {
            parts.push((start, to));
        }
        parts
    }

    /// A name written bare or quoted, unquoted.
    pub(crate) fn name(&self, i: usize) -> Option<String> {
        let t = self.tokens.get(i)?;
        match t.kind {
            Kind::Word => Some(self.text_of(i).to_owned()),
            Kind::Quoted => Some(unquote(self.text_of(i))),
            _ => None,
        }
    }
}

/// Splits `text` at its top-level commas (`"a, f(b, c), 'x,y'"` gives three parts), each
/// part trimmed; empty text gives no parts.
pub(crate) fn split_top_level(text: &str) -> Result<Vec<String>, LexError> {
    let tokens = tokenize(text)?;
    let all = Tokens {
        text,
        tokens: &tokens,
    };
    Ok(all
        .split_commas(0, tokens.len())
        .into_iter()
        .map(|(a, b)| all.slice(a, b).to_owned())
        .collect())
}

/// `text` with every reference to database `from` (a name followed by `.`) renamed to `to`;
/// strings, comments and other names are left alone.
pub(crate) fn rename_database(text: &str, from: &str, to: &str) -> Result<String, LexError> {
    let tokens = tokenize(text)?;
    let all = Tokens {
        text,
        tokens: &tokens,
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for i in 0..tokens.len() {
        let qualifies = tokens.get(i + 1).is_some_and(|t| t.kind == Kind::Dot)
            && (i == 0 || tokens[i - 1].kind != Kind::Dot);
        if qualifies && all.name(i).as_deref() == Some(from) {
            let span = &tokens[i].span;
            out.push_str(&text[copied..span.start]);
            out.push_str(&crate::types::backquote_if_needed(to));
            copied = span.end;
        }
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str, usize)> {
        tokenize(text)
            .unwrap()
            .into_iter()
            .map(|t| (t.kind, &text[t.span.clone()], t.depth))
            .collect()
    }

    #[test]
    fn strings_quotes_and_nesting() {
        let got = kinds(
            r"f('a\'b, c', `x``y`) -- comment
            + 1.5e-3 /* a /* nested */ one */ ::",
        );
        assert_eq!(
            got,
            [
                (Kind::Word, "f", 0),
                (Kind::Open, "(", 0),
                (Kind::String, r"'a\'b, c'", 1),
                (Kind::Comma, ",", 1),
                (Kind::Quoted, "`x``y`", 1),
                (Kind::Close, ")", 0),
                (Kind::Symbol, "+", 0),
                (Kind::Number, "1.5e-3", 0),
                (Kind::Symbol, "::", 0),
            ]
        );
        assert_eq!(unquote(r"'a\'b, c'"), "a'b, c");
        assert_eq!(unquote("`x``y`"), "x`y");
        assert_eq!(unquote(r"'\x41\n\\'"), "A\n\\");
        assert_eq!(
            kinds("t.1")[2],
            (Kind::Number, "1", 0),
            "a tuple element after a dot is a number of its own"
        );
    }

    #[test]
    fn splits_at_top_level_commas_only() {
        assert_eq!(
            split_top_level("a, f(b, c), 'x,y', Tuple(a UInt8, b Map(String, Array(UInt8)))")
                .unwrap(),
            [
                "a",
                "f(b, c)",
                "'x,y'",
                "Tuple(a UInt8, b Map(String, Array(UInt8)))"
            ]
        );
        assert!(split_top_level("").unwrap().is_empty());
        assert_eq!(split_top_level("$$a, b$$, c").unwrap(), ["$$a, b$$", "c"]);
    }

    #[test]
    fn bad_text_is_an_error() {
        for bad in ["f(a", "a)", "'open", "`open", "/* open", "$x$ open"] {
            assert!(tokenize(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn renames_qualified_database_references_only() {
        let text = "SELECT a.x, db.t.y, 'db.t', db FROM db.t JOIN `db`.u USING (db)";
        assert_eq!(
            rename_database(text, "db", "new db").unwrap(),
            "SELECT a.x, `new db`.t.y, 'db.t', db FROM `new db`.t JOIN `new db`.u USING (db)"
        );
    }
}
