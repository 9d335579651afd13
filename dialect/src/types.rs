//! sea-query [`ColumnType`]s as ClickHouse types.
//!
//! | sea-query | ClickHouse |
//! |---|---|
//! | `TinyInteger` .. `BigInteger`, `TinyUnsigned` .. `BigUnsigned` | `Int8` .. `Int64`, `UInt8` .. `UInt64` |
//! | `Float`, `Double` | `Float32`, `Float64` |
//! | `Decimal(p, s)`, `Money(p, s)` | `Decimal(p, s)` (default `Decimal(38, 10)`, money `Decimal(19, 4)`) |
//! | `Char(n)`, `Binary(n)` | `FixedString(n)` |
//! | `String`, `Text`, `Blob`, `VarBinary` | `String` |
//! | `Date` | `Date` (1970-01-01 to 2149-06-06, 2 bytes) |
//! | `DateTime`, `Timestamp` | `DateTime64(6)`, `DateTime` |
//! | `TimestampWithTimeZone` | `DateTime64(6, 'UTC')` |
//! | `Year` | `UInt16` |
//! | `Boolean` | `Bool` |
//! | `Uuid` | `UUID` |
//! | `Json`, `JsonBinary` | `JSON` |
//! | `Inet` | `IPv6` |
//! | `Enum { variants }` | `Enum8('a' = 1, ...)` (`Enum16` past 127 labels) |
//! | `Array(T)` | `Array(T)` |
//! | `Vector(_)` | `Array(Float32)` |
//! | `Custom(text)` | the text as written |
//!
//! `Time`, `Interval`, `Bit`, `VarBit`, `Cidr`, `MacAddr` and `LTree` have no ClickHouse
//! counterpart here and are errors.
//!
//! For dates outside `Date`'s range, ask for `Date32` (1900-01-01 to 2299-12-31, 4 bytes) by
//! name: `ColumnDef::new("d").custom("Date32")` or `ChColumn::new("d", "Date32")`. Date values
//! are always sent as `Date32` literals and parameters, which the server converts to a `Date`
//! column's type.

use sea_query::ColumnType;

use crate::error::{Error, Result};
use crate::literal;

/// The ClickHouse type for a sea-query column type (without `Nullable`).
///
/// ```
/// use sea_query::ColumnType;
/// assert_eq!(sea_query_clickhouse::column_type(&ColumnType::Decimal(Some((18, 4)))).unwrap(), "Decimal(18, 4)");
/// ```
pub fn column_type(ty: &ColumnType) -> Result<String> {
    Ok(match ty {
        ColumnType::Char(n) => format!("FixedString({})", n.unwrap_or(1)),
        ColumnType::Binary(n) => format!("FixedString({n})"),
        ColumnType::String(_) | ColumnType::Text | ColumnType::Blob | ColumnType::VarBinary(_) => {
            "String".into()
        }
        ColumnType::TinyInteger => "Int8".into(),
        ColumnType::SmallInteger => "Int16".into(),
        ColumnType::Integer => "Int32".into(),
        ColumnType::BigInteger => "Int64".into(),
        ColumnType::TinyUnsigned => "UInt8".into(),
        ColumnType::SmallUnsigned => "UInt16".into(),
        ColumnType::Unsigned => "UInt32".into(),
        ColumnType::BigUnsigned => "UInt64".into(),
        ColumnType::Float => "Float32".into(),
        ColumnType::Double => "Float64".into(),
        ColumnType::Decimal(Some((p, s))) => format!("Decimal({p}, {s})"),
        ColumnType::Decimal(None) => "Decimal(38, 10)".into(),
        ColumnType::Money(Some((p, s))) => format!("Decimal({p}, {s})"),
        ColumnType::Money(None) => "Decimal(19, 4)".into(),
        ColumnType::DateTime => "DateTime64(6)".into(),
        ColumnType::Timestamp => "DateTime".into(),
        ColumnType::TimestampWithTimeZone => "DateTime64(6, 'UTC')".into(),
        ColumnType::Date => "Date".into(),
        ColumnType::Year => "UInt16".into(),
        ColumnType::Boolean => "Bool".into(),
        ColumnType::Json | ColumnType::JsonBinary => "JSON".into(),
        ColumnType::Uuid => "UUID".into(),
        ColumnType::Inet => "IPv6".into(),
        ColumnType::Custom(text) => text.to_string(),
        ColumnType::Enum { variants, .. } => {
            let width = if variants.len() > 127 { 16 } else { 8 };
            let labels: Vec<String> = variants
                .iter()
                .enumerate()
                .map(|(i, v)| format!("{} = {}", literal::quote(&v.to_string()), i + 1))
                .collect();
            format!("Enum{width}({})", labels.join(", "))
        }
        ColumnType::Array(inner) => format!("Array({})", column_type(inner)?),
        ColumnType::Vector(_) => "Array(Float32)".into(),
        other => {
            return Err(Error::Unsupported(format!(
                "the column type {other:?} has no ClickHouse counterpart"
            )));
        }
    })
}

/// Whether a type may be wrapped in `Nullable(..)`.
pub(crate) fn can_be_nullable(ty: &str) -> bool {
    ![
        "Array(",
        "Map(",
        "Tuple(",
        "Nullable(",
        "LowCardinality(",
        "JSON",
        "Object(",
        "Variant(",
        "Dynamic",
        "AggregateFunction(",
        "SimpleAggregateFunction(",
    ]
    .iter()
    .any(|p| ty.starts_with(p))
}
