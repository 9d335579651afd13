//! value: ClickHouse values in Rust.
//!
//! Owns [`Value`] (one value of any type, with the Rust mappings chrono, uuid, std::net and the
//! exact [`Decimal`]), reading a row of a column as a `Value`, and appending `Value`s to columns
//! with conversion and range checks. Row views over blocks live in [`row`]; structs read
//! column by column in [`from_block`], through serde in `de`.

mod binary;
mod block_rows;
pub(crate) mod de;
mod decimal;
pub mod from_block;
mod read;
pub mod row;
mod ser;
mod ser_columns;
mod serde_error;
pub mod to_column;
#[allow(clippy::module_inception)]
mod value;
mod values_text;
mod write;

pub use decimal::Decimal;
pub use from_block::{FromBlock, FromColumn};
pub(crate) use read::uuid_from_wire;
pub use row::{FromValue, Row};
pub(crate) use ser::to_named_values;
pub(crate) use ser_columns::{FieldNames, append_row};
pub use to_column::{Bytes, ToBlock, ToColumn};
pub use value::{ArrayElement, TypedValue, Value};
pub(crate) use values_text::read_values;
pub(crate) use write::push_low_cardinality;
