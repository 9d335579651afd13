//! client: [`Client`], [`Connection`], their builder, the request builders and the results.
//!
//! Thin by design: a method builds a [`QueryRequest`](crate::request::QueryRequest) and hands it
//! to a link of the client's transport (the `request` layer's contract); it never knows which
//! transport that is. Owns the public API (`command`, `query`, `query_stream`, `insert*`),
//! per-query options, deadlines, building insert blocks from rows, and the result types.

mod block_builder;
mod builder;
#[allow(clippy::module_inception)]
mod client;
mod command;
mod connection;
mod insert;
mod options;
mod query;
mod raw;
mod result;
mod rows;
mod slot;
mod trace;

pub use builder::ClientBuilder;
pub use client::Client;
pub use command::Command;
pub use connection::Connection;
pub use insert::{Insert, InsertRow};
pub use query::{Query, QueryStream};
pub use raw::{RawInsert, RawStream};
pub use result::QueryResult;
pub use rows::RowStream;
