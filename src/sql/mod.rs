//! sql: ClickHouse SQL text, as far as the client must read it.
//!
//! Owns a lexer that knows ClickHouse's quoting and comments (`'...'` with `\` and `''`
//! escapes, `"..."` and `` `...` `` identifiers, `$$...$$` heredocs, `--`, `#` and `/* */`
//! comments), and finding the inline data of an `INSERT ... VALUES (...)` or `INSERT ... FORMAT X
//! <data>` statement, which the native protocol leaves to the client. It does not parse SQL.

mod insert;
mod lexer;

pub(crate) use insert::inline_insert;
