//! [`ClickHouseTypeInfo`]: a ClickHouse type, for sqlx.

use std::fmt;

use clickhouse_connect::DataType;
use sqlx_core::type_info::TypeInfo;

/// A ClickHouse type ([`DataType`]), as sqlx sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClickHouseTypeInfo {
    data_type: DataType,
    name: String,
}

impl ClickHouseTypeInfo {
    /// The type info of `data_type`.
    pub fn new(data_type: DataType) -> Self {
        let name = data_type.to_string();
        ClickHouseTypeInfo { data_type, name }
    }

    /// The ClickHouse type.
    pub fn data_type(&self) -> &DataType {
        &self.data_type
    }

    /// The type with `Nullable` and `LowCardinality` wrappers (and a simple aggregate's
    /// function) seen through: what a value of it is.
    pub(crate) fn base(&self) -> &DataType {
        base(&self.data_type)
    }
}

/// `t` without `Nullable`, `LowCardinality` and `SimpleAggregateFunction` around it.
pub(crate) fn base(t: &DataType) -> &DataType {
    match t.stored() {
        DataType::Nullable(inner) | DataType::LowCardinality(inner) => base(inner),
        other => other,
    }
}

impl fmt::Display for ClickHouseTypeInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl TypeInfo for ClickHouseTypeInfo {
    fn is_null(&self) -> bool {
        matches!(self.data_type, DataType::Nothing)
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn type_compatible(&self, other: &Self) -> bool {
        base(&self.data_type) == base(&other.data_type)
    }
}
