//! [`CreateTable`] and [`Engine`]: ClickHouse CREATE TABLE with engine and table clauses.

use sea_query::{DynIden, Expr, IntoIden, IntoTableRef, SqlWriter, TableRef, TableRefBuilder};

use super::{ChColumn, inline_expr, on_cluster};
use crate::backend::ClickHouseQueryBuilder;
use crate::error::{Error, Result};
use crate::literal;
use crate::select::{SettingValue, is_identifier, write_settings};
use crate::statement::ChStatement;

/// A table engine with its parameters.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Engine {
    /// `MergeTree`.
    MergeTree,
    /// `ReplacingMergeTree([ver[, is_deleted]])`.
    ReplacingMergeTree {
        /// The version column.
        version: Option<DynIden>,
        /// The deletion-marker column (needs `version`).
        is_deleted: Option<DynIden>,
    },
    /// `SummingMergeTree([column | (columns)])`.
    SummingMergeTree(Vec<DynIden>),
    /// `AggregatingMergeTree`.
    AggregatingMergeTree,
    /// `CollapsingMergeTree(sign)`.
    CollapsingMergeTree(DynIden),
    /// `VersionedCollapsingMergeTree(sign, version)`.
    VersionedCollapsingMergeTree(DynIden, DynIden),
    /// `Replicated<inner>('zk_path', 'replica'[, inner parameters])`.
    Replicated {
        /// The coordination path.
        path: String,
        /// The replica name.
        replica: String,
        /// A MergeTree-family engine.
        inner: Box<Engine>,
    },
    /// `Distributed(cluster, database, table[, sharding_key])`.
    Distributed {
        /// The cluster name.
        cluster: String,
        /// The remote database.
        database: String,
        /// The remote table.
        table: String,
        /// The sharding expression.
        sharding_key: Option<Expr>,
    },
    /// `Memory`.
    Memory,
    /// `Log`.
    Log,
    /// `TinyLog`.
    TinyLog,
    /// `StripeLog`.
    StripeLog,
    /// `GraphiteMergeTree('config_section')`: rolls Graphite data up by the rules in the server
    /// configuration's `config_section` (wrap it in [`Engine::Replicated`] for
    /// `ReplicatedGraphiteMergeTree`).
    GraphiteMergeTree(String),
    /// Any other engine, `name(arguments)` (just `name` without arguments). The arguments are
    /// expressions written inline: `Expr::val("db")` for a string, `Expr::col("id")` for a
    /// column, `Expr::cust("ANY")` for raw text. A name ending in `MergeTree` is treated as a
    /// MergeTree-family engine (`ORDER BY tuple()` by default, allowed in `Replicated`).
    Custom {
        /// The engine's name.
        name: String,
        /// The engine's arguments.
        args: Vec<Expr>,
    },
}

impl Engine {
    /// `ReplacingMergeTree(version)`.
    pub fn replacing(version: impl IntoIden) -> Self {
        Engine::ReplacingMergeTree {
            version: Some(version.into_iden()),
            is_deleted: None,
        }
    }

    /// A custom engine: `name(args)`, see [`Engine::Custom`].
    ///
    /// ```
    /// use sea_query::Expr;
    /// use sea_query_clickhouse::Engine;
    /// let buffer = Engine::custom("Buffer", [Expr::cust("currentDatabase()"), Expr::val("t"), Expr::val(1)]);
    /// assert_eq!(buffer.to_sql().unwrap(), "Buffer(currentDatabase(), 't', 1)");
    /// ```
    pub fn custom<E: Into<Expr>>(name: &str, args: impl IntoIterator<Item = E>) -> Self {
        Engine::Custom {
            name: name.to_owned(),
            args: args.into_iter().map(Into::into).collect(),
        }
    }

    fn is_merge_tree(&self) -> bool {
        match self {
            Engine::Custom { name, .. } => name.ends_with("MergeTree"),
            Engine::Distributed { .. }
            | Engine::Memory
            | Engine::Log
            | Engine::TinyLog
            | Engine::StripeLog => false,
            _ => true,
        }
    }

    fn name_and_args(&self) -> Result<(String, Vec<String>)> {
        let iden = |i: &DynIden| {
            let mut s = String::new();
            let _ = literal::write_identifier(&mut s, &i.inner());
            s
        };
        Ok(match self {
            Engine::MergeTree => ("MergeTree".into(), vec![]),
            Engine::ReplacingMergeTree {
                version,
                is_deleted,
            } => {
                if is_deleted.is_some() && version.is_none() {
                    return Err(Error::InvalidInput(
                        "ReplacingMergeTree's is_deleted needs a version column".into(),
                    ));
                }
                let args = version.iter().chain(is_deleted).map(iden).collect();
                ("ReplacingMergeTree".into(), args)
            }
            Engine::SummingMergeTree(columns) if columns.is_empty() => {
                ("SummingMergeTree".into(), vec![])
            }
            Engine::SummingMergeTree(columns) if columns.len() == 1 => {
                ("SummingMergeTree".into(), vec![iden(&columns[0])])
            }
            Engine::SummingMergeTree(columns) => {
                let list: Vec<String> = columns.iter().map(iden).collect();
                (
                    "SummingMergeTree".into(),
                    vec![format!("({})", list.join(", "))],
                )
            }
            Engine::AggregatingMergeTree => ("AggregatingMergeTree".into(), vec![]),
            Engine::CollapsingMergeTree(sign) => ("CollapsingMergeTree".into(), vec![iden(sign)]),
            Engine::VersionedCollapsingMergeTree(sign, version) => (
                "VersionedCollapsingMergeTree".into(),
                vec![iden(sign), iden(version)],
            ),
            Engine::Replicated {
                path,
                replica,
                inner,
            } => {
                if !inner.is_merge_tree() || matches!(**inner, Engine::Replicated { .. }) {
                    return Err(Error::InvalidInput(
                        "Replicated wraps a MergeTree-family engine".into(),
                    ));
                }
                let (name, args) = inner.name_and_args()?;
                let mut all = vec![literal::quote(path), literal::quote(replica)];
                all.extend(args);
                (format!("Replicated{name}"), all)
            }
            Engine::Distributed {
                cluster,
                database,
                table,
                sharding_key,
            } => {
                let mut args = vec![
                    literal::quote(cluster),
                    literal::quote(database),
                    literal::quote(table),
                ];
                args.extend(sharding_key.as_ref().map(inline_expr));
                ("Distributed".into(), args)
            }
            Engine::Memory => ("Memory".into(), vec![]),
            Engine::Log => ("Log".into(), vec![]),
            Engine::TinyLog => ("TinyLog".into(), vec![]),
            Engine::StripeLog => ("StripeLog".into(), vec![]),
            Engine::GraphiteMergeTree(section) => {
                ("GraphiteMergeTree".into(), vec![literal::quote(section)])
            }
            Engine::Custom { name, args } => {
                if !is_identifier(name) {
                    return Err(Error::InvalidInput(format!(
                        "{name:?} is not an engine name"
                    )));
                }
                (name.clone(), args.iter().map(inline_expr).collect())
            }
        })
    }

    /// The engine clause text, e.g. `ReplacingMergeTree(`ver`)`.
    pub fn to_sql(&self) -> Result<String> {
        let (name, args) = self.name_and_args()?;
        Ok(if args.is_empty() {
            name
        } else {
            format!("{name}({})", args.join(", "))
        })
    }
}

/// The storage clauses of a table or materialized view: `ENGINE = ... ORDER BY ...
/// PARTITION BY ... PRIMARY KEY ... SAMPLE BY ... TTL ... SETTINGS ...`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Storage {
    pub(crate) engine: Option<Engine>,
    pub(crate) order_by: Vec<Expr>,
    pub(crate) partition_by: Option<Expr>,
    pub(crate) primary_key: Vec<Expr>,
    pub(crate) sample_by: Option<Expr>,
    pub(crate) ttl: Option<Expr>,
    pub(crate) settings: Vec<(String, SettingValue)>,
    /// The engine as SQL text (a reflected engine written as the server wrote it), in place
    /// of `engine`.
    pub(crate) engine_sql: Option<String>,
    /// `ORDER BY` as SQL text, in place of `order_by`.
    pub(crate) order_by_sql: Option<String>,
    /// `PRIMARY KEY` as SQL text, in place of `primary_key`.
    pub(crate) primary_key_sql: Option<String>,
}

impl Storage {
    /// Whether no clause is set.
    pub(crate) fn is_empty(&self) -> bool {
        self.engine_sql.is_none()
            && self.order_by_sql.is_none()
            && self.primary_key_sql.is_none()
            && self.engine.is_none()
            && self.order_by.is_empty()
            && self.partition_by.is_none()
            && self.primary_key.is_empty()
            && self.sample_by.is_none()
            && self.ttl.is_none()
            && self.settings.is_empty()
    }

    /// Writes the clauses that are set, each with a leading space.
    pub(crate) fn write(&self, out: &mut String) -> Result<()> {
        if let Some(engine) = &self.engine_sql {
            out.push_str(" ENGINE = ");
            out.push_str(engine);
        } else if let Some(engine) = &self.engine {
            out.push_str(" ENGINE = ");
            out.push_str(&engine.to_sql()?);
            if engine.is_merge_tree() && self.order_by.is_empty() && self.order_by_sql.is_none() {
                out.push_str(" ORDER BY tuple()");
            }
        }
        if let Some(order_by) = &self.order_by_sql {
            out.push_str(" ORDER BY ");
            out.push_str(order_by);
        } else if !self.order_by.is_empty() {
            out.push_str(" ORDER BY ");
            out.push_str(&expr_list(&self.order_by));
        }
        if let Some(p) = &self.partition_by {
            out.push_str(" PARTITION BY ");
            out.push_str(&inline_expr(p));
        }
        if let Some(primary_key) = &self.primary_key_sql {
            out.push_str(" PRIMARY KEY ");
            out.push_str(primary_key);
        } else if !self.primary_key.is_empty() {
            out.push_str(" PRIMARY KEY ");
            out.push_str(&expr_list(&self.primary_key));
        }
        if let Some(s) = &self.sample_by {
            out.push_str(" SAMPLE BY ");
            out.push_str(&inline_expr(s));
        }
        if let Some(t) = &self.ttl {
            out.push_str(" TTL ");
            out.push_str(&inline_expr(t));
        }
        write_settings(out, &self.settings)
    }
}

/// The builder methods that set [`Storage`] clauses, for types with a `storage` field.
macro_rules! storage_methods {
    () => {
        /// `ENGINE = engine`.
        pub fn engine(mut self, engine: Engine) -> Self {
            self.storage.engine = Some(engine);
            self
        }
        /// `ORDER BY expr` or `ORDER BY (exprs)` (MergeTree family; `tuple()` when empty).
        pub fn order_by<E: Into<Expr>>(mut self, exprs: impl IntoIterator<Item = E>) -> Self {
            self.storage.order_by = exprs.into_iter().map(Into::into).collect();
            self
        }
        /// `PARTITION BY expr`.
        pub fn partition_by(mut self, expr: impl Into<Expr>) -> Self {
            self.storage.partition_by = Some(expr.into());
            self
        }
        /// `PRIMARY KEY expr` or `PRIMARY KEY (exprs)`: a prefix of ORDER BY.
        pub fn primary_key<E: Into<Expr>>(mut self, exprs: impl IntoIterator<Item = E>) -> Self {
            self.storage.primary_key = exprs.into_iter().map(Into::into).collect();
            self
        }
        /// `SAMPLE BY expr`.
        pub fn sample_by(mut self, expr: impl Into<Expr>) -> Self {
            self.storage.sample_by = Some(expr.into());
            self
        }
        /// Table `TTL expr` (e.g. `ts + INTERVAL 30 DAY`).
        pub fn ttl(mut self, expr: impl Into<Expr>) -> Self {
            self.storage.ttl = Some(expr.into());
            self
        }
        /// Adds a table setting.
        pub fn settings(mut self, name: &str, value: impl Into<SettingValue>) -> Self {
            self.storage.settings.push((name.to_owned(), value.into()));
            self
        }
    };
}
pub(crate) use storage_methods;

/// `CREATE TABLE` with ClickHouse columns, engine and table clauses.
///
/// ```
/// use sea_query::{ColumnDef, Expr};
/// use sea_query_clickhouse::{ChColumn, ChStatement, CreateTable, Engine};
///
/// let create = CreateTable::new("events")
///     .if_not_exists()
///     .col(ColumnDef::new("id").big_unsigned().not_null())
///     .column(ChColumn::new("kind", "LowCardinality(String)"))
///     .engine(Engine::MergeTree)
///     .order_by([Expr::col("id")]);
/// assert_eq!(
///     create.to_sql().unwrap(),
///     "CREATE TABLE IF NOT EXISTS `events` (`id` UInt64, `kind` LowCardinality(String)) ENGINE = MergeTree ORDER BY `id`"
/// );
/// ```
#[derive(Debug, Clone)]
pub struct CreateTable {
    table: TableRef,
    if_not_exists: bool,
    on_cluster: Option<String>,
    columns: Vec<ChColumn>,
    pub(crate) elements: Vec<Element>,
    pub(crate) storage: Storage,
    comment: Option<String>,
    /// Why the statement cannot be rendered (set by conversions that cannot fail).
    pub(crate) unsupported: Option<String>,
}

/// What the column list holds besides columns.
#[derive(Debug, Clone)]
pub(crate) enum Element {
    /// `INDEX name expr TYPE type GRANULARITY n`.
    Index {
        name: String,
        expr: Expr,
        index_type: String,
        granularity: u64,
    },
    /// `PROJECTION name (query)`.
    Projection { name: String, query: String },
    /// `CONSTRAINT name CHECK|ASSUME expr`.
    Constraint {
        name: String,
        assume: bool,
        expr: Expr,
    },
}

impl Element {
    /// Writes the element, checking the parts written as text.
    pub(crate) fn write(&self, out: &mut String) -> Result<()> {
        match self {
            Element::Index {
                name,
                expr,
                index_type,
                granularity,
            } => {
                check_index_type(index_type)?;
                out.push_str("INDEX ");
                let _ = literal::write_identifier(out, name);
                out.push(' ');
                out.push_str(&inline_expr(expr));
                out.push_str(" TYPE ");
                out.push_str(index_type);
                out.push_str(&format!(" GRANULARITY {granularity}"));
            }
            Element::Projection { name, query } => {
                if query.trim().is_empty() || !balanced(query) {
                    return Err(Error::InvalidInput(format!(
                        "projection {name}'s query {query:?} is not one bracketed query"
                    )));
                }
                out.push_str("PROJECTION ");
                let _ = literal::write_identifier(out, name);
                out.push_str(" (");
                out.push_str(query);
                out.push(')');
            }
            Element::Constraint { name, assume, expr } => {
                out.push_str("CONSTRAINT ");
                let _ = literal::write_identifier(out, name);
                out.push_str(if *assume { " ASSUME " } else { " CHECK " });
                out.push_str(&inline_expr(expr));
            }
        }
        Ok(())
    }
}

/// An index type such as `minmax`, `set(100)` or `bloom_filter(0.01)`: a name and an
/// optional bracketed list of literals.
pub(crate) fn check_index_type(index_type: &str) -> Result<()> {
    let name_end = index_type.find('(').unwrap_or(index_type.len());
    let (name, args) = index_type.split_at(name_end);
    let args_ok = args.is_empty() || (args.ends_with(')') && balanced(args));
    if !is_identifier(name) || !args_ok || index_type.contains(';') {
        return Err(Error::InvalidInput(format!(
            "{index_type:?} is not an index type"
        )));
    }
    Ok(())
}

/// Whether the brackets and quotes of `text` are balanced (so it cannot end the statement's
/// bracket early).
pub(crate) fn balanced(text: &str) -> bool {
    let mut depth = 0i64;
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                if c == '\\' {
                    chars.next();
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '\'' | '`' | '"' => quote = Some(c),
                '(' | '[' => depth += 1,
                ')' | ']' => {
                    depth -= 1;
                    if depth < 0 {
                        return false;
                    }
                }
                ';' => return false,
                _ => {}
            },
        }
    }
    depth == 0 && quote.is_none()
}

impl CreateTable {
    /// `CREATE TABLE table` (a name or `(database, name)`).
    pub fn new(table: impl IntoTableRef) -> Self {
        CreateTable {
            table: table.into_table_ref(),
            if_not_exists: false,
            on_cluster: None,
            columns: Vec::new(),
            elements: Vec::new(),
            storage: Storage::default(),
            comment: None,
            unsupported: None,
        }
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
    /// Adds a sea-query column (type mapped, nullability as in sea-query).
    pub fn col(mut self, column: impl Into<sea_query::ColumnDef>) -> Self {
        self.columns.push(ChColumn::from(column.into()));
        self
    }
    /// Adds a ClickHouse column.
    pub fn column(mut self, column: ChColumn) -> Self {
        self.columns.push(column);
        self
    }
    storage_methods!();
    /// `COMMENT 'text'`.
    pub fn comment(mut self, text: &str) -> Self {
        self.comment = Some(text.to_owned());
        self
    }
    /// A data skipping index: `INDEX name expr TYPE index_type GRANULARITY granularity`
    /// (`index_type` such as `minmax`, `set(100)`, `bloom_filter(0.01)`).
    ///
    /// ```
    /// use sea_query::Expr;
    /// use sea_query_clickhouse::{ChColumn, ChStatement, CreateTable, Engine};
    /// let create = CreateTable::new("t")
    ///     .column(ChColumn::new("s", "String"))
    ///     .index("s_set", Expr::col("s"), "set(100)", 4)
    ///     .engine(Engine::MergeTree);
    /// assert_eq!(
    ///     create.to_sql().unwrap(),
    ///     "CREATE TABLE `t` (`s` String, INDEX `s_set` `s` TYPE set(100) GRANULARITY 4) ENGINE = MergeTree ORDER BY tuple()"
    /// );
    /// ```
    pub fn index(
        mut self,
        name: &str,
        expr: impl Into<Expr>,
        index_type: &str,
        granularity: u64,
    ) -> Self {
        self.elements.push(Element::Index {
            name: name.to_owned(),
            expr: expr.into(),
            index_type: index_type.to_owned(),
            granularity,
        });
        self
    }
    /// A projection: `PROJECTION name (query)`, the query as SQL text (`SELECT a, count()
    /// GROUP BY a`), checked for balanced brackets and quotes.
    pub fn projection(mut self, name: &str, query: &str) -> Self {
        self.elements.push(Element::Projection {
            name: name.to_owned(),
            query: query.to_owned(),
        });
        self
    }
    /// `CONSTRAINT name CHECK expr`: inserts whose rows break it fail.
    pub fn check(mut self, name: &str, expr: impl Into<Expr>) -> Self {
        self.elements.push(Element::Constraint {
            name: name.to_owned(),
            assume: false,
            expr: expr.into(),
        });
        self
    }
    /// `CONSTRAINT name ASSUME expr`: the optimizer may rely on it; nothing checks it.
    pub fn assume(mut self, name: &str, expr: impl Into<Expr>) -> Self {
        self.elements.push(Element::Constraint {
            name: name.to_owned(),
            assume: true,
            expr: expr.into(),
        });
        self
    }
}

/// `expr` for one expression (as the server prints it back), `(a, b, ...)` for several. Raw
/// text (`Expr::cust`) keeps its parentheses, which it may need.
pub(crate) fn expr_list(exprs: &[Expr]) -> String {
    match exprs {
        [one] if !matches!(one, Expr::Custom(_)) => inline_expr(one),
        _ => {
            let parts: Vec<String> = exprs.iter().map(inline_expr).collect();
            format!("({})", parts.join(", "))
        }
    }
}

/// Writes ` (column, ...)` unless there are no columns.
pub(crate) fn write_columns(out: &mut String, columns: &[ChColumn]) -> Result<()> {
    write_column_list(out, columns, &[])
}

/// Writes ` (column, ..., element, ...)` unless both are empty.
pub(crate) fn write_column_list(
    out: &mut String,
    columns: &[ChColumn],
    elements: &[Element],
) -> Result<()> {
    if columns.is_empty() && elements.is_empty() {
        return Ok(());
    }
    out.push_str(" (");
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        column.write(out)?;
    }
    for (i, element) in elements.iter().enumerate() {
        if i > 0 || !columns.is_empty() {
            out.push_str(", ");
        }
        element.write(out)?;
    }
    out.push(')');
    Ok(())
}

/// Writes the table name, refusing what is not one.
pub(crate) fn write_table_name(out: &mut String, table: &TableRef) -> Result<()> {
    if !matches!(table, TableRef::Table(_, None)) {
        return Err(Error::Unsupported(
            "a subquery, VALUES list, function or alias where a table name is needed".into(),
        ));
    }
    ClickHouseQueryBuilder.prepare_table_ref_iden(table, out);
    Ok(())
}

impl ChStatement for CreateTable {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        if let Some(reason) = &self.unsupported {
            return Err(Error::Unsupported(reason.clone()));
        }
        let mut out = String::from("CREATE TABLE ");
        if self.if_not_exists {
            out.push_str("IF NOT EXISTS ");
        }
        write_table_name(&mut out, &self.table)?;
        on_cluster(&mut out, &self.on_cluster);
        write_column_list(&mut out, &self.columns, &self.elements)?;
        self.storage.write(&mut out)?;
        if let Some(c) = &self.comment {
            out.push_str(" COMMENT ");
            out.push_str(&literal::quote(c));
        }
        sql.write_str(&out)
            .map_err(|_| Error::InvalidInput("the SQL writer failed".into()))
    }
}
