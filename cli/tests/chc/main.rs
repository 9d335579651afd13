//! `chc` run as a user runs it (the built binary, with `assert_cmd`) against the local engines:
//! ClickHouse 26.9 (`CLICKHOUSE_URL`), 18.16 over HTTP (`CLICKHOUSE_LEGACY_URL`) and native TCP
//! (`CLICKHOUSE_TCP_URL`); `scripts/dev-servers up` starts them.

mod common;
mod database;
mod insert;
mod migrate;
mod progress;
mod query;
mod reflect;
