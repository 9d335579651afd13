//! `Tuple(T1, ..., Tn)` (and `Point`): one column per element, each with every row.

use super::Column;
use crate::native::wire::{ReadResult, Reader};
use crate::types::DataType;

pub(crate) fn read(
    elements: &[DataType],
    rows: usize,
    r: &mut Reader<'_>,
) -> ReadResult<Vec<Column>> {
    elements
        .iter()
        .map(|e| Column::read_data(e, rows, r))
        .collect()
}
