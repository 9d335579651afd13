//! A Native block: named, typed columns of equal length.
//!
//! Wire form: [BlockInfo, only when the writer's revision is > 0] VarUInt columns, VarUInt rows,
//! then per column its name, its type string, [a `has_custom` byte from revision 54454] and, when
//! there are rows, its state prefix and data.

use crate::column::Column;
use crate::error::{Error, Result};
use crate::types::DataType;
use crate::wire::{ReadError, ReadResult, Reader, put_bytes, put_varuint};

/// The first revision whose column headers carry a `has_custom` byte.
pub(crate) const REVISION_WITH_CUSTOM_SERIALIZATION: u64 = 54454;
/// Sanity bounds for headers read from the wire.
const MAX_COLUMNS: u64 = 1 << 20;
const MAX_ROWS: u64 = 1 << 40;

/// Columns of equal length with their names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Block {
    names: Vec<String>,
    columns: Vec<Column>,
    rows: usize,
    info: BlockInfo,
}

/// The block header fields of the native protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BlockInfo {
    pub(crate) is_overflows: bool,
    pub(crate) bucket_num: i32,
}

impl Default for BlockInfo {
    fn default() -> Self {
        BlockInfo {
            is_overflows: false,
            bucket_num: -1,
        }
    }
}

impl Block {
    /// An empty block.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a column; every column must have the same number of rows.
    pub fn push(&mut self, name: impl Into<String>, column: Column) -> Result<()> {
        let name = name.into();
        if !self.columns.is_empty() && column.len() != self.rows {
            return Err(Error::invalid_input(format!(
                "column `{name}` has {} rows, the block has {}",
                column.len(),
                self.rows
            )));
        }
        self.rows = column.len();
        self.names.push(name);
        self.columns.push(column);
        Ok(())
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The number of columns.
    pub fn column_count(&self) -> usize {
        self.columns.len()
    }

    /// Whether the block has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The columns, in order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The column at `index`.
    pub fn column(&self, index: usize) -> Option<&Column> {
        self.columns.get(index)
    }

    /// The column named `name`.
    pub fn column_by_name(&self, name: &str) -> Option<&Column> {
        self.names
            .iter()
            .position(|n| n == name)
            .and_then(|i| self.columns.get(i))
    }

    /// The columns' types, in order.
    pub fn types(&self) -> impl Iterator<Item = &DataType> {
        self.columns.iter().map(Column::data_type)
    }

    /// The names and columns, consuming the block.
    pub fn into_parts(self) -> (Vec<String>, Vec<Column>) {
        (self.names, self.columns)
    }

    /// Rows `start..end` as a new block.
    pub fn slice(&self, start: usize, end: usize) -> Block {
        Block {
            names: self.names.clone(),
            columns: self.columns.iter().map(|c| c.slice(start, end)).collect(),
            rows: end - start,
            info: self.info,
        }
    }

    /// Approximate bytes held.
    pub fn byte_size(&self) -> usize {
        self.columns.iter().map(Column::byte_size).sum()
    }

    /// Reads one block written at `revision` (0 for HTTP `FORMAT Native`).
    pub(crate) fn read(r: &mut Reader<'_>, revision: u64) -> ReadResult<Block> {
        Block::read_resuming(r, revision, &mut None, &mut [])
    }

    /// Reads one block, or the rest of the block `resume` holds the first columns of (then `r`
    /// starts where they end). When the bytes run out after whole columns, `resume` keeps them
    /// for the next attempt, which reads only what is missing: trying a block that has not
    /// fully arrived costs at most one column's work again. Column `i` is read into the
    /// buffers of `spare[i]` (a spent block's column) when it is there and of the same type.
    pub(crate) fn read_resuming(
        r: &mut Reader<'_>,
        revision: u64,
        resume: &mut Option<PartialBlock>,
        spare: &mut [Option<Column>],
    ) -> ReadResult<Block> {
        let (mut block, columns, before) = match resume.take() {
            Some(partial) => {
                r.resume_block(partial.counts);
                (partial.block, partial.columns, partial.consumed)
            }
            None => {
                let (block, columns) = Block::read_header(r, revision)?;
                (block, columns, 0)
            }
        };
        while (block.columns.len() as u64) < columns {
            let at = r.position();
            let counts = r.block_counts();
            let mut none = None;
            let spare = spare.get_mut(block.columns.len()).unwrap_or(&mut none);
            match read_column(r, revision, block.rows, spare) {
                Ok((name, column)) => {
                    block.names.push(name);
                    block.columns.push(column);
                }
                Err(ReadError::Incomplete) => {
                    *resume = Some(PartialBlock {
                        block,
                        columns,
                        consumed: before + at,
                        counts,
                    });
                    return Err(ReadError::Incomplete);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(block)
    }

    /// The block info and header: an empty block of the rows, and how many columns follow.
    fn read_header(r: &mut Reader<'_>, revision: u64) -> ReadResult<(Block, u64)> {
        r.start_block();
        let info = if revision > 0 {
            read_block_info(r)?
        } else {
            BlockInfo::default()
        };
        let columns = r.varuint()?;
        let rows = r.varuint()?;
        if columns > MAX_COLUMNS || rows > MAX_ROWS {
            return Err(r.invalid(format!(
                "implausible block header: {columns} columns, {rows} rows"
            )));
        }
        let rows = rows as usize;
        if columns == 0 {
            // Servers write no rows without columns; rows alone take no bytes.
            r.rows_without_bytes(rows, "a block without columns")?;
        }
        let block = Block {
            info,
            rows,
            ..Block::default()
        };
        Ok((block, columns))
    }

    /// Appends the block as written at `revision` (0 for HTTP `FORMAT Native`).
    pub(crate) fn write(&self, out: &mut Vec<u8>, revision: u64) {
        if revision > 0 {
            write_block_info(out, &self.info);
        }
        put_varuint(out, self.columns.len() as u64);
        put_varuint(out, self.rows as u64);
        for (name, column) in self.names.iter().zip(&self.columns) {
            put_bytes(out, name.as_bytes());
            put_bytes(out, column.data_type().to_string().as_bytes());
            if revision >= REVISION_WITH_CUSTOM_SERIALIZATION {
                out.push(0);
            }
            if self.rows > 0 {
                column.write_prefix(out);
                column.write_data(out);
            }
        }
    }
}

/// The first columns of a block whose bytes ran out (see [`Block::read_resuming`]).
#[derive(Debug)]
pub(crate) struct PartialBlock {
    block: Block,
    /// The columns the block has in all.
    columns: u64,
    /// The bytes of the header and the whole columns read.
    consumed: usize,
    /// The reader's per-block counts after them.
    counts: (u64, u64),
}

impl PartialBlock {
    /// The bytes of the block already read: the next attempt starts after them.
    pub(crate) fn consumed(&self) -> usize {
        self.consumed
    }
}

/// One column of a block of `rows` rows: its name, type, serialization kinds and data.
fn read_column(
    r: &mut Reader<'_>,
    revision: u64,
    rows: usize,
    spare: &mut Option<Column>,
) -> ReadResult<(String, Column)> {
    let name = r.column_name()?;
    let at_type = r.offset();
    let type_text = r.text("type name", crate::wire::MAX_TYPE_NAME)?;
    let with_column = |e: Error| ReadError::Invalid(e.in_column(&name));
    let data_type = DataType::parse(&type_text)
        .map_err(|e| ReadError::Invalid(Error::decode(at_type, format!("column `{name}`: {e}"))))?;
    let sparse = if revision >= REVISION_WITH_CUSTOM_SERIALIZATION && r.u8()? != 0 {
        crate::column::sparse::read_kinds(&data_type, r).map_err(|e| match e {
            ReadError::Invalid(e) => with_column(e),
            incomplete => incomplete,
        })?
    } else {
        false
    };
    let column = if rows == 0 {
        Column::empty(data_type).map_err(with_column)?
    } else {
        Column::read_prefix(&data_type, r)
            .and_then(|prefix| {
                if sparse {
                    crate::column::sparse::read(&data_type, &prefix, rows, r)
                } else {
                    Column::read_data_reusing(&data_type, &prefix, rows, r, spare)
                }
            })
            .map_err(|e| match e {
                ReadError::Invalid(e) => with_column(e),
                incomplete => incomplete,
            })?
    };
    Ok((name, column))
}

fn read_block_info(r: &mut Reader<'_>) -> ReadResult<BlockInfo> {
    let mut info = BlockInfo::default();
    loop {
        let at = r.offset();
        match r.varuint()? {
            0 => return Ok(info),
            1 => info.is_overflows = r.u8()? != 0,
            2 => info.bucket_num = r.i32_le()?,
            3 => {
                // Out-of-order bucket numbers (revision 54480+): a count and Int32 values.
                let n = r.length("bucket count", 1 << 20)?;
                r.take(n * 4)?;
            }
            field => {
                return Err(ReadError::Invalid(Error::decode(
                    at,
                    format!("unknown BlockInfo field {field}"),
                )));
            }
        }
    }
}

fn write_block_info(out: &mut Vec<u8>, info: &BlockInfo) {
    out.push(1);
    out.push(u8::from(info.is_overflows));
    out.push(2);
    out.extend_from_slice(&info.bucket_num.to_le_bytes());
    out.push(0);
}
