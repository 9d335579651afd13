//! A ClickHouse client for Rust: one [`Client`] over HTTP and the native TCP protocol, the
//! Native columnar codec for every type, and the ClickHouse type grammar. The sea-query dialect
//! lives in its own crate, [`sea-query-clickhouse`](https://docs.rs/sea-query-clickhouse), which
//! builds on this one.
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
//!
//! # Layers
//!
//! Data flows one way. A transport (`http` over reqwest, `tcp` over tokio) moves bytes; it
//! implements one contract (the `request` layer: requests, summaries, progress, server info,
//! the insert source) and never sees the client above it. Response bytes pass through
//! [`compression`] to [`native`], which decodes [`Block`]s of [`column`](mod@column)s; callers read them as
//! columns, rows ([`Row`]), structs (`#[derive(FromBlock)]`, or serde) or [`Value`]s. Inserts go
//! the other way. [`Client`] and [`Connection`] build requests and hand them to a link of the
//! transport the URL chose; they never know which one it is. [`reflect`] (tables as
//! [`TableSchema`](reflect::TableSchema)s, Rust code generation, schema diffs) is a user of
//! `Client` like any application.
//!
//! # Errors
//!
//! Every call returns the one [`Error`]: branch on its [`ErrorKind`], read a server exception
//! as a [`ServerError`] (code as an [`ErrorCode`], name, message, server version, stack trace,
//! nested exceptions), ask [`Error::is_retryable`], and follow the cause through `source()`.
//! An insert that fails tells how far it came ([`Error::insert_progress`]: rows and blocks
//! sent, rows the server acknowledged).
//! No error, `Debug` or `Display` output shows a password.
//!
//! # What works on which server
//!
//! | feature | HTTP | native TCP |
//! |---|---|---|
//! | queries, commands, inserts, streams, cancel, timeouts | every version | every version |
//! | server-side `{name:Type}` parameters | 19.x and newer (18.x: refused before sending) | revision 54459, ClickHouse 22.8 and newer |
//! | per-query and client settings | every version | revision 54429, ClickHouse 19.11 and newer (older: use `SETTINGS` in the SQL) |
//! | progress callbacks | 20.x and newer send `X-ClickHouse-Progress` until the body starts (18.16 sends none) | every version |
//! | summary (`read_rows`, `written_rows`, ...) | 20.x and newer (`X-ClickHouse-Summary`; 18.16 sends none) | every version (from Progress packets) |
//! | error names (`UNKNOWN_TABLE`) | from the server where it sends them, else from the table of known codes | the same |
//! | ClickHouse-framed compressed answers (LZ4) | 20.x and newer; older servers get HTTP gzip | every version |
//! | JSON columns as text | 25.x and newer (`output_format_native_write_json_as_string`); older JSON object serialization is decoded too | the same |
//! | reflection (`client.reflect()`) | every version; what older system tables lack (UUIDs, table comments, codecs, ...) is `None`, by version | the same |

// `#[derive(FromBlock)]` names the crate `::clickhouse_connect`; reflect/ uses it too.
extern crate self as clickhouse_connect;

mod client;
pub mod column;
pub mod compression;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod hosts;
mod http;
pub mod migrate;
pub mod native;
pub mod reflect;
mod request;
pub mod sql;
mod tcp;
pub mod types;
pub mod value;
mod wire;

#[cfg(test)]
mod tests;

pub use chrono_tz::Tz;
/// Embeds a migrations folder (sqlx's format) at compile time: `migrate!("./migrations")`
/// (relative to the crate's `Cargo.toml`; `migrate!()` reads `./migrations`) is a
/// [`migrate::Migrator`] over the files, carried in the binary. File names are checked while
/// compiling; an edited file rebuilds (`include_str!`), a new file is seen when the calling
/// crate recompiles (a build script with `cargo:rerun-if-changed=migrations` makes that
/// automatic).
pub use clickhouse_connect_derive::migrate;
pub use client::{
    Client, ClientBuilder, Command, Connection, Insert, InsertRow, Query, QueryResult, QueryStream,
    RawInsert, RawStream, RowStream,
};
pub use column::Column;
pub use compression::Compression;
pub use error::{Error, ErrorCode, ErrorKind, InsertProgress, Result, ServerError};
pub use native::Block;
pub use request::{
    CommandResult, HostOrder, HostOutcome, HostStatus, InsertResult, Progress, ServerInfo, Summary,
};
pub use types::{DataType, TypeParseError};
pub use value::{FromBlock, Row, ToBlock, Value};
