//! `Dynamic`: a variant whose member types are listed in the column's state prefix.
//!
//! Prefix versions: V1 (1: a legacy VarUInt, the type count, the names, then the prefix of the
//! internal `Variant(names + SharedVariant)`), V2 (2: the same without the legacy VarUInt) and
//! FLATTENED (3: the count, the names, each type's prefix; the data is an index per row, `NULL`
//! being the count, then each type's column). Discriminators index the names and the implicit
//! `SharedVariant` sorted together; a FLATTENED column is read into that same order.
//!
//! The shared variant holds the values of types beyond `max_types`: each row a `String` with
//! the value's binary-encoded type and then the value in its RowBinary form. Reading moves them
//! into variants of their own types (added in name order, as the server would list them), so a
//! row of the shared variant reads like any other and the column has no shared values left.
//! The rare column whose shared values share a type with a variant that has rows of its own
//! (the server can produce one when it merges blocks) gets that variant rebuilt in row order
//! through `Value`s. This crate writes V1, listing every type it holds.

use super::variant::VariantColumn;
use super::{Column, ColumnData, Prefix};
use crate::error::Error;
use crate::types::DataType;
use crate::types::complete_read as complete;
use crate::wire::{ReadError, ReadResult, Reader, put_bytes, put_pod, put_varuint};

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
        names.push(r.text("Dynamic member type", crate::wire::MAX_TYPE_NAME)?);
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
    // The discriminators follow the names as written, sorted; this column writes the types'
    // own names in the same order. A name spelled otherwise than the type prints (`Int1` for
    // `Int8`: a fuzz finding) must not change that order or name a type twice, or the column
    // would write bytes that do not read back.
    let canonical: Vec<String> = types.iter().map(|t| type_name(t.as_ref())).collect();
    if let Some(w) = canonical.windows(2).find(|w| w[0] >= w[1]) {
        return Err(invalid(
            r,
            format!(
                "Dynamic member types out of order or repeated once spelled as types print \
                 ({} then {}): not as a server writes them",
                w[0], w[1]
            ),
        ));
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

    /// The type of row `i`'s value (what `dynamicType` says), `None` for NULL.
    pub fn type_of(&self, i: usize) -> Option<&DataType> {
        let (d, _) = self.values.locate(i)?;
        self.types.get(d)?.as_ref()
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
        let mut column = DynamicColumn {
            types: p.types.clone(),
            values,
        };
        column.resolve_shared(r)?;
        Ok(column)
    }

    /// Moves the shared variant's values into variants of their own types.
    fn resolve_shared(&mut self, r: &Reader<'_>) -> ReadResult<()> {
        let Some(shared) = self.types.iter().position(Option::is_none) else {
            return Ok(());
        };
        if self.values.variants()[shared].is_empty() {
            return Ok(());
        }
        let empty = Column::empty(DataType::String).map_err(ReadError::Invalid)?;
        let strings = self.values.replace_variant(shared, empty);
        let ColumnData::String(strings) = strings.data() else {
            return Err(invalid(
                r,
                "the shared variant is not a String column".into(),
            ));
        };
        // Variants with rows of their own before any shared value moved in.
        let had_rows: Vec<DataType> = self
            .types
            .iter()
            .zip(self.values.variants())
            .filter(|(_, v)| !v.is_empty())
            .filter_map(|(t, _)| t.clone())
            .collect();
        let mut grown: Vec<DataType> = Vec::new();
        let at = r.offset();
        for i in 0..self.len() {
            let shared = self.shared_index();
            let Some((d, p)) = self.values.locate(i) else {
                continue;
            };
            if Some(d) != shared {
                continue;
            }
            let bytes = strings.get(p).unwrap_or_default();
            let mut value = r.nested(bytes, at);
            let what = format!("shared variant value of row {i}");
            let data_type = complete(crate::types::read_binary(&mut value), &value, &what)?;
            if data_type == DataType::Nothing {
                self.values.relocate(i, None, 0);
                continue;
            }
            let target = self.variant_for(&data_type).map_err(ReadError::Invalid)?;
            let column = &mut self.values.variants_mut()[target];
            complete(column.read_row_binary(&mut value, 0), &value, &what)?;
            if value.remaining() != 0 {
                return Err(invalid(
                    r,
                    format!("{} bytes after the {what} ({data_type})", value.remaining()),
                ));
            }
            // Every column counts its rows (`Tuple()`, without element columns, keeps a count
            // of its own); one whose count did not grow could not place the value by position.
            let Some(position) = column.len().checked_sub(1) else {
                return Err(invalid(
                    r,
                    format!(
                        "the {what} is of type {data_type}, which a Dynamic column cannot hold"
                    ),
                ));
            };
            self.values.relocate(i, Some(target), position);
            if had_rows.contains(&data_type) && !grown.contains(&data_type) {
                grown.push(data_type);
            }
        }
        for data_type in grown {
            self.rebuild_in_row_order(&data_type)
                .map_err(ReadError::Invalid)?;
        }
        Ok(())
    }

    /// The discriminator of the shared variant.
    fn shared_index(&self) -> Option<usize> {
        self.types.iter().position(Option::is_none)
    }

    /// Rewrites the column of `data_type` so that its values are in the order of their rows.
    fn rebuild_in_row_order(&mut self, data_type: &DataType) -> crate::error::Result<()> {
        let Some(d) = self
            .types
            .iter()
            .position(|t| t.as_ref() == Some(data_type))
        else {
            return Ok(());
        };
        let old = self.values.variants()[d].clone();
        let mut fresh = old.slice(0, 0);
        for i in 0..self.len() {
            if let Some((v, p)) = self.values.locate(i) {
                if v == d {
                    fresh.push_value(&old.value(p, chrono_tz::Tz::UTC))?;
                    let position = fresh.len().checked_sub(1).ok_or_else(|| {
                        Error::invalid_input(format!(
                            "a Dynamic column cannot hold values of type {data_type}"
                        ))
                    })?;
                    self.values.relocate(i, Some(d), position);
                }
            }
        }
        self.values.replace_variant(d, fresh);
        Ok(())
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
            return Err(Error::invalid_input(
                "a Dynamic column takes at most 254 types",
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
    // With the shared variant, a column holds at most 255 variants (a byte's discriminators,
    // 255 being NULL): a server's Dynamic has at most 254 types, which index in a byte (the
    // format's wider indexes are for more types than that).
    if n > 254 {
        return Err(invalid(
            r,
            format!("a Dynamic column of {n} types (at most 254 fit)"),
        ));
    }
    let indexes: Vec<u64> = r.take(rows)?.iter().map(|&b| u64::from(b)).collect();
    let types: Vec<DataType> = p.types.iter().flatten().cloned().collect();
    let mut counts = vec![0usize; n];
    for &i in &indexes {
        match i as usize {
            i if i < n => counts[i] += 1,
            i if i == n => {}
            other => return Err(invalid(r, format!("Dynamic index {other} for {n} types"))),
        }
    }
    let mut columns = types
        .iter()
        .zip(&counts)
        .enumerate()
        .map(|(k, (t, &c))| {
            Column::read_data_with(t, p.children.get(k).unwrap_or(&Prefix::Plain), c, r).map(Some)
        })
        .collect::<ReadResult<Vec<_>>>()?;
    // The column is kept as a V1 column is read (and written): the types sorted by name with
    // the shared variant among them, empty. The flattened form lists the types in any order
    // and has no shared variant, so each index is mapped to its place in that order.
    let name = |k: &Option<usize>| type_name(k.map(|k| &types[k]));
    let mut order: Vec<Option<usize>> = (0..n).map(Some).chain([None]).collect();
    order.sort_by_cached_key(name);
    let names: Vec<String> = order.iter().map(name).collect();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(invalid(
            r,
            format!("Dynamic member type {} listed twice", w[0]),
        ));
    }
    let mut place = vec![0; n];
    let mut variants = Vec::with_capacity(n + 1);
    for (d, k) in order.iter().enumerate() {
        variants.push(match k {
            Some(k) => {
                place[*k] = d;
                columns[*k].take().expect("each type placed once")
            }
            None => Column::empty(DataType::String).map_err(ReadError::Invalid)?,
        });
    }
    let mut values = VariantColumn::new(variants);
    let mut taken = vec![0u32; n];
    for &i in &indexes {
        let i = i as usize;
        if i == n {
            values.push_null();
        } else {
            values.push_existing(place[i], taken[i]);
            taken[i] += 1;
        }
    }
    Ok(DynamicColumn {
        types: order.iter().map(|k| k.map(|k| types[k].clone())).collect(),
        values,
    })
}

#[cfg(test)]
mod tests {
    use chrono_tz::Tz;

    use super::*;
    use crate::value::Value;

    /// A V1 Dynamic column of `rows` rows whose prefix names only Int64: `discriminators` index
    /// (Int64, SharedVariant), then two Int64 values (1 and 9), then the shared strings.
    fn column(discriminators: &[u8], shared: &[&[u8]]) -> crate::error::Result<Column> {
        let mut bytes = vec![1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 5];
        bytes.extend_from_slice(b"Int64");
        bytes.extend_from_slice(&[0; 8]);
        bytes.extend_from_slice(discriminators);
        bytes.extend_from_slice(&1i64.to_le_bytes());
        bytes.extend_from_slice(&9i64.to_le_bytes());
        for value in shared {
            put_bytes(&mut bytes, value);
        }
        read(&bytes, discriminators.len())
    }

    /// A `Dynamic` column of `rows` rows, its prefix and data in `bytes`.
    fn read(bytes: &[u8], rows: usize) -> crate::error::Result<Column> {
        let mut r = Reader::new(bytes, 0);
        let t = DataType::Dynamic { max_types: None };
        let read = Column::read_prefix(&t, &mut r)
            .and_then(|prefix| Column::read_data_with(&t, &prefix, rows, &mut r));
        match read {
            Ok(c) => {
                assert_eq!(r.remaining(), 0, "bytes after the column");
                Ok(c)
            }
            Err(ReadError::Invalid(e)) => Err(e),
            Err(ReadError::Incomplete) => panic!("incomplete"),
        }
    }

    /// The rows of `c` written (as this crate writes them) and read back.
    fn written_and_read_back(c: &Column) -> Vec<Value> {
        let mut out = Vec::new();
        c.write_prefix(&mut out);
        c.write_data(&mut out);
        let again = read(&out, c.len()).unwrap();
        (0..again.len()).map(|i| again.value(i, Tz::UTC)).collect()
    }

    fn int64(v: i64) -> Vec<u8> {
        let mut bytes = vec![0x0a];
        bytes.extend_from_slice(&v.to_le_bytes());
        bytes
    }

    #[test]
    fn a_shared_value_of_a_variant_type_joins_it_in_row_order() {
        // Rows: Int64 1, shared Int64 5, shared String "s", Int64 9, shared NULL.
        let c = column(&[0, 1, 1, 0, 1], &[&int64(5), b"\x15\x01s", b"\x00"]).unwrap();
        let values: Vec<Value> = (0..c.len()).map(|i| c.value(i, Tz::UTC)).collect();
        assert_eq!(
            values,
            [
                Value::Int64(1),
                Value::Int64(5),
                Value::from("s"),
                Value::Int64(9),
                Value::Null
            ]
        );
        let ColumnData::Dynamic(d) = c.data() else {
            unreachable!()
        };
        let int64 = &d.values().variants()[0];
        let stored: Vec<Value> = (0..int64.len()).map(|i| int64.value(i, Tz::UTC)).collect();
        assert_eq!(stored, [Value::Int64(1), Value::Int64(5), Value::Int64(9)]);
        // Written and read back: the same rows.
        assert_eq!(written_and_read_back(&c), values);
    }

    /// A FLATTENED column (version 3) of `rows` rows: `names` as listed, an index a row, then
    /// `data`, each type's values in the listed order.
    fn flattened(names: &[&str], indexes: &[u8], data: &[u8]) -> crate::error::Result<Column> {
        let mut bytes = 3u64.to_le_bytes().to_vec();
        put_varuint(&mut bytes, names.len() as u64);
        for name in names {
            put_bytes(&mut bytes, name.as_bytes());
        }
        bytes.extend_from_slice(indexes);
        bytes.extend_from_slice(data);
        read(&bytes, indexes.len())
    }

    /// A FLATTENED column lists its types in any order and has no shared variant; it is read
    /// into the order this column writes (V1: the types and the shared variant sorted by
    /// name), so it writes back bytes that read as the same rows. (A fuzz finding: read in
    /// its listed order, it was written with discriminators that pointed at the wrong types.)
    #[test]
    fn a_flattened_column_writes_back_what_it_read() {
        let uuid = [0x11u8; 16];
        let mut data = uuid.to_vec();
        data.extend_from_slice(&7i64.to_le_bytes());
        data.extend_from_slice(&8i64.to_le_bytes());
        // Rows: Int64 7, UUID, NULL, Int64 8 (index 0 is UUID, 1 Int64, 2 NULL).
        let c = flattened(&["UUID", "Int64"], &[1, 0, 2, 1], &data).unwrap();
        let values: Vec<Value> = (0..c.len()).map(|i| c.value(i, Tz::UTC)).collect();
        assert_eq!(values[0], Value::Int64(7));
        assert!(matches!(values[1], Value::Uuid(_)), "{:?}", values[1]);
        assert_eq!(values[2], Value::Null);
        assert_eq!(values[3], Value::Int64(8));
        let ColumnData::Dynamic(d) = c.data() else {
            unreachable!()
        };
        let names: Vec<String> = d.types().iter().map(|t| type_name(t.as_ref())).collect();
        assert_eq!(names, ["Int64", "SharedVariant", "UUID"]);
        assert_eq!(written_and_read_back(&c), values);
    }

    /// A FLATTENED column that lists a type twice, or more types than a Dynamic holds, is an
    /// error.
    #[test]
    fn flattened_columns_with_repeated_or_too_many_types_are_errors() {
        let twice = flattened(&["Int64", "Int64"], &[0], &7i64.to_le_bytes()).unwrap_err();
        assert!(twice.to_string().contains("Int64 listed twice"), "{twice}");
        let names: Vec<String> = (1..=255).map(|n| format!("FixedString({n})")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let many = flattened(&names, &[255], &[]).unwrap_err();
        assert!(many.to_string().contains("255 types"), "{many}");
    }

    #[test]
    fn malformed_shared_values_are_errors() {
        for (value, message) in [
            (&b"\x33"[..], "unknown binary type code 0x33"),
            (&b"\x0a\x05\x00"[..], "ends early"),
            (
                &b"\x15\x01sX"[..],
                "1 bytes after the shared variant value of row 1",
            ),
            (&b""[..], "ends early"),
        ] {
            let err = column(&[0, 1, 0], &[value]).unwrap_err();
            assert!(err.to_string().contains(message), "{value:?}: {err}");
        }
    }

    #[test]
    fn deeply_nested_prefixes_are_refused_not_a_stack_overflow() {
        // Dynamic whose one type is Array(Dynamic), whose Dynamic has one type Array(Dynamic)...
        let mut bytes = Vec::new();
        for _ in 0..20_000 {
            bytes.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 14]);
            bytes.extend_from_slice(b"Array(Dynamic)");
            bytes.extend_from_slice(&[0; 8]);
        }
        let mut r = Reader::new(&bytes, 0);
        let t = DataType::Dynamic { max_types: None };
        match Column::read_prefix(&t, &mut r) {
            Err(ReadError::Invalid(e)) => {
                assert!(e.to_string().contains("nested deeper than"), "{e}")
            }
            other => panic!("{other:?}"),
        }
    }
}
