//! What an insert hands a transport: the target table and columns, and a source of blocks.

use futures_util::future::BoxFuture;

use crate::error::Result;
use crate::native::Block;
use crate::types::{DataType, backquote_if_needed};

/// The table an insert writes, and the columns it names (all insertable ones when empty).
#[derive(Debug, Clone)]
pub(crate) struct InsertTarget {
    /// The table, as the caller wrote it (it may be `db.table`).
    pub(crate) table: String,
    /// The columns the caller named.
    pub(crate) columns: Vec<String>,
}

impl InsertTarget {
    /// `INSERT INTO <table> (<columns>) <tail>`, the column list left out when empty.
    pub(crate) fn sql<S: AsRef<str>>(&self, columns: &[S], tail: &str) -> String {
        if columns.is_empty() {
            return format!("INSERT INTO {} {tail}", self.table);
        }
        let list: Vec<String> = columns
            .iter()
            .map(|c| backquote_if_needed(c.as_ref()))
            .collect();
        format!("INSERT INTO {} ({}) {tail}", self.table, list.join(", "))
    }
}

/// Produces the blocks of an insert, given the target columns and their types.
pub(crate) trait BlockSource: Send {
    /// The columns the blocks already have (a block insert), if they are fixed.
    fn fixed_columns(&self) -> Option<Vec<(String, DataType)>> {
        None
    }

    /// The next block of the target columns, `None` when there is no more data.
    fn next_block<'a>(
        &'a mut self,
        targets: &'a [(String, DataType)],
    ) -> BoxFuture<'a, Result<Option<Block>>>;

    /// Starts again from the first block, for a source that keeps its blocks (others do
    /// nothing: an insert sent again needs one that does).
    fn rewind(&mut self) {}

    /// Hands back a block the transport has encoded, for a source that fills its columns
    /// again (others drop it): the next block then needs no allocation.
    fn recycle(&mut self, block: Block) {
        drop(block);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_statements_quote_what_needs_it() {
        let target = InsertTarget {
            table: "db.t".into(),
            columns: vec![],
        };
        assert_eq!(
            target.sql(&["id", "my col"], "FORMAT Native"),
            "INSERT INTO db.t (id, `my col`) FORMAT Native"
        );
        assert_eq!(target.sql::<&str>(&[], "VALUES"), "INSERT INTO db.t VALUES");
    }
}
