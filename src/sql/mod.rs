//! sql: ClickHouse SQL text, as far as the client must read it.
//!
//! Owns a lexer that knows ClickHouse's quoting and comments (`'...'` with `\` and `''`
//! escapes, `"..."` and `` `...` `` identifiers, `$$...$$` heredocs, `--`, `#` and `/* */`
//! comments); placeholders ([`bind_placeholders`] turns `?` and `$N` into server-side
//! parameters, [`parameter_placeholders`] lists the `{name:Type}` ones); and finding the inline
//! data of an `INSERT ... VALUES (...)` statement, which the native protocol leaves to the
//! client. It does not parse SQL.

mod insert;
mod lexer;
mod placeholders;

pub(crate) use insert::{inline_insert, is_on_cluster};
pub use placeholders::{bind_placeholders, parameter_placeholders, without_parameters};
