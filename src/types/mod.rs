//! types: the ClickHouse type grammar.
//!
//! Owns [`DataType`] (every type family the 26.9 engine knows), the parser from type strings
//! (aliases, parameters, nesting, quoting) and `Display` back to the canonical spelling the server
//! prints, and the binary encoding of types (`binary.rs`: the code bytes ClickHouse writes inside
//! `Dynamic` values and `RowBinaryWithNamesAndTypes`). It knows nothing of how values of a type
//! are encoded; that is the `column` layer.

mod binary;
mod data_type;
mod families;
mod parse;
mod quote;
mod rules;

pub(crate) use binary::{MAX_DEPTH, complete as complete_read, read as read_binary};
pub use data_type::{AggregateFunction, DataType, IntervalUnit, JsonType, NamedType, TupleElement};
pub use parse::TypeParseError;
pub use quote::{backquote_if_needed, quote};

#[cfg(test)]
mod tests;
