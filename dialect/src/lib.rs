//! sea-query-clickhouse: a ClickHouse backend for sea-query 1.0.
//!
//! This crate is a skeleton for now: it names the backend type so the workspace builds and the
//! dialect's own issue can fill it in (`query.rs`, `table.rs`, ClickHouse-only clauses, typed
//! server-side parameters).

pub use sea_query;

/// The ClickHouse query builder. Rendering is not implemented yet.
#[derive(Debug, Default, Clone, Copy)]
pub struct ClickHouseQueryBuilder;
