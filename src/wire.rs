//! Wire primitives: a cursor over received bytes and the writers for VarUInt and String.
//!
//! The cursor reports running out of bytes as [`ReadError::Incomplete`], distinct from malformed
//! data, so a stream reader can wait for more bytes and try again.

use bytemuck::Pod;
use chrono_tz::Tz;

use crate::error::Error;

/// Why a read failed.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The bytes end before the value does; more may arrive.
    Incomplete,
    /// The bytes are malformed.
    Invalid(Error),
}

impl From<Error> for ReadError {
    fn from(e: Error) -> Self {
        ReadError::Invalid(e)
    }
}

pub(crate) type ReadResult<T> = Result<T, ReadError>;

/// A cursor over bytes received so far.
#[derive(Clone)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    /// The stream offset of `buf[0]`, for error positions.
    base: u64,
    /// Whether the writer sends the dictionary part of an empty LowCardinality slice.
    empty_low_cardinality_bodies: bool,
    /// The server's zone, for text the client renders as the server would (JSON documents).
    zone: Tz,
    /// How deep in nested columns the reading is.
    depth: usize,
    /// Rows read so far in this block that took no bytes (see [`MAX_ROWS_WITHOUT_BYTES`]).
    rows_without_bytes: u64,
    /// Default values of this block's sparse columns (see [`MAX_SPARSE_DEFAULTS`]).
    sparse_defaults: u64,
}

/// The deepest nesting of columns (and of the types inside `Dynamic` and `JSON` prefixes)
/// decoded; deeper input is refused rather than risking the stack.
pub(crate) const MAX_NESTING: usize = 128;

/// The most rows of one block, across its columns, that take no bytes on the wire (`Tuple()`
/// values inside RowBinary, `JSON` rows with no paths, rows of a block without columns): their
/// number is not bounded by the bytes that arrive, yet each costs memory and time to read, so it is
/// bounded here: a block of the server's default size (65 409 rows) fits.
pub(crate) const MAX_ROWS_WITHOUT_BYTES: u64 = 1 << 16;

/// The most default values one block's sparse columns may expand to: a sparse column sends
/// only its other values, and is rebuilt dense here, so its defaults cost memory the bytes
/// received do not bound. 128 sparse columns of a full default block (65 536 rows).
pub(crate) const MAX_SPARSE_DEFAULTS: u64 = 1 << 23;

/// The longest name read from the wire: column, table and JSON path names, zones, server names.
pub(crate) const MAX_NAME: u64 = 1 << 20;
/// The longest type string read from the wire.
pub(crate) const MAX_TYPE_NAME: u64 = 1 << 24;
/// The longest message read from the wire: exception texts and stack traces, table descriptions.
pub(crate) const MAX_MESSAGE: u64 = 1 << 26;
/// The longest string value: ClickHouse's own limit for strings it reads (1 GiB).
pub(crate) const MAX_STRING: u64 = 1 << 30;

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8], base: u64) -> Self {
        Reader {
            buf,
            pos: 0,
            base,
            empty_low_cardinality_bodies: false,
            zone: Tz::UTC,
            depth: 0,
            rows_without_bytes: 0,
            sparse_defaults: 0,
        }
    }

    /// Counts `rows` rows that took no bytes (`what` names them), and refuses more in one block
    /// than [`MAX_ROWS_WITHOUT_BYTES`].
    pub(crate) fn rows_without_bytes(&mut self, rows: usize, what: &str) -> ReadResult<()> {
        self.rows_without_bytes = self.rows_without_bytes.saturating_add(rows as u64);
        if self.rows_without_bytes > MAX_ROWS_WITHOUT_BYTES {
            return Err(self.invalid(format!(
                "{rows} rows of {what}, which take no bytes on the wire: a block may hold at \
                 most {MAX_ROWS_WITHOUT_BYTES} such rows (set a smaller max_block_size)"
            )));
        }
        Ok(())
    }

    /// Counts `n` default values a sparse column expands to, and refuses more in one block
    /// than [`MAX_SPARSE_DEFAULTS`].
    pub(crate) fn sparse_defaults(&mut self, n: u64) -> ReadResult<()> {
        self.sparse_defaults = self.sparse_defaults.saturating_add(n);
        if self.sparse_defaults > MAX_SPARSE_DEFAULTS {
            return Err(self.invalid(format!(
                "sparse columns that expand to more than {MAX_SPARSE_DEFAULTS} default values \
                 in one block (they take no bytes on the wire); set a smaller max_block_size"
            )));
        }
        Ok(())
    }

    /// Starts a new block: its rows without bytes are counted afresh.
    pub(crate) fn start_block(&mut self) {
        self.rows_without_bytes = 0;
        self.sparse_defaults = 0;
    }

    /// What the block being read has counted so far (rows without bytes, sparse defaults), to
    /// carry into a reader that resumes the block.
    pub(crate) fn block_counts(&self) -> (u64, u64) {
        (self.rows_without_bytes, self.sparse_defaults)
    }

    /// Resumes a block whose reading stopped with `counts` counted.
    pub(crate) fn resume_block(&mut self, counts: (u64, u64)) {
        (self.rows_without_bytes, self.sparse_defaults) = counts;
    }

    /// Goes one level deeper into nested columns; refuses to go past [`MAX_NESTING`].
    pub(crate) fn descend(&mut self) -> ReadResult<()> {
        if self.depth >= MAX_NESTING {
            return Err(self.invalid(format!("columns nested deeper than {MAX_NESTING} levels")));
        }
        self.depth += 1;
        Ok(())
    }

    /// Comes back up from [`descend`](Self::descend).
    pub(crate) fn ascend(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// A reader over other bytes (a value held inside this stream) with the same settings.
    pub(crate) fn nested<'b>(&self, buf: &'b [u8], base: u64) -> Reader<'b> {
        Reader {
            buf,
            pos: 0,
            base,
            empty_low_cardinality_bodies: self.empty_low_cardinality_bodies,
            zone: self.zone,
            depth: self.depth,
            rows_without_bytes: 0,
            sparse_defaults: 0,
        }
    }

    /// The server's zone (UTC unless told).
    pub(crate) fn zone(&self) -> Tz {
        self.zone
    }

    /// Sets the server's zone: zone-less `DateTime` values in JSON documents the client renders
    /// from the object serialization are written in it, as the server writes them.
    pub(crate) fn with_zone(mut self, zone: Tz) -> Self {
        self.zone = zone;
        self
    }

    /// Expects the dictionary part of empty LowCardinality slices (servers before 20.x send it).
    pub(crate) fn with_empty_low_cardinality_bodies(mut self, yes: bool) -> Self {
        self.empty_low_cardinality_bodies = yes;
        self
    }

    pub(crate) fn empty_low_cardinality_bodies(&self) -> bool {
        self.empty_low_cardinality_bodies
    }

    /// Bytes consumed so far.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// The stream offset of the next byte.
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// An error at the current position.
    pub(crate) fn invalid(&self, message: impl Into<String>) -> ReadError {
        ReadError::Invalid(Error::decode(self.offset(), message))
    }

    /// The bytes not consumed yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }

    /// Consumes `n` bytes that the caller has checked are there.
    pub(crate) fn skip(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
    }

    pub(crate) fn take(&mut self, n: usize) -> ReadResult<&'a [u8]> {
        if self.remaining() < n {
            return Err(ReadError::Incomplete);
        }
        let bytes = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(bytes)
    }

    pub(crate) fn u8(&mut self) -> ReadResult<u8> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn fixed<const N: usize>(&mut self) -> ReadResult<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub(crate) fn u64_le(&mut self) -> ReadResult<u64> {
        Ok(u64::from_le_bytes(self.fixed()?))
    }

    pub(crate) fn i32_le(&mut self) -> ReadResult<i32> {
        Ok(i32::from_le_bytes(self.fixed()?))
    }

    /// An unsigned LEB128 integer of at most 10 bytes.
    pub(crate) fn varuint(&mut self) -> ReadResult<u64> {
        let start = self.offset();
        let mut value = 0u64;
        for i in 0..10 {
            let byte = self.u8()?;
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(ReadError::Invalid(Error::decode(
            start,
            "VarUInt longer than 10 bytes",
        )))
    }

    /// A VarUInt that counts something held in memory, checked against a sanity bound.
    pub(crate) fn length(&mut self, what: &str, max: u64) -> ReadResult<usize> {
        let start = self.offset();
        let n = self.varuint()?;
        if n > max {
            return Err(ReadError::Invalid(Error::decode(
                start,
                format!("{what} {n} is larger than the limit {max}"),
            )));
        }
        usize::try_from(n)
            .map_err(|_| ReadError::Invalid(Error::decode(start, format!("{what} {n} too large"))))
    }

    /// A length-prefixed byte string: a string value (at most [`MAX_STRING`] bytes).
    pub(crate) fn bytes(&mut self) -> ReadResult<&'a [u8]> {
        self.bounded_bytes("string value", MAX_STRING)
    }

    /// A length-prefixed byte string of at most `max` bytes; `what` names it in the error.
    /// The length is checked before any of the bytes are waited for.
    pub(crate) fn bounded_bytes(&mut self, what: &str, max: u64) -> ReadResult<&'a [u8]> {
        let start = self.offset();
        let n = self.varuint()?;
        if n > max {
            return Err(ReadError::Invalid(Error::decode(
                start,
                format!("{what} of {n} bytes is past the limit of {max}"),
            )));
        }
        self.take(n as usize)
    }

    /// A length-prefixed name that must be UTF-8 (column, table and path names, zones): at
    /// most [`MAX_NAME`] bytes.
    pub(crate) fn string(&mut self, what: &str) -> ReadResult<String> {
        self.text(what, MAX_NAME)
    }

    /// A column name: at most [`MAX_NAME`] bytes, any that are not UTF-8 replaced by U+FFFD. A
    /// server names a column after its expression as written, literals' bytes included
    /// (`SELECT {p:String}` with a binary value), so a name that is not UTF-8 is no error; the
    /// values are read exactly.
    pub(crate) fn column_name(&mut self) -> ReadResult<String> {
        let bytes = self.bounded_bytes("column name", MAX_NAME)?;
        Ok(String::from_utf8_lossy(bytes).into_owned())
    }

    /// A length-prefixed UTF-8 string of at most `max` bytes.
    pub(crate) fn text(&mut self, what: &str, max: u64) -> ReadResult<String> {
        let start = self.offset();
        let bytes = self.bounded_bytes(what, max)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| {
            ReadError::Invalid(Error::decode(start, format!("the {what} is not UTF-8")))
        })
    }

    /// `n` little-endian values of a fixed-width type, copied in bulk.
    pub(crate) fn pod_vec<T: Pod>(&mut self, n: usize) -> ReadResult<Vec<T>> {
        let mut out = Vec::new();
        self.pod_fill(n, &mut out)?;
        Ok(out)
    }

    /// [`pod_vec`](Self::pod_vec) into `out`'s memory, replacing what it held: a spent
    /// column's buffer takes the next block's values without a fresh allocation. One pass
    /// (unaligned loads that compile to a bulk copy, without zeroing the buffer first). On an
    /// error `out` is left as it was.
    pub(crate) fn pod_fill<T: Pod>(&mut self, n: usize, out: &mut Vec<T>) -> ReadResult<()> {
        let size = std::mem::size_of::<T>();
        let len = n
            .checked_mul(size)
            .ok_or_else(|| self.invalid("row count overflows"))?;
        let bytes = self.take(len)?;
        out.clear();
        out.extend(
            bytes
                .chunks_exact(size)
                .map(bytemuck::pod_read_unaligned::<T>),
        );
        if cfg!(target_endian = "big") {
            for value in out.iter_mut() {
                bytemuck::bytes_of_mut(value).reverse();
            }
        }
        Ok(())
    }
}

/// Appends fixed-width values as little-endian bytes, in one copy.
pub(crate) fn put_pod<T: Pod>(out: &mut Vec<u8>, values: &[T]) {
    let start = out.len();
    out.extend_from_slice(bytemuck::cast_slice(values));
    if cfg!(target_endian = "big") {
        let size = std::mem::size_of::<T>();
        for chunk in out[start..].chunks_mut(size) {
            chunk.reverse();
        }
    }
}

/// The number of bytes `value` takes as a VarUInt.
pub(crate) fn varuint_len(value: u64) -> usize {
    (64 - (value | 1).leading_zeros() as usize).div_ceil(7)
}

/// Appends an unsigned LEB128 integer.
pub(crate) fn put_varuint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Appends a length-prefixed byte string.
pub(crate) fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_varuint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varuint_matches_the_reference_bytes() {
        for (value, bytes) in [
            (0u64, &[0u8][..]),
            (300, &[0xAC, 0x02]),
            (54460, &[0xBC, 0xA9, 0x03]),
        ] {
            let mut out = Vec::new();
            put_varuint(&mut out, value);
            assert_eq!(out, bytes);
            assert_eq!(Reader::new(bytes, 0).varuint().unwrap(), value);
        }
        let mut out = Vec::new();
        put_varuint(&mut out, u64::MAX);
        assert_eq!(out.len(), 10);
        assert_eq!(Reader::new(&out, 0).varuint().unwrap(), u64::MAX);
    }

    #[test]
    fn varuint_len_matches_the_encoding() {
        for value in [
            0u64,
            1,
            127,
            128,
            16383,
            16384,
            54460,
            u64::MAX >> 1,
            u64::MAX,
        ] {
            let mut out = Vec::new();
            put_varuint(&mut out, value);
            assert_eq!(varuint_len(value), out.len(), "{value}");
        }
    }

    #[test]
    fn short_input_is_incomplete_and_overlong_is_invalid() {
        assert!(matches!(
            Reader::new(&[0x80], 0).varuint(),
            Err(ReadError::Incomplete)
        ));
        assert!(matches!(
            Reader::new(&[0x80; 11], 0).varuint(),
            Err(ReadError::Invalid(_))
        ));
        assert!(matches!(
            Reader::new(&[3, b'a'], 0).bytes(),
            Err(ReadError::Incomplete)
        ));
        let err = Reader::new(&[2, 0xff, 0xfe], 5).string("name").unwrap_err();
        match err {
            ReadError::Invalid(e) => assert_eq!(e.decode_position(), Some((5, None))),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn pod_round_trips() {
        let values = [1i64, -2, i64::MAX, i64::MIN];
        let mut out = Vec::new();
        put_pod(&mut out, &values);
        assert_eq!(&out[8..16], &(-2i64).to_le_bytes());
        assert_eq!(Reader::new(&out, 0).pod_vec::<i64>(4).unwrap(), values);
    }
}
