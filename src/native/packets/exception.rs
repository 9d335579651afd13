//! Exception: code, name, message, stack trace, and possibly a nested exception, read into the
//! crate's [`ServerError`] (the same type an HTTP error body becomes).

use crate::error::ServerError;
use crate::wire::{MAX_MESSAGE, MAX_NAME, ReadResult, Reader};

/// How many nested exceptions to read before calling the packet malformed.
const MAX_NESTED: usize = 64;

/// Reads an Exception packet's body: the outermost exception, the nested ones inside it.
pub(crate) fn read_exception(r: &mut Reader<'_>) -> ReadResult<ServerError> {
    let mut chain = Vec::new();
    loop {
        let code = r.i32_le()?;
        // The exception's class (`DB::Exception`), not the code's name.
        let _class = r.bounded_bytes("exception class name", MAX_NAME)?;
        let message = String::from_utf8_lossy(r.bounded_bytes("exception message", MAX_MESSAGE)?)
            .into_owned();
        let stack_trace =
            String::from_utf8_lossy(r.bounded_bytes("exception stack trace", MAX_MESSAGE)?)
                .trim_end()
                .to_owned();
        let has_nested = r.u8()? != 0;
        let mut error = ServerError::from_message(code, &message);
        error.stack_trace = (!stack_trace.is_empty()).then_some(stack_trace);
        chain.push(error);
        if !has_nested {
            break;
        }
        if chain.len() > MAX_NESTED {
            return Err(r.invalid("too many nested exceptions"));
        }
    }
    let mut inner: Option<Box<ServerError>> = None;
    while let Some(mut error) = chain.pop() {
        error.nested = inner;
        inner = Some(Box::new(error));
    }
    // At least one was read.
    Ok(*inner.unwrap_or_else(|| Box::new(ServerError::new(0, ""))))
}
