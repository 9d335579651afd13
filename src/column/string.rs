//! `String` and `FixedString(N)`: one contiguous byte buffer per column.

use crate::native::wire::{ReadError, ReadResult, Reader, put_varuint, varuint_len};

/// `String` values, kept as they travel: one buffer of every row's length (LEB128) and bytes,
/// plus the end of each row in it.
///
/// Decoding is one walk over the length prefixes and one bulk copy; encoding is one copy. A
/// row's bytes start after its length prefix, whose size follows from the row's total size.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StringColumn {
    wire: Vec<u8>,
    ends: Vec<usize>,
}

impl StringColumn {
    /// An empty column with room for `rows` values of `bytes` bytes in all.
    pub fn with_capacity(rows: usize, bytes: usize) -> Self {
        StringColumn {
            wire: Vec::with_capacity(bytes + rows),
            ends: Vec::with_capacity(rows),
        }
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The bytes of row `i`.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        (i < self.len()).then(|| &self.wire[self.range(i)])
    }

    /// Where row `i`'s bytes lie in [`wire_bytes`](Self::wire_bytes). Panics if `i` is out
    /// of range.
    #[inline]
    pub(crate) fn range(&self, i: usize) -> std::ops::Range<usize> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        let end = self.ends[i];
        start + prefix_len(end - start)..end
    }

    /// Every row's bytes, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The rows as they travel in Native: each row's length (LEB128), then its bytes.
    pub fn wire_bytes(&self) -> &[u8] {
        &self.wire
    }

    /// Appends a row.
    pub fn push(&mut self, value: &[u8]) {
        put_varuint(&mut self.wire, value.len() as u64);
        self.wire.extend_from_slice(value);
        self.ends.push(self.wire.len());
    }

    pub(crate) fn byte_size(&self) -> usize {
        self.wire.len() + self.ends.len() * 8
    }

    pub(crate) fn read(rows: usize, r: &mut Reader<'_>) -> ReadResult<Self> {
        // One walk over the length prefixes finds every row's end (and that all bytes have
        // arrived); one copy takes them. Every row takes at least its length byte, so fewer
        // bytes than rows cannot be a whole column.
        let buf = r.rest();
        if buf.len() < rows {
            return Err(ReadError::Incomplete);
        }
        let mut ends = vec![0; rows];
        let mut pos = 0usize;
        for end in &mut ends {
            let (len, prefix) = match buf.get(pos) {
                Some(&b) if b < 0x80 => (b as usize, 1),
                Some(_) => {
                    let mut sub = Reader::new(&buf[pos..], r.offset() + pos as u64);
                    let len = sub.length("string length", 1 << 32)?;
                    (len, sub.position())
                }
                None => return Err(ReadError::Incomplete),
            };
            pos += prefix + len;
            if pos > buf.len() {
                return Err(ReadError::Incomplete);
            }
            *end = pos;
        }
        let wire = r.take(pos)?.to_vec();
        Ok(StringColumn { wire, ends })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.wire);
    }

    pub(crate) fn slice(&self, start: usize, end: usize) -> Self {
        let from = if start == 0 { 0 } else { self.ends[start - 1] };
        let to = if end == 0 { 0 } else { self.ends[end - 1] };
        StringColumn {
            wire: self.wire[from..to].to_vec(),
            ends: self.ends[start..end].iter().map(|e| e - from).collect(),
        }
    }
}

/// A string column's rows as text, with the UTF-8 check done once for the whole buffer.
///
/// The whole wire buffer (length prefixes and rows) is checked once; a valid buffer cut at
/// character boundaries gives valid rows (`str::get` checks both ends). When the buffer is not
/// UTF-8, e.g. because a row of 128 bytes or more has a prefix byte above 0x7F, rows are
/// checked one by one.
#[derive(Clone, Copy)]
pub(crate) struct TextRows<'a> {
    column: &'a StringColumn,
    whole: Option<&'a str>,
}

impl<'a> TextRows<'a> {
    pub(crate) fn new(column: &'a StringColumn) -> Self {
        TextRows {
            column,
            whole: std::str::from_utf8(&column.wire).ok(),
        }
    }

    /// Row `i` as text, or its bytes when they are not UTF-8.
    #[inline(always)]
    pub(crate) fn get(&self, i: usize) -> Result<&'a str, &'a [u8]> {
        let range = self.column.range(i);
        if let Some(text) = self.whole.and_then(|whole| whole.get(range.clone())) {
            return Ok(text);
        }
        let bytes = &self.column.wire[range];
        std::str::from_utf8(bytes).map_err(|_| bytes)
    }
}

/// The size of the length prefix of a row that takes `total` bytes with its prefix
/// (`total = len + varuint_len(len)`; the unit tests check every length class).
#[inline(always)]
fn prefix_len(total: usize) -> usize {
    if total <= 128 {
        1
    } else {
        varuint_len((total - varuint_len(total as u64)) as u64)
    }
}

/// `FixedString(N)` values: `N` bytes per row, back to back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedStringColumn {
    width: usize,
    data: Vec<u8>,
}

impl FixedStringColumn {
    /// An empty column of `FixedString(width)`.
    pub fn new(width: usize) -> Self {
        FixedStringColumn {
            width,
            data: Vec::new(),
        }
    }

    /// `N`, the bytes per row.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.data.len().checked_div(self.width).unwrap_or(0)
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The `N` bytes of row `i` (zero-padded as stored).
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        self.data.get(i * self.width..(i + 1) * self.width)
    }

    /// Appends a row, zero-padding it to `N` bytes; `false` (and nothing appended) if longer.
    pub fn push(&mut self, value: &[u8]) -> bool {
        if value.len() > self.width {
            return false;
        }
        self.data.extend_from_slice(value);
        self.data
            .resize(self.data.len() + self.width - value.len(), 0);
        true
    }

    pub(crate) fn byte_size(&self) -> usize {
        self.data.len()
    }

    pub(crate) fn read(width: usize, rows: usize, r: &mut Reader<'_>) -> ReadResult<Self> {
        let len = rows
            .checked_mul(width)
            .ok_or_else(|| r.invalid("FixedString size overflows"))?;
        Ok(FixedStringColumn {
            width,
            data: r.take(len)?.to_vec(),
        })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.data);
    }

    pub(crate) fn slice(&self, start: usize, end: usize) -> Self {
        FixedStringColumn {
            width: self.width,
            data: self.data[start * self.width..end * self.width].to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_size_follows_from_the_row_size() {
        for shift in 0..=35u32 {
            let boundary = 1usize << shift;
            for len in boundary.saturating_sub(3)..boundary + 3 {
                let total = len + varuint_len(len as u64);
                assert_eq!(prefix_len(total), varuint_len(len as u64), "len {len}");
            }
        }
    }

    #[test]
    fn rows_of_every_length_class_read_back_and_slice() {
        let rows: Vec<Vec<u8>> = [0usize, 1, 127, 128, 129, 16383, 16384, 70000]
            .iter()
            .map(|&n| (0..n).map(|i| (i % 251) as u8).collect())
            .collect();
        let mut column = StringColumn::default();
        rows.iter().for_each(|row| column.push(row));
        let mut wire = Vec::new();
        column.write(&mut wire);
        let read = StringColumn::read(rows.len(), &mut Reader::new(&wire, 0)).unwrap();
        assert_eq!(read, column);
        assert_eq!(
            read.iter().collect::<Vec<_>>(),
            rows.iter().map(Vec::as_slice).collect::<Vec<_>>()
        );
        let middle = read.slice(2, 6);
        assert_eq!(
            middle.iter().collect::<Vec<_>>(),
            rows[2..6].iter().map(Vec::as_slice).collect::<Vec<_>>()
        );
        assert!(read.slice(3, 3).is_empty());
        assert!(matches!(
            StringColumn::read(rows.len(), &mut Reader::new(&wire[..wire.len() - 1], 0)),
            Err(ReadError::Incomplete)
        ));
    }
}
