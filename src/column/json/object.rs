//! `JSON` in its object serialization: typed paths, dynamic paths and shared data.
//!
//! Prefix (after the UInt64 version that `mod.rs` reads):
//!
//! - V1 (0): a VarUInt the server no longer uses (once `max_dynamic_paths`, now the path
//!   count), then as V2.
//! - V2 (2): VarUInt count and the dynamic paths, sorted; then the prefixes of the typed paths
//!   (in path order) and of the dynamic paths (each a `Dynamic` prefix). The shared data, a
//!   `Map(String, String)`, has no prefix. (Newer servers' bucketed shared data exists only in
//!   the V3 MergeTree serialization, never in Native.)
//! - FLATTENED (3): VarUInt count and every path that is not typed (dynamic and shared alike),
//!   then the typed paths' prefixes and each flattened path's `Dynamic` prefix (itself
//!   FLATTENED).
//!
//! Data: each typed path's column, each dynamic path's `Dynamic` column, then (V1 and V2) the
//! shared data: per row UInt64 end offsets, all paths, all values, each value a binary type and
//! a binary value (a `Dynamic` value in RowBinary).
//!
//! Each row becomes the document the server writes as text (see `text.rs`): every typed path
//! (NULL as `null`), and the dynamic and shared paths that hold a value. The documents are kept
//! as text, exactly as the STRING serialization delivers them.

use super::super::{Column, ColumnData, Prefix, StringColumn};
use super::text::{self, Member};
use crate::error::Error;
use crate::types::{DataType, JsonType, complete_read as complete};
use crate::wire::{ReadError, ReadResult, Reader};

/// The most dynamic paths one block may list.
const MAX_PATHS: u64 = 1 << 20;

/// What an object serialization prefix said.
#[derive(Debug, Clone)]
pub(crate) struct ObjectPrefix {
    /// FLATTENED: every untyped path is a column, and there is no shared data.
    flattened: bool,
    /// The dynamic (or flattened) paths, in the order of their columns.
    paths: Vec<String>,
    typed: Vec<Prefix>,
    dynamic: Vec<Prefix>,
}

fn dynamic_type() -> DataType {
    DataType::Dynamic { max_types: None }
}

/// Reads the prefix that follows version `version` (V1 0, V2 2, FLATTENED 3).
pub(crate) fn read_prefix(
    json: &JsonType,
    version: u64,
    r: &mut Reader<'_>,
) -> ReadResult<ObjectPrefix> {
    let flattened = version == super::FLATTENED;
    if version == super::V1 {
        r.varuint()?;
    }
    let n = r.length("JSON path count", MAX_PATHS)?;
    let mut paths = Vec::with_capacity(n.min(r.remaining()));
    for _ in 0..n {
        paths.push(r.string("JSON path")?);
    }
    let typed = json
        .typed_paths
        .iter()
        .map(|p| Column::read_prefix(&p.data_type, r))
        .collect::<ReadResult<Vec<_>>>()?;
    let dynamic = paths
        .iter()
        .map(|_| Column::read_prefix(&dynamic_type(), r))
        .collect::<ReadResult<Vec<_>>>()?;
    Ok(ObjectPrefix {
        flattened,
        paths,
        typed,
        dynamic,
    })
}

/// The shared data of a block: per row a range of paths and of decoded values.
struct SharedData {
    ends: Vec<u64>,
    paths: Vec<String>,
    /// One `Dynamic` row per path.
    values: Column,
}

impl SharedData {
    fn read(rows: usize, r: &mut Reader<'_>) -> ReadResult<SharedData> {
        let map = DataType::Map(Box::new(DataType::String), Box::new(DataType::String));
        let column = Column::read_data(&map, rows, r)?;
        let ColumnData::Array(pairs) = column.data() else {
            return Err(r.invalid("JSON shared data is not a map"));
        };
        let ColumnData::Tuple(kv) = pairs.values().data() else {
            return Err(r.invalid("JSON shared data is not a map"));
        };
        let (ColumnData::String(keys), ColumnData::String(values)) = (kv[0].data(), kv[1].data())
        else {
            return Err(r.invalid("JSON shared data is not a Map(String, String)"));
        };
        let paths = keys
            .iter()
            .map(|k| String::from_utf8_lossy(k).into_owned())
            .collect();
        let at = r.offset();
        let mut decoded = Column::empty(dynamic_type()).map_err(ReadError::Invalid)?;
        for (k, (path, bytes)) in keys.iter().zip(values.iter()).enumerate() {
            let mut value = r.nested(bytes, at);
            let what = format!(
                "JSON shared data value {k} (path {:?})",
                String::from_utf8_lossy(path)
            );
            complete(decoded.read_row_binary(&mut value, 0), &value, &what)?;
            if value.remaining() != 0 {
                return Err(ReadError::Invalid(Error::decode(
                    at,
                    format!("{} bytes after the {what}", value.remaining()),
                )));
            }
        }
        Ok(SharedData {
            ends: pairs.ends().to_vec(),
            paths,
            values: decoded,
        })
    }

    fn range(&self, i: usize) -> std::ops::Range<usize> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        start..self.ends[i] as usize
    }
}

/// Reads `rows` rows of the object serialization and writes each as a JSON document.
pub(crate) fn read(
    json: &JsonType,
    prefix: &ObjectPrefix,
    rows: usize,
    r: &mut Reader<'_>,
) -> ReadResult<StringColumn> {
    let start = r.position();
    let typed = json
        .typed_paths
        .iter()
        .zip(&prefix.typed)
        .map(|(p, prefix)| Column::read_data_with(&p.data_type, prefix, rows, r))
        .collect::<ReadResult<Vec<_>>>()?;
    let dynamic = prefix
        .dynamic
        .iter()
        .map(|prefix| Column::read_data_with(&dynamic_type(), prefix, rows, r))
        .collect::<ReadResult<Vec<_>>>()?;
    let shared = if prefix.flattened {
        None
    } else {
        Some(SharedData::read(rows, r)?)
    };
    if r.position() == start {
        // No paths of any width (FLATTENED without paths): the documents cost memory the
        // bytes received do not bound.
        r.rows_without_bytes(rows, "JSON without paths")?;
    }
    let zone = r.zone();
    let mut documents = StringColumn::with_capacity(rows, rows * 2);
    let mut text = Vec::new();
    for i in 0..rows {
        let mut members: Vec<Member<'_>> = Vec::new();
        for (path, column) in json.typed_paths.iter().zip(&typed) {
            members.push((path.name.as_str(), column, i));
        }
        for (path, column) in prefix.paths.iter().zip(&dynamic) {
            if !text::is_absent(column, i) {
                members.push((path.as_str(), column, i));
            }
        }
        if let Some(shared) = &shared {
            for k in shared.range(i) {
                if !text::is_absent(&shared.values, k) {
                    members.push((shared.paths[k].as_str(), &shared.values, k));
                }
            }
        }
        text.clear();
        text::write_document(&mut members, zone, &mut text);
        documents.push(&text);
    }
    Ok(documents)
}

/// Reads one `JSON` value in its RowBinary form (a VarUInt path count, then each path and its
/// value: typed paths in their type, the others as `Dynamic`) and appends its document.
pub(crate) fn read_row_binary(
    json: &JsonType,
    documents: &mut StringColumn,
    r: &mut Reader<'_>,
    depth: usize,
) -> ReadResult<()> {
    let n = r.varuint()?;
    // Every path takes at least two bytes (its length and a value).
    if n > r.remaining() as u64 {
        return Err(ReadError::Incomplete);
    }
    let mut cells: Vec<(String, Column)> = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let path = r.string("JSON path")?;
        let data_type = match json.typed_paths.binary_search_by(|p| p.name.cmp(&path)) {
            Ok(k) => json.typed_paths[k].data_type.clone(),
            Err(_) => dynamic_type(),
        };
        let mut column = Column::empty(data_type).map_err(ReadError::Invalid)?;
        column.read_row_binary(r, depth)?;
        cells.push((path, column));
    }
    let mut members: Vec<Member<'_>> = cells
        .iter()
        .filter(|(_, column)| !text::is_absent(column, 0))
        .map(|(path, column)| (path.as_str(), column, 0))
        .collect();
    let mut text = Vec::new();
    text::write_document(&mut members, r.zone(), &mut text);
    documents.push(&text);
    Ok(())
}
