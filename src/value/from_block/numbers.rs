//! Numbers and booleans: integer fields from any integer-stored column whose values fit, float
//! fields from floats, integers and decimals.

use std::fmt::Display;

use super::{FromColumn, Mismatch, Tz};
use crate::column::{Column, ColumnData};
use crate::types::DataType;
use crate::value::FromValue;

/// An integer-stored column: integers, `Bool`, dates and date-times (their stored number),
/// enums (their number), `Time`, `Time64` and intervals.
#[derive(Clone, Copy)]
pub enum Ints<'de> {
    #[allow(missing_docs)]
    U8(&'de [u8]),
    #[allow(missing_docs)]
    U16(&'de [u16]),
    #[allow(missing_docs)]
    U32(&'de [u32]),
    #[allow(missing_docs)]
    U64(&'de [u64]),
    #[allow(missing_docs)]
    U128(&'de [u128]),
    #[allow(missing_docs)]
    I8(&'de [i8]),
    #[allow(missing_docs)]
    I16(&'de [i16]),
    #[allow(missing_docs)]
    I32(&'de [i32]),
    #[allow(missing_docs)]
    I64(&'de [i64]),
    #[allow(missing_docs)]
    I128(&'de [i128]),
}

impl<'de> Ints<'de> {
    /// The integers of `column`, if its type is stored as one.
    fn of(column: &'de Column) -> Option<Self> {
        use DataType as T;
        let integer = matches!(
            column.data_type().stored(),
            T::UInt8
                | T::UInt16
                | T::UInt32
                | T::UInt64
                | T::UInt128
                | T::Int8
                | T::Int16
                | T::Int32
                | T::Int64
                | T::Int128
                | T::Bool
                | T::Date
                | T::Date32
                | T::DateTime { .. }
                | T::DateTime64 { .. }
                | T::Enum8(_)
                | T::Enum16(_)
                | T::Time
                | T::Time64 { .. }
                | T::Interval(_)
        );
        if !integer {
            return None;
        }
        Some(match column.data() {
            ColumnData::UInt8(v) => Ints::U8(v),
            ColumnData::UInt16(v) => Ints::U16(v),
            ColumnData::UInt32(v) => Ints::U32(v),
            ColumnData::UInt64(v) => Ints::U64(v),
            ColumnData::UInt128(v) => Ints::U128(v),
            ColumnData::Int8(v) => Ints::I8(v),
            ColumnData::Int16(v) => Ints::I16(v),
            ColumnData::Int32(v) => Ints::I32(v),
            ColumnData::Int64(v) => Ints::I64(v),
            ColumnData::Int128(v) => Ints::I128(v),
            _ => return None,
        })
    }
}

/// `value` as `T`, or an error saying it is out of range.
#[inline(always)]
fn fit<S: Copy + Display, T: TryFrom<S>>(value: S) -> Result<T, Mismatch> {
    T::try_from(value).map_err(|_| out_of_range::<S, T>(value))
}

#[cold]
#[inline(never)]
fn out_of_range<S: Display, T>(value: S) -> Mismatch {
    Mismatch::new(format!(
        "{value}, out of the range of {}",
        std::any::type_name::<T>()
    ))
}

macro_rules! integers {
    ($($rust:ty => $same:ident),*) => {$(
        impl<'de> FromColumn<'de> for $rust {
            type Reader = Ints<'de>;

            fn reader(column: &'de Column, _: Tz) -> Result<Ints<'de>, Mismatch> {
                Ints::of(column).ok_or_else(Mismatch::unreadable)
            }

            #[inline(always)]
            #[allow(unreachable_patterns, clippy::unnecessary_cast)]
            fn read(reader: &Ints<'de>, row: usize) -> Result<$rust, Mismatch> {
                match *reader {
                    Ints::$same(v) => Ok(v[row] as $rust),
                    Ints::U8(v) => fit(v[row]),
                    Ints::U16(v) => fit(v[row]),
                    Ints::U32(v) => fit(v[row]),
                    Ints::U64(v) => fit(v[row]),
                    Ints::U128(v) => fit(v[row]),
                    Ints::I8(v) => fit(v[row]),
                    Ints::I16(v) => fit(v[row]),
                    Ints::I32(v) => fit(v[row]),
                    Ints::I64(v) => fit(v[row]),
                    Ints::I128(v) => fit(v[row]),
                }
            }

            #[inline]
            #[allow(clippy::unnecessary_cast)]
            fn read_range(
                reader: &Ints<'de>,
                rows: std::ops::Range<usize>,
                out: &mut Vec<$rust>,
            ) -> Result<(), Mismatch> {
                match *reader {
                    Ints::$same(v) => {
                        out.extend(v[rows].iter().map(|&x| x as $rust));
                        Ok(())
                    }
                    _ => rows.map(|row| Self::read(reader, row)).try_for_each(|v| {
                        out.push(v?);
                        Ok(())
                    }),
                }
            }
        }
    )*};
}

integers!(u8 => U8, u16 => U16, u32 => U32, u64 => U64, u128 => U128,
    i8 => I8, i16 => I16, i32 => I32, i64 => I64, i128 => I128);

/// A column read as floats.
pub enum Floats<'de> {
    #[allow(missing_docs)]
    F32(&'de [f32]),
    #[allow(missing_docs)]
    F64(&'de [f64]),
    /// `BFloat16`: the upper half of an `f32`.
    BFloat16(&'de [u16]),
    /// Integers, converted as `as` does.
    Ints(Ints<'de>),
    /// Decimals, through their exact value.
    Decimal(&'de Column, Tz),
}

impl<'de> Floats<'de> {
    fn of(column: &'de Column, zone: Tz) -> Result<Self, Mismatch> {
        Ok(match (column.data(), column.data_type().stored()) {
            (ColumnData::Float32(v), _) => Floats::F32(v),
            (ColumnData::Float64(v), _) => Floats::F64(v),
            (ColumnData::UInt16(v), DataType::BFloat16) => Floats::BFloat16(v),
            (_, DataType::Decimal { .. }) => Floats::Decimal(column, zone),
            _ => Floats::Ints(Ints::of(column).ok_or_else(Mismatch::unreadable)?),
        })
    }

    #[inline(always)]
    fn get(&self, row: usize) -> Result<f64, Mismatch> {
        Ok(match *self {
            Floats::F64(v) => v[row],
            Floats::F32(v) => f64::from(v[row]),
            Floats::BFloat16(v) => f64::from(f32::from_bits(u32::from(v[row]) << 16)),
            Floats::Ints(ints) => match ints {
                Ints::U8(v) => f64::from(v[row]),
                Ints::U16(v) => f64::from(v[row]),
                Ints::U32(v) => f64::from(v[row]),
                Ints::U64(v) => v[row] as f64,
                Ints::U128(v) => v[row] as f64,
                Ints::I8(v) => f64::from(v[row]),
                Ints::I16(v) => f64::from(v[row]),
                Ints::I32(v) => f64::from(v[row]),
                Ints::I64(v) => v[row] as f64,
                Ints::I128(v) => v[row] as f64,
            },
            Floats::Decimal(column, zone) => f64::from_value(column.value(row, zone))
                .map_err(|e| Mismatch::new(e.to_string()))?,
        })
    }
}

impl<'de> FromColumn<'de> for f64 {
    type Reader = Floats<'de>;

    fn reader(column: &'de Column, zone: Tz) -> Result<Floats<'de>, Mismatch> {
        Floats::of(column, zone)
    }

    #[inline(always)]
    fn read(reader: &Floats<'de>, row: usize) -> Result<f64, Mismatch> {
        reader.get(row)
    }
}

impl<'de> FromColumn<'de> for f32 {
    type Reader = Floats<'de>;

    fn reader(column: &'de Column, zone: Tz) -> Result<Floats<'de>, Mismatch> {
        Floats::of(column, zone)
    }

    #[inline(always)]
    fn read(reader: &Floats<'de>, row: usize) -> Result<f32, Mismatch> {
        match *reader {
            Floats::F32(v) => Ok(v[row]),
            _ => reader.get(row).map(|v| v as f32),
        }
    }
}

impl<'de> FromColumn<'de> for bool {
    type Reader = &'de [u8];

    fn reader(column: &'de Column, _: Tz) -> Result<&'de [u8], Mismatch> {
        match (column.data(), column.data_type().stored()) {
            (ColumnData::UInt8(v), DataType::Bool | DataType::UInt8) => Ok(v),
            _ => Err(Mismatch::unreadable()),
        }
    }

    #[inline(always)]
    fn read(reader: &&'de [u8], row: usize) -> Result<bool, Mismatch> {
        match reader[row] {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(Mismatch::new(format!("{other}, which is not a boolean"))),
        }
    }
}
