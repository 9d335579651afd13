//! [`ChColumn`]: one column definition with a ClickHouse type and ClickHouse column options.

use sea_query::{ColumnDef, ColumnType, DynIden, Expr, IntoIden};

use super::inline_expr;
use crate::error::{Error, Result};
use crate::literal;
use crate::types::{can_be_nullable, column_type};

/// A column's type: a sea-query type (mapped), ClickHouse type text, or a parsed `DataType`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ChType {
    /// A sea-query type, mapped by [`column_type`](crate::column_type).
    Sea(ColumnType),
    /// A ClickHouse type as written (e.g. `LowCardinality(String)`).
    Text(String),
    /// A type from the driver's grammar.
    DataType(clickhouse_connect::DataType),
}

impl From<ColumnType> for ChType {
    fn from(t: ColumnType) -> Self {
        ChType::Sea(t)
    }
}
impl From<&str> for ChType {
    fn from(t: &str) -> Self {
        ChType::Text(t.to_owned())
    }
}
impl From<String> for ChType {
    fn from(t: String) -> Self {
        ChType::Text(t)
    }
}
impl From<clickhouse_connect::DataType> for ChType {
    fn from(t: clickhouse_connect::DataType) -> Self {
        ChType::DataType(t)
    }
}

/// How a column's expression is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueKind {
    /// `DEFAULT expr`: used when an insert omits the column.
    Default,
    /// `MATERIALIZED expr`: always computed, stored, not insertable.
    Materialized,
    /// `ALIAS expr`: computed on read, not stored.
    Alias,
    /// `EPHEMERAL [expr]`: insertable, not stored.
    Ephemeral,
}

/// A column definition.
///
/// Nullability follows sea-query for sea-query types: a column is `Nullable(T)` unless it is
/// `not_null()` or a primary key (and unless `T` cannot be nullable, such as arrays). A type
/// given as ClickHouse text or `DataType` is used as written; call [`null`](Self::null) to wrap
/// it.
#[derive(Debug, Clone)]
pub struct ChColumn {
    name: DynIden,
    ty: Option<ChType>,
    nullable: Option<bool>,
    value: Option<(ValueKind, Option<Expr>)>,
    codec: Option<String>,
    ttl: Option<Expr>,
    comment: Option<String>,
    pub(crate) unsupported: Option<String>,
}

impl ChColumn {
    /// A column with a type.
    pub fn new(name: impl IntoIden, ty: impl Into<ChType>) -> Self {
        ChColumn {
            name: name.into_iden(),
            ty: Some(ty.into()),
            nullable: None,
            value: None,
            codec: None,
            ttl: None,
            comment: None,
            unsupported: None,
        }
    }

    /// `Nullable(T)`.
    pub fn null(mut self) -> Self {
        self.nullable = Some(true);
        self
    }

    /// Not `Nullable` (the default for ClickHouse type text).
    pub fn not_null(mut self) -> Self {
        self.nullable = Some(false);
        self
    }

    /// `DEFAULT expr`.
    pub fn default(self, expr: impl Into<Expr>) -> Self {
        self.value(ValueKind::Default, Some(expr.into()))
    }

    /// `MATERIALIZED expr`.
    pub fn materialized(self, expr: impl Into<Expr>) -> Self {
        self.value(ValueKind::Materialized, Some(expr.into()))
    }

    /// `ALIAS expr`.
    pub fn alias(self, expr: impl Into<Expr>) -> Self {
        self.value(ValueKind::Alias, Some(expr.into()))
    }

    /// `EPHEMERAL [expr]`.
    pub fn ephemeral(self, expr: Option<Expr>) -> Self {
        self.value(ValueKind::Ephemeral, expr)
    }

    fn value(mut self, kind: ValueKind, expr: Option<Expr>) -> Self {
        self.value = Some((kind, expr));
        self
    }

    /// `CODEC(codecs)`, e.g. `"Delta, ZSTD(3)"`.
    pub fn codec(mut self, codecs: &str) -> Self {
        self.codec = Some(codecs.to_owned());
        self
    }

    /// Column `TTL expr`.
    pub fn ttl(mut self, expr: impl Into<Expr>) -> Self {
        self.ttl = Some(expr.into());
        self
    }

    /// `COMMENT 'text'`.
    pub fn comment(mut self, text: &str) -> Self {
        self.comment = Some(text.to_owned());
        self
    }

    /// The column's name.
    pub fn name(&self) -> &DynIden {
        &self.name
    }

    pub(crate) fn check(&self) -> Result<()> {
        if let Some(reason) = &self.unsupported {
            return Err(Error::Unsupported(reason.clone()));
        }
        if let Some(codec) = &self.codec {
            if !codec
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_(), ".contains(c))
            {
                return Err(Error::InvalidInput(format!(
                    "{codec:?} is not a codec list"
                )));
            }
        }
        self.type_text().map(|_| ())
    }

    fn type_text(&self) -> Result<Option<String>> {
        let (text, nullable_default) = match &self.ty {
            None => return Ok(None),
            Some(ChType::Sea(t)) => (column_type(t)?, true),
            Some(ChType::Text(t)) => (t.clone(), false),
            Some(ChType::DataType(t)) => (t.to_string(), false),
        };
        let nullable = self.nullable.unwrap_or(nullable_default);
        Ok(Some(if nullable && can_be_nullable(&text) {
            format!("Nullable({text})")
        } else {
            text
        }))
    }

    /// Writes `name type [DEFAULT ..] [COMMENT ..] [CODEC(..)] [TTL ..]`.
    pub(crate) fn write(&self, out: &mut String) -> Result<()> {
        self.check()?;
        let _ = literal::write_identifier(out, &self.name.inner());
        if let Some(ty) = self.type_text()? {
            out.push(' ');
            out.push_str(&ty);
        }
        if let Some((kind, expr)) = &self.value {
            out.push_str(match kind {
                ValueKind::Default => " DEFAULT",
                ValueKind::Materialized => " MATERIALIZED",
                ValueKind::Alias => " ALIAS",
                ValueKind::Ephemeral => " EPHEMERAL",
            });
            if let Some(expr) = expr {
                out.push(' ');
                out.push_str(&inline_expr(expr));
            }
        }
        if let Some(comment) = &self.comment {
            out.push_str(" COMMENT ");
            out.push_str(&literal::quote(comment));
        }
        if let Some(codec) = &self.codec {
            out.push_str(" CODEC(");
            out.push_str(codec);
            out.push(')');
        }
        if let Some(ttl) = &self.ttl {
            out.push_str(" TTL ");
            out.push_str(&inline_expr(ttl));
        }
        Ok(())
    }
}

impl From<ColumnDef> for ChColumn {
    fn from(def: ColumnDef) -> Self {
        let spec = def.get_column_spec();
        let mut column = ChColumn {
            name: def.get_column_name().into_iden(),
            ty: def.get_column_type().cloned().map(ChType::Sea),
            nullable: None,
            value: None,
            codec: None,
            ttl: None,
            comment: spec.comment.clone(),
            unsupported: None,
        };
        // sea-query: nullable unless NOT NULL or a primary key.
        column.nullable = Some(spec.nullable.unwrap_or(true) && !spec.primary_key);
        if let Some(default) = &spec.default {
            column.value = Some((ValueKind::Default, Some(default.clone())));
        }
        if let Some(generated) = &spec.generated {
            let kind = if generated.stored {
                ValueKind::Materialized
            } else {
                ValueKind::Alias
            };
            column.value = Some((kind, Some(generated.expr.clone())));
        }
        let unsupported = [
            (spec.auto_increment, "AUTO_INCREMENT"),
            (spec.unique, "UNIQUE columns"),
            (spec.check.is_some(), "column CHECK constraints"),
            (spec.extra.is_some(), "raw column extras"),
        ];
        if let Some((_, what)) = unsupported.iter().find(|(on, _)| *on) {
            column.unsupported = Some(format!("{what} (column {})", def.get_column_name()));
        }
        column
    }
}
