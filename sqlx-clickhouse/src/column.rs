//! [`ClickHouseColumn`]: a result column's name, position and type.

use sqlx_core::column::Column;

use crate::{ClickHouse, ClickHouseTypeInfo};

/// A column of a result or a prepared statement.
#[derive(Debug, Clone)]
pub struct ClickHouseColumn {
    pub(crate) ordinal: usize,
    pub(crate) name: String,
    pub(crate) type_info: ClickHouseTypeInfo,
}

impl Column for ClickHouseColumn {
    type Database = ClickHouse;

    fn ordinal(&self) -> usize {
        self.ordinal
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn type_info(&self) -> &ClickHouseTypeInfo {
        &self.type_info
    }
}
