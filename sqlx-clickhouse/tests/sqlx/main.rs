//! The sqlx driver against the real engines, with the dependency set a user writes:
//! `sqlx = { version = "0.9", default-features = false, features = ["runtime-tokio", "macros",
//! "migrate", "derive"] }` plus `sqlx-clickhouse`.
//!
//! Engines (started by `scripts/dev-servers up`, which the README's test command runs):
//! `CLICKHOUSE_URL` (26.9 over HTTP), `CLICKHOUSE_LEGACY_URL` (18.16 over HTTP),
//! `CLICKHOUSE_TCP_URL` (18.16 over TCP). Declared version limits: 18.16 has no server-side
//! parameters on either transport, so statements with binds run on 26.9 and are refused with a
//! clear error on 18.16.

#![allow(missing_docs)]

mod common;
mod migrate;
mod queries;
mod test_attr;
