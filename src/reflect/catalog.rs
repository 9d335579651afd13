//! [`Catalog`]: what the server's system tables hold, by version. Every rule reflection
//! depends on is here, declared with the version that brought it; the queries ask only for what
//! the server has, and read the rest from `create_table_query`.
//!
//! Each threshold is the first version known to have the column (from the ClickHouse pull
//! request that added it, or a later release seen with it). A threshold set too late only
//! means reading from `create_table_query` on a few versions that could have answered from a
//! system table; one set too early would break the query, so none is guessed early.

use crate::request::ServerInfo;

/// The system-table columns a server has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Catalog {
    major: u32,
    minor: u32,
}

impl Catalog {
    pub(crate) fn of(info: &ServerInfo) -> Self {
        Catalog {
            major: info.major,
            minor: info.minor,
        }
    }

    #[cfg(test)]
    pub(crate) fn version(major: u32, minor: u32) -> Self {
        Catalog { major, minor }
    }

    fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }

    /// `system.columns.compression_codec`: 19.1, with column codecs themselves (ClickHouse
    /// PR #4054). Older servers have no codecs.
    pub(crate) fn columns_codec(&self) -> bool {
        self.at_least(19, 1)
    }

    /// `system.columns.position`: 20.6 (PR #11655, June 2020). Before it, the rows of a table
    /// come in the table's order, which gives the same positions.
    pub(crate) fn columns_position(&self) -> bool {
        self.at_least(20, 6)
    }

    /// `system.tables.uuid`: present in 20.8 (its `system.tables` lists it; `Atomic`
    /// databases, which give tables UUIDs, arrived in 20.5).
    pub(crate) fn tables_uuid(&self) -> bool {
        self.at_least(20, 8)
    }

    /// `system.tables.comment`: 21.6, with table comments themselves (none before).
    pub(crate) fn tables_comment(&self) -> bool {
        self.at_least(21, 6)
    }

    /// `system.data_skipping_indices` with `type_full` (the type's arguments): the table came
    /// in 21.8 (PR #25693), `type_full` in 22.12 (PR #43308). Before, indexes are read from
    /// `create_table_query` (18.x servers have none).
    pub(crate) fn skipping_indices(&self) -> bool {
        self.at_least(22, 12)
    }

    /// `system.data_skipping_indices.creation`: 26.1 (PR #92378). Servers from then may add
    /// indexes of their own (`add_minmax_index_for_numeric_columns`), which the table's
    /// statement does not declare; only the `Explicit` ones are the table's definition.
    pub(crate) fn skipping_indices_creation(&self) -> bool {
        self.at_least(26, 1)
    }

    /// `system.projections`: 24.10 (PR #68901). Projections themselves came in 21.6; before
    /// 24.10 they are read from `create_table_query`.
    pub(crate) fn projections(&self) -> bool {
        self.at_least(24, 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_engines() {
        let old = Catalog::version(18, 16);
        assert!(!old.columns_codec() && !old.columns_position() && !old.tables_uuid());
        assert!(!old.tables_comment() && !old.skipping_indices() && !old.projections());
        let new = Catalog::version(26, 9);
        assert!(new.columns_codec() && new.columns_position() && new.tables_uuid());
        assert!(new.tables_comment() && new.skipping_indices() && new.projections());
        assert!(Catalog::version(22, 12).skipping_indices());
        assert!(!Catalog::version(22, 11).skipping_indices());
        assert!(!Catalog::version(24, 9).projections());
    }
}
