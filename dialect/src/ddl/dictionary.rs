//! [`CreateDictionary`]: `CREATE DICTIONARY` with attributes, key, source, lifetime, layout.

use sea_query::{DynIden, Expr, IntoIden, IntoTableRef, SqlWriter, TableRef};

use super::create_table::write_table_name;
use super::{ChType, inline_expr, on_cluster};
use crate::error::{Error, Result};
use crate::literal;
use crate::select::{SettingValue, is_identifier, write_settings};
use crate::statement::ChStatement;

/// One dictionary attribute: `name Type [DEFAULT v] [EXPRESSION e] [HIERARCHICAL]
/// [BIDIRECTIONAL] [INJECTIVE] [IS_OBJECT_ID]`.
#[derive(Debug, Clone)]
pub struct DictAttribute {
    name: DynIden,
    ty: ChType,
    default: Option<Expr>,
    expression: Option<Expr>,
    hierarchical: bool,
    bidirectional: bool,
    injective: bool,
    is_object_id: bool,
}

impl DictAttribute {
    /// An attribute of a ClickHouse type (`"UInt64"`, a `DataType`, or a sea-query type).
    pub fn new(name: impl IntoIden, ty: impl Into<ChType>) -> Self {
        DictAttribute {
            name: name.into_iden(),
            ty: ty.into(),
            default: None,
            expression: None,
            hierarchical: false,
            bidirectional: false,
            injective: false,
            is_object_id: false,
        }
    }
    /// `DEFAULT value`: the value for keys the source does not have.
    pub fn default(mut self, value: impl Into<Expr>) -> Self {
        self.default = Some(value.into());
        self
    }
    /// `EXPRESSION expr`: computed by the source from its columns.
    pub fn expression(mut self, expr: impl Into<Expr>) -> Self {
        self.expression = Some(expr.into());
        self
    }
    /// `HIERARCHICAL`: the parent key of a hierarchy.
    pub fn hierarchical(mut self) -> Self {
        self.hierarchical = true;
        self
    }
    /// `BIDIRECTIONAL` (with `HIERARCHICAL`): keeps the child lists too.
    pub fn bidirectional(mut self) -> Self {
        self.bidirectional = true;
        self
    }
    /// `INJECTIVE`: distinct keys give distinct values.
    pub fn injective(mut self) -> Self {
        self.injective = true;
        self
    }
    /// `IS_OBJECT_ID`: a MongoDB object id.
    pub fn is_object_id(mut self) -> Self {
        self.is_object_id = true;
        self
    }

    fn write(&self, out: &mut String) -> Result<()> {
        let _ = literal::write_identifier(out, &self.name.inner());
        out.push(' ');
        out.push_str(&match &self.ty {
            ChType::Sea(t) => crate::types::column_type(t)?,
            ChType::Text(t) => t.clone(),
            ChType::DataType(t) => t.to_string(),
        });
        if let Some(default) = &self.default {
            out.push_str(" DEFAULT ");
            out.push_str(&inline_expr(default));
        }
        if let Some(expression) = &self.expression {
            out.push_str(" EXPRESSION ");
            out.push_str(&inline_expr(expression));
        }
        for (on, word) in [
            (self.hierarchical, " HIERARCHICAL"),
            (self.bidirectional, " BIDIRECTIONAL"),
            (self.injective, " INJECTIVE"),
            (self.is_object_id, " IS_OBJECT_ID"),
        ] {
            if on {
                out.push_str(word);
            }
        }
        Ok(())
    }
}

/// How often a dictionary reloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Lifetime {
    /// `LIFETIME(n)`: every `n` seconds (`0`: never).
    Fixed(u64),
    /// `LIFETIME(MIN a MAX b)`: at a random time between `a` and `b` seconds.
    Range {
        /// Shortest time.
        min: u64,
        /// Longest time.
        max: u64,
    },
}

/// `NAME(KEY value ...)`.
#[derive(Debug, Clone)]
struct Call {
    name: String,
    args: Vec<(String, Expr)>,
}

impl Call {
    fn write(&self, out: &mut String, what: &str) -> Result<()> {
        if !is_identifier(&self.name) {
            return Err(Error::InvalidInput(format!(
                "{:?} is not a dictionary {what}",
                self.name
            )));
        }
        out.push_str(&self.name);
        out.push('(');
        for (i, (key, value)) in self.args.iter().enumerate() {
            if !is_identifier(key) {
                return Err(Error::InvalidInput(format!(
                    "{key:?} is not a dictionary {what} parameter"
                )));
            }
            if i > 0 {
                out.push(' ');
            }
            out.push_str(key);
            out.push(' ');
            out.push_str(&inline_expr(value));
        }
        out.push(')');
        Ok(())
    }
}

/// `CREATE [OR REPLACE] DICTIONARY [IF NOT EXISTS] name [ON CLUSTER c] (attributes) PRIMARY
/// KEY ... SOURCE(...) LIFETIME(...) LAYOUT(...) [RANGE(...)] [SETTINGS(...)] [COMMENT '..']`.
///
/// ```
/// use sea_query::Expr;
/// use sea_query_clickhouse::{ChStatement, CreateDictionary, DictAttribute, Lifetime};
/// let dict = CreateDictionary::new("names")
///     .attribute(DictAttribute::new("id", "UInt64"))
///     .attribute(DictAttribute::new("name", "String").default(Expr::val("?")))
///     .primary_key(["id"])
///     .source("CLICKHOUSE", [("TABLE", Expr::val("users")), ("DB", Expr::val("app"))])
///     .lifetime(Lifetime::Range { min: 0, max: 300 })
///     .layout("HASHED", Vec::<(&str, Expr)>::new());
/// assert_eq!(
///     dict.to_sql().unwrap(),
///     "CREATE DICTIONARY `names` (`id` UInt64, `name` String DEFAULT '?') PRIMARY KEY `id` \
///      SOURCE(CLICKHOUSE(TABLE 'users' DB 'app')) LIFETIME(MIN 0 MAX 300) LAYOUT(HASHED())"
/// );
/// ```
#[derive(Debug, Clone)]
pub struct CreateDictionary {
    name: TableRef,
    or_replace: bool,
    if_not_exists: bool,
    on_cluster: Option<String>,
    attributes: Vec<DictAttribute>,
    primary_key: Vec<DynIden>,
    source: Option<Call>,
    lifetime: Option<Lifetime>,
    layout: Option<Call>,
    range: Option<(DynIden, DynIden)>,
    settings: Vec<(String, SettingValue)>,
    comment: Option<String>,
    pub(crate) unsupported: Option<String>,
}

impl CreateDictionary {
    /// `CREATE DICTIONARY name`.
    pub fn new(name: impl IntoTableRef) -> Self {
        CreateDictionary {
            name: name.into_table_ref(),
            or_replace: false,
            if_not_exists: false,
            on_cluster: None,
            attributes: Vec::new(),
            primary_key: Vec::new(),
            source: None,
            lifetime: None,
            layout: None,
            range: None,
            settings: Vec::new(),
            comment: None,
            unsupported: None,
        }
    }
    /// `OR REPLACE`.
    pub fn or_replace(mut self) -> Self {
        self.or_replace = true;
        self
    }
    /// `IF NOT EXISTS`.
    pub fn if_not_exists(mut self) -> Self {
        self.if_not_exists = true;
        self
    }
    /// `ON CLUSTER name`.
    pub fn on_cluster(mut self, cluster: &str) -> Self {
        self.on_cluster = Some(cluster.to_owned());
        self
    }
    /// Adds an attribute (key columns are attributes too).
    pub fn attribute(mut self, attribute: DictAttribute) -> Self {
        self.attributes.push(attribute);
        self
    }
    /// `PRIMARY KEY a[, b]` (several for `complex_key_*` layouts).
    pub fn primary_key<I: IntoIden>(mut self, columns: impl IntoIterator<Item = I>) -> Self {
        self.primary_key = columns.into_iter().map(IntoIden::into_iden).collect();
        self
    }
    /// `SOURCE(NAME(KEY value ...))`, e.g. `("CLICKHOUSE", [("TABLE", Expr::val("t"))])`.
    pub fn source<K: Into<String>, V: Into<Expr>>(
        mut self,
        name: &str,
        args: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.source = Some(Call {
            name: name.to_owned(),
            args: args
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        });
        self
    }
    /// `LIFETIME(...)`.
    pub fn lifetime(mut self, lifetime: Lifetime) -> Self {
        self.lifetime = Some(lifetime);
        self
    }
    /// `LAYOUT(NAME(KEY value ...))`, e.g. `("HASHED", [])`.
    pub fn layout<K: Into<String>, V: Into<Expr>>(
        mut self,
        name: &str,
        args: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.layout = Some(Call {
            name: name.to_owned(),
            args: args
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        });
        self
    }
    /// `RANGE(MIN start MAX end)` of a `RANGE_HASHED` layout.
    pub fn range(mut self, min: impl IntoIden, max: impl IntoIden) -> Self {
        self.range = Some((min.into_iden(), max.into_iden()));
        self
    }
    /// Adds a setting to `SETTINGS(...)`.
    pub fn settings(mut self, name: &str, value: impl Into<SettingValue>) -> Self {
        self.settings.push((name.to_owned(), value.into()));
        self
    }
    /// `COMMENT 'text'`.
    pub fn comment(mut self, text: &str) -> Self {
        self.comment = Some(text.to_owned());
        self
    }
}

impl ChStatement for CreateDictionary {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        if let Some(reason) = &self.unsupported {
            return Err(Error::Unsupported(reason.clone()));
        }
        let (Some(source), Some(layout)) = (&self.source, &self.layout) else {
            return Err(Error::InvalidInput(
                "a dictionary needs a SOURCE and a LAYOUT".into(),
            ));
        };
        if self.primary_key.is_empty() || self.attributes.is_empty() {
            return Err(Error::InvalidInput(
                "a dictionary needs attributes and a PRIMARY KEY".into(),
            ));
        }
        let mut out = String::from("CREATE ");
        if self.or_replace {
            out.push_str("OR REPLACE ");
        }
        out.push_str("DICTIONARY ");
        if self.if_not_exists {
            out.push_str("IF NOT EXISTS ");
        }
        write_table_name(&mut out, &self.name)?;
        on_cluster(&mut out, &self.on_cluster);
        out.push_str(" (");
        for (i, attribute) in self.attributes.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            attribute.write(&mut out)?;
        }
        out.push_str(") PRIMARY KEY ");
        for (i, key) in self.primary_key.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let _ = literal::write_identifier(&mut out, &key.inner());
        }
        out.push_str(" SOURCE(");
        source.write(&mut out, "source")?;
        out.push(')');
        match self.lifetime {
            Some(Lifetime::Fixed(n)) => out.push_str(&format!(" LIFETIME({n})")),
            Some(Lifetime::Range { min, max }) => {
                out.push_str(&format!(" LIFETIME(MIN {min} MAX {max})"));
            }
            None => {}
        }
        out.push_str(" LAYOUT(");
        layout.write(&mut out, "layout")?;
        out.push(')');
        if let Some((min, max)) = &self.range {
            out.push_str(" RANGE(MIN ");
            let _ = literal::write_identifier(&mut out, &min.inner());
            out.push_str(" MAX ");
            let _ = literal::write_identifier(&mut out, &max.inner());
            out.push(')');
        }
        if !self.settings.is_empty() {
            let mut settings = String::new();
            write_settings(&mut settings, &self.settings)?;
            out.push_str(" SETTINGS(");
            out.push_str(settings.trim_start().trim_start_matches("SETTINGS "));
            out.push(')');
        }
        if let Some(c) = &self.comment {
            out.push_str(" COMMENT ");
            out.push_str(&literal::quote(c));
        }
        sql.write_str(&out)
            .map_err(|_| Error::InvalidInput("the SQL writer failed".into()))
    }
}
