//! Exception: code, name, message, stack trace, and possibly a nested exception.

use crate::error::Error;
use crate::native::wire::{ReadResult, Reader};

/// How many nested exceptions to read before calling the packet malformed.
const MAX_NESTED: usize = 64;

/// An exception the server sent; the outermost first, nested causes after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerException {
    /// The numeric code.
    pub code: i32,
    /// The exception class name (`DB::Exception`).
    pub name: String,
    /// The message (`Code: N. DB::Exception: ...` text on newer servers).
    pub message: String,
    /// The server's stack trace.
    pub stack_trace: String,
    /// Nested exceptions, outermost first.
    pub nested: Vec<ServerException>,
}

impl ServerException {
    pub(crate) fn read(r: &mut Reader<'_>) -> ReadResult<Self> {
        let mut chain = Vec::new();
        loop {
            let code = r.i32_le()?;
            let name = String::from_utf8_lossy(r.bytes()?).into_owned();
            let message = String::from_utf8_lossy(r.bytes()?).into_owned();
            let stack_trace = String::from_utf8_lossy(r.bytes()?).into_owned();
            let has_nested = r.u8()? != 0;
            chain.push(ServerException {
                code,
                name,
                message,
                stack_trace,
                nested: Vec::new(),
            });
            if !has_nested {
                break;
            }
            if chain.len() > MAX_NESTED {
                return Err(r.invalid("too many nested exceptions"));
            }
        }
        let mut outer = chain.remove(0);
        outer.nested = chain;
        Ok(outer)
    }

    /// The exception as the crate's error: code, error name, message and server stack.
    pub fn into_error(self) -> Error {
        // Newer servers put `Code: N. DB::Exception: <message> (NAME)` ... in the message; older
        // ones only the message. Parse what is there.
        let text = if self.message.starts_with("Code: ") {
            self.message.clone()
        } else {
            format!("Code: {}. DB::Exception: {}", self.code, self.message)
        };
        let (name, message) = match crate::http::parse_exception(&text) {
            Some(Error::Server { name, message, .. }) => (name, message),
            _ => (String::new(), self.message.clone()),
        };
        let message = if self.stack_trace.is_empty() {
            message
        } else {
            format!(
                "{message}\nServer stack trace:\n{}",
                self.stack_trace.trim_end()
            )
        };
        Error::Server {
            code: self.code,
            name,
            message,
            server_version: None,
        }
    }
}
