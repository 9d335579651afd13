//! [`ClientExt`]: running dialect statements with the `clickhouse-connect` driver, their
//! values bound as typed server-side parameters.

use std::future::Future;

use clickhouse_connect::{Client, Command, CommandResult, Query, QueryResult};

use crate::error::{Error, Result};
use crate::statement::ChStatement;

/// Runs [`ChStatement`]s on a [`Client`].
///
/// ```no_run
/// # async fn run() -> sea_query_clickhouse::Result<()> {
/// use clickhouse_connect::Client;
/// use sea_query::{Expr, ExprTrait, Query};
/// use sea_query_clickhouse::ClientExt;
///
/// let client = Client::builder().url("http://localhost:8123").build()?;
/// let select = Query::select().expr(Expr::val(1).add(1)).to_owned();
/// let result = client.query_statement(&select).await?;
/// assert_eq!(result.scalar::<i64>()?, 2);
/// # Ok(())
/// # }
/// ```
pub trait ClientExt {
    /// The statement as a driver query with its parameters bound; set options, then await it.
    ///
    /// A statement with its own `FORMAT` ([`ChSelect::format`](crate::ChSelect::format)) is an
    /// [`Error::Unsupported`]: the driver asks for Native and decodes it, and has no raw-bytes
    /// query yet.
    fn statement_query(&self, statement: &impl ChStatement) -> Result<Query<'static>>;

    /// The statement as a driver command with its parameters bound; set options, then await it.
    fn statement_command(&self, statement: &impl ChStatement) -> Result<Command<'static>>;

    /// Runs a statement that returns rows and collects them.
    fn query_statement(
        &self,
        statement: &impl ChStatement,
    ) -> impl Future<Output = Result<QueryResult>> + Send;

    /// Runs a statement that returns no rows (DDL, INSERT, DELETE, mutations).
    fn execute_statement(
        &self,
        statement: &impl ChStatement,
    ) -> impl Future<Output = Result<CommandResult>> + Send;
}

impl ClientExt for Client {
    fn statement_query(&self, statement: &impl ChStatement) -> Result<Query<'static>> {
        if let Some(format) = statement.output_format() {
            return Err(Error::Unsupported(format!(
                "FORMAT {format} on a typed query: the driver reads Native and has no raw-bytes \
                 query yet; drop the FORMAT, or send the SQL of `to_sql`/`build_typed` with a \
                 client that returns the bytes"
            )));
        }
        let typed = statement.build_typed()?;
        let mut query = self.query(typed.sql);
        for (name, value) in typed.params {
            query = query.param(name, value);
        }
        Ok(query)
    }

    fn statement_command(&self, statement: &impl ChStatement) -> Result<Command<'static>> {
        let typed = statement.build_typed()?;
        let mut command = self.command(typed.sql);
        for (name, value) in typed.params {
            command = command.param(name, value);
        }
        Ok(command)
    }

    fn query_statement(
        &self,
        statement: &impl ChStatement,
    ) -> impl Future<Output = Result<QueryResult>> + Send {
        let query = self.statement_query(statement);
        async move { Ok(query?.await?) }
    }

    fn execute_statement(
        &self,
        statement: &impl ChStatement,
    ) -> impl Future<Output = Result<CommandResult>> + Send {
        let command = self.statement_command(statement);
        async move { Ok(command?.await?) }
    }
}
