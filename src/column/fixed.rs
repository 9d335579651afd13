//! Fixed-width columns: one generic path for every type whose rows are N little-endian bytes.

use super::ColumnData;
use crate::types::DataType;
use crate::wire::{ReadResult, Reader};

/// The physical layout of a fixed-width type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FixedKind {
    U8,
    U16,
    U32,
    U64,
    U128,
    I8,
    I16,
    I32,
    I64,
    I128,
    F32,
    F64,
    B16,
    B32,
}

impl FixedKind {
    /// The layout of `data_type`, if it is fixed-width.
    pub(crate) fn of(data_type: &DataType) -> Option<FixedKind> {
        use DataType as T;
        Some(match data_type {
            T::UInt8 | T::Bool => FixedKind::U8,
            T::UInt16 | T::Date | T::BFloat16 => FixedKind::U16,
            T::UInt32 | T::DateTime { .. } | T::IPv4 => FixedKind::U32,
            T::UInt64 => FixedKind::U64,
            T::UInt128 => FixedKind::U128,
            T::Int8 | T::Enum8(_) => FixedKind::I8,
            T::Int16 | T::Enum16(_) => FixedKind::I16,
            T::Int32 | T::Date32 | T::Time => FixedKind::I32,
            T::Int64 | T::DateTime64 { .. } | T::Time64 { .. } | T::Interval(_) => FixedKind::I64,
            T::Int128 => FixedKind::I128,
            T::Float32 => FixedKind::F32,
            T::Float64 => FixedKind::F64,
            T::Uuid | T::IPv6 => FixedKind::B16,
            T::Int256 | T::UInt256 => FixedKind::B32,
            T::Decimal { precision, .. } => match precision {
                0..=9 => FixedKind::I32,
                10..=18 => FixedKind::I64,
                19..=38 => FixedKind::I128,
                _ => FixedKind::B32,
            },
            _ => return None,
        })
    }

    /// Bytes per row.
    pub(crate) fn width(self) -> usize {
        match self {
            FixedKind::U8 | FixedKind::I8 => 1,
            FixedKind::U16 | FixedKind::I16 => 2,
            FixedKind::U32 | FixedKind::I32 | FixedKind::F32 => 4,
            FixedKind::U64 | FixedKind::I64 | FixedKind::F64 => 8,
            FixedKind::U128 | FixedKind::I128 | FixedKind::B16 => 16,
            FixedKind::B32 => 32,
        }
    }

    pub(crate) fn empty(self) -> ColumnData {
        match self {
            FixedKind::U8 => ColumnData::UInt8(Vec::new()),
            FixedKind::U16 => ColumnData::UInt16(Vec::new()),
            FixedKind::U32 => ColumnData::UInt32(Vec::new()),
            FixedKind::U64 => ColumnData::UInt64(Vec::new()),
            FixedKind::U128 => ColumnData::UInt128(Vec::new()),
            FixedKind::I8 => ColumnData::Int8(Vec::new()),
            FixedKind::I16 => ColumnData::Int16(Vec::new()),
            FixedKind::I32 => ColumnData::Int32(Vec::new()),
            FixedKind::I64 => ColumnData::Int64(Vec::new()),
            FixedKind::I128 => ColumnData::Int128(Vec::new()),
            FixedKind::F32 => ColumnData::Float32(Vec::new()),
            FixedKind::F64 => ColumnData::Float64(Vec::new()),
            FixedKind::B16 => ColumnData::Bytes16(Vec::new()),
            FixedKind::B32 => ColumnData::Bytes32(Vec::new()),
        }
    }

    /// Reads `rows` values into `data`'s buffer, replacing its rows: `false` when `data` is
    /// not of this layout.
    pub(crate) fn fill(
        self,
        rows: usize,
        r: &mut Reader<'_>,
        data: &mut ColumnData,
    ) -> ReadResult<bool> {
        macro_rules! kinds {
            ($($kind:ident => $data:ident),*) => {
                match (self, data) {
                    $((FixedKind::$kind, ColumnData::$data(v)) => r.pod_fill(rows, v)?,)*
                    _ => return Ok(false),
                }
            };
        }
        kinds!(U8 => UInt8, U16 => UInt16, U32 => UInt32, U64 => UInt64, U128 => UInt128,
            I8 => Int8, I16 => Int16, I32 => Int32, I64 => Int64, I128 => Int128,
            F32 => Float32, F64 => Float64, B16 => Bytes16, B32 => Bytes32);
        Ok(true)
    }

    /// Reads `rows` values with one bulk copy.
    pub(crate) fn read(self, rows: usize, r: &mut Reader<'_>) -> ReadResult<ColumnData> {
        macro_rules! kinds {
            ($($kind:ident => $data:ident),*) => {
                match self {$(
                    FixedKind::$kind => ColumnData::$data(r.pod_vec(rows)?),
                )*}
            };
        }
        // Byte arrays have no endianness: copied as they are, like the numbers.
        Ok(
            kinds!(U8 => UInt8, U16 => UInt16, U32 => UInt32, U64 => UInt64, U128 => UInt128,
            I8 => Int8, I16 => Int16, I32 => Int32, I64 => Int64, I128 => Int128,
            F32 => Float32, F64 => Float64, B16 => Bytes16, B32 => Bytes32),
        )
    }
}
