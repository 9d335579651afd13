//! [`ClickHouse`]: the sqlx `Database`.

use sqlx_core::database::Database;

use crate::{
    ClickHouseArgumentBuffer, ClickHouseArguments, ClickHouseColumn, ClickHouseConnection,
    ClickHouseQueryResult, ClickHouseRow, ClickHouseStatement, ClickHouseTransactionManager,
    ClickHouseTypeInfo, ClickHouseValue, ClickHouseValueRef,
};

/// The ClickHouse database, for sqlx.
#[derive(Debug)]
pub struct ClickHouse;

impl Database for ClickHouse {
    type Connection = ClickHouseConnection;
    type TransactionManager = ClickHouseTransactionManager;
    type Row = ClickHouseRow;
    type QueryResult = ClickHouseQueryResult;
    type Column = ClickHouseColumn;
    type TypeInfo = ClickHouseTypeInfo;
    type Value = ClickHouseValue;
    type ValueRef<'r> = ClickHouseValueRef<'r>;
    type Arguments = ClickHouseArguments;
    type ArgumentBuffer = ClickHouseArgumentBuffer;
    type Statement = ClickHouseStatement;

    const NAME: &'static str = "ClickHouse";
    const URL_SCHEMES: &'static [&'static str] = &["clickhouse", "http", "https", "tcp", "tcps"];
}
