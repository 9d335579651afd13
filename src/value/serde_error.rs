//! [`SerdeError`]: what the serde paths (rows to columns, columns to rows) fail with before the
//! column it happened in is known.

use std::fmt;

/// A serialization or deserialization failure. The message is boxed so that the `Result` of
/// every serializer and deserializer call is one pointer wide and comes back in a register,
/// not through memory.
#[derive(Debug)]
#[allow(clippy::box_collection)] // one thin pointer, on purpose (see above)
pub(crate) struct SerdeError(Box<String>);

impl SerdeError {
    /// A failure saying `message`.
    #[cold]
    pub(crate) fn new(message: impl Into<String>) -> Self {
        SerdeError(Box::new(message.into()))
    }

    /// The message.
    pub(crate) fn into_message(self) -> String {
        *self.0
    }
}

impl fmt::Display for SerdeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SerdeError {}

impl serde::ser::Error for SerdeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        SerdeError::new(msg.to_string())
    }
}

impl serde::de::Error for SerdeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        SerdeError::new(msg.to_string())
    }
}
