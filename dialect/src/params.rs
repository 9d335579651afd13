//! Typed server-side parameters: [`ParamWriter`] renders each value as a `{pN:Type}`
//! placeholder and keeps `(name, value)` pairs the driver sends as query parameters.
//!
//! The placeholder's type follows the value: `Int32` for `i32`, `String` for text,
//! `DateTime64(6, 'UTC')` for date-times, `Decimal(38, S)` for decimals, `Array(T)` for
//! arrays, `Nullable(T)` for a NULL. Byte strings travel as hex text and are decoded by the
//! server (`unhex({pN:String})`), so bytes that are not UTF-8 arrive unchanged.

use std::fmt::{self, Write};

use chrono_tz::Tz;
use clickhouse_connect::Value as ChValue;
use clickhouse_connect::value::Decimal;
use sea_query::{ArrayType, OptionEnum, QueryBuilder, SqlWriter, Value};

use crate::error::{Error, Result};

/// A statement rendered with typed parameters, ready for the driver.
#[derive(Debug, Clone, PartialEq)]
pub struct TypedQuery {
    /// The SQL with `{p1:Type}` placeholders.
    pub sql: String,
    /// The parameters, named `p1`, `p2`, ... in textual order.
    pub params: Vec<(String, ChValue)>,
}

/// A sea-query `SqlWriter` that writes typed `{pN:Type}` placeholders.
///
/// ```
/// use sea_query::{Expr, ExprTrait, Query, QueryStatementBuilder};
/// use sea_query_clickhouse::{ClickHouseQueryBuilder, ParamWriter};
///
/// let select = Query::select().column("a").from("t").and_where(Expr::col("a").eq(5)).to_owned();
/// let mut writer = ParamWriter::new();
/// select.build_collect_into(ClickHouseQueryBuilder, &mut writer);
/// let typed = writer.finish().unwrap();
/// assert_eq!(typed.sql, "SELECT `a` FROM `t` WHERE `a` = {p1:Int32}");
/// ```
#[derive(Debug, Default)]
pub struct ParamWriter {
    sql: String,
    params: Vec<(String, ChValue)>,
    error: Option<Error>,
}

impl ParamWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// The SQL and parameters, or the first value that could not be a parameter.
    pub fn finish(self) -> Result<TypedQuery> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(TypedQuery {
                sql: self.sql,
                params: self.params,
            }),
        }
    }
}

impl fmt::Write for ParamWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.sql.write_str(s)
    }
}

impl fmt::Display for ParamWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql)
    }
}

impl SqlWriter for ParamWriter {
    fn push_param<T: QueryBuilder>(&mut self, value: Value, _query_builder: &T) {
        let name = format!("p{}", self.params.len() + 1);
        match convert(&value) {
            Ok((ty, param, hex)) => {
                if hex {
                    let _ = write!(self.sql, "unhex({{{name}:{ty}}})");
                } else {
                    let _ = write!(self.sql, "{{{name}:{ty}}}");
                }
                self.params.push((name, param));
            }
            Err(e) => {
                let _ = self.sql.write_str("NULL");
                self.error.get_or_insert(e);
            }
        }
    }

    fn as_writer(&mut self) -> &mut dyn Write {
        self as _
    }
}

/// A writer for inline rendering that reports values without a literal instead of hiding them.
#[derive(Debug, Default)]
pub(crate) struct InlineWriter {
    sql: String,
    error: Option<Error>,
}

impl InlineWriter {
    pub(crate) fn finish(self) -> Result<String> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.sql),
        }
    }
}

impl fmt::Write for InlineWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.sql.write_str(s)
    }
}

impl fmt::Display for InlineWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql)
    }
}

impl SqlWriter for InlineWriter {
    fn push_param<T: QueryBuilder>(&mut self, value: Value, _query_builder: &T) {
        match crate::literal::literal(&value) {
            Ok(text) => self.sql.push_str(&text),
            Err(e) => {
                self.sql.push_str("NULL");
                self.error.get_or_insert(e);
            }
        }
    }

    fn as_writer(&mut self) -> &mut dyn Write {
        self as _
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02X}");
    }
    out
}

fn array_element_type(ty: &ArrayType) -> Result<&'static str> {
    #[allow(unreachable_patterns)]
    Ok(match ty {
        ArrayType::Bool => "Bool",
        ArrayType::TinyInt => "Int8",
        ArrayType::SmallInt => "Int16",
        ArrayType::Int => "Int32",
        ArrayType::BigInt => "Int64",
        ArrayType::TinyUnsigned => "UInt8",
        ArrayType::SmallUnsigned => "UInt16",
        ArrayType::Unsigned => "UInt32",
        ArrayType::BigUnsigned => "UInt64",
        ArrayType::Float => "Float32",
        ArrayType::Double => "Float64",
        ArrayType::String | ArrayType::Char | ArrayType::Enum(_) => "String",
        ArrayType::ChronoDate => "Date32",
        ArrayType::ChronoDateTime
        | ArrayType::ChronoDateTimeUtc
        | ArrayType::ChronoDateTimeLocal
        | ArrayType::ChronoDateTimeWithTimeZone => "DateTime64(6, 'UTC')",
        ArrayType::Uuid => "UUID",
        other => {
            return Err(Error::Unsupported(format!(
                "arrays of {other:?} as parameters"
            )));
        }
    })
}

fn utc(dt: chrono::NaiveDateTime) -> ChValue {
    ChValue::DateTime(dt.and_utc().with_timezone(&Tz::UTC))
}

/// The placeholder type of a value, ignoring nullability, and its driver value if not NULL.
fn base(value: &Value) -> Result<(String, Option<ChValue>)> {
    let s = |t: &str| t.to_owned();
    let decimal = |d: &rust_decimal::Decimal| -> Result<ChValue> {
        d.to_string()
            .parse::<Decimal>()
            .map(ChValue::Decimal)
            .map_err(|e| Error::InvalidInput(format!("decimal {d}: {e}")))
    };
    #[allow(unreachable_patterns)]
    Ok(match value {
        Value::Bool(v) => (s("Bool"), v.map(ChValue::Bool)),
        Value::TinyInt(v) => (s("Int8"), v.map(ChValue::Int8)),
        Value::SmallInt(v) => (s("Int16"), v.map(ChValue::Int16)),
        Value::Int(v) => (s("Int32"), v.map(ChValue::Int32)),
        Value::BigInt(v) => (s("Int64"), v.map(ChValue::Int64)),
        Value::TinyUnsigned(v) => (s("UInt8"), v.map(ChValue::UInt8)),
        Value::SmallUnsigned(v) => (s("UInt16"), v.map(ChValue::UInt16)),
        Value::Unsigned(v) => (s("UInt32"), v.map(ChValue::UInt32)),
        Value::BigUnsigned(v) => (s("UInt64"), v.map(ChValue::UInt64)),
        Value::Float(v) => (s("Float32"), v.map(ChValue::Float32)),
        Value::Double(v) => (s("Float64"), v.map(ChValue::Float64)),
        Value::String(v) => (s("String"), v.as_deref().map(ChValue::from)),
        Value::Char(v) => (s("String"), v.map(|c| ChValue::from(c.to_string()))),
        Value::Enum(OptionEnum::Some(e)) => (s("String"), Some(ChValue::from(&*e.value))),
        Value::Enum(OptionEnum::None(_)) => (s("String"), None),
        Value::Bytes(v) => (s("String"), v.as_deref().map(|b| ChValue::from(hex(b)))),
        Value::ChronoDate(v) => (s("Date32"), v.map(ChValue::Date)),
        Value::ChronoTime(v) => (
            s("String"),
            v.map(|t| ChValue::from(t.format("%H:%M:%S%.f").to_string())),
        ),
        Value::ChronoDateTime(v) => (s("DateTime64(6, 'UTC')"), v.map(utc)),
        Value::ChronoDateTimeUtc(v) => (s("DateTime64(6, 'UTC')"), v.map(|d| utc(d.naive_utc()))),
        Value::ChronoDateTimeLocal(v) => (s("DateTime64(6, 'UTC')"), v.map(|d| utc(d.naive_utc()))),
        Value::ChronoDateTimeWithTimeZone(v) => {
            (s("DateTime64(6, 'UTC')"), v.map(|d| utc(d.naive_utc())))
        }
        Value::Uuid(v) => (s("UUID"), v.map(ChValue::Uuid)),
        Value::Decimal(v) => (
            format!("Decimal(38, {})", v.map_or(10, |d| d.scale())),
            v.as_ref().map(decimal).transpose()?,
        ),
        Value::Array(ty, items) => {
            let element = array_element_type(ty)?;
            match items {
                None => (format!("Array({element})"), None),
                Some(items) => {
                    let mut nullable = false;
                    let mut values = Vec::with_capacity(items.len());
                    for item in items.iter() {
                        let (_, v) = base(item)?;
                        nullable |= v.is_none();
                        values.push(v.unwrap_or(ChValue::Null));
                    }
                    let element = if nullable {
                        format!("Nullable({element})")
                    } else {
                        element.to_owned()
                    };
                    (format!("Array({element})"), Some(ChValue::Array(values)))
                }
            }
        }
        other => {
            return Err(Error::Unsupported(format!(
                "the value {other:?} cannot be a typed parameter in this dialect"
            )));
        }
    })
}

/// A parameter's placeholder type, its value, and whether it travels as hex.
pub(crate) fn convert(value: &Value) -> Result<(String, ChValue, bool)> {
    if let Value::Array(ArrayType::Bytes, _) = value {
        return Err(Error::Unsupported(
            "arrays of byte strings as typed parameters".into(),
        ));
    }
    let hex = matches!(value, Value::Bytes(_));
    let (ty, v) = base(value)?;
    Ok(match v {
        Some(v) => (ty, v, hex),
        None if ty.starts_with("Array(") => (ty, ChValue::Null, hex),
        None => (format!("Nullable({ty})"), ChValue::Null, hex),
    })
}
