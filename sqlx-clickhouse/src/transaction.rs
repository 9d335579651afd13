//! [`ClickHouseTransactionManager`]: honest about ClickHouse having no general transactions.

use sqlx_core::error::Error;
use sqlx_core::sql_str::SqlStr;
use sqlx_core::transaction::TransactionManager;

use crate::{ClickHouse, ClickHouseConnection};

/// Transactions: by default `begin()` is an error (ClickHouse has no general transactions, and
/// a transaction that silently does nothing would lose data); with the connect option
/// `transactions=experimental`, the server's experimental `BEGIN TRANSACTION` / `COMMIT` /
/// `ROLLBACK` (MergeTree tables, a server with transactions enabled), and the server's answer
/// if it refuses.
#[derive(Debug)]
pub struct ClickHouseTransactionManager;

impl TransactionManager for ClickHouseTransactionManager {
    type Database = ClickHouse;

    async fn begin(
        conn: &mut ClickHouseConnection,
        statement: Option<SqlStr>,
    ) -> Result<(), Error> {
        if !conn.transactions {
            return Err(Error::InvalidArgument(
                "ClickHouse has no general transactions: statements take effect one by one. \
                 Connect with `transactions=experimental` to use the server's experimental \
                 BEGIN TRANSACTION (MergeTree tables, transactions enabled on the server)"
                    .into(),
            ));
        }
        if conn.depth > 0 {
            return Err(Error::InvalidArgument(
                "ClickHouse transactions do not nest".into(),
            ));
        }
        let sql = statement
            .map(|s| s.as_str().to_owned())
            .unwrap_or_else(|| "BEGIN TRANSACTION".into());
        conn.run(&sql).await?;
        conn.depth = 1;
        Ok(())
    }

    async fn commit(conn: &mut ClickHouseConnection) -> Result<(), Error> {
        if conn.depth > 0 {
            conn.run("COMMIT").await?;
            conn.depth = 0;
        }
        Ok(())
    }

    async fn rollback(conn: &mut ClickHouseConnection) -> Result<(), Error> {
        if conn.depth > 0 {
            conn.run("ROLLBACK").await?;
            conn.depth = 0;
            conn.rollback_pending = false;
        }
        Ok(())
    }

    fn start_rollback(conn: &mut ClickHouseConnection) {
        // Cannot wait here: the next statement on the connection rolls back first.
        if conn.depth > 0 {
            conn.rollback_pending = true;
        }
    }

    fn get_transaction_depth(conn: &ClickHouseConnection) -> usize {
        conn.depth
    }
}
