//! Wrappers and containers: `Option<T>`, `Vec<T>` from arrays, maps from `Map(K, V)`, and
//! tuples from `Tuple(...)` (and `Point`), each element read by its own [`Cells`].

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use super::{Cells, FromColumn, Mismatch, Rows, Tz};
use crate::column::{ArrayColumn, Column, ColumnData};
use crate::types::DataType;

impl<'de, T: FromColumn<'de>> FromColumn<'de> for Option<T> {
    type Reader = T::Reader;

    fn reader(column: &'de Column, zone: Tz) -> Result<T::Reader, Mismatch> {
        T::reader(column, zone)
    }

    #[inline(always)]
    fn read(reader: &T::Reader, row: usize) -> Result<Option<T>, Mismatch> {
        T::read(reader, row).map(Some)
    }

    fn null() -> Result<Option<T>, Mismatch> {
        Ok(None)
    }
}

/// An array column and the cells of its elements.
pub struct Elements<'de, T: FromColumn<'de>> {
    array: &'de ArrayColumn,
    cells: Cells<'de, T>,
}

fn array(column: &Column) -> Result<&ArrayColumn, Mismatch> {
    match column.data() {
        ColumnData::Array(array) => Ok(array),
        _ => Err(Mismatch::unreadable()),
    }
}

impl<'de, T: FromColumn<'de>> FromColumn<'de> for Vec<T> {
    type Reader = Elements<'de, T>;

    fn reader(column: &'de Column, zone: Tz) -> Result<Elements<'de, T>, Mismatch> {
        let array = array(column)?;
        Ok(Elements {
            array,
            cells: Cells::new(array.values(), zone)?,
        })
    }

    #[inline]
    fn read(reader: &Elements<'de, T>, row: usize) -> Result<Vec<T>, Mismatch> {
        let range = reader.array.range(row);
        let mut out = Vec::with_capacity(range.len());
        match reader.cells.rows {
            Rows::Direct => T::read_range(&reader.cells.reader, range, &mut out)?,
            _ => {
                for i in range {
                    out.push(reader.cells.get(i)?);
                }
            }
        }
        Ok(out)
    }
}

/// A `Map(K, V)` column: its arrays and the cells of keys and values.
pub struct Pairs<'de, K: FromColumn<'de>, V: FromColumn<'de>> {
    array: &'de ArrayColumn,
    keys: Cells<'de, K>,
    values: Cells<'de, V>,
}

impl<'de, K: FromColumn<'de>, V: FromColumn<'de>> Pairs<'de, K, V> {
    fn of(column: &'de Column, zone: Tz) -> Result<Self, Mismatch> {
        let array = array(column)?;
        match (column.data_type().stored(), array.values().data()) {
            (DataType::Map(..), ColumnData::Tuple(kv)) if kv.len() == 2 => Ok(Pairs {
                array,
                keys: Cells::new(&kv[0], zone)?,
                values: Cells::new(&kv[1], zone)?,
            }),
            _ => Err(Mismatch::unreadable()),
        }
    }

    fn get<M: FromIterator<(K, V)>>(&self, row: usize) -> Result<M, Mismatch> {
        self.array
            .range(row)
            .map(|i| Ok((self.keys.get(i)?, self.values.get(i)?)))
            .collect()
    }
}

impl<'de, K, V> FromColumn<'de> for HashMap<K, V>
where
    K: FromColumn<'de> + Eq + Hash,
    V: FromColumn<'de>,
{
    type Reader = Pairs<'de, K, V>;

    fn reader(column: &'de Column, zone: Tz) -> Result<Pairs<'de, K, V>, Mismatch> {
        Pairs::of(column, zone)
    }

    fn read(reader: &Pairs<'de, K, V>, row: usize) -> Result<Self, Mismatch> {
        reader.get(row)
    }
}

impl<'de, K, V> FromColumn<'de> for BTreeMap<K, V>
where
    K: FromColumn<'de> + Ord,
    V: FromColumn<'de>,
{
    type Reader = Pairs<'de, K, V>;

    fn reader(column: &'de Column, zone: Tz) -> Result<Pairs<'de, K, V>, Mismatch> {
        Pairs::of(column, zone)
    }

    fn read(reader: &Pairs<'de, K, V>, row: usize) -> Result<Self, Mismatch> {
        reader.get(row)
    }
}

/// The element columns of a tuple, checked to be `n`.
fn elements(column: &Column, n: usize) -> Result<&[Column], Mismatch> {
    match column.data() {
        ColumnData::Tuple(elements) if elements.len() == n => Ok(elements),
        ColumnData::EmptyTuple(_) if n == 0 => Ok(&[]),
        ColumnData::EmptyTuple(_) => Err(Mismatch::new(format!(
            "a tuple of 0 elements for a Rust tuple of {n}"
        ))),
        ColumnData::Tuple(elements) => Err(Mismatch::new(format!(
            "a tuple of {} elements for a Rust tuple of {n}",
            elements.len()
        ))),
        _ => Err(Mismatch::unreadable()),
    }
}

macro_rules! tuples {
    ($($n:literal => ($($name:ident $i:tt),+))*) => {$(
        impl<'de, $($name: FromColumn<'de>),+> FromColumn<'de> for ($($name,)+) {
            type Reader = ($(Cells<'de, $name>,)+);

            fn reader(column: &'de Column, zone: Tz) -> Result<Self::Reader, Mismatch> {
                let elements = elements(column, $n)?;
                Ok(($(Cells::new(&elements[$i], zone)?,)+))
            }

            #[inline]
            fn read(reader: &Self::Reader, row: usize) -> Result<Self, Mismatch> {
                Ok(($(reader.$i.get(row)?,)+))
            }
        }
    )*};
}

tuples! {
    1 => (A 0)
    2 => (A 0, B 1)
    3 => (A 0, B 1, C 2)
    4 => (A 0, B 1, C 2, D 3)
    5 => (A 0, B 1, C 2, D 3, E 4)
    6 => (A 0, B 1, C 2, D 3, E 4, F 5)
    7 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    8 => (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
}
