//! `Tuple(T1, ..., Tn)` (and `Point`): one column per element, each with every row. The empty
//! `Tuple()` has no columns, so its rows take no bytes: they are counted against the block's
//! bound for such rows.

use super::{Column, Prefix};
use crate::types::DataType;
use crate::wire::{ReadResult, Reader};

pub(crate) fn read(
    elements: &[DataType],
    prefix: &Prefix,
    rows: usize,
    r: &mut Reader<'_>,
) -> ReadResult<Vec<Column>> {
    if elements.is_empty() {
        r.rows_without_bytes(rows, "Tuple()")?;
    }
    elements
        .iter()
        .enumerate()
        .map(|(i, e)| Column::read_data_with(e, prefix.child(i), rows, r))
        .collect()
}
