//! The parser's state and its token-level primitives: whitespace, punctuation, words,
//! quoted texts, integers, literals and parenthesised lists.

use super::TypeParseError;

pub(super) type Parsed<T> = Result<T, TypeParseError>;

/// The parser's state: the whole input and the current byte position.
pub(super) struct Parser<'a> {
    pub(super) src: &'a str,
    pub(super) pos: usize,
    /// How many types the parser is inside of (bounded, so hostile input cannot exhaust the
    /// stack).
    pub(super) depth: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Parser {
            src,
            pos: 0,
            depth: 0,
        }
    }

    pub(super) fn error(&self, message: impl Into<String>) -> TypeParseError {
        self.error_at(self.pos, message)
    }

    pub(super) fn error_at(&self, position: usize, message: impl Into<String>) -> TypeParseError {
        TypeParseError {
            input: self.src.to_owned(),
            position,
            message: message.into(),
        }
    }

    pub(super) fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    pub(super) fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    pub(super) fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.rest().bytes().next()
    }

    pub(super) fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(super) fn expect(&mut self, c: u8) -> Parsed<()> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.error(format!("expected `{}`", c as char)))
        }
    }

    /// A bare word: `[A-Za-z_][A-Za-z0-9_]*`.
    pub(super) fn word(&mut self) -> Option<&'a str> {
        self.skip_ws();
        let rest = self.rest();
        let first = rest.bytes().next()?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        let len = rest
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'_'))
            .unwrap_or(rest.len());
        self.pos += len;
        Some(&rest[..len])
    }

    /// Whether the next word is `keyword` (any case); consumes it if so.
    pub(super) fn eat_keyword(&mut self, keyword: &str) -> bool {
        let start = self.pos;
        match self.word() {
            Some(w) if w.eq_ignore_ascii_case(keyword) => true,
            _ => {
                self.pos = start;
                false
            }
        }
    }

    /// A quoted text (`'..'`, `` `..` `` or `".."`) with backslash escapes, starting at the
    /// current position with `quote`.
    pub(super) fn quoted(&mut self, quote: u8) -> Parsed<String> {
        let start = self.pos;
        if !self.eat(quote) {
            return Err(self.error(format!("expected a {} quoted text", quote as char)));
        }
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    let Some((_, escaped)) = chars.next() else {
                        break;
                    };
                    out.push(match escaped {
                        'b' => '\u{8}',
                        'f' => '\u{c}',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        '0' => '\0',
                        other => other,
                    });
                }
                c if c as u32 == quote as u32 => {
                    // A doubled quote stands for one quote character.
                    let next = self.rest()[i + 1..].bytes().next();
                    if next == Some(quote) {
                        chars.next();
                        out.push(c);
                    } else {
                        self.pos += i + 1;
                        return Ok(out);
                    }
                }
                c => out.push(c),
            }
        }
        Err(self.error_at(start, "unterminated quoted text"))
    }

    pub(super) fn string_literal(&mut self) -> Parsed<String> {
        if self.peek() != Some(b'\'') {
            return Err(self.error("expected a string literal in single quotes"));
        }
        self.quoted(b'\'')
    }

    /// An identifier: a bare word or a back-quoted / double-quoted name.
    pub(super) fn identifier(&mut self) -> Option<Parsed<String>> {
        match self.peek()? {
            q @ (b'`' | b'"') => Some(self.quoted(q)),
            _ => self.word().map(|w| Ok(w.to_owned())),
        }
    }

    /// A JSON path: identifiers joined by dots (`a.b`, `` `a b`.c ``).
    pub(super) fn path(&mut self) -> Parsed<String> {
        let mut path = match self.identifier() {
            Some(part) => part?,
            None => return Err(self.error("expected a JSON path")),
        };
        while self.rest().starts_with('.') {
            self.pos += 1;
            match self.identifier() {
                Some(part) => {
                    path.push('.');
                    path.push_str(&part?);
                }
                None => return Err(self.error("expected a path element after `.`")),
            }
        }
        Ok(path)
    }

    /// An optionally signed integer.
    pub(super) fn integer(&mut self) -> Parsed<i128> {
        self.skip_ws();
        let start = self.pos;
        let rest = self.rest();
        let sign_len = usize::from(rest.starts_with(['-', '+']));
        let digits = rest[sign_len..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        if digits == 0 {
            return Err(self.error("expected an integer"));
        }
        self.pos += sign_len + digits;
        self.src[start..self.pos]
            .parse()
            .map_err(|_| self.error_at(start, "integer out of range"))
    }

    pub(super) fn integer_in<T: TryFrom<i128>>(
        &mut self,
        what: &str,
        min: i128,
        max: i128,
    ) -> Parsed<T> {
        self.skip_ws();
        let start = self.pos;
        let value = self.integer()?;
        if value < min || value > max {
            return Err(self.error_at(
                start,
                format!("{what} must be between {min} and {max}, got {value}"),
            ));
        }
        T::try_from(value).map_err(|_| self.error_at(start, format!("{what} out of range")))
    }

    /// A literal parameter of an aggregate function, in the server's canonical spelling:
    /// a number, a string, `NULL`, `true`/`false`, an array `[..]` or a tuple `(..)` of these.
    pub(super) fn parameter_literal(&mut self) -> Parsed<String> {
        match self.peek() {
            Some(b'\'') => Ok(crate::types::quote::quote(&self.string_literal()?)),
            Some(open @ (b'[' | b'(')) => {
                let close = if open == b'[' { b']' } else { b')' };
                self.pos += 1;
                let mut items = Vec::new();
                if !self.eat(close) {
                    loop {
                        items.push(self.parameter_literal()?);
                        if self.eat(close) {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                Ok(format!(
                    "{}{}{}",
                    char::from(open),
                    items.join(", "),
                    char::from(close)
                ))
            }
            _ => {
                let start = self.pos;
                let len = self
                    .rest()
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || b"+-._".contains(b))
                    .count();
                let text = &self.src[start..start + len];
                self.pos += len;
                if text.eq_ignore_ascii_case("null") {
                    Ok("NULL".into())
                } else if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") {
                    Ok(text.to_ascii_lowercase())
                } else if let Some(number) = crate::types::rules::number_parameter(text) {
                    Ok(number)
                } else {
                    Err(self.error_at(start, "expected a literal parameter"))
                }
            }
        }
    }

    /// A comma-separated list inside parentheses; the opening one is already consumed.
    pub(super) fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Parsed<T>,
    ) -> Parsed<Vec<T>> {
        let mut items = Vec::new();
        if self.eat(b')') {
            return Ok(items);
        }
        loop {
            items.push(item(self)?);
            if self.eat(b')') {
                return Ok(items);
            }
            self.expect(b',')?;
            // The server tolerates a trailing comma.
            if self.eat(b')') {
                return Ok(items);
            }
        }
    }
}
