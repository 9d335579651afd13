//! A ClickHouse client for Rust: HTTP and native TCP transports, the Native columnar codec, the
//! ClickHouse type grammar, reflection and migrations.
//!
//! The crate is built layer by layer (see `DESIGN.md` in the shared notes): bytes flow from a
//! transport through `compression` into `native` blocks of `column`s, which callers read as
//! columns, rows, values or structs.

pub mod column;
pub mod compression;
mod error;
pub mod native;
pub mod types;
pub mod value;

pub use column::Column;
pub use error::{Error, Result};
pub use native::Block;
pub use types::{DataType, TypeParseError};
pub use value::{Row, Value};
