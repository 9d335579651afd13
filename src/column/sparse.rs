//! Sparse columns (`has_custom = 1` with the SPARSE kind): only the non-default values travel,
//! after a stream of VarUInt gaps. A gap is the number of default rows before the next value; a
//! VarUInt with bit 62 set ends the stream, its low bits counting the trailing defaults. The
//! column is rebuilt dense, with the type's default in the other rows.

use super::{Column, Prefix};
use crate::error::Error;
use crate::types::DataType;
use crate::wire::{ReadError, ReadResult, Reader};

const END_OF_GRANULE: u64 = 1 << 62;

/// The serialization kinds a column header announces.
const KIND_DEFAULT: u8 = 0;
const KIND_SPARSE: u8 = 1;

/// Reads the kind byte(s) of a column with custom serialization: whether it is sparse.
/// (Tuples carry one kind per element after their own; only a whole sparse column is read.)
pub(crate) fn read_kinds(data_type: &DataType, r: &mut Reader<'_>) -> ReadResult<bool> {
    let at = r.offset();
    let kind = r.u8()?;
    if let DataType::Tuple(elements) = data_type {
        for element in elements {
            if read_kinds(&element.data_type, r)? {
                return Err(ReadError::Invalid(Error::decode(
                    at,
                    "sparse tuple elements are not supported",
                )));
            }
        }
    }
    match kind {
        KIND_DEFAULT => Ok(false),
        KIND_SPARSE => Ok(true),
        other => Err(ReadError::Invalid(Error::decode(
            at,
            format!("serialization kind {other} is not supported"),
        ))),
    }
}

/// Reads a sparse column of `rows` rows and returns it dense.
pub(crate) fn read(
    data_type: &DataType,
    prefix: &Prefix,
    rows: usize,
    r: &mut Reader<'_>,
) -> ReadResult<Column> {
    let at = r.offset();
    let mut value_rows = Vec::new();
    let mut row = 0u64;
    loop {
        let gap = r.varuint()?;
        if gap & END_OF_GRANULE != 0 {
            row = row.saturating_add(gap & !END_OF_GRANULE);
            break;
        }
        row = row.saturating_add(gap);
        if row >= rows as u64 {
            row = row.saturating_add(1);
            break;
        }
        value_rows.push(row);
        row += 1;
    }
    if row != rows as u64 {
        return Err(ReadError::Invalid(Error::decode(
            at,
            format!("sparse offsets cover {row} rows, the block has {rows}"),
        )));
    }
    r.sparse_defaults((rows - value_rows.len()) as u64)?;
    let values = Column::read_data_with(data_type, prefix, value_rows.len(), r)?;
    let mut dense = Column::empty(data_type.clone()).map_err(ReadError::Invalid)?;
    let mut next = value_rows.iter().copied().enumerate().peekable();
    for i in 0..rows as u64 {
        let pushed = match next.peek() {
            Some(&(k, at_row)) if at_row == i => {
                next.next();
                dense.push_value(&values.value(k, chrono_tz::Tz::UTC))
            }
            _ => dense.push_default(),
        };
        pushed.map_err(ReadError::Invalid)?;
    }
    Ok(dense)
}
