//! client: [`Client`], its builder and the requests and results both transports share.
//!
//! Owns the public API (`command`, `query`, `query_stream`, `insert*`), per-query options
//! (server-side parameters, settings, query id, session, database), rendering parameter values,
//! building insert blocks from rows, and the result types. Bytes on the wire are the transports'.

mod builder;
#[allow(clippy::module_inception)]
mod client;
mod command;
mod insert;
mod params;
mod query;
pub(crate) mod request;
mod result;
mod summary;

pub(crate) use builder::ClientOptions;
pub(crate) use insert::BlockSource;
pub(crate) use request::QueryRequest;

pub use builder::ClientBuilder;
pub use client::Client;
pub use command::{Command, CommandResult};
pub use insert::{Insert, InsertResult, InsertRow};
pub use query::{Query, QueryStream};
pub use result::QueryResult;
pub use summary::QuerySummary;
