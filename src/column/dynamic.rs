//! `Dynamic`: a variant whose member types are listed in the column's state prefix.
//!
//! Prefix versions: V1 (1: a legacy VarUInt, the type count, the names, then the prefix of the
//! internal `Variant(names + SharedVariant)`), V2 (2: the same without the legacy VarUInt) and
//! FLATTENED (3: the count, the names, each type's prefix; the data is an index per row, `NULL`
//! being the count, then each type's column). Discriminators index the names and the implicit
//! `SharedVariant` sorted together. Values in the shared variant (binary-encoded, used once a
//! column has more than `max_types` types) are reported as unsupported rather than guessed.
//! This crate writes V1.

use super::variant::VariantColumn;
use super::{Column, Prefix};
use crate::error::Error;
use crate::native::wire::{ReadError, ReadResult, Reader, put_bytes, put_pod, put_varuint};
use crate::types::DataType;

/// The name of the variant that holds values of types beyond `max_types`.
const SHARED_VARIANT: &str = "SharedVariant";
const MAX_TYPES: u64 = 1 << 16;

/// What a Dynamic column's prefix said.
#[derive(Debug, Clone)]
pub(crate) struct DynamicPrefix {
    /// The member types in discriminator order; `None` marks the shared variant.
    types: Vec<Option<DataType>>,
    flattened: bool,
    children: Vec<Prefix>,
}

/// Dynamic values: the member types and a variant over them.
#[derive(Debug, Clone, PartialEq)]
pub struct DynamicColumn {
    /// The members in discriminator order; `None` is the shared variant.
    types: Vec<Option<DataType>>,
    values: VariantColumn,
}

fn invalid(r: &Reader<'_>, message: String) -> ReadError {
    ReadError::Invalid(Error::decode(r.offset(), message))
}

pub(crate) fn read_prefix(r: &mut Reader<'_>) -> ReadResult<Prefix> {
    let version = r.u64_le()?;
    let flattened = match version {
        1 => {
            r.varuint()?;
            false
        }
        2 => false,
        3 => true,
        other => return Err(invalid(r, format!("Dynamic serialization version {other}"))),
    };
    let n = r.length("Dynamic type count", MAX_TYPES)?;
    let mut names = Vec::with_capacity(n);
    for _ in 0..n {
        names.push(r.string()?);
    }
    let mut types: Vec<Option<DataType>> = Vec::with_capacity(n + 1);
    let parse = |name: &str, r: &Reader<'_>| {
        DataType::parse(name).map_err(|e| invalid(r, format!("Dynamic member type: {e}")))
    };
    if flattened {
        for name in &names {
            types.push(Some(parse(name, r)?));
        }
        let children = types
            .iter()
            .flatten()
            .map(|t| Column::read_prefix(t, r))
            .collect::<ReadResult<Vec<_>>>()?;
        return Ok(Prefix::Dynamic(Box::new(DynamicPrefix {
            types,
            flattened,
            children,
        })));
    }
    names.push(SHARED_VARIANT.to_owned());
    names.sort();
    for name in &names {
        types.push(if name == SHARED_VARIANT {
            None
        } else {
            Some(parse(name, r)?)
        });
    }
    let at = r.offset();
    let mode = r.u64_le()?;
    if mode != 0 {
        return Err(ReadError::Invalid(Error::decode(
            at,
            format!("variant discriminator mode {mode}"),
        )));
    }
    let children = types
        .iter()
        .map(|t| match t {
            Some(t) => Column::read_prefix(t, r),
            None => Ok(Prefix::Plain),
        })
        .collect::<ReadResult<Vec<_>>>()?;
    Ok(Prefix::Dynamic(Box::new(DynamicPrefix {
        types,
        flattened,
        children,
    })))
}

impl DynamicColumn {
    /// An empty column.
    pub fn new() -> Self {
        DynamicColumn {
            types: Vec::new(),
            values: VariantColumn::new(Vec::new()),
        }
    }

    /// The member types, in discriminator order (`None` is the shared variant).
    pub fn types(&self) -> &[Option<DataType>] {
        &self.types
    }

    /// The values as a variant over [`types`](Self::types).
    pub fn values(&self) -> &VariantColumn {
        &self.values
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub(crate) fn byte_size(&self) -> usize {
        self.values.byte_size()
    }

    pub(crate) fn read(prefix: &Prefix, rows: usize, r: &mut Reader<'_>) -> ReadResult<Self> {
        let Prefix::Dynamic(p) = prefix else {
            return Err(invalid(r, "a Dynamic column without its prefix".into()));
        };
        if p.flattened {
            return read_flattened(p, rows, r);
        }
        let physical: Vec<DataType> = p
            .types
            .iter()
            .map(|t| t.clone().unwrap_or(DataType::String))
            .collect();
        let values =
            VariantColumn::read(&physical, &Prefix::Children(p.children.clone()), rows, r)?;
        if let Some(shared) = p.types.iter().position(Option::is_none) {
            if !values.variants()[shared].is_empty() {
                return Err(ReadError::Invalid(Error::UnsupportedType {
                    type_name: "Dynamic".into(),
                    reason:
                        "values in the shared variant (a column with more types than max_types) \
                             cannot be decoded yet; raise max_types or select toString(col)"
                            .into(),
                }));
            }
        }
        Ok(DynamicColumn {
            types: p.types.clone(),
            values,
        })
    }

    /// Writes the V1 prefix: the member types (the shared variant is implicit).
    pub(crate) fn write_prefix(&self, out: &mut Vec<u8>) {
        let named: Vec<&DataType> = self.types.iter().flatten().collect();
        put_pod(out, &[1u64]);
        put_varuint(out, named.len() as u64);
        put_varuint(out, named.len() as u64);
        for t in &named {
            put_bytes(out, t.to_string().as_bytes());
        }
        self.values.write_prefix(out);
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        self.values.write(out);
    }

    pub(crate) fn slice(&self, start: usize, end: usize) -> Self {
        DynamicColumn {
            types: self.types.clone(),
            values: self.values.slice(start, end),
        }
    }

    /// Appends NULL.
    pub(crate) fn push_null(&mut self) {
        self.ensure_shared();
        self.values.push_null();
    }

    /// The discriminator for `data_type`, adding it (in sorted position) when new.
    pub(crate) fn variant_for(&mut self, data_type: &DataType) -> crate::error::Result<usize> {
        self.ensure_shared();
        if let Some(d) = self
            .types
            .iter()
            .position(|t| t.as_ref() == Some(data_type))
        {
            return Ok(d);
        }
        if self.types.len() >= 255 {
            return Err(Error::InvalidInput(
                "a Dynamic column takes at most 254 types".into(),
            ));
        }
        let name = data_type.to_string();
        let at = self
            .types
            .iter()
            .position(|t| type_name(t.as_ref()) > name)
            .unwrap_or(self.types.len());
        self.types.insert(at, Some(data_type.clone()));
        self.values
            .insert_variant(at, Column::empty(data_type.clone())?);
        Ok(at)
    }

    /// The variant columns, to append to one.
    pub(crate) fn values_mut(&mut self) -> &mut VariantColumn {
        &mut self.values
    }

    /// Keeps the shared variant's slot in the discriminator space, as servers expect.
    fn ensure_shared(&mut self) {
        if self.types.is_empty() {
            self.types.push(None);
            if let Ok(empty) = Column::empty(DataType::String) {
                self.values = VariantColumn::new(vec![empty]);
            }
        }
    }
}

impl Default for DynamicColumn {
    fn default() -> Self {
        Self::new()
    }
}

fn type_name(t: Option<&DataType>) -> String {
    t.map_or_else(|| SHARED_VARIANT.to_owned(), ToString::to_string)
}

fn read_flattened(p: &DynamicPrefix, rows: usize, r: &mut Reader<'_>) -> ReadResult<DynamicColumn> {
    let n = p.types.len();
    let indexes: Vec<u64> = if n < 255 {
        r.take(rows)?.iter().map(|&b| u64::from(b)).collect()
    } else if n < 65535 {
        r.pod_vec::<u16>(rows)?.into_iter().map(u64::from).collect()
    } else {
        r.pod_vec::<u32>(rows)?.into_iter().map(u64::from).collect()
    };
    let types: Vec<DataType> = p.types.iter().flatten().cloned().collect();
    let mut counts = vec![0usize; n];
    for &i in &indexes {
        match i as usize {
            i if i < n => counts[i] += 1,
            i if i == n => {}
            other => return Err(invalid(r, format!("Dynamic index {other} for {n} types"))),
        }
    }
    let columns = types
        .iter()
        .zip(&counts)
        .enumerate()
        .map(|(k, (t, &c))| {
            Column::read_data_with(t, p.children.get(k).unwrap_or(&Prefix::Plain), c, r)
        })
        .collect::<ReadResult<Vec<_>>>()?;
    let mut values = VariantColumn::new(columns);
    let mut taken = vec![0u32; n];
    for &i in &indexes {
        let i = i as usize;
        if i == n {
            values.push_null();
        } else {
            values.push_existing(i, taken[i]);
            taken[i] += 1;
        }
    }
    Ok(DynamicColumn {
        types: p.types.clone(),
        values,
    })
}
