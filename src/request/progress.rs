//! [`Progress`]: how far a query has come, the same on both transports.

use std::time::Duration;

/// The totals of a query so far, as the server reports them (Progress packets over TCP,
/// `X-ClickHouse-Progress` headers over HTTP).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Rows read from tables.
    pub read_rows: u64,
    /// Bytes read from tables.
    pub read_bytes: u64,
    /// Rows the server expects to read in all, when it knows (0 otherwise).
    pub total_rows_to_read: u64,
    /// Rows written.
    pub written_rows: u64,
    /// Bytes written.
    pub written_bytes: u64,
    /// Server-side time spent, when the server reports it (newer servers).
    pub elapsed: Duration,
}

impl Progress {
    /// The share of `total_rows_to_read` read so far, when the server said a total.
    pub fn fraction(&self) -> Option<f64> {
        (self.total_rows_to_read > 0)
            .then(|| (self.read_rows as f64 / self.total_rows_to_read as f64).min(1.0))
    }

    /// Adds an increment (the native protocol sends increments).
    pub(crate) fn add(&mut self, other: &Progress) {
        self.read_rows += other.read_rows;
        self.read_bytes += other.read_bytes;
        self.total_rows_to_read += other.total_rows_to_read;
        self.written_rows += other.written_rows;
        self.written_bytes += other.written_bytes;
        self.elapsed += other.elapsed;
    }
}
