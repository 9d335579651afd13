//! Typed rows of a [`Block`]: the value layer's methods on the native layer's block (the block
//! itself knows nothing of rows as Rust types).

use chrono_tz::Tz;

use super::FromBlock;
use crate::error::Result;
use crate::native::Block;

impl Block {
    /// Every row as `T` through serde (struct fields are matched to columns once per block);
    /// `DateTime` columns without a zone are read in `zone`.
    pub fn rows_as<'a, T: serde::Deserialize<'a>>(
        &'a self,
        zone: Tz,
    ) -> impl Iterator<Item = Result<T>> + 'a {
        super::de::rows(self, zone)
    }

    /// Every row as `T`, read column by column (see [`FromBlock`]): each field's column is found
    /// and checked once, then rows are built straight from the buffers; `DateTime` columns
    /// without a zone are read in `zone`.
    pub fn rows_of<'a, T: FromBlock<'a>>(
        &'a self,
        zone: Tz,
    ) -> Result<impl Iterator<Item = Result<T>> + 'a>
    where
        T::Columns: 'a,
    {
        super::from_block::rows(self, zone)
    }
}
