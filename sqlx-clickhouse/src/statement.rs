//! [`ClickHouseStatement`]: a statement and what the server says it returns.

use std::sync::Arc;

use sqlx_core::column::ColumnIndex;
use sqlx_core::driver_prelude::Either;
use sqlx_core::error::Error;
use sqlx_core::sql_str::SqlStr;
use sqlx_core::statement::Statement;

use crate::row::Columns;
use crate::{ClickHouse, ClickHouseArguments, ClickHouseColumn, ClickHouseTypeInfo};

/// A prepared statement: ClickHouse prepares nothing server-side, so this is the SQL with the
/// result columns and parameter types the server described (`DESCRIBE (...)`).
#[derive(Debug, Clone)]
pub struct ClickHouseStatement {
    pub(crate) sql: SqlStr,
    pub(crate) columns: Arc<Columns>,
    pub(crate) parameters: Either<Vec<ClickHouseTypeInfo>, usize>,
}

impl Statement for ClickHouseStatement {
    type Database = ClickHouse;

    fn into_sql(self) -> SqlStr {
        self.sql
    }

    fn sql(&self) -> &SqlStr {
        &self.sql
    }

    fn parameters(&self) -> Option<Either<&[ClickHouseTypeInfo], usize>> {
        Some(match &self.parameters {
            Either::Left(types) => Either::Left(types),
            Either::Right(n) => Either::Right(*n),
        })
    }

    fn columns(&self) -> &[ClickHouseColumn] {
        &self.columns.columns
    }

    impl_statement_query!(ClickHouseArguments);
}

impl ColumnIndex<ClickHouseStatement> for &'_ str {
    fn index(&self, statement: &ClickHouseStatement) -> Result<usize, Error> {
        statement
            .columns
            .by_name
            .get(*self)
            .copied()
            .ok_or_else(|| Error::ColumnNotFound((*self).into()))
    }
}
