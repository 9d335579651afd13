//! The [`DataType`] enum and the small structs its composite variants carry.
//!
//! A `DataType` is always in the server's canonical form: aliases are resolved (`BIGINT` is
//! [`DataType::Int64`]), `Decimal32(S)` is `Decimal(9, S)`, enum items are sorted by value,
//! variants by name and JSON typed paths by path. `Display` therefore prints exactly what the
//! server prints for the type (with `print_pretty_type_names = 0`).

use std::fmt;

use super::quote::{write_backquoted_if_needed, write_quoted};

/// A ClickHouse data type, parsed from its type string.
///
/// Parse one with [`DataType::parse`] or `str::parse`; print it back with `Display`.
///
/// ```
/// use clickhouse_connect::DataType;
///
/// let t: DataType = "Array(Nullable(Decimal32(2)))".parse().unwrap();
/// assert_eq!(t.to_string(), "Array(Nullable(Decimal(9, 2)))");
/// assert_eq!(t, DataType::Array(Box::new(DataType::Nullable(Box::new(DataType::Decimal {
///     precision: 9,
///     scale: 2,
/// })))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DataType {
    /// `UInt8`.
    UInt8,
    /// `UInt16`.
    UInt16,
    /// `UInt32`.
    UInt32,
    /// `UInt64`.
    UInt64,
    /// `UInt128`.
    UInt128,
    /// `UInt256`.
    UInt256,
    /// `Int8`.
    Int8,
    /// `Int16`.
    Int16,
    /// `Int32`.
    Int32,
    /// `Int64`.
    Int64,
    /// `Int128`.
    Int128,
    /// `Int256`.
    Int256,
    /// `Float32`.
    Float32,
    /// `Float64`.
    Float64,
    /// `BFloat16`: the upper half of a `Float32`.
    BFloat16,
    /// `Bool`.
    Bool,
    /// `String`: arbitrary bytes.
    String,
    /// `FixedString(N)`: exactly `N` bytes, zero-padded.
    FixedString(usize),
    /// `UUID`.
    Uuid,
    /// `IPv4`.
    IPv4,
    /// `IPv6`.
    IPv6,
    /// `Date`: days since 1970-01-01 as `UInt16`.
    Date,
    /// `Date32`: days since 1970-01-01 as `Int32`.
    Date32,
    /// `DateTime` or `DateTime('zone')`: Unix seconds as `UInt32`.
    DateTime {
        /// The column's time zone, if the type names one.
        timezone: Option<String>,
    },
    /// `DateTime64(P)` or `DateTime64(P, 'zone')`: ticks of 10^-P seconds as `Int64`.
    DateTime64 {
        /// Sub-second digits, 0 to 9.
        precision: u8,
        /// The column's time zone, if the type names one.
        timezone: Option<String>,
    },
    /// `Time`: seconds as `Int32`.
    Time,
    /// `Time64(P)`: ticks of 10^-P seconds as `Int64`.
    Time64 {
        /// Sub-second digits, 0 to 9.
        precision: u8,
    },
    /// `Decimal(P, S)` (also written `Decimal32(S)` .. `Decimal256(S)`).
    Decimal {
        /// Total number of digits, 1 to 76.
        precision: u8,
        /// Digits after the point, 0 to `precision`.
        scale: u8,
    },
    /// `Enum8('a' = 1, ...)`, items sorted by value.
    Enum8(Vec<(String, i8)>),
    /// `Enum16('a' = 1, ...)`, items sorted by value.
    Enum16(Vec<(String, i16)>),
    /// `Nullable(T)`.
    Nullable(Box<DataType>),
    /// `LowCardinality(T)`.
    LowCardinality(Box<DataType>),
    /// `Array(T)`.
    Array(Box<DataType>),
    /// `Map(K, V)`.
    Map(Box<DataType>, Box<DataType>),
    /// `Tuple(T1, T2)` or `Tuple(a T1, b T2)`.
    Tuple(Vec<TupleElement>),
    /// `Nested(a T1, b T2)`: an array of named tuples in a table definition.
    Nested(Vec<NamedType>),
    /// `Variant(T1, ..., Tn)`, variants sorted by their type names.
    Variant(Vec<DataType>),
    /// `Dynamic` or `Dynamic(max_types=N)`.
    Dynamic {
        /// The `max_types` parameter, if given.
        max_types: Option<u32>,
    },
    /// `JSON(...)`, the semi-structured object type.
    Json(Box<JsonType>),
    /// `IntervalSecond`, `IntervalDay`, ...: a count of units as `Int64`.
    Interval(IntervalUnit),
    /// `Nothing`: the type of `NULL` alone and of empty arrays.
    Nothing,
    /// `Point`: `Tuple(Float64, Float64)`.
    Point,
    /// `Ring`: `Array(Point)`.
    Ring,
    /// `LineString`: `Array(Point)`.
    LineString,
    /// `MultiPoint`: `Array(Point)`.
    MultiPoint,
    /// `MultiLineString`: `Array(LineString)`.
    MultiLineString,
    /// `Polygon`: `Array(Ring)`.
    Polygon,
    /// `MultiPolygon`: `Array(Polygon)`.
    MultiPolygon,
    /// `Geometry`: a variant of the geo types.
    Geometry,
    /// `QBit(T, N)`: a bit-sliced vector of `N` elements of `T`.
    QBit {
        /// The element type (`BFloat16`, `Float32` or `Float64`).
        element: Box<DataType>,
        /// The number of elements.
        dimension: u32,
    },
    /// `AggregateFunction([version, ]f(params), T1, ...)`: an opaque aggregation state.
    AggregateFunction(Box<AggregateFunction>),
    /// `SimpleAggregateFunction(f, T)`: stored as `T`.
    SimpleAggregateFunction(Box<AggregateFunction>),
}

/// One element of a `Tuple`: a type and, for named tuples, its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TupleElement {
    /// The element's name in a named tuple.
    pub name: Option<String>,
    /// The element's type.
    pub data_type: DataType,
}

/// A name and a type: an element of `Nested` or a typed path of `JSON`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NamedType {
    /// The field's name (or JSON path).
    pub name: String,
    /// The field's type.
    pub data_type: DataType,
}

/// The parameters of a `JSON(...)` type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct JsonType {
    /// `max_dynamic_paths=N`.
    pub max_dynamic_paths: Option<u64>,
    /// `max_dynamic_types=N`.
    pub max_dynamic_types: Option<u64>,
    /// Paths with a declared type (`a.b UInt32`), sorted by path.
    pub typed_paths: Vec<NamedType>,
    /// `SKIP path` clauses, sorted.
    pub skip_paths: Vec<String>,
    /// `SKIP REGEXP 'pattern'` clauses, sorted.
    pub skip_regexps: Vec<String>,
}

/// The function of an `AggregateFunction` or `SimpleAggregateFunction` type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AggregateFunction {
    /// The state version (`AggregateFunction(1, sumMap, ...)`), if given.
    pub version: Option<u32>,
    /// The function name, combinators included (`sumIf`, `uniqMerge`).
    pub name: String,
    /// The function's parameters as canonical literals (`quantile(0.5)` has `["0.5"]`).
    pub parameters: Vec<String>,
    /// The argument types.
    pub arguments: Vec<DataType>,
}

/// The unit of an `Interval*` type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum IntervalUnit {
    Nanosecond,
    Microsecond,
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl IntervalUnit {
    /// Every unit, shortest first.
    pub const ALL: [IntervalUnit; 11] = [
        IntervalUnit::Nanosecond,
        IntervalUnit::Microsecond,
        IntervalUnit::Millisecond,
        IntervalUnit::Second,
        IntervalUnit::Minute,
        IntervalUnit::Hour,
        IntervalUnit::Day,
        IntervalUnit::Week,
        IntervalUnit::Month,
        IntervalUnit::Quarter,
        IntervalUnit::Year,
    ];

    /// The unit's name as it appears after `Interval` (`"Second"`).
    pub fn name(self) -> &'static str {
        match self {
            IntervalUnit::Nanosecond => "Nanosecond",
            IntervalUnit::Microsecond => "Microsecond",
            IntervalUnit::Millisecond => "Millisecond",
            IntervalUnit::Second => "Second",
            IntervalUnit::Minute => "Minute",
            IntervalUnit::Hour => "Hour",
            IntervalUnit::Day => "Day",
            IntervalUnit::Week => "Week",
            IntervalUnit::Month => "Month",
            IntervalUnit::Quarter => "Quarter",
            IntervalUnit::Year => "Year",
        }
    }
}

impl DataType {
    /// The largest `FixedString(N)` a server creates (ClickHouse's `MAX_FIXEDSTRING_SIZE`,
    /// 16 MiB - 1); a larger size in a type string or a binary type is an error, so a hostile
    /// type cannot make one row's default value gigabytes long.
    pub const MAX_FIXED_STRING_SIZE: usize = 0xFF_FFFF;

    /// The type's family name as the server spells it (`"Array"` for `Array(UInt8)`,
    /// `"UInt8"` for `UInt8`). For types without parameters this is the whole type string.
    pub fn family(&self) -> &'static str {
        match self {
            DataType::UInt8 => "UInt8",
            DataType::UInt16 => "UInt16",
            DataType::UInt32 => "UInt32",
            DataType::UInt64 => "UInt64",
            DataType::UInt128 => "UInt128",
            DataType::UInt256 => "UInt256",
            DataType::Int8 => "Int8",
            DataType::Int16 => "Int16",
            DataType::Int32 => "Int32",
            DataType::Int64 => "Int64",
            DataType::Int128 => "Int128",
            DataType::Int256 => "Int256",
            DataType::Float32 => "Float32",
            DataType::Float64 => "Float64",
            DataType::BFloat16 => "BFloat16",
            DataType::Bool => "Bool",
            DataType::String => "String",
            DataType::Uuid => "UUID",
            DataType::IPv4 => "IPv4",
            DataType::IPv6 => "IPv6",
            DataType::Date => "Date",
            DataType::Date32 => "Date32",
            DataType::Time => "Time",
            DataType::Nothing => "Nothing",
            DataType::Point => "Point",
            DataType::Ring => "Ring",
            DataType::LineString => "LineString",
            DataType::MultiPoint => "MultiPoint",
            DataType::MultiLineString => "MultiLineString",
            DataType::Polygon => "Polygon",
            DataType::MultiPolygon => "MultiPolygon",
            DataType::Geometry => "Geometry",
            DataType::FixedString(_) => "FixedString",
            DataType::DateTime { .. } => "DateTime",
            DataType::DateTime64 { .. } => "DateTime64",
            DataType::Time64 { .. } => "Time64",
            DataType::Decimal { .. } => "Decimal",
            DataType::Enum8(_) => "Enum8",
            DataType::Enum16(_) => "Enum16",
            DataType::Nullable(_) => "Nullable",
            DataType::LowCardinality(_) => "LowCardinality",
            DataType::Array(_) => "Array",
            DataType::Map(..) => "Map",
            DataType::Tuple(_) => "Tuple",
            DataType::Nested(_) => "Nested",
            DataType::Variant(_) => "Variant",
            DataType::Dynamic { .. } => "Dynamic",
            DataType::Json(_) => "JSON",
            DataType::Interval(unit) => match unit {
                IntervalUnit::Nanosecond => "IntervalNanosecond",
                IntervalUnit::Microsecond => "IntervalMicrosecond",
                IntervalUnit::Millisecond => "IntervalMillisecond",
                IntervalUnit::Second => "IntervalSecond",
                IntervalUnit::Minute => "IntervalMinute",
                IntervalUnit::Hour => "IntervalHour",
                IntervalUnit::Day => "IntervalDay",
                IntervalUnit::Week => "IntervalWeek",
                IntervalUnit::Month => "IntervalMonth",
                IntervalUnit::Quarter => "IntervalQuarter",
                IntervalUnit::Year => "IntervalYear",
            },
            DataType::QBit { .. } => "QBit",
            DataType::AggregateFunction(_) => "AggregateFunction",
            DataType::SimpleAggregateFunction(_) => "SimpleAggregateFunction",
        }
    }

    /// The type whose layout and meaning the values have: the argument of
    /// `SimpleAggregateFunction(f, T)`, else the type itself.
    pub fn stored(&self) -> &DataType {
        match self {
            DataType::SimpleAggregateFunction(f) if f.arguments.len() == 1 => {
                f.arguments[0].stored()
            }
            other => other,
        }
    }

    /// Whether values of this type may be `NULL` (the type is `Nullable`, or
    /// `LowCardinality(Nullable(..))`, or `Nothing`-like).
    pub fn is_nullable(&self) -> bool {
        match self {
            DataType::Nullable(_) => true,
            DataType::LowCardinality(inner) => inner.is_nullable(),
            _ => false,
        }
    }
}

fn write_list<T>(
    f: &mut fmt::Formatter<'_>,
    items: &[T],
    mut each: impl FnMut(&mut fmt::Formatter<'_>, &T) -> fmt::Result,
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        each(f, item)?;
    }
    Ok(())
}

fn write_enum<V: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    family: &str,
    items: &[(String, V)],
) -> fmt::Result {
    write!(f, "{family}(")?;
    write_list(f, items, |f, (name, value)| {
        write_quoted(f, name)?;
        write!(f, " = {value}")
    })?;
    f.write_str(")")
}

impl fmt::Display for NamedType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_backquoted_if_needed(f, &self.name)?;
        write!(f, " {}", self.data_type)
    }
}

impl fmt::Display for TupleElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = &self.name {
            write_backquoted_if_needed(f, name)?;
            f.write_str(" ")?;
        }
        write!(f, "{}", self.data_type)
    }
}

impl fmt::Display for AggregateFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(version) = self.version {
            write!(f, "{version}, ")?;
        }
        f.write_str(&self.name)?;
        if !self.parameters.is_empty() {
            write!(f, "({})", self.parameters.join(", "))?;
        }
        for argument in &self.arguments {
            write!(f, ", {argument}")?;
        }
        Ok(())
    }
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(n) = self.max_dynamic_types {
            parts.push(format!("max_dynamic_types={n}"));
        }
        if let Some(n) = self.max_dynamic_paths {
            parts.push(format!("max_dynamic_paths={n}"));
        }
        parts.extend(self.typed_paths.iter().map(NamedType::to_string));
        for path in &self.skip_paths {
            parts.push(format!("SKIP {}", super::quote::backquote_if_needed(path)));
        }
        for regexp in &self.skip_regexps {
            parts.push(format!("SKIP REGEXP {}", super::quote::quote(regexp)));
        }
        if parts.is_empty() {
            f.write_str("JSON")
        } else {
            write!(f, "JSON({})", parts.join(", "))
        }
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataType::FixedString(n) => write!(f, "FixedString({n})"),
            DataType::DateTime { timezone: None } => f.write_str("DateTime"),
            DataType::DateTime { timezone: Some(tz) } => {
                f.write_str("DateTime(")?;
                write_quoted(f, tz)?;
                f.write_str(")")
            }
            DataType::DateTime64 {
                precision,
                timezone,
            } => {
                write!(f, "DateTime64({precision}")?;
                if let Some(tz) = timezone {
                    f.write_str(", ")?;
                    write_quoted(f, tz)?;
                }
                f.write_str(")")
            }
            DataType::Time64 { precision } => write!(f, "Time64({precision})"),
            DataType::Decimal { precision, scale } => write!(f, "Decimal({precision}, {scale})"),
            DataType::Enum8(items) => write_enum(f, "Enum8", items),
            DataType::Enum16(items) => write_enum(f, "Enum16", items),
            DataType::Nullable(inner) => write!(f, "Nullable({inner})"),
            DataType::LowCardinality(inner) => write!(f, "LowCardinality({inner})"),
            DataType::Array(inner) => write!(f, "Array({inner})"),
            DataType::Map(key, value) => write!(f, "Map({key}, {value})"),
            DataType::Tuple(elements) => {
                f.write_str("Tuple(")?;
                write_list(f, elements, |f, e| write!(f, "{e}"))?;
                f.write_str(")")
            }
            DataType::Nested(fields) => {
                f.write_str("Nested(")?;
                write_list(f, fields, |f, e| write!(f, "{e}"))?;
                f.write_str(")")
            }
            DataType::Variant(variants) => {
                f.write_str("Variant(")?;
                write_list(f, variants, |f, v| write!(f, "{v}"))?;
                f.write_str(")")
            }
            DataType::Dynamic { max_types: None } => f.write_str("Dynamic"),
            DataType::Dynamic { max_types: Some(n) } => write!(f, "Dynamic(max_types={n})"),
            DataType::Json(json) => write!(f, "{json}"),
            DataType::QBit { element, dimension } => write!(f, "QBit({element}, {dimension})"),
            DataType::AggregateFunction(func) => write!(f, "AggregateFunction({func})"),
            DataType::SimpleAggregateFunction(func) => {
                write!(f, "SimpleAggregateFunction({func})")
            }
            // Every other type has no parameters: its family name is the whole type string.
            _ => f.write_str(self.family()),
        }
    }
}
