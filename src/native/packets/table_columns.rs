//! TableColumns: the insert target's column description (defaults), sent before its header.

use crate::wire::{MAX_MESSAGE, MAX_NAME, ReadResult, Reader};

/// The text description of a table's columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableColumns {
    /// The table ("" for the insert target).
    pub table: String,
    /// `columns format version: 1` and one line per column.
    pub description: String,
}

impl TableColumns {
    pub(crate) fn read(r: &mut Reader<'_>) -> ReadResult<Self> {
        Ok(TableColumns {
            table: String::from_utf8_lossy(r.bounded_bytes("table name", MAX_NAME)?).into_owned(),
            description: String::from_utf8_lossy(
                r.bounded_bytes("table description", MAX_MESSAGE)?,
            )
            .into_owned(),
        })
    }
}
