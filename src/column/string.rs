//! `String` and `FixedString(N)`: one contiguous byte buffer per column.

use crate::native::wire::{ReadError, ReadResult, Reader, put_varuint, varuint_len};

/// `String` values: all bytes in one buffer, plus the end offset of each row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StringColumn {
    data: Vec<u8>,
    ends: Vec<usize>,
}

impl StringColumn {
    /// An empty column with room for `rows` values of `bytes` bytes in all.
    pub fn with_capacity(rows: usize, bytes: usize) -> Self {
        StringColumn {
            data: Vec::with_capacity(bytes),
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
        (i < self.len()).then(|| &self.data[self.range(i)])
    }

    /// Where row `i` lies in [`bytes`](Self::bytes). Panics if `i` is out of range.
    #[inline]
    pub(crate) fn range(&self, i: usize) -> std::ops::Range<usize> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        start..self.ends[i]
    }

    /// Every row's bytes, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// All rows' bytes back to back.
    pub fn bytes(&self) -> &[u8] {
        &self.data
    }

    /// Appends a row.
    pub fn push(&mut self, value: &[u8]) {
        self.data.extend_from_slice(value);
        self.ends.push(self.data.len());
    }

    pub(crate) fn byte_size(&self) -> usize {
        self.data.len() + self.ends.len() * 8
    }

    pub(crate) fn read(rows: usize, r: &mut Reader<'_>) -> ReadResult<Self> {
        // Pass 1 walks the length prefixes to find every row's end (and that all bytes have
        // arrived); pass 2 copies the bytes into a buffer of exactly the right size. Every row
        // takes at least its length byte, so no capacity here exceeds the bytes at hand.
        let buf = r.rest();
        let mut ends = Vec::with_capacity(rows.min(buf.len()));
        let mut pos = 0usize;
        let mut total = 0usize;
        for _ in 0..rows {
            let (len, prefix) = match buf.get(pos) {
                Some(&b) if b < 0x80 => (b as usize, 1),
                Some(_) => {
                    let mut sub = Reader::new(&buf[pos..], r.offset() + pos as u64);
                    let len = sub.length("string length", 1 << 32)?;
                    (len, sub.position())
                }
                None => return Err(ReadError::Incomplete),
            };
            pos += prefix;
            if buf.len() - pos < len {
                return Err(ReadError::Incomplete);
            }
            pos += len;
            total += len;
            ends.push(total);
        }
        let mut data = Vec::with_capacity(total);
        let mut at = 0usize;
        let mut previous = 0usize;
        for &end in &ends {
            let len = end - previous;
            at += varuint_len(len as u64);
            data.extend_from_slice(&buf[at..at + len]);
            at += len;
            previous = end;
        }
        r.skip(pos);
        Ok(StringColumn { data, ends })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.reserve(self.data.len() + self.len());
        for value in self.iter() {
            put_varuint(out, value.len() as u64);
            out.extend_from_slice(value);
        }
    }

    pub(crate) fn slice(&self, start: usize, end: usize) -> Self {
        let mut out = StringColumn::with_capacity(end - start, 0);
        for i in start..end {
            if let Some(value) = self.get(i) {
                out.push(value);
            }
        }
        out
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
