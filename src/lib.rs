//! A ClickHouse client for Rust: HTTP (and, later, native TCP) transports, the Native columnar
//! codec, the ClickHouse type grammar, reflection and migrations.
//!
//! Bytes flow one way: a transport (`http`) hands response bytes through `compression` to
//! `native`, which decodes blocks of `column`s; callers read them as columns, rows ([`Row`]),
//! structs (`#[derive(FromBlock)]`, or serde) or [`Value`]s. Inserts go the other way.
//!
//! ```no_run
//! # async fn run() -> clickhouse_connect::Result<()> {
//! use clickhouse_connect::Client;
//!
//! let client = Client::builder().url("http://localhost:8123").build()?;
//! let total: u64 = client.query("SELECT sum(number) FROM numbers(10)").scalar().await?;
//! assert_eq!(total, 45);
//! # Ok(())
//! # }
//! ```

mod client;
pub mod column;
pub mod compression;
mod error;
mod http;
pub mod native;
mod request;
mod tcp;
pub mod types;
pub mod value;
mod wire;

#[cfg(test)]
mod tests;

pub use chrono_tz::Tz;
pub use client::{
    Client, ClientBuilder, Command, Connection, Insert, InsertRow, Query, QueryResult, QueryStream,
};
pub use column::Column;
pub use compression::Compression;
pub use error::{Error, ErrorCode, ErrorKind, Result, ServerError};
pub use native::Block;
pub use request::{CommandResult, InsertResult, Progress, ServerInfo, Summary};
pub use types::{DataType, TypeParseError};
pub use value::{FromBlock, Row, Value};
