//! [`ClickHouseRow`]: one row of a result block, its cells read in place.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono_tz::Tz;
use clickhouse_connect::Block;
use sqlx_core::column::ColumnIndex;
use sqlx_core::error::Error;
use sqlx_core::row::Row;

use crate::value::Source;
use crate::{ClickHouse, ClickHouseColumn, ClickHouseValueRef};

/// The columns of a result, shared by its rows.
#[derive(Debug)]
pub(crate) struct Columns {
    pub(crate) columns: Vec<ClickHouseColumn>,
    pub(crate) by_name: HashMap<String, usize>,
    /// The column found last by name: structs read fields in column order, so the next one is
    /// usually the column after it.
    hint: AtomicUsize,
}

impl Columns {
    pub(crate) fn of(block: &Block) -> Arc<Columns> {
        Columns::from_described(
            block
                .names()
                .iter()
                .cloned()
                .zip(block.types().cloned())
                .collect(),
        )
    }

    pub(crate) fn from_described(
        described: Vec<(String, clickhouse_connect::DataType)>,
    ) -> Arc<Columns> {
        let columns: Vec<ClickHouseColumn> = described
            .into_iter()
            .enumerate()
            .map(|(ordinal, (name, data_type))| ClickHouseColumn {
                ordinal,
                name,
                type_info: crate::ClickHouseTypeInfo::new(data_type),
            })
            .collect();
        let by_name = columns
            .iter()
            .map(|c| (c.name.clone(), c.ordinal))
            .collect();
        Arc::new(Columns {
            columns,
            by_name,
            hint: AtomicUsize::new(usize::MAX),
        })
    }
}

/// One row: the block it belongs to (shared by the block's rows, never copied) and its index.
pub struct ClickHouseRow {
    pub(crate) block: Arc<Block>,
    pub(crate) index: usize,
    pub(crate) columns: Arc<Columns>,
    pub(crate) zone: Tz,
}

impl Row for ClickHouseRow {
    type Database = ClickHouse;

    fn columns(&self) -> &[ClickHouseColumn] {
        &self.columns.columns
    }

    fn try_get_raw<I>(&self, index: I) -> Result<ClickHouseValueRef<'_>, Error>
    where
        I: ColumnIndex<Self>,
    {
        let i = index.index(self)?;
        Ok(ClickHouseValueRef {
            source: Source::Cell {
                column: &self.block.columns()[i],
                row: self.index,
                zone: self.zone,
            },
            type_info: &self.columns.columns[i].type_info,
        })
    }
}

impl Columns {
    /// The position of the column `name`: a scan for the few columns most results have (no
    /// hashing per field of every row), the map for wide ones.
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        let next = self.hint.load(Ordering::Relaxed).wrapping_add(1);
        let found = match self.columns.get(next) {
            Some(c) if c.name == name => Some(next),
            _ if self.columns.len() <= 16 => self.columns.iter().position(|c| c.name == name),
            _ => self.by_name.get(name).copied(),
        };
        if let Some(i) = found {
            self.hint.store(i, Ordering::Relaxed);
        }
        found
    }
}

impl ColumnIndex<ClickHouseRow> for &'_ str {
    fn index(&self, row: &ClickHouseRow) -> Result<usize, Error> {
        row.columns
            .position(self)
            .ok_or_else(|| Error::ColumnNotFound((*self).into()))
    }
}

impl std::fmt::Debug for ClickHouseRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (i, column) in self.columns.columns.iter().enumerate() {
            map.entry(
                &column.name,
                &self.block.columns()[i].value(self.index, self.zone),
            );
        }
        map.finish()
    }
}
