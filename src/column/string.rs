//! `String` and `FixedString(N)`: one contiguous byte buffer per column.

use crate::wire::{ReadError, ReadResult, Reader, put_varuint, varuint_len};

/// `String` values, kept as they travel: one buffer of every row's length (LEB128) and bytes,
/// plus the end of each row in it.
///
/// Decoding is one walk over the length prefixes and one bulk copy; encoding is one copy. A
/// row's bytes start after its length prefix, which is one byte unless some row is 128 bytes
/// or longer (then its size follows from the row's total size).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringColumn {
    wire: Vec<u8>,
    /// Where each row starts in `wire` (at its length prefix), then the end of the last row:
    /// one more entry than there are rows.
    bounds: Vec<usize>,
    /// Whether some row's length prefix takes more than one byte.
    long_rows: bool,
}

impl Default for StringColumn {
    fn default() -> Self {
        StringColumn::with_capacity(0, 0)
    }
}

impl StringColumn {
    /// An empty column with room for `rows` values of `bytes` bytes in all.
    pub fn with_capacity(rows: usize, bytes: usize) -> Self {
        let mut bounds = Vec::with_capacity(rows + 1);
        bounds.push(0);
        StringColumn {
            wire: Vec::with_capacity(bytes + rows),
            bounds,
            long_rows: false,
        }
    }

    /// Removes every row, keeping the room the buffers have.
    pub(crate) fn clear(&mut self) {
        self.wire.clear();
        self.bounds.clear();
        self.bounds.push(0);
        self.long_rows = false;
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.bounds.len() - 1
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes of row `i`.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        (i < self.len()).then(|| &self.wire[self.range(i)])
    }

    /// Where row `i`'s bytes lie in [`wire_bytes`](Self::wire_bytes). Panics if `i` is out
    /// of range.
    #[inline]
    pub(crate) fn range(&self, i: usize) -> std::ops::Range<usize> {
        let (start, end) = (self.bounds[i], self.bounds[i + 1]);
        let prefix = if self.long_rows {
            prefix_len(end - start)
        } else {
            1
        };
        start + prefix..end
    }

    /// Every row's bytes, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The rows as they travel in Native: each row's length (LEB128), then its bytes.
    pub fn wire_bytes(&self) -> &[u8] {
        &self.wire
    }

    /// Makes room for `rows` more rows of `bytes` bytes in all (length prefixes included).
    pub(crate) fn reserve(&mut self, rows: usize, bytes: usize) {
        self.bounds.reserve(rows);
        self.wire.reserve(bytes);
    }

    /// Appends a row.
    #[inline]
    pub fn push(&mut self, value: &[u8]) {
        if value.len() < 0x80 {
            // A one-byte length prefix: the common case, without the general encoder.
            self.wire.reserve(value.len() + 1);
            self.wire.push(value.len() as u8);
        } else {
            put_varuint(&mut self.wire, value.len() as u64);
            self.long_rows = true;
        }
        self.wire.extend_from_slice(value);
        self.bounds.push(self.wire.len());
    }

    pub(crate) fn byte_size(&self) -> usize {
        self.wire.len() + self.bounds.len() * 8
    }

    pub(crate) fn read(rows: usize, r: &mut Reader<'_>) -> ReadResult<Self> {
        let mut column = StringColumn {
            wire: Vec::new(),
            bounds: Vec::new(),
            long_rows: false,
        };
        column.fill(rows, r)?;
        Ok(column)
    }

    /// Reads `rows` rows into this column's buffers, replacing its rows. On an error the
    /// column holds no valid rows and is only fit to be filled again.
    pub(crate) fn fill(&mut self, rows: usize, r: &mut Reader<'_>) -> ReadResult<()> {
        // One walk over the length prefixes finds every row's end (and that all bytes have
        // arrived); one copy takes them. Every row takes at least its length byte, so fewer
        // bytes than rows cannot be a whole column.
        let buf = r.rest();
        if buf.len() < rows {
            return Err(ReadError::Incomplete);
        }
        let bounds = &mut self.bounds;
        bounds.clear();
        bounds.resize(rows + 1, 0);
        let mut pos = 0usize;
        let mut long_rows = false;
        for end in &mut bounds[1..] {
            let (len, prefix) = match buf.get(pos) {
                Some(&b) if b < 0x80 => (b as usize, 1),
                Some(_) => {
                    let mut sub = Reader::new(&buf[pos..], r.offset() + pos as u64);
                    let len = sub.length("string length", 1 << 32)?;
                    // Rows are cut by their total size, which needs the shortest prefix.
                    if sub.position() != varuint_len(len as u64) {
                        return Err(r.invalid("string length not in its shortest LEB128 form"));
                    }
                    long_rows = true;
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
        let wire = r.take(pos)?;
        self.wire.clear();
        self.wire.extend_from_slice(wire);
        self.long_rows = long_rows;
        Ok(())
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.wire);
    }

    pub(crate) fn slice(&self, start: usize, end: usize) -> Self {
        let from = self.bounds[start];
        let to = self.bounds[end];
        StringColumn {
            wire: self.wire[from..to].to_vec(),
            bounds: self.bounds[start..=end].iter().map(|b| b - from).collect(),
            long_rows: self.long_rows,
        }
    }
}

/// A string column's rows as text, with the UTF-8 check done once for the whole buffer.
///
/// The whole wire buffer (length prefixes and rows) is checked once; a valid buffer cut at
/// character boundaries gives valid rows. When every length prefix is one byte (no row of 128
/// bytes or more), each row lies between ASCII bytes (its prefix, and the next row's prefix or
/// the buffer's end), so its ends are character boundaries without a check; otherwise
/// `str::get` checks both ends. When the buffer is not UTF-8, e.g. because a long row's prefix
/// byte is above 0x7F, rows are checked one by one.
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
        if let Some(whole) = self.whole {
            if !self.column.long_rows {
                debug_assert!(
                    whole.is_char_boundary(range.start) && whole.is_char_boundary(range.end)
                );
                // SAFETY: `range` lies within `wire` (`bounds` only holds positions of `wire`,
                // rising, each row at least its prefix byte long), and `whole` is `wire`
                // checked as UTF-8. With every prefix one byte below 0x80, the row starts
                // right after an ASCII byte and ends at the buffer's end or right before the
                // next row's ASCII prefix; positions next to an ASCII byte in valid UTF-8 are
                // character boundaries.
                return Ok(unsafe { whole.get_unchecked(range) });
            }
            if let Some(text) = whole.get(range.clone()) {
                return Ok(text);
            }
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
    /// Removes every row, keeping the room the buffer has.
    pub(crate) fn clear(&mut self) {
        self.data.clear();
    }

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

    fn text_of(rows: &[&[u8]]) -> Vec<Result<String, Vec<u8>>> {
        let mut column = StringColumn::default();
        rows.iter().for_each(|row| column.push(row));
        let mut wire = Vec::new();
        column.write(&mut wire);
        let read = StringColumn::read(rows.len(), &mut Reader::new(&wire, 0)).unwrap();
        let text = TextRows::new(&read);
        (0..rows.len())
            .map(|i| text.get(i).map(str::to_owned).map_err(<[u8]>::to_vec))
            .collect()
    }

    #[test]
    fn text_rows_cut_multibyte_text_exactly() {
        let short: [&[u8]; 6] = [
            b"",
            "\u{e9}".as_bytes(),
            "\u{65e5}\u{672c}".as_bytes(),
            "a\u{20ac}b".as_bytes(),
            "\u{1f980}".as_bytes(),
            b"z",
        ];
        let expected: Vec<_> = short
            .iter()
            .map(|r| Ok(String::from_utf8(r.to_vec()).unwrap()))
            .collect();
        assert_eq!(text_of(&short), expected);

        // One bad row makes the buffer invalid; the others still read, the bad one is refused.
        let with_bad: [&[u8]; 3] = [b"ok", &[0xC3], "\u{e9}".as_bytes()];
        assert_eq!(
            text_of(&with_bad),
            vec![Ok("ok".into()), Err(vec![0xC3]), Ok("\u{e9}".into())]
        );

        // A row ending in a lead byte, then a 128-byte row whose first prefix byte (0x80)
        // completes it: the whole buffer is UTF-8, yet the first row is not.
        let long = vec![b'b'; 128];
        let tricky: [&[u8]; 2] = [&[b'x', 0xC3], &long];
        assert_eq!(
            text_of(&tricky),
            vec![Err(vec![b'x', 0xC3]), Ok("b".repeat(128))]
        );
        let long_text = "\u{e9}".repeat(100);
        let mixed: [&[u8]; 3] = [b"a", long_text.as_bytes(), "\u{1f980}".as_bytes()];
        assert_eq!(
            text_of(&mixed),
            vec![
                Ok("a".into()),
                Ok(long_text.clone()),
                Ok("\u{1f980}".into())
            ]
        );
    }

    #[test]
    fn a_length_not_in_shortest_form_is_refused() {
        // Zero written in two bytes would shift every row's start by one.
        let wire = [0x80, 0x00, 0x01, b'a'];
        let error = StringColumn::read(2, &mut Reader::new(&wire, 0)).unwrap_err();
        assert!(format!("{error:?}").contains("shortest"), "{error:?}");
    }
}
