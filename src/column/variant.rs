//! `Variant(T1, ..., Tn)` (and `Geometry`): one discriminator per row (255 = NULL), then each
//! variant's column holding only the rows that chose it. The state prefix is a UInt64
//! discriminator mode (0 = basic; the compact mode is MergeTree-only) and the variants' own
//! prefixes.

use super::{Column, Prefix};
use crate::error::Error;
use crate::types::DataType;
use crate::wire::{ReadError, ReadResult, Reader, put_pod};

/// The discriminator of a NULL row.
pub(crate) const NULL_DISCRIMINATOR: u8 = 255;

/// Variant values: per row a discriminator and the row's position in its variant's column.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantColumn {
    discriminators: Vec<u8>,
    positions: Vec<u32>,
    variants: Vec<Column>,
}

impl VariantColumn {
    /// An empty column with one (empty) column per variant.
    pub fn new(variants: Vec<Column>) -> Self {
        VariantColumn {
            discriminators: Vec::new(),
            positions: Vec::new(),
            variants,
        }
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.discriminators.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.discriminators.is_empty()
    }

    /// The variant columns, in discriminator order.
    pub fn variants(&self) -> &[Column] {
        &self.variants
    }

    /// The variant and position of row `i`, or `None` for NULL.
    #[inline]
    pub fn locate(&self, i: usize) -> Option<(usize, usize)> {
        let d = *self.discriminators.get(i)?;
        if d == NULL_DISCRIMINATOR {
            return None;
        }
        Some((usize::from(d), self.positions[i] as usize))
    }

    pub(crate) fn byte_size(&self) -> usize {
        self.len() * 5 + self.variants.iter().map(Column::byte_size).sum::<usize>()
    }

    /// Appends a NULL row.
    pub(crate) fn push_null(&mut self) {
        self.discriminators.push(NULL_DISCRIMINATOR);
        self.positions.push(0);
    }

    /// The variant columns, to append a value to variant `d`; record it with [`Self::pushed`].
    pub(crate) fn variants_mut(&mut self) -> &mut [Column] {
        &mut self.variants
    }

    /// Appends a row for the value at `position` of variant `d` (already in its column).
    pub(crate) fn push_existing(&mut self, d: usize, position: u32) {
        self.discriminators.push(d as u8);
        self.positions.push(position);
    }

    /// Points row `i` at the value at `position` of variant `d` (NULL when `d` is `None`).
    pub(crate) fn relocate(&mut self, i: usize, d: Option<usize>, position: usize) {
        match d {
            Some(d) => {
                self.discriminators[i] = d as u8;
                self.positions[i] = position as u32;
            }
            None => {
                self.discriminators[i] = NULL_DISCRIMINATOR;
                self.positions[i] = 0;
            }
        }
    }

    /// Replaces the column of variant `d`.
    pub(crate) fn replace_variant(&mut self, d: usize, column: Column) -> Column {
        std::mem::replace(&mut self.variants[d], column)
    }

    /// Inserts a new (empty) variant at discriminator `at`, renumbering the ones after it.
    pub(crate) fn insert_variant(&mut self, at: usize, column: Column) {
        self.variants.insert(at, column);
        for d in &mut self.discriminators {
            if *d != NULL_DISCRIMINATOR && usize::from(*d) >= at {
                *d += 1;
            }
        }
    }

    /// Records that the last value of variant `d` is the next row.
    pub(crate) fn pushed(&mut self, d: usize) {
        let position = self.variants[d].len().saturating_sub(1) as u32;
        self.discriminators.push(d as u8);
        self.positions.push(position);
    }

    /// Reads `rows` rows whose discriminators index `types`.
    pub(crate) fn read(
        types: &[DataType],
        prefix: &Prefix,
        rows: usize,
        r: &mut Reader<'_>,
    ) -> ReadResult<Self> {
        let at = r.offset();
        let discriminators = r.take(rows)?.to_vec();
        let mut counts = vec![0u32; types.len()];
        let mut positions = Vec::with_capacity(rows);
        for &d in &discriminators {
            if d == NULL_DISCRIMINATOR {
                positions.push(0);
                continue;
            }
            let Some(count) = counts.get_mut(usize::from(d)) else {
                return Err(ReadError::Invalid(Error::decode(
                    at,
                    format!("variant discriminator {d} for {} variants", types.len()),
                )));
            };
            positions.push(*count);
            *count += 1;
        }
        let variants = types
            .iter()
            .zip(&counts)
            .enumerate()
            .map(|(i, (t, &n))| Column::read_data_with(t, prefix.child(i), n as usize, r))
            .collect::<ReadResult<Vec<_>>>()?;
        Ok(VariantColumn {
            discriminators,
            positions,
            variants,
        })
    }

    pub(crate) fn write_prefix(&self, out: &mut Vec<u8>) {
        put_pod(out, &[0u64]);
        for v in &self.variants {
            v.write_prefix(out);
        }
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.discriminators);
        for v in &self.variants {
            v.write_data(out);
        }
    }

    pub(crate) fn slice(&self, start: usize, end: usize) -> Self {
        // A variant's rows within a range of rows are contiguous in its column.
        let n = self.variants.len();
        let mut first = vec![u32::MAX; n];
        let mut count = vec![0u32; n];
        for i in start..end {
            if let Some((d, p)) = self.locate(i) {
                first[d] = first[d].min(p as u32);
                count[d] += 1;
            }
        }
        let variants = self
            .variants
            .iter()
            .enumerate()
            .map(|(d, v)| {
                let from = if count[d] == 0 { 0 } else { first[d] as usize };
                v.slice(from, from + count[d] as usize)
            })
            .collect();
        let discriminators = self.discriminators[start..end].to_vec();
        let positions = (start..end)
            .map(|i| match self.locate(i) {
                Some((d, p)) => p as u32 - first[d],
                None => 0,
            })
            .collect();
        VariantColumn {
            discriminators,
            positions,
            variants,
        }
    }
}

/// Reads a Variant's state prefix: the discriminator mode and each variant's prefix.
pub(crate) fn read_prefix(types: &[DataType], r: &mut Reader<'_>) -> ReadResult<Prefix> {
    let at = r.offset();
    let mode = r.u64_le()?;
    if mode != 0 {
        return Err(ReadError::Invalid(Error::decode(
            at,
            format!("variant discriminator mode {mode} (only basic, 0, is sent)"),
        )));
    }
    let children = types
        .iter()
        .map(|t| Column::read_prefix(t, r))
        .collect::<ReadResult<Vec<_>>>()?;
    Ok(Prefix::Children(children))
}
