//! The crate's one error type.
//!
//! Every fallible function of the crate returns [`Error`]. Its variants are the public kinds a
//! caller can branch on; the enum is `#[non_exhaustive]` so that new kinds can be added as the
//! transports land without breaking callers.

use crate::types::TypeParseError;

/// A specialised `Result` whose error is the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A ClickHouse type string could not be parsed; the error points at the offending position.
    #[error(transparent)]
    TypeParse(#[from] TypeParseError),
}
