//! [`ClickHouseValue`] and [`ClickHouseValueRef`]: one cell, owned or borrowed from a row.

use std::borrow::Cow;

use chrono_tz::Tz;
use clickhouse_connect::column::ColumnData;
use clickhouse_connect::{Column, Value};
use sqlx_core::value::{Value as SqlxValue, ValueRef};

use crate::{ClickHouse, ClickHouseTypeInfo};

/// A value owned apart from any row.
#[derive(Debug, Clone)]
pub struct ClickHouseValue {
    pub(crate) value: Value,
    pub(crate) type_info: ClickHouseTypeInfo,
}

impl ClickHouseValue {
    /// The driver's value.
    pub fn value(&self) -> &Value {
        &self.value
    }
}

/// A cell of a row (or an owned value), borrowed.
#[derive(Debug, Clone)]
pub struct ClickHouseValueRef<'r> {
    pub(crate) source: Source<'r>,
    pub(crate) type_info: &'r ClickHouseTypeInfo,
}

#[derive(Debug, Clone)]
pub(crate) enum Source<'r> {
    /// Row `row` of a column of a result block; date-times without a zone are read in `zone`.
    Cell {
        column: &'r Column,
        row: usize,
        zone: Tz,
    },
    Owned(&'r Value),
}

impl<'r> ClickHouseValueRef<'r> {
    /// The value, as the driver reads it.
    pub fn value(&self) -> Value {
        match &self.source {
            Source::Cell { column, row, zone } => column.value(*row, *zone),
            Source::Owned(value) => (*value).clone(),
        }
    }

    /// The bytes of a `String`/`FixedString` cell, borrowed (also `Nullable` and
    /// `LowCardinality` ones); `None` for other types.
    pub(crate) fn bytes(&self) -> Option<&'r [u8]> {
        match &self.source {
            Source::Cell { column, row, .. } => cell_bytes(column, *row),
            Source::Owned(Value::String(bytes)) => Some(bytes),
            Source::Owned(_) => None,
        }
    }

    /// The type of the cell's column.
    pub fn clickhouse_type(&self) -> &'r ClickHouseTypeInfo {
        self.type_info
    }
}

fn cell_bytes(column: &Column, row: usize) -> Option<&[u8]> {
    match column.data() {
        ColumnData::String(s) | ColumnData::Json(s) => s.get(row),
        ColumnData::FixedString(s) => s.get(row),
        ColumnData::Nullable(n) => cell_bytes(n.values(), row),
        ColumnData::LowCardinality(lc) => cell_bytes(lc.dictionary(), lc.index(row)?),
        _ => None,
    }
}

fn cell_is_null(column: &Column, row: usize) -> bool {
    match column.data() {
        ColumnData::Nullable(n) => n.is_null(row),
        ColumnData::LowCardinality(lc) => lc.is_nullable() && lc.index(row).is_none(),
        ColumnData::Nothing(_) => true,
        ColumnData::Variant(_) | ColumnData::Dynamic(_) => column.value(row, Tz::UTC).is_null(),
        _ => false,
    }
}

impl<'r> ValueRef<'r> for ClickHouseValueRef<'r> {
    type Database = ClickHouse;

    fn to_owned(&self) -> ClickHouseValue {
        ClickHouseValue {
            value: self.value(),
            type_info: self.type_info.clone(),
        }
    }

    fn type_info(&self) -> Cow<'_, ClickHouseTypeInfo> {
        Cow::Borrowed(self.type_info)
    }

    fn is_null(&self) -> bool {
        match &self.source {
            Source::Cell { column, row, .. } => cell_is_null(column, *row),
            Source::Owned(value) => value.is_null(),
        }
    }
}

impl SqlxValue for ClickHouseValue {
    type Database = ClickHouse;

    fn as_ref(&self) -> ClickHouseValueRef<'_> {
        ClickHouseValueRef {
            source: Source::Owned(&self.value),
            type_info: &self.type_info,
        }
    }

    fn type_info(&self) -> Cow<'_, ClickHouseTypeInfo> {
        Cow::Borrowed(&self.type_info)
    }

    fn is_null(&self) -> bool {
        self.value.is_null()
    }
}
