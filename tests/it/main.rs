//! Integration tests against real ClickHouse engines.
//!
//! The engines come from `scripts/dev-servers up` (the README's test command, `scripts/test`,
//! starts them): the ClickHouse 26.9 engine behind the project's HTTP front and the Debian
//! ClickHouse 18.16 server. Tests find them through these variables, defaulting to the local
//! ports the script uses:
//!
//! | variable | default | engine |
//! |---|---|---|
//! | `CLICKHOUSE_URL` | `http://127.0.0.1:28123` | ClickHouse 26.x over HTTP |
//! | `CLICKHOUSE_LEGACY_URL` | `http://127.0.0.1:18123` | ClickHouse 18.16 over HTTP |
//! | `CLICKHOUSE_TCP_URL` | `tcp://127.0.0.1:19000` | ClickHouse 18.16 native TCP |
//!
//! A test whose engine does not answer fails and says how to start it; none passes silently.
//! Each test that writes works in a fresh database named after itself, so tests run in parallel.

#![allow(unreachable_pub, missing_docs)]

mod client;
mod cluster;
mod common;
mod conformance;
mod connection;
mod engine_text;
mod engine_text_families;
mod errors;
mod faults;
mod from_block;
mod inline_insert;
mod json_object;
mod migrations;
mod raw;
mod reflect;
mod roundtrip;
mod tcp;

mod timeouts;
mod timezones;
mod typed;
mod types;
