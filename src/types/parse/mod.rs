//! The parser from type strings to [`DataType`].
//!
//! A hand-written recursive-descent parser over the type text. It accepts everything the server
//! accepts in a column definition (aliases, optional parameters, whitespace) and normalises to
//! the canonical form the server prints. Errors carry the byte position where parsing stopped.
//!
//! `lexer.rs` holds the parser state and its token-level primitives; `family.rs` turns a family
//! name and its arguments into a [`DataType`].

mod family;
mod lexer;

use std::fmt;
use std::str::FromStr;

use super::data_type::DataType;
use lexer::Parser;

/// A type string that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeParseError {
    input: String,
    position: usize,
    message: String,
}

impl TypeParseError {
    /// The type string that failed to parse.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The byte offset in [`input`](Self::input) where the problem was found.
    pub fn position(&self) -> usize {
        self.position
    }

    /// What was wrong, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TypeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (before, after) = self.input.split_at(self.position.min(self.input.len()));
        write!(
            f,
            "invalid ClickHouse type at position {}: {} (in `{before}` >>> `{after}`)",
            self.position, self.message
        )
    }
}

impl std::error::Error for TypeParseError {}

impl DataType {
    /// Parses a ClickHouse type string such as `Array(Nullable(String))` or `BIGINT UNSIGNED`.
    pub fn parse(text: &str) -> Result<DataType, TypeParseError> {
        let mut parser = Parser::new(text);
        let data_type = parser.data_type()?;
        parser.skip_ws();
        if parser.pos < text.len() {
            return Err(parser.error("unexpected text after the type"));
        }
        Ok(data_type)
    }
}

impl FromStr for DataType {
    type Err = TypeParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        DataType::parse(text)
    }
}
