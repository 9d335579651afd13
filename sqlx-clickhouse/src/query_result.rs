//! [`ClickHouseQueryResult`]: what a statement changed.

/// What an executed statement reports: `rows_affected` is the rows the server says it wrote
/// (`written_rows`; an INSERT's rows, 0 for DDL and for servers that report no summary: 18.16
/// over HTTP), and the rows the statement returned.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ClickHouseQueryResult {
    pub(crate) rows_affected: u64,
    pub(crate) rows_returned: u64,
}

impl ClickHouseQueryResult {
    /// Rows the server wrote.
    pub fn rows_affected(&self) -> u64 {
        self.rows_affected
    }

    /// Rows the statement returned.
    pub fn rows_returned(&self) -> u64 {
        self.rows_returned
    }
}

impl Extend<ClickHouseQueryResult> for ClickHouseQueryResult {
    fn extend<T: IntoIterator<Item = ClickHouseQueryResult>>(&mut self, iter: T) {
        for result in iter {
            self.rows_affected += result.rows_affected;
            self.rows_returned += result.rows_returned;
        }
    }
}
