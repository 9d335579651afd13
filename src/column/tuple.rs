//! `Tuple(T1, ..., Tn)` (and `Point`): one column per element, each with every row.

use super::{Column, Prefix};
use crate::types::DataType;
use crate::wire::{ReadResult, Reader};

pub(crate) fn read(
    elements: &[DataType],
    prefix: &Prefix,
    rows: usize,
    r: &mut Reader<'_>,
) -> ReadResult<Vec<Column>> {
    elements
        .iter()
        .enumerate()
        .map(|(i, e)| Column::read_data_with(e, prefix.child(i), rows, r))
        .collect()
}
