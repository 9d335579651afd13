//! The crate's one error type.
//!
//! Every fallible function of the crate returns [`Error`]: one pointer wide, so `Result`s stay
//! small on hot paths. What went wrong is its [`ErrorKind`] (public, `#[non_exhaustive]`, for
//! branching); a server exception is a [`ServerError`] with the same shape on HTTP and TCP (code,
//! name, message, server version, stack trace, nested exceptions); the cause (an I/O error, a
//! reqwest or TLS error, a nested exception) is reached through [`std::error::Error::source`].
//! No error ever holds a password: messages are written by this crate, and causes that could
//! carry a URL have it stripped first.

mod codes;
mod server;

use std::fmt;

pub use codes::ErrorCode;
pub use server::ServerError;

use crate::types::TypeParseError;

/// A specialised `Result` whose error is the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A cause kept behind an error.
type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The server raised an exception ([`Error::server`] has it).
    Server,
    /// The server answered with an HTTP status that carries no ClickHouse exception.
    Http,
    /// The server could not be reached, refused the connection, or the connection broke.
    Connection,
    /// A connect, request or query timeout passed.
    Timeout,
    /// The server did something the protocol does not allow (an unexpected packet).
    Protocol,
    /// Malformed or truncated bytes in a Native block or a protocol packet.
    Decode,
    /// A compressed frame was corrupt (bad checksum, unknown method, wrong sizes).
    Compression,
    /// A ClickHouse type string could not be parsed.
    TypeParse,
    /// A type this crate cannot read or write, named as the server spells it.
    UnsupportedType,
    /// Values given to an insert or a query do not fit the columns or types, or a request the
    /// server cannot take (a feature its version lacks).
    InvalidInput,
    /// A value could not be converted to the requested Rust type.
    Conversion,
    /// The client was configured wrongly (a bad URL, DSN or option).
    Config,
    /// An I/O error outside the network (files).
    Io,
    /// A request this transport cannot carry (a pass-through format over the native protocol,
    /// which carries only Native blocks).
    Unsupported,
}

/// Everything that can go wrong in this crate: a kind to branch on, the details, the cause.
pub struct Error(Box<Inner>);

struct Inner {
    kind: ErrorKind,
    detail: Detail,
    source: Option<Cause>,
    /// What a failed insert had sent, and what the server had acknowledged.
    insert: Option<InsertProgress>,
    /// The failure came while connecting (a connect or handshake timeout, say).
    connecting: bool,
    /// What the caller was doing, outermost first (`migration 3, statement 2 (line 7)`).
    context: Option<String>,
}

/// How far an insert that failed had come: what the client had sent and what the server had
/// reported as written. Rows sent but not acknowledged may or may not be stored (the server
/// writes each block as it arrives); [`Error::insert_progress`] gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct InsertProgress {
    /// Blocks handed to the connection (the last may have been cut off on the way).
    pub blocks_sent: u64,
    /// Rows in those blocks.
    pub rows_sent: u64,
    /// Rows the server reported as written before the failure (its progress packets over TCP,
    /// its summary header over HTTP); `None` when the server reports no such count (18.x and
    /// older servers, an answer that never came).
    pub rows_acknowledged: Option<u64>,
}

impl fmt::Display for InsertProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let blocks = if self.blocks_sent == 1 {
            "block"
        } else {
            "blocks"
        };
        write!(
            f,
            "the insert had sent {} rows in {} {blocks}",
            self.rows_sent, self.blocks_sent
        )?;
        match self.rows_acknowledged {
            Some(rows) => write!(f, "; the server had acknowledged {rows} rows as written"),
            None if self.rows_sent == 0 => Ok(()),
            None => f.write_str("; the server reported no count, so some may be stored"),
        }
    }
}

enum Detail {
    Message(String),
    Server(ServerError),
    Http {
        status: u16,
        body: String,
    },
    Decode {
        offset: u64,
        column: Option<String>,
        message: String,
    },
    Conversion {
        from: String,
        to: String,
    },
    UnsupportedType {
        type_name: String,
        reason: String,
    },
    TypeParse(TypeParseError),
}

impl Error {
    fn new(kind: ErrorKind, detail: Detail) -> Error {
        Error(Box::new(Inner {
            kind,
            detail,
            source: None,
            insert: None,
            connecting: false,
            context: None,
        }))
    }

    fn message(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error::new(kind, Detail::Message(message.into()))
    }

    /// Keeps `cause` as this error's [`source`](std::error::Error::source).
    pub(crate) fn with_source(mut self, cause: impl Into<Cause>) -> Error {
        self.0.source = Some(cause.into());
        self
    }

    /// The same error (kind, server exception, cause unchanged), its message preceded by what
    /// the caller was doing.
    pub(crate) fn context(mut self, context: impl Into<String>) -> Error {
        let context = context.into();
        self.0.context = Some(match self.0.context.take() {
            Some(inner) => format!("{context}: {inner}"),
            None => context,
        });
        self
    }

    pub(crate) fn server_exception(error: ServerError) -> Error {
        Error::new(ErrorKind::Server, Detail::Server(error))
    }

    pub(crate) fn http(status: u16, body: impl Into<String>) -> Error {
        Error::new(
            ErrorKind::Http,
            Detail::Http {
                status,
                body: body.into(),
            },
        )
    }

    pub(crate) fn connection(message: impl Into<String>) -> Error {
        Error::message(ErrorKind::Connection, message)
    }

    pub(crate) fn timeout(message: impl Into<String>) -> Error {
        Error::message(ErrorKind::Timeout, message)
    }

    /// A connect or handshake that did not finish in time: a timeout, and a connection failure.
    pub(crate) fn connect_timeout(message: impl Into<String>) -> Error {
        let mut error = Error::message(ErrorKind::Timeout, message);
        error.0.connecting = true;
        error
    }

    pub(crate) fn protocol(message: impl Into<String>) -> Error {
        Error::message(ErrorKind::Protocol, message)
    }

    pub(crate) fn decode(offset: u64, message: impl Into<String>) -> Error {
        Error::new(
            ErrorKind::Decode,
            Detail::Decode {
                offset,
                column: None,
                message: message.into(),
            },
        )
    }

    pub(crate) fn compression(message: impl Into<String>) -> Error {
        Error::message(ErrorKind::Compression, message)
    }

    pub(crate) fn unsupported_type(
        type_name: impl Into<String>,
        reason: impl Into<String>,
    ) -> Error {
        Error::new(
            ErrorKind::UnsupportedType,
            Detail::UnsupportedType {
                type_name: type_name.into(),
                reason: reason.into(),
            },
        )
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Error {
        Error::message(ErrorKind::InvalidInput, message)
    }

    pub(crate) fn conversion(from: impl Into<String>, to: impl Into<String>) -> Error {
        Error::new(
            ErrorKind::Conversion,
            Detail::Conversion {
                from: from.into(),
                to: to.into(),
            },
        )
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::message(ErrorKind::Config, message)
    }

    pub(crate) fn unsupported(message: impl Into<String>) -> Error {
        Error::message(ErrorKind::Unsupported, message)
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The server's exception, if the server raised one.
    pub fn server(&self) -> Option<&ServerError> {
        match &self.0.detail {
            Detail::Server(e) => Some(e),
            _ => None,
        }
    }

    /// What the caller was doing when it failed, outermost first (`migration 3 (add price),
    /// statement 2 (line 7)`), if a toolkit part said so; `Display` shows it before the message.
    pub fn context_text(&self) -> Option<&str> {
        self.0.context.as_deref()
    }

    /// The server's error code, if the server raised an exception (`60` for `UNKNOWN_TABLE`).
    pub fn server_code(&self) -> Option<i32> {
        self.server().map(|e| e.code.code())
    }

    /// The HTTP status, for an answer that carried no ClickHouse exception.
    pub fn http_status(&self) -> Option<u16> {
        match &self.0.detail {
            Detail::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Where malformed bytes were found: the byte offset and, if known, the column.
    pub fn decode_position(&self) -> Option<(u64, Option<&str>)> {
        match &self.0.detail {
            Detail::Decode { offset, column, .. } => Some((*offset, column.as_deref())),
            _ => None,
        }
    }

    /// How far the insert had come, when this error ended an insert: the rows and blocks sent
    /// and the rows the server acknowledged, where it reports them.
    pub fn insert_progress(&self) -> Option<&InsertProgress> {
        self.0.insert.as_ref()
    }

    /// The same error, ending an insert that had come this far.
    pub(crate) fn with_insert_progress(mut self, progress: InsertProgress) -> Error {
        self.0.insert = Some(progress);
        self
    }

    /// Whether this is a timeout.
    pub fn is_timeout(&self) -> bool {
        self.0.kind == ErrorKind::Timeout
    }

    /// Whether the connection failed or broke (the server may be down or restarting). The
    /// request may or may not have reached the server.
    pub fn is_connection(&self) -> bool {
        self.0.kind == ErrorKind::Connection
    }

    /// Whether no connection could be made, or it broke: [`is_connection`](Self::is_connection),
    /// or a connect or handshake that timed out. A client of several hosts passes such a host
    /// over and sends a request that is safe to repeat to the next one.
    pub fn is_connect_failure(&self) -> bool {
        self.is_connection() || self.0.connecting
    }

    /// Whether trying the same request again later may succeed: connection failures, timeouts,
    /// HTTP 502/503/504, and server errors that say "not now" (too many simultaneous queries,
    /// `CANNOT_ASSIGN_ALTER`, ZooKeeper/Keeper session trouble, a replica that is read-only for
    /// the moment, too many parts, network errors between servers). Whether a retried insert
    /// could store rows twice is the caller's question (use `insert_deduplication_token`).
    pub fn is_retryable(&self) -> bool {
        match &self.0.detail {
            Detail::Server(e) => e.is_retryable(),
            Detail::Http { status, .. } => matches!(status, 502..=504),
            _ => matches!(self.0.kind, ErrorKind::Connection | ErrorKind::Timeout),
        }
    }

    /// The same error, naming the column it happened in (decode and unsupported-type errors).
    pub(crate) fn in_column(mut self, name: &str) -> Error {
        match &mut self.0.detail {
            Detail::Decode { column, .. } if column.is_none() => *column = Some(name.to_owned()),
            Detail::UnsupportedType { reason, .. } => {
                *reason = format!("column `{name}`: {reason}")
            }
            _ => {}
        }
        self
    }

    /// The same error, with the server's version where a server exception lacks one.
    pub(crate) fn with_server_version(mut self, version: &str) -> Error {
        if let Detail::Server(e) = &mut self.0.detail {
            *e = std::mem::replace(e, ServerError::new(0, "")).with_server_version(version);
        }
        self
    }

    /// The same error, its offset moved by `by` bytes (decode errors from a nested reader).
    pub(crate) fn offset_by(mut self, by: u64) -> Error {
        if let Detail::Decode { offset, .. } = &mut self.0.detail {
            *offset += by;
        }
        self
    }

    /// The (from, to) of a conversion error, for wrapping it with more context.
    pub(crate) fn conversion_parts(&self) -> Option<(&str, &str)> {
        match &self.0.detail {
            Detail::Conversion { from, to } => Some((from, to)),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(context) = &self.0.context {
            write!(f, "{context}: ")?;
        }
        self.fmt_detail(f)?;
        match &self.0.insert {
            Some(progress) => write!(f, " ({progress})"),
            None => Ok(()),
        }
    }
}

impl Error {
    fn fmt_detail(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.detail {
            Detail::Message(message) => match self.0.kind {
                ErrorKind::Config => write!(f, "configuration: {message}"),
                ErrorKind::Timeout => write!(f, "timed out: {message}"),
                ErrorKind::Connection => write!(f, "connection: {message}"),
                ErrorKind::Compression => write!(f, "compressed frame: {message}"),
                ErrorKind::Protocol => write!(f, "protocol error: {message}"),
                _ => f.write_str(message),
            },
            Detail::Server(e) => fmt::Display::fmt(e, f),
            Detail::Http { status, body } => write!(f, "HTTP status {status}: {body}"),
            Detail::Decode {
                offset,
                column,
                message,
            } => {
                write!(f, "malformed data at byte {offset}")?;
                if let Some(column) = column {
                    write!(f, " in column `{column}`")?;
                }
                write!(f, ": {message}")
            }
            Detail::Conversion { from, to } => write!(f, "cannot convert {from} to {to}"),
            Detail::UnsupportedType { type_name, reason } => {
                write!(f, "unsupported ClickHouse type `{type_name}`: {reason}")
            }
            Detail::TypeParse(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.0.kind);
        if let Some(context) = &self.0.context {
            d.field("context", context);
        }
        match &self.0.detail {
            Detail::Server(e) => d.field("server", e),
            _ => d.field("message", &self.to_string()),
        };
        if let Some(progress) = &self.0.insert {
            d.field("insert", progress);
        }
        if let Some(source) = &self.0.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        if let Some(source) = &self.0.source {
            return Some(source.as_ref());
        }
        match &self.0.detail {
            Detail::Server(e) => e
                .nested
                .as_deref()
                .map(|n| n as &(dyn std::error::Error + 'static)),
            Detail::TypeParse(e) => Some(e),
            _ => None,
        }
    }
}

impl From<TypeParseError> for Error {
    fn from(e: TypeParseError) -> Error {
        Error::new(ErrorKind::TypeParse, Detail::TypeParse(e))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::message(ErrorKind::Io, e.to_string()).with_source(e)
    }
}

impl From<ServerError> for Error {
    fn from(e: ServerError) -> Error {
        Error::server_exception(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_is_one_pointer_wide() {
        assert!(std::mem::size_of::<Error>() <= 16);
        assert_eq!(
            std::mem::size_of::<Result<()>>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn kinds_and_helpers() {
        let e = Error::timeout("the query did not finish within 1s");
        assert_eq!(e.kind(), ErrorKind::Timeout);
        assert!(e.is_timeout() && e.is_retryable() && !e.is_connection());
        assert_eq!(
            e.to_string(),
            "timed out: the query did not finish within 1s"
        );
        let e = Error::http(503, "busy");
        assert!(e.is_retryable());
        assert_eq!(e.http_status(), Some(503));
        assert!(!Error::http(400, "bad").is_retryable());
        assert!(!Error::invalid_input("x").is_retryable());
    }

    #[test]
    fn context_precedes_the_message_and_keeps_the_kind() {
        let e = Error::server_exception(ServerError::new(517, "busy"))
            .context("statement 2")
            .context("migration 3");
        assert_eq!(e.kind(), ErrorKind::Server);
        assert!(e.is_retryable());
        assert_eq!(e.server_code(), Some(517));
        assert!(
            e.to_string().starts_with("migration 3: statement 2: "),
            "{e}"
        );
    }

    #[test]
    fn decode_errors_gain_a_column_and_an_offset() {
        let e = Error::decode(5, "bad").in_column("c").offset_by(10);
        assert_eq!(e.decode_position(), Some((15, Some("c"))));
        assert_eq!(
            e.to_string(),
            "malformed data at byte 15 in column `c`: bad"
        );
    }
}
