//! A ClickHouse client for Rust: HTTP and native TCP transports, the Native columnar codec, the
//! ClickHouse type grammar, reflection and migrations.
//!
//! The crate is built layer by layer (see `DESIGN.md` in the shared notes); the layers present so
//! far are listed below.

mod error;
pub mod types;

pub use error::{Error, Result};
pub use types::{DataType, TypeParseError};
