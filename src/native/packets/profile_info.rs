//! ProfileInfo: the result's size and whether a LIMIT applied.

use super::revision;
use crate::wire::{ReadResult, Reader};

/// What the server reports about the result at its end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProfileInfo {
    /// Rows in the result.
    pub rows: u64,
    /// Blocks in the result.
    pub blocks: u64,
    /// Bytes of the result.
    pub bytes: u64,
    /// Whether a LIMIT cut the result.
    pub applied_limit: bool,
    /// Rows there would have been without the LIMIT.
    pub rows_before_limit: u64,
    /// Whether `rows_before_limit` was computed.
    pub calculated_rows_before_limit: bool,
}

impl ProfileInfo {
    pub(crate) fn read(r: &mut Reader<'_>, rev: u64) -> ReadResult<Self> {
        let info = ProfileInfo {
            rows: r.varuint()?,
            blocks: r.varuint()?,
            bytes: r.varuint()?,
            applied_limit: r.u8()? != 0,
            rows_before_limit: r.varuint()?,
            calculated_rows_before_limit: r.u8()? != 0,
        };
        if rev >= revision::ROWS_BEFORE_AGGREGATION {
            r.u8()?;
            r.varuint()?;
        }
        Ok(info)
    }
}
