//! `LowCardinality(T)`: a dictionary of distinct values plus one key per row.
//!
//! Wire form: the state prefix is a UInt64 key version (1). The data is a UInt64 index type
//! (low byte: key width 0..3 for UInt8..UInt64; bit 0x200 "has additional keys", bit 0x400 "needs
//! a dictionary update"; bit 0x100 "needs a global dictionary" never appears in Native), the
//! dictionary size and values (of `T` without `Nullable`), the row count and the keys. For
//! `LowCardinality(Nullable(T))` key 0 means NULL.

use std::collections::HashMap;

use super::Column;
use crate::error::{Error, Result};
use crate::types::DataType;
use crate::wire::{ReadError, ReadResult, Reader, put_pod};

const KEY_VERSION: u64 = 1;
const NEED_GLOBAL_DICTIONARY: u64 = 0x100;
const HAS_ADDITIONAL_KEYS: u64 = 0x200;
const KNOWN_FLAGS: u64 = 0x100 | 0x200 | 0x400;
/// The largest dictionary one block may carry.
const MAX_KEYS: u64 = 1 << 32;

/// The keys of a low-cardinality column, as narrow as the dictionary allows.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum LowCardinalityKeys {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
    U64(Vec<u64>),
}

impl LowCardinalityKeys {
    fn len(&self) -> usize {
        match self {
            LowCardinalityKeys::U8(k) => k.len(),
            LowCardinalityKeys::U16(k) => k.len(),
            LowCardinalityKeys::U32(k) => k.len(),
            LowCardinalityKeys::U64(k) => k.len(),
        }
    }

    /// The dictionary index of row `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<usize> {
        match self {
            LowCardinalityKeys::U8(k) => k.get(i).map(|&k| k as usize),
            LowCardinalityKeys::U16(k) => k.get(i).map(|&k| k as usize),
            LowCardinalityKeys::U32(k) => k.get(i).map(|&k| k as usize),
            LowCardinalityKeys::U64(k) => k.get(i).map(|&k| k as usize),
        }
    }

    fn max(&self) -> Option<u64> {
        // A fold over copied keys, which the compiler vectorizes (`Iterator::max` over
        // references does not).
        fn widest<K: Copy + Ord + Into<u64>>(keys: &[K]) -> Option<u64> {
            let first = *keys.first()?;
            Some(keys.iter().fold(first, |m, &k| m.max(k)).into())
        }
        match self {
            LowCardinalityKeys::U8(k) => widest(k),
            LowCardinalityKeys::U16(k) => widest(k),
            LowCardinalityKeys::U32(k) => widest(k),
            LowCardinalityKeys::U64(k) => widest(k),
        }
    }

    /// Keys as wide as a dictionary of `size` entries needs, from `u64` indexes.
    pub(crate) fn narrowest(size: usize, keys: impl ExactSizeIterator<Item = usize>) -> Self {
        if size <= 1 << 8 {
            LowCardinalityKeys::U8(keys.map(|k| k as u8).collect())
        } else if size <= 1 << 16 {
            LowCardinalityKeys::U16(keys.map(|k| k as u16).collect())
        } else if size as u64 <= 1 << 32 {
            LowCardinalityKeys::U32(keys.map(|k| k as u32).collect())
        } else {
            LowCardinalityKeys::U64(keys.map(|k| k as u64).collect())
        }
    }
}

/// `LowCardinality(T)` values.
#[derive(Debug, Clone)]
pub struct LowCardinalityColumn {
    nullable: bool,
    dictionary: Box<Column>,
    keys: LowCardinalityKeys,
    /// Encoded dictionary values to their keys, built on the first append.
    lookup: Option<Lookup>,
}

/// Encoded dictionary values to their keys. A dictionary of a few values (the common case:
/// statuses, countries, colors) is scanned, which costs less than hashing a short value; past
/// [`Lookup::SCANNED`] entries, a hash map.
#[derive(Debug, Clone)]
enum Lookup {
    Scan(Vec<ScanEntry>),
    Map(HashMap<Vec<u8>, usize, foldhash::fast::RandomState>),
}

/// A scanned dictionary entry: its encoded value and key, and what a string's match is tried
/// on first without reading the value's bytes.
#[derive(Debug, Clone)]
struct ScanEntry {
    encoded: Vec<u8>,
    key: usize,
    /// The encoded value's first byte (a string's one-byte length).
    first: u8,
    /// [`fingerprint`] of the encoded value after its first byte.
    print: u64,
}

impl ScanEntry {
    fn new(encoded: Vec<u8>, key: usize) -> Self {
        ScanEntry {
            first: encoded.first().copied().unwrap_or_default(),
            print: encoded.get(1..).map_or(0, fingerprint),
            encoded,
            key,
        }
    }

    /// Whether this entry is the string `v` of fewer than 128 bytes, stored as its one-byte
    /// length and its bytes; `print` is `fingerprint(v)`.
    #[inline]
    fn is_short_string(&self, v: &[u8], print: u64) -> bool {
        self.first == v.len() as u8
            && self.print == print
            && self.encoded.len() == v.len() + 1
            && (v.len() <= 8 || same_bytes(&self.encoded[1..], v))
    }
}

/// Up to 8 bytes of `b` in a word: all of them when `b` is 8 bytes or shorter (so two strings
/// of the same length up to 8 are equal exactly when their fingerprints are), its first 8
/// otherwise.
#[inline]
fn fingerprint(b: &[u8]) -> u64 {
    let n = b.len();
    match n {
        0 => 0,
        1..=3 => u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16,
        4..=7 => {
            let half = |at: usize| {
                u64::from(u32::from_le_bytes(
                    b[at..at + 4].try_into().unwrap_or_default(),
                ))
            };
            half(0) | half(n - 4) << 32
        }
        _ => u64::from_le_bytes(b[..8].try_into().unwrap_or_default()),
    }
}

impl Lookup {
    /// The most entries scanned.
    const SCANNED: usize = 8;

    fn get(&self, encoded: &[u8]) -> Option<usize> {
        match self {
            Lookup::Scan(entries) => entries
                .iter()
                .find(|e| same_bytes(&e.encoded, encoded))
                .map(|e| e.key),
            Lookup::Map(map) => map.get(encoded).copied(),
        }
    }

    /// Adds `encoded` as `key`, unless it is there already (the first key of a value wins).
    fn insert(&mut self, encoded: Vec<u8>, key: usize) {
        match self {
            Lookup::Scan(entries) if entries.len() < Self::SCANNED => {
                if !entries.iter().any(|e| same_bytes(&e.encoded, &encoded)) {
                    entries.push(ScanEntry::new(encoded, key));
                }
            }
            Lookup::Scan(entries) => {
                let mut map = HashMap::with_hasher(foldhash::fast::RandomState::default());
                for e in entries.drain(..) {
                    map.entry(e.encoded).or_insert(e.key);
                }
                map.entry(encoded).or_insert(key);
                *self = Lookup::Map(map);
            }
            Lookup::Map(map) => {
                map.entry(encoded).or_insert(key);
            }
        }
    }
}

/// `a == b` for short byte strings (dictionary values mostly are), without a call to `bcmp`:
/// two overlapping word loads compare up to 16 bytes.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or([0; 8]));
    let half = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or([0; 4]));
    match n {
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        _ => a == b,
    }
}

impl PartialEq for LowCardinalityColumn {
    fn eq(&self, other: &Self) -> bool {
        self.nullable == other.nullable
            && self.dictionary == other.dictionary
            && self.keys == other.keys
    }
}

/// The dictionary's type: `T` without `Nullable`.
fn dictionary_type(inner: &DataType) -> (&DataType, bool) {
    match inner {
        DataType::Nullable(t) => (t, true),
        t => (t, false),
    }
}

/// Whether a dictionary holds values of `t`: numbers, strings, dates and times, UUIDs and IPs,
/// as ClickHouse's `canBeInsideLowCardinality` says (and decimals, `DateTime64` and enums,
/// which servers refuse but which read alike). Anything else (a `LowCardinality` in a
/// `LowCardinality`, arrays, tuples, ...) is no type a server writes; refusing it keeps every
/// dictionary one level deep, so a value is pushed in constant time.
fn can_be_inside(t: &DataType) -> bool {
    matches!(
        super::shape(t),
        Ok(super::Shape::Fixed(_)
            | super::Shape::String
            | super::Shape::FixedString(_)
            | super::Shape::Nothing)
    )
}

impl LowCardinalityColumn {
    /// An empty column of `LowCardinality(inner)`. `inner` must be a type a dictionary holds
    /// (numbers, strings, dates and times, UUIDs, IPs, and `Nullable` of those), else this is an
    /// error of kind [`UnsupportedType`](crate::ErrorKind::UnsupportedType).
    pub fn new(inner: &DataType) -> Result<Self> {
        let (dict_type, nullable) = dictionary_type(inner);
        if !can_be_inside(dict_type) {
            return Err(Error::unsupported_type(
                format!("LowCardinality({inner})"),
                "LowCardinality holds numbers, strings, dates and times, UUIDs and IPs (and \
                 Nullable of those); no server writes it around other types",
            ));
        }
        Ok(LowCardinalityColumn {
            nullable,
            dictionary: Box::new(Column::empty(dict_type.clone())?),
            keys: LowCardinalityKeys::U8(Vec::new()),
            lookup: None,
        })
    }

    /// The key of the dictionary entry whose encoding is `encoded`, if there is one.
    pub(crate) fn find(&mut self, encoded: &[u8]) -> Option<usize> {
        let dictionary = &self.dictionary;
        let start = usize::from(self.nullable);
        let lookup = self.lookup.get_or_insert_with(|| {
            let mut lookup = Lookup::Scan(Vec::new());
            for i in start..dictionary.len() {
                let mut bytes = Vec::new();
                dictionary.slice(i, i + 1).write_data(&mut bytes);
                lookup.insert(bytes, i);
            }
            lookup
        });
        lookup.get(encoded)
    }

    /// Removes every row and the dictionary, keeping the keys' room (at their width).
    pub(crate) fn clear(&mut self) {
        match &mut self.keys {
            LowCardinalityKeys::U8(k) => k.clear(),
            LowCardinalityKeys::U16(k) => k.clear(),
            LowCardinalityKeys::U32(k) => k.clear(),
            LowCardinalityKeys::U64(k) => k.clear(),
        }
        self.dictionary.clear();
        self.lookup = None;
    }

    /// Appends a row holding the string `v` if the dictionary has it already and is small
    /// enough to be scanned (a dictionary of a few values, the common case), comparing its
    /// bytes with each entry's without building the lookup key; `false` when the caller must
    /// take the general path ([`push_encoded`](Self::push_encoded)).
    #[inline(always)]
    pub(crate) fn push_known_string(&mut self, v: &[u8]) -> bool {
        let Some(Lookup::Scan(entries)) = &self.lookup else {
            return false;
        };
        if v.len() >= 0x80 {
            return false;
        }
        // An entry is the string as the dictionary stores it: a one-byte length, the bytes.
        let print = fingerprint(v);
        match entries.iter().find(|e| e.is_short_string(v, print)) {
            Some(e) => {
                let key = e.key;
                self.push_key(key);
                true
            }
            None => false,
        }
    }

    /// The dictionary, to append a new entry; [`remember`](Self::remember) it afterwards.
    pub(crate) fn dictionary_mut(&mut self) -> &mut Column {
        &mut self.dictionary
    }

    /// Records that `encoded` is the dictionary entry `key`.
    pub(crate) fn remember(&mut self, encoded: Vec<u8>, key: usize) {
        if let Some(lookup) = &mut self.lookup {
            lookup.insert(encoded, key);
        }
    }

    /// Appends a row whose value the dictionary stores as `encoded`: its key when the value is
    /// there already, else a new entry that `push` appends to the dictionary.
    pub(crate) fn push_encoded(
        &mut self,
        encoded: &[u8],
        push: impl FnOnce(&mut Column) -> Result<()>,
    ) -> Result<()> {
        let key = match self.find(encoded) {
            Some(key) => key,
            None => {
                if self.nullable && self.dictionary.is_empty() {
                    // Key 0 stands for NULL; its dictionary slot holds the default value.
                    self.dictionary.push_default()?;
                }
                let key = self.dictionary.len();
                push(&mut self.dictionary)?;
                self.remember(encoded.to_vec(), key);
                key
            }
        };
        self.push_key(key);
        Ok(())
    }

    /// Appends a row with dictionary index `key`, widening the keys when needed.
    #[inline(always)]
    pub(crate) fn push_key(&mut self, key: usize) {
        // The keys' width fits nearly always: push in place.
        match &mut self.keys {
            LowCardinalityKeys::U8(k) if key <= u8::MAX as usize => k.push(key as u8),
            LowCardinalityKeys::U16(k) if key <= u16::MAX as usize => k.push(key as u16),
            LowCardinalityKeys::U32(k) if key <= u32::MAX as usize => k.push(key as u32),
            LowCardinalityKeys::U64(k) => k.push(key as u64),
            _ => self.push_widened_key(key),
        }
    }

    /// [`push_key`](Self::push_key) where the keys must grow wider first.
    #[cold]
    #[inline(never)]
    fn push_widened_key(&mut self, key: usize) {
        let keys = std::mem::replace(&mut self.keys, LowCardinalityKeys::U8(Vec::new()));
        self.keys = match keys {
            LowCardinalityKeys::U8(mut k) if key <= u8::MAX as usize => {
                k.push(key as u8);
                LowCardinalityKeys::U8(k)
            }
            LowCardinalityKeys::U16(mut k) if key <= u16::MAX as usize => {
                k.push(key as u16);
                LowCardinalityKeys::U16(k)
            }
            LowCardinalityKeys::U32(mut k) if key <= u32::MAX as usize => {
                k.push(key as u32);
                LowCardinalityKeys::U32(k)
            }
            other => {
                let len = other.len();
                let all = (0..len)
                    .filter_map(|i| other.get(i))
                    .chain(std::iter::once(key));
                let size = key.max(self.dictionary.len()) + 1;
                LowCardinalityKeys::narrowest(size, ExactIter(all, len + 1))
            }
        };
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether key 0 stands for NULL (`LowCardinality(Nullable(T))`).
    pub fn is_nullable(&self) -> bool {
        self.nullable
    }

    /// The distinct values.
    pub fn dictionary(&self) -> &Column {
        &self.dictionary
    }

    /// One dictionary index per row.
    pub fn keys(&self) -> &LowCardinalityKeys {
        &self.keys
    }

    /// The dictionary index of row `i`, or `None` when the row is NULL.
    #[inline]
    pub fn index(&self, i: usize) -> Option<usize> {
        let key = self.keys.get(i)?;
        if self.nullable && key == 0 {
            None
        } else {
            Some(key)
        }
    }

    pub(crate) fn byte_size(&self) -> usize {
        self.dictionary.byte_size() + self.len() * 2
    }

    pub(crate) fn read(inner: &DataType, rows: usize, r: &mut Reader<'_>) -> ReadResult<Self> {
        let (dict_type, nullable) = dictionary_type(inner);
        if rows == 0 {
            // Old servers write a dictionary (and a row count of 0) even for an empty slice;
            // newer ones write nothing. Read it only if it is there, checking its structure.
            if r.empty_low_cardinality_bodies() {
                let mut trial = r.clone();
                let index_type = trial.u64_le()?;
                if index_type & HAS_ADDITIONAL_KEYS != 0 && index_type & !(KNOWN_FLAGS | 0x03) == 0
                {
                    let num_keys = trial.u64_le()?;
                    if num_keys <= MAX_KEYS {
                        let dictionary =
                            Column::read_data(dict_type, num_keys as usize, &mut trial)?;
                        if trial.u64_le()? == 0 {
                            *r = trial;
                            return Ok(LowCardinalityColumn {
                                nullable,
                                dictionary: Box::new(dictionary),
                                keys: LowCardinalityKeys::U8(Vec::new()),
                                lookup: None,
                            });
                        }
                    }
                }
            }
            return LowCardinalityColumn::new(inner).map_err(ReadError::Invalid);
        }
        let at = r.offset();
        let index_type = r.u64_le()?;
        if index_type & NEED_GLOBAL_DICTIONARY != 0 || index_type & !(KNOWN_FLAGS | 0xff) != 0 {
            return Err(ReadError::Invalid(Error::decode(
                at,
                format!("unsupported LowCardinality index type 0x{index_type:x}"),
            )));
        }
        let num_keys = r.u64_le()?;
        if num_keys > MAX_KEYS {
            return Err(r.invalid(format!("LowCardinality dictionary of {num_keys} keys")));
        }
        let dictionary = Column::read_data(dict_type, num_keys as usize, r)?;
        let at_rows = r.offset();
        let num_rows = r.u64_le()?;
        if num_rows != rows as u64 {
            return Err(ReadError::Invalid(Error::decode(
                at_rows,
                format!("LowCardinality holds {num_rows} rows, the block says {rows}"),
            )));
        }
        let at_keys = r.offset();
        let keys = match index_type & 0xff {
            0 => LowCardinalityKeys::U8(r.pod_vec(rows)?),
            1 => LowCardinalityKeys::U16(r.pod_vec(rows)?),
            2 => LowCardinalityKeys::U32(r.pod_vec(rows)?),
            3 => LowCardinalityKeys::U64(r.pod_vec(rows)?),
            w => {
                return Err(ReadError::Invalid(Error::decode(
                    at,
                    format!("LowCardinality key width {w}"),
                )));
            }
        };
        if let Some(max) = keys.max().filter(|&k| k >= num_keys) {
            return Err(ReadError::Invalid(Error::decode(
                at_keys,
                format!("LowCardinality key {max} outside a dictionary of {num_keys}"),
            )));
        }
        Ok(LowCardinalityColumn {
            nullable,
            dictionary: Box::new(dictionary),
            keys,
            lookup: None,
        })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        if self.is_empty() {
            return;
        }
        let width = match &self.keys {
            LowCardinalityKeys::U8(_) => 0u64,
            LowCardinalityKeys::U16(_) => 1,
            LowCardinalityKeys::U32(_) => 2,
            LowCardinalityKeys::U64(_) => 3,
        };
        put_pod(
            out,
            &[HAS_ADDITIONAL_KEYS | width, self.dictionary.len() as u64],
        );
        self.dictionary.write_data(out);
        put_pod(out, &[self.len() as u64]);
        match &self.keys {
            LowCardinalityKeys::U8(k) => put_pod(out, k),
            LowCardinalityKeys::U16(k) => put_pod(out, k),
            LowCardinalityKeys::U32(k) => put_pod(out, k),
            LowCardinalityKeys::U64(k) => put_pod(out, k),
        }
    }

    pub(crate) fn slice(&self, start: usize, end: usize) -> Self {
        let keys = match &self.keys {
            LowCardinalityKeys::U8(k) => LowCardinalityKeys::U8(k[start..end].to_vec()),
            LowCardinalityKeys::U16(k) => LowCardinalityKeys::U16(k[start..end].to_vec()),
            LowCardinalityKeys::U32(k) => LowCardinalityKeys::U32(k[start..end].to_vec()),
            LowCardinalityKeys::U64(k) => LowCardinalityKeys::U64(k[start..end].to_vec()),
        };
        LowCardinalityColumn {
            nullable: self.nullable,
            dictionary: self.dictionary.clone(),
            keys,
            lookup: None,
        }
    }
}

/// An iterator with a known length.
struct ExactIter<I>(I, usize);

impl<I: Iterator<Item = usize>> Iterator for ExactIter<I> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        let item = self.0.next()?;
        self.1 -= 1;
        Some(item)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.1, Some(self.1))
    }
}

impl<I: Iterator<Item = usize>> ExactSizeIterator for ExactIter<I> {}

pub(crate) fn read_prefix(r: &mut Reader<'_>) -> ReadResult<()> {
    let at = r.offset();
    let version = r.u64_le()?;
    if version != KEY_VERSION {
        return Err(ReadError::Invalid(Error::decode(
            at,
            format!("LowCardinality key version {version}, expected {KEY_VERSION}"),
        )));
    }
    Ok(())
}

pub(crate) fn write_prefix(out: &mut Vec<u8>) {
    put_pod(out, &[KEY_VERSION]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::column::ColumnData;

    /// Strings of every length up to 20 bytes that differ from each other in one byte, at
    /// each position in turn: each is found as itself and never as another, in the scanned
    /// dictionary (up to 8 entries) and past it, as typed inserts push them.
    #[test]
    fn known_strings_are_found_exactly() {
        for len in 0..=20usize {
            let base: Vec<u8> = (0..len).map(|i| b'a' + i as u8).collect();
            let mut values = vec![base.clone()];
            for at in 0..len {
                let mut v = base.clone();
                v[at] = b'Z';
                values.push(v);
            }
            // A longer and a shorter string sharing the first bytes.
            values.push([base.as_slice(), b"!"].concat());
            values.extend(base.split_last().map(|(_, head)| head.to_vec()));
            let data_type: DataType = "LowCardinality(String)".parse().unwrap();
            let mut column = Column::empty(data_type).unwrap();
            let (_, ColumnData::LowCardinality(c)) = column.parts_mut() else {
                unreachable!()
            };
            let mut expected = Vec::new();
            for round in 0..3 {
                for v in &values {
                    if !c.push_known_string(v) {
                        let mut encoded = Vec::new();
                        crate::wire::put_varuint(&mut encoded, v.len() as u64);
                        encoded.extend_from_slice(v);
                        c.push_encoded(&encoded, |d| {
                            let (_, ColumnData::String(s)) = d.parts_mut() else {
                                unreachable!()
                            };
                            s.push(v);
                            Ok(())
                        })
                        .unwrap();
                    } else {
                        assert!(round > 0, "{v:?} found before it was pushed");
                    }
                    expected.push(v.clone());
                }
            }
            let ColumnData::String(dictionary) = c.dictionary().data() else {
                unreachable!()
            };
            let got: Vec<Vec<u8>> = (0..c.len())
                .map(|i| dictionary.get(c.index(i).unwrap()).unwrap().to_vec())
                .collect();
            assert_eq!(got, expected, "strings of {len} bytes");
            assert_eq!(dictionary.len(), values.len(), "strings of {len} bytes");
        }
    }
}
