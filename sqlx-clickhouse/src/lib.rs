//! A [sqlx](https://docs.rs/sqlx) driver for ClickHouse, on `sqlx-core` 0.9 and the
//! [`clickhouse_connect`] client (HTTP or the native TCP protocol, chosen by the URL).
//!
//! ```no_run
//! # async fn run() -> Result<(), sqlx_core::Error> {
//! use sqlx_clickhouse::ClickHousePoolOptions;
//!
//! let pool = ClickHousePoolOptions::new()
//!     .max_connections(8)
//!     .connect("http://localhost:8123/default")
//!     .await?;
//! let (n,): (u64,) = sqlx_core::query_as::query_as("SELECT count() FROM system.numbers_mt LIMIT ?")
//!     .bind(10u64)
//!     .fetch_one(&pool)
//!     .await?;
//! # let _ = n;
//! # Ok(())
//! # }
//! ```
//!
//! - **Parameters are server-side**: `?` and `$N` placeholders (outside strings, quoted
//!   identifiers and comments) become `{pN:Type}` query parameters typed by the bound values;
//!   `QueryBuilder::push_bind` writes `{pN:Type}` itself; `{name:Type}` placeholders written by
//!   hand pass through. A value never becomes SQL text. Servers without parameters (18.x) refuse a
//!   statement with binds before anything is sent, with an error that says so.
//! - **Rows stream** block by block: `fetch` over ten million rows holds about one block.
//! - **Types**: every Rust type the driver's `Value` maps (all integer widths, floats, bool,
//!   strings, bytes, chrono, uuid, decimals, IPs, JSON, `Vec<T>` for arrays, `Option<T>` for
//!   Nullable, and [`clickhouse_connect::Value`] itself). See [`types`].
//! - **No fake transactions**: ClickHouse has none in general; `begin()` is an error unless the
//!   connect option `transactions=experimental` asks for the server's experimental
//!   `BEGIN TRANSACTION`.
//! - **Errors**: a server exception is `sqlx::Error::Database` whose `code()` is the ClickHouse
//!   code and which downcasts to [`ClickHouseDatabaseError`] (and from there to the driver's
//!   [`ServerError`](clickhouse_connect::ServerError)).

#[macro_use]
extern crate sqlx_core;

mod arguments;
mod column;
mod connection;
mod database;
mod error;
mod executor;
mod migrate;
mod options;
mod query_result;
mod row;
mod statement;
mod testing;
mod transaction;
mod type_info;
pub mod types;
mod value;

pub use arguments::{ClickHouseArgumentBuffer, ClickHouseArguments};
pub use column::ClickHouseColumn;
pub use connection::ClickHouseConnection;
pub use database::ClickHouse;
pub use error::ClickHouseDatabaseError;
pub use options::ClickHouseConnectOptions;
pub use query_result::ClickHouseQueryResult;
pub use row::ClickHouseRow;
pub use statement::ClickHouseStatement;
pub use transaction::ClickHouseTransactionManager;
pub use type_info::ClickHouseTypeInfo;
pub use value::{ClickHouseValue, ClickHouseValueRef};

/// A pool of ClickHouse connections.
pub type ClickHousePool = sqlx_core::pool::Pool<ClickHouse>;

/// Options for a [`ClickHousePool`].
pub type ClickHousePoolOptions = sqlx_core::pool::PoolOptions<ClickHouse>;

/// A transaction (only with the server's experimental transactions; see [`ClickHouseConnectOptions`]).
pub type ClickHouseTransaction<'c> = sqlx_core::transaction::Transaction<'c, ClickHouse>;

impl_into_arguments_for_arguments!(ClickHouseArguments);
impl_acquire!(ClickHouse, ClickHouseConnection);
impl_column_index_for_row!(ClickHouseRow);
impl_column_index_for_statement!(ClickHouseStatement);
impl_encode_for_option!(ClickHouse);
