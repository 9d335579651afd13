//! Progress: increments of rows and bytes read and written (the client sums them).

use super::revision;
use crate::wire::{ReadResult, Reader};

/// Rows and bytes processed since the previous Progress packet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Rows read.
    pub read_rows: u64,
    /// Bytes read.
    pub read_bytes: u64,
    /// Rows the server expects to read in all (an increment too).
    pub total_rows_to_read: u64,
    /// Rows written.
    pub written_rows: u64,
    /// Bytes written.
    pub written_bytes: u64,
    /// Server time spent, in nanoseconds.
    pub elapsed_ns: u64,
}

impl Progress {
    pub(crate) fn read(r: &mut Reader<'_>, rev: u64) -> ReadResult<Self> {
        let mut p = Progress {
            read_rows: r.varuint()?,
            read_bytes: r.varuint()?,
            total_rows_to_read: r.varuint()?,
            ..Default::default()
        };
        if rev >= revision::TOTAL_BYTES_IN_PROGRESS {
            r.varuint()?;
        }
        if rev >= revision::CLIENT_WRITE_INFO {
            p.written_rows = r.varuint()?;
            p.written_bytes = r.varuint()?;
        }
        if rev >= revision::SERVER_QUERY_TIME_IN_PROGRESS {
            p.elapsed_ns = r.varuint()?;
        }
        Ok(p)
    }

    /// Adds another increment.
    pub fn add(&mut self, other: &Progress) {
        self.read_rows += other.read_rows;
        self.read_bytes += other.read_bytes;
        self.total_rows_to_read += other.total_rows_to_read;
        self.written_rows += other.written_rows;
        self.written_bytes += other.written_bytes;
        self.elapsed_ns += other.elapsed_ns;
    }
}
