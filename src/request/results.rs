//! What a command and an insert return, whatever the transport.

use super::Summary;

/// What a command returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandResult {
    /// Rows and bytes read and written.
    pub summary: Summary,
    /// The query id.
    pub query_id: String,
    /// The text the server answered (TSV), without the trailing newline; empty for DDL.
    pub output: String,
}

impl CommandResult {
    /// The single value the server answered, if it answered exactly one.
    pub fn scalar(&self) -> Option<&str> {
        (!self.output.is_empty() && !self.output.contains(['\t', '\n']))
            .then_some(self.output.as_str())
    }
}

/// What an insert sent and the server stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsertResult {
    /// Rows sent by the client.
    pub rows: u64,
    /// The server's summary (`written_rows` is what it stored; zero on servers without summaries).
    pub summary: Summary,
    /// The query id.
    pub query_id: String,
}
