//! Errors: the driver's [`Error`](clickhouse_connect::Error) as sqlx's, and
//! [`ClickHouseDatabaseError`] for the server's exceptions.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

use clickhouse_connect::{ErrorKind as DriverKind, ServerError};
use sqlx_core::error::{DatabaseError, Error, ErrorKind};

/// An exception the server raised, as a sqlx `DatabaseError`: `code()` is the ClickHouse code
/// (`"60"`), `message()` the server's message; it derefs to the driver's [`ServerError`] (name,
/// server version, stack trace, nested exceptions). Its `Display` shows what the driver was
/// doing first where it said (`migration 3 (add price), statement 2 (line 7): ...`).
#[derive(Debug)]
pub struct ClickHouseDatabaseError {
    server: Box<ServerError>,
    context: Option<String>,
}

impl ClickHouseDatabaseError {
    /// The driver's server error.
    pub fn server_error(&self) -> &ServerError {
        &self.server
    }

    /// What the driver was doing when the server refused (a migration's statement, say).
    pub fn context(&self) -> Option<&str> {
        self.context.as_deref()
    }
}

impl std::ops::Deref for ClickHouseDatabaseError {
    type Target = ServerError;

    fn deref(&self) -> &ServerError {
        &self.server
    }
}

impl fmt::Display for ClickHouseDatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(context) = &self.context {
            write!(f, "{context}: ")?;
        }
        fmt::Display::fmt(&self.server, f)
    }
}

impl StdError for ClickHouseDatabaseError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.server.source()
    }
}

impl DatabaseError for ClickHouseDatabaseError {
    fn message(&self) -> &str {
        &self.server.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.server.code().to_string()))
    }

    fn as_error(&self) -> &(dyn StdError + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn StdError + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn StdError + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> ErrorKind {
        ErrorKind::Other
    }
}

/// The driver's error as sqlx's: a server exception is `Database`; a broken or refused
/// connection and a timeout are `Io` (so a pool replaces the connection); bad input and
/// configuration keep their kinds; the rest is `Protocol` with the driver's message. The
/// driver's error stays reachable as the source where sqlx's variant has one.
pub(crate) fn to_sqlx(e: clickhouse_connect::Error) -> Error {
    if let Some(server) = e.server() {
        return Error::Database(Box::new(ClickHouseDatabaseError {
            server: Box::new(server.clone()),
            context: e.context_text().map(str::to_owned),
        }));
    }
    match e.kind() {
        DriverKind::Connection => Error::Io(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            e,
        )),
        DriverKind::Timeout => Error::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, e)),
        DriverKind::Io => Error::Io(std::io::Error::other(e)),
        DriverKind::Config => Error::Configuration(Box::new(e)),
        DriverKind::InvalidInput => Error::InvalidArgument(e.to_string()),
        DriverKind::Conversion => Error::Decode(Box::new(e)),
        _ => Error::Protocol(e.to_string()),
    }
}
