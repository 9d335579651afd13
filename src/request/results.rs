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
    /// For an `ON CLUSTER` statement, what each host did (one row per host from the server);
    /// empty otherwise. A host that failed fails the command instead, naming the host.
    pub hosts: Vec<HostOutcome>,
}

/// What one host did with an `ON CLUSTER` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostOutcome {
    /// The host, as the cluster's configuration names it.
    pub host: String,
    /// Its native protocol port.
    pub port: u16,
    /// 0 when the statement ran there; else the error code.
    pub status: i32,
    /// The host's error, empty when it succeeded.
    pub error: String,
}

impl HostOutcome {
    /// The per-host rows of an `ON CLUSTER` answer (`host`, `port`, `status`, `error`, ...,
    /// tab-separated), or `None` when `output` is not such an answer.
    pub(crate) fn parse_all(output: &str) -> Option<Vec<HostOutcome>> {
        output
            .lines()
            .filter(|l| !l.is_empty())
            .map(|line| {
                let mut fields = line.split('\t');
                let host = fields.next()?.to_owned();
                let port = fields.next()?.parse().ok()?;
                let status = fields.next()?.parse().ok()?;
                let error = fields.next()?.replace("\\n", "\n").replace("\\t", "\t");
                Some(HostOutcome {
                    host,
                    port,
                    status,
                    error,
                })
            })
            .collect()
    }
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
