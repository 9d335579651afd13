//! [`QuerySummary`]: what a query read and wrote, as the server reports it.

/// Rows and bytes read and written by a query, from `X-ClickHouse-Summary` over HTTP (or the
/// progress packets over TCP). Servers older than ≈20.x send none: every field is then zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuerySummary {
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

impl QuerySummary {
    /// The same figures as a progress report.
    pub fn as_progress(&self) -> crate::native::packets::Progress {
        crate::native::packets::Progress {
            read_rows: self.read_rows,
            read_bytes: self.read_bytes,
            total_rows_to_read: self.total_rows_to_read,
            written_rows: self.written_rows,
            written_bytes: self.written_bytes,
            elapsed_ns: self.elapsed_ns,
        }
    }

    /// Parses the JSON of an `X-ClickHouse-Summary` or `X-ClickHouse-Progress` header; values are
    /// decimal strings (or numbers); unknown keys are ignored.
    pub fn from_json(text: &str) -> Option<QuerySummary> {
        let json: serde_json::Value = serde_json::from_str(text).ok()?;
        let field = |name: &str| -> u64 {
            match json.get(name) {
                Some(serde_json::Value::String(s)) => s.parse().unwrap_or(0),
                Some(serde_json::Value::Number(n)) => n.as_u64().unwrap_or(0),
                _ => 0,
            }
        };
        Some(QuerySummary {
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
        let s = QuerySummary::from_json(
            r#"{"read_rows":"10","read_bytes":"80","written_rows":"0","written_bytes":"0","total_rows_to_read":"10","result_rows":"10","result_bytes":"160","elapsed_ns":"1234","memory_usage":"1"}"#,
        )
        .unwrap();
        assert_eq!(
            (s.read_rows, s.read_bytes, s.result_bytes, s.elapsed_ns),
            (10, 80, 160, 1234)
        );
        assert!(QuerySummary::from_json("not json").is_none());
    }
}
