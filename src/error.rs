//! The crate's one error type.
//!
//! Every fallible function of the crate returns [`Error`]. Its variants are the public kinds a
//! caller can branch on; the enum is `#[non_exhaustive]` so that new kinds can be added without
//! breaking callers. A server exception keeps the server's own code, name, message and version.

use crate::types::TypeParseError;

/// A specialised `Result` whose error is the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server reported an exception.
    #[error("ClickHouse exception {code} ({name}): {message}")]
    Server {
        /// The numeric error code (`60` for `UNKNOWN_TABLE`).
        code: i32,
        /// The error code's name (`UNKNOWN_TABLE`), when the server sent it.
        name: String,
        /// The server's message, without the `Code: N. DB::Exception:` prefix.
        message: String,
        /// The server version the message names, if any (`26.9.2.1`).
        server_version: Option<String>,
    },
    /// A ClickHouse type string could not be parsed; the error points at the offending position.
    #[error(transparent)]
    TypeParse(#[from] TypeParseError),
    /// A type this crate cannot read or write (yet), named as the server spells it.
    #[error("unsupported ClickHouse type `{type_name}`: {reason}")]
    UnsupportedType {
        /// The type string.
        type_name: String,
        /// Why it is unsupported and what to do instead.
        reason: String,
    },
    /// Malformed or truncated bytes in a Native block or a protocol packet.
    #[error("malformed data at byte {offset}{}: {message}", column.as_ref().map(|c| format!(" in column `{c}`")).unwrap_or_default())]
    Decode {
        /// Offset from the start of the stream (or block) where decoding failed.
        offset: u64,
        /// The column being decoded, if any.
        column: Option<String>,
        /// What was wrong.
        message: String,
    },
    /// A compressed frame was corrupt (bad checksum, unknown method, wrong sizes).
    #[error("compressed frame: {0}")]
    Compression(String),
    /// Values given to an insert or a query do not fit the columns or types.
    #[error("{0}")]
    InvalidInput(String),
    /// A value could not be converted to the requested Rust type.
    #[error("cannot convert {from} to {to}")]
    Conversion {
        /// The ClickHouse type or value kind.
        from: String,
        /// The Rust type.
        to: String,
    },
    /// The client was configured wrongly (a bad URL, DSN or option).
    #[error("configuration: {0}")]
    Config(String),
    /// The request did not complete within its timeout.
    #[error("timed out: {0}")]
    Timeout(String),
    /// The server could not be reached or the connection broke.
    #[error("connection: {0}")]
    Connection(String),
    /// The server answered with an HTTP status that carries no ClickHouse exception.
    #[error("HTTP status {status}: {body}")]
    Http {
        /// The HTTP status code.
        status: u16,
        /// The start of the response body.
        body: String,
    },
    /// An I/O error outside the network (files).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl Error {
    /// The server's error code, if this is a server exception.
    pub fn server_code(&self) -> Option<i32> {
        match self {
            Error::Server { code, .. } => Some(*code),
            _ => None,
        }
    }

    pub(crate) fn decode(offset: u64, message: impl Into<String>) -> Error {
        Error::Decode {
            offset,
            column: None,
            message: message.into(),
        }
    }
}
