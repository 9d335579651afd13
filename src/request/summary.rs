//! [`Summary`]: what a query read and wrote, as the server reports it.

use std::time::Duration;

use super::Progress;

/// Rows and bytes read and written by a query: from `X-ClickHouse-Summary` over HTTP, from the
/// Progress and ProfileInfo packets over TCP. Servers before ≈20.x send no summary over HTTP:
/// the fields the server did not report are zero, except `result_rows`, which counts the rows
/// the client received when the server did not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Rows read from tables.
    pub read_rows: u64,
    /// Bytes read from tables.
    pub read_bytes: u64,
    /// Rows written (inserted).
    pub written_rows: u64,
    /// Bytes written.
    pub written_bytes: u64,
    /// Rows the server expected to read, when it knew in advance.
    pub total_rows_to_read: u64,
    /// Rows in the result.
    pub result_rows: u64,
    /// Bytes of the result.
    pub result_bytes: u64,
    /// Server-side time in nanoseconds.
    pub elapsed_ns: u64,
}

impl Summary {
    /// The same figures as a progress report.
    pub fn as_progress(&self) -> Progress {
        Progress {
            read_rows: self.read_rows,
            read_bytes: self.read_bytes,
            total_rows_to_read: self.total_rows_to_read,
            written_rows: self.written_rows,
            written_bytes: self.written_bytes,
            elapsed: Duration::from_nanos(self.elapsed_ns),
        }
    }

    /// The summary of a query whose progress totals are `progress`.
    pub(crate) fn from_progress(progress: &Progress) -> Summary {
        Summary {
            read_rows: progress.read_rows,
            read_bytes: progress.read_bytes,
            written_rows: progress.written_rows,
            written_bytes: progress.written_bytes,
            total_rows_to_read: progress.total_rows_to_read,
            result_rows: 0,
            result_bytes: 0,
            elapsed_ns: u64::try_from(progress.elapsed.as_nanos()).unwrap_or(u64::MAX),
        }
    }

    /// Parses the JSON of an `X-ClickHouse-Summary` or `X-ClickHouse-Progress` header; values are
    /// decimal strings (or numbers); unknown keys are ignored.
    pub fn from_json(text: &str) -> Option<Summary> {
        let json: serde_json::Value = serde_json::from_str(text).ok()?;
        let field = |name: &str| -> u64 {
            match json.get(name) {
                Some(serde_json::Value::String(s)) => s.parse().unwrap_or(0),
                Some(serde_json::Value::Number(n)) => n.as_u64().unwrap_or(0),
                _ => 0,
            }
        };
        Some(Summary {
            read_rows: field("read_rows"),
            read_bytes: field("read_bytes"),
            written_rows: field("written_rows"),
            written_bytes: field("written_bytes"),
            total_rows_to_read: field("total_rows_to_read"),
            result_rows: field("result_rows"),
            result_bytes: field("result_bytes"),
            elapsed_ns: field("elapsed_ns"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_server_header() {
        let s = Summary::from_json(
            r#"{"read_rows":"10","read_bytes":"80","written_rows":"0","written_bytes":"0","total_rows_to_read":"10","result_rows":"10","result_bytes":"160","elapsed_ns":"1234","memory_usage":"1"}"#,
        )
        .unwrap();
        assert_eq!(
            (s.read_rows, s.read_bytes, s.result_bytes, s.elapsed_ns),
            (10, 80, 160, 1234)
        );
        assert_eq!(s.as_progress().elapsed, Duration::from_nanos(1234));
        assert!(Summary::from_json("not json").is_none());
    }
}
