//! `Tuple(T1, ..., Tn)` (and `Point`): one column per element, each with every row. The empty
//! `Tuple()` has no element columns: the column keeps only its row count, and in Native each
//! row is one byte (the server writes `'0'` and skips whatever is there, as for `Nothing`;
//! `SerializationTuple`), so that the rows can be counted. In RowBinary a `Tuple()` value
//! takes no bytes.

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
