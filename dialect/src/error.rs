//! The crate's one error type: unsupported constructs, invalid input, driver failures.

/// What can go wrong when rendering or running a statement.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The statement uses a construct ClickHouse does not have (e.g. ORDER BY on a DELETE).
    #[error("not supported by ClickHouse: {0}")]
    Unsupported(String),
    /// An argument cannot be rendered safely (e.g. a setting name that is not an identifier).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The driver failed, or the server answered with an exception.
    #[error(transparent)]
    Client(#[from] clickhouse_connect::Error),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
