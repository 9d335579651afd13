//! [`ServerError`]: an exception the server raised, the same on HTTP and TCP.
//!
//! Text forms the server writes (an HTTP error body, or the message of a TCP Exception packet):
//! - 20.x and newer: `Code: 60. DB::Exception: <message>. (UNKNOWN_TABLE) (version 26.9.2.1)`
//! - 18.x / 19.x over HTTP: `Code: 60, e.displayText() = DB::Exception: <message>, e.what() = DB::Exception`
//! - 18.x over TCP: the message alone, `DB::Exception: <message>`, with the code and the stack
//!   trace in fields of their own.

use std::fmt;

use super::ErrorCode;

/// An exception the server raised: its code, name, message, the server's version, its stack
/// trace and the exception nested in it, when the server sent them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerError {
    /// The error code ([`ErrorCode::UnknownTable`] for 60).
    pub code: ErrorCode,
    /// The code's name (`UNKNOWN_TABLE`): as the server sent it, else from the table of known
    /// codes (old servers send none), else empty.
    pub name: String,
    /// The server's message, without the `Code: N. DB::Exception:` prefix, the name and the
    /// version.
    pub message: String,
    /// The server's version, when the message or the connection told it.
    pub server_version: Option<String>,
    /// The server's stack trace, when it sent one (the native protocol does).
    pub stack_trace: Option<String>,
    /// The exception this one wraps, if the server sent a chain (also the
    /// [`source`](std::error::Error::source)).
    pub nested: Option<Box<ServerError>>,
}

impl ServerError {
    /// An exception with `code` and `message` (the name filled from the table of known codes).
    pub fn new(code: i32, message: impl Into<String>) -> ServerError {
        let code = ErrorCode::from_code(code);
        ServerError {
            code,
            name: code.name().unwrap_or_default().to_owned(),
            message: message.into(),
            server_version: None,
            stack_trace: None,
            nested: None,
        }
    }

    /// Parses the text of an exception (`Code: 60. DB::Exception: ...`); `None` if `text` is not
    /// one.
    pub fn parse(text: &str) -> Option<ServerError> {
        let text = text.trim();
        let rest = text.strip_prefix("Code: ")?;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let code: i32 = rest[..digits].parse().ok()?;
        let rest = &rest[digits..];
        let rest = rest
            .strip_prefix(". ")
            .or_else(|| rest.strip_prefix(", e.displayText() = "))
            .unwrap_or(rest);
        Some(ServerError::from_message(code, rest))
    }

    /// The exception of `code` from a message with or without the server's decorations
    /// (`DB::Exception:` prefix, `(NAME) (version X)` suffix, 18.x's `e.what()` tail).
    pub(crate) fn from_message(code: i32, text: &str) -> ServerError {
        let mut message = text.trim_end();
        // A message of a newer server repeats the code: `Code: 62. DB::Exception: ...`.
        if let Some(rest) = message.strip_prefix("Code: ") {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            message = rest[digits..].trim_start_matches(['.', ',', ' ']);
        }
        let mut message = strip_class(message).trim_end().to_owned();
        if let Some(cut) = message.rfind(", e.what() = ") {
            message.truncate(cut);
        }
        let mut server_version = None;
        if let Some(open) = message.rfind(" (version ") {
            if message.ends_with(')') {
                server_version = Some(message[open + 10..message.len() - 1].to_owned());
                message.truncate(open);
            }
        }
        let mut error = ServerError::new(code, "");
        if message.ends_with(')') {
            if let Some(open) = message.rfind(" (") {
                let candidate = &message[open + 2..message.len() - 1];
                if !candidate.is_empty()
                    && candidate
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
                {
                    error.name = candidate.to_owned();
                    message.truncate(open);
                }
            }
        }
        error.message = message.trim_end_matches('.').to_owned();
        error.server_version = server_version;
        error
    }

    /// The numeric code.
    pub fn code(&self) -> i32 {
        self.code.code()
    }

    /// This exception and the ones nested in it, outermost first.
    pub fn chain(&self) -> impl Iterator<Item = &ServerError> {
        std::iter::successors(Some(self), |e| e.nested.as_deref())
    }

    /// Whether the server said "not now" rather than "no": trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        use ErrorCode as C;
        matches!(
            self.code,
            C::TooManySimultaneousQueries
                | C::CannotAssignAlter
                | C::SocketTimeout
                | C::NetworkError
                | C::NoZookeeper
                | C::KeeperException
                | C::UnexpectedZookeeperError
                | C::TableIsReadOnly
                | C::TooManyParts
                | C::NoAvailableReplica
                | C::AllConnectionTriesFailed
                | C::AllReplicasAreStale
                | C::TooFewLiveReplicas
                | C::UnsatisfiedQuorumForPreviousWrite
                | C::PartIsTemporarilyLocked
                | C::SessionIsLocked
                | C::DeadlockAvoided
        )
    }

    /// Fills the server version where the message did not carry one.
    pub(crate) fn with_server_version(mut self, version: &str) -> ServerError {
        let mut level = Some(&mut self);
        while let Some(e) = level {
            if e.server_version.is_none() {
                e.server_version = Some(version.to_owned());
            }
            level = e.nested.as_deref_mut();
        }
        self
    }
}

/// The message without its leading exception class (`DB::Exception: `, `DB::NetException: `,
/// `Poco::Exception: `).
fn strip_class(message: &str) -> &str {
    let Some(colon) = message.find(": ") else {
        return message;
    };
    let class = &message[..colon];
    let is_class = (class.starts_with("DB::") || class.starts_with("Poco::"))
        && class.ends_with("Exception")
        && class
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b':' || b == b'_');
    if is_class {
        &message[colon + 2..]
    } else {
        message
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClickHouse exception {}", self.code())?;
        if !self.name.is_empty() {
            write!(f, " ({})", self.name)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ServerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.nested
            .as_deref()
            .map(|n| n as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(e: ServerError) -> (i32, String, String, Option<String>) {
        (e.code(), e.name, e.message, e.server_version)
    }

    #[test]
    fn parses_the_26_form() {
        let e = ServerError::parse("Code: 60. DB::Exception: Unknown table expression identifier 'x' in scope SELECT * FROM x. (UNKNOWN_TABLE) (version 26.9.2.1)\n").unwrap();
        assert_eq!(e.code, ErrorCode::UnknownTable);
        assert_eq!(
            parts(e),
            (
                60,
                "UNKNOWN_TABLE".into(),
                "Unknown table expression identifier 'x' in scope SELECT * FROM x".into(),
                Some("26.9.2.1".into())
            )
        );
    }

    #[test]
    fn parses_the_18_form_and_names_the_code() {
        let e = ServerError::parse("Code: 60, e.displayText() = DB::Exception: Table default.x doesn't exist., e.what() = DB::Exception\n").unwrap();
        assert_eq!(
            parts(e),
            (
                60,
                "UNKNOWN_TABLE".into(),
                "Table default.x doesn't exist".into(),
                None
            )
        );
        assert!(ServerError::parse("no exception here").is_none());
    }

    #[test]
    fn a_tcp_message_loses_its_prefix() {
        let e = ServerError::from_message(62, "DB::Exception: Syntax error: failed at position 1");
        assert_eq!(e.message, "Syntax error: failed at position 1");
        assert_eq!(e.name, "SYNTAX_ERROR");
        assert_eq!(
            e.to_string(),
            "ClickHouse exception 62 (SYNTAX_ERROR): Syntax error: failed at position 1"
        );
        let e = ServerError::from_message(
            62,
            "Code: 62. DB::Exception: Syntax error. (SYNTAX_ERROR) (version 25.1.1.1)",
        );
        assert_eq!(
            (e.message.as_str(), e.server_version.as_deref()),
            ("Syntax error", Some("25.1.1.1"))
        );
        assert_eq!(ServerError::new(12345, "x").name, "");
        let e = ServerError::from_message(101, "DB::NetException: Unexpected packet Data");
        assert_eq!(e.message, "Unexpected packet Data");
        let e = ServerError::from_message(1, "Not DB::Exception: kept");
        assert_eq!(e.message, "Not DB::Exception: kept");
    }

    #[test]
    fn retryable_codes() {
        assert!(ServerError::new(202, "").is_retryable());
        assert!(ServerError::new(517, "").is_retryable());
        assert!(!ServerError::new(60, "").is_retryable());
    }
}
