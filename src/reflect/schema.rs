//! What reflection produces: [`TableSchema`], [`ColumnSchema`] and the pieces they carry.
//! Expressions (keys, defaults, TTLs, index expressions, view queries) are kept as the text the
//! server wrote, which is what the server accepts back.

use uuid::Uuid;

use super::engine::{TableEngine, key_list};
use super::lexer;
use crate::error::{Error, Result};
use crate::types::DataType;

/// What kind of object a table is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TableKind {
    /// A table with storage of its own (any engine but the ones below).
    Table,
    /// A plain view (`CREATE VIEW ... AS SELECT`).
    View,
    /// A materialized view: its query and where its rows go.
    MaterializedView(MaterializedView),
    /// A dictionary (`CREATE DICTIONARY`).
    Dictionary(Dictionary),
    /// Another kind of object (live and window views, tables created `AS` a table function,
    /// ...): its `create_table_query` is all reflection knows of it, and no DDL is rendered for
    /// it.
    Other(String),
}

impl TableKind {
    /// The kind's name: `table`, `view`, `materialized view`, `dictionary`, or the engine name.
    pub fn name(&self) -> &str {
        match self {
            TableKind::Table => "table",
            TableKind::View => "view",
            TableKind::MaterializedView(_) => "materialized view",
            TableKind::Dictionary(_) => "dictionary",
            TableKind::Other(engine) => engine,
        }
    }
}

/// Where a materialized view writes its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViewTarget {
    /// `TO database.table`: an existing table.
    Table {
        /// The target's database.
        database: String,
        /// The target's name.
        table: String,
    },
    /// Storage of its own, kept by the server in an inner table (`.inner.<view>` in
    /// `Ordinary` databases, `.inner_id.<uuid>` in `Atomic` ones); the view's [`TableSchema`]
    /// carries that storage's engine, keys and settings.
    Inner {
        /// The inner table's name, if the server listed it.
        table: Option<String>,
    },
}

/// A materialized view's definition.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MaterializedView {
    /// Where the rows go.
    pub target: ViewTarget,
    /// `REFRESH ...` of a refreshable materialized view, as written.
    pub refresh: Option<String>,
}

/// A dictionary's definition, from its `CREATE DICTIONARY` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Dictionary {
    /// `PRIMARY KEY` columns.
    pub primary_key: Vec<String>,
    /// `SOURCE(name(key value ...))`.
    pub source: DictionaryCall,
    /// `LIFETIME(...)`, as written inside the brackets (`MIN 0 MAX 300`, `300`).
    pub lifetime: Option<String>,
    /// `LAYOUT(name(key value ...))`.
    pub layout: DictionaryCall,
    /// `RANGE(...)`, as written inside the brackets (`MIN start MAX end`).
    pub range: Option<String>,
    /// `SETTINGS(...)`.
    pub settings: Vec<TableSetting>,
    /// Per-attribute options (`EXPRESSION`, `HIERARCHICAL`, `INJECTIVE`, `IS_OBJECT_ID`).
    pub attributes: Vec<DictionaryAttribute>,
}

/// `NAME(key value key value ...)`: a dictionary's source or layout.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DictionaryCall {
    /// The source or layout name (`CLICKHOUSE`, `HASHED`).
    pub name: String,
    /// Key and value pairs; values as written (`'table'`, `3306`, `replica(host 'a')`).
    pub args: Vec<(String, String)>,
}

/// The dictionary options of one attribute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DictionaryAttribute {
    /// The attribute (column) name.
    pub column: String,
    /// `EXPRESSION expr`.
    pub expression: Option<String>,
    /// `HIERARCHICAL`.
    pub hierarchical: bool,
    /// `BIDIRECTIONAL`.
    pub bidirectional: bool,
    /// `INJECTIVE`.
    pub injective: bool,
    /// `IS_OBJECT_ID`.
    pub is_object_id: bool,
}

/// How a column's expression is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DefaultKind {
    /// `DEFAULT expr`: used when an insert leaves the column out.
    Default,
    /// `MATERIALIZED expr`: always computed and stored; an insert cannot write it.
    Materialized,
    /// `ALIAS expr`: computed when read, never stored.
    Alias,
    /// `EPHEMERAL [expr]`: an insert may write it, it is not stored.
    Ephemeral,
}

impl DefaultKind {
    /// The keyword (`DEFAULT`, `MATERIALIZED`, `ALIAS`, `EPHEMERAL`).
    pub fn keyword(self) -> &'static str {
        match self {
            DefaultKind::Default => "DEFAULT",
            DefaultKind::Materialized => "MATERIALIZED",
            DefaultKind::Alias => "ALIAS",
            DefaultKind::Ephemeral => "EPHEMERAL",
        }
    }

    pub(crate) fn parse(keyword: &str) -> Option<Self> {
        Some(match keyword {
            "DEFAULT" => DefaultKind::Default,
            "MATERIALIZED" => DefaultKind::Materialized,
            "ALIAS" => DefaultKind::Alias,
            "EPHEMERAL" => DefaultKind::Ephemeral,
            _ => return None,
        })
    }
}

/// A column's `DEFAULT`, `MATERIALIZED`, `ALIAS` or `EPHEMERAL` clause.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ColumnDefault {
    /// Which clause.
    pub kind: DefaultKind,
    /// The expression (absent only for a bare `EPHEMERAL`).
    pub expression: Option<String>,
}

impl ColumnDefault {
    /// A clause.
    pub fn new(kind: DefaultKind, expression: Option<String>) -> Self {
        ColumnDefault { kind, expression }
    }
}

/// Which of the table's keys a column is part of (`system.columns.is_in_*_key`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct KeyMembership {
    /// In the partition key.
    pub partition: bool,
    /// In the sorting key (`ORDER BY`).
    pub sorting: bool,
    /// In the primary key.
    pub primary: bool,
    /// In the sampling key.
    pub sampling: bool,
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ColumnSchema {
    /// The column's name (columns of a `Nested` structure are `n.a`, `n.b`, as the server
    /// lists them).
    pub name: String,
    /// Its position in the table, from 1.
    pub position: u64,
    /// Its type, parsed.
    pub data_type: DataType,
    /// Its `DEFAULT` / `MATERIALIZED` / `ALIAS` / `EPHEMERAL` clause.
    pub default: Option<ColumnDefault>,
    /// Its comment (`None` when empty).
    pub comment: Option<String>,
    /// Its codecs, inside `CODEC(...)` (`Delta(8), ZSTD(1)`); `None` for the table's default
    /// compression, and on servers before 19.1, which have no codecs.
    pub codec: Option<String>,
    /// Its `TTL` expression (from `create_table_query`; `system.columns` has none).
    pub ttl: Option<String>,
    /// The keys it is part of.
    pub keys: KeyMembership,
}

impl ColumnSchema {
    /// A column of `name` and `data_type`, at `position`, with nothing else set.
    pub fn new(name: impl Into<String>, position: u64, data_type: DataType) -> Self {
        ColumnSchema {
            name: name.into(),
            position,
            data_type,
            default: None,
            comment: None,
            codec: None,
            ttl: None,
            keys: KeyMembership::default(),
        }
    }

    /// Whether the column's type is `Nullable` (at its top level).
    pub fn is_nullable(&self) -> bool {
        matches!(self.data_type, DataType::Nullable(_))
    }

    /// Whether an insert can write the column (it is neither `MATERIALIZED` nor `ALIAS`).
    pub fn is_insertable(&self) -> bool {
        !matches!(
            self.default.as_ref().map(|d| d.kind),
            Some(DefaultKind::Materialized | DefaultKind::Alias)
        )
    }

    /// Whether the column is stored (it is neither `ALIAS` nor `EPHEMERAL`).
    pub fn is_stored(&self) -> bool {
        !matches!(
            self.default.as_ref().map(|d| d.kind),
            Some(DefaultKind::Alias | DefaultKind::Ephemeral)
        )
    }
}

/// A data skipping index (`INDEX name expr TYPE type GRANULARITY n`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SkipIndex {
    /// Its name.
    pub name: String,
    /// The indexed expression.
    pub expression: String,
    /// Its type with arguments (`minmax`, `set(100)`, `bloom_filter(0.01)`).
    pub index_type: String,
    /// Its granularity.
    pub granularity: u64,
}

/// A projection (`PROJECTION name (SELECT ...)`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Projection {
    /// Its name.
    pub name: String,
    /// Its query, without the brackets.
    pub query: String,
}

/// Whether a constraint is checked on insert or only assumed by the optimizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConstraintKind {
    /// `CHECK expr`: inserts that break it fail.
    Check,
    /// `ASSUME expr`: the optimizer may rely on it; nothing checks it.
    Assume,
}

/// A table constraint (`CONSTRAINT name CHECK expr`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Constraint {
    /// Its name.
    pub name: String,
    /// `CHECK` or `ASSUME`.
    pub kind: ConstraintKind,
    /// The condition.
    pub expression: String,
}

/// A table setting, its value as the server wrote it (`8192`, `'default'`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TableSetting {
    /// The setting's name.
    pub name: String,
    /// Its value as a literal.
    pub value: String,
}

impl TableSetting {
    /// A setting.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        TableSetting {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// One table, view or dictionary as the server describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TableSchema {
    /// The database.
    pub database: String,
    /// The table's name.
    pub name: String,
    /// The table's UUID (servers from 20.8, `Atomic` databases; `None` otherwise).
    pub uuid: Option<Uuid>,
    /// Table, view, materialized view, dictionary, or other.
    pub kind: TableKind,
    /// The storage engine (for a materialized view with storage of its own, that storage's);
    /// `None` for plain views, dictionaries and materialized views `TO` a table.
    pub engine: Option<TableEngine>,
    /// `PARTITION BY`, as written.
    pub partition_key: Option<String>,
    /// `ORDER BY`, as written (`id`, `(id)`, `(a, b)`, `tuple()`); its expressions one by one
    /// are [`TableSchema::sorting_key`].
    pub order_by: Option<String>,
    /// `PRIMARY KEY` when the statement gives one apart from `ORDER BY`, as written; the
    /// effective key is [`TableSchema::effective_primary_key`].
    pub primary_key: Option<String>,
    /// `SAMPLE BY`, as written.
    pub sampling_key: Option<String>,
    /// The table `TTL` (all its rules, as written).
    pub ttl: Option<String>,
    /// The table's `SETTINGS`.
    pub settings: Vec<TableSetting>,
    /// The table's comment (servers from 21.6; `None` when empty or unknown).
    pub comment: Option<String>,
    /// The columns, in order.
    pub columns: Vec<ColumnSchema>,
    /// Data skipping indexes.
    pub skip_indexes: Vec<SkipIndex>,
    /// Projections.
    pub projections: Vec<Projection>,
    /// Constraints.
    pub constraints: Vec<Constraint>,
    /// A view's or materialized view's `SELECT`.
    pub query: Option<String>,
    /// Columns the statement declares that `system.columns` did not list: the user lacks
    /// `SHOW COLUMNS` on them, and the server leaves them out without a word. A schema with
    /// hidden columns is incomplete; DDL is not rendered from it.
    pub hidden_columns: Vec<String>,
    /// The `CREATE` statement as the server wrote it.
    pub create_table_query: String,
}

impl TableSchema {
    /// The column `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnSchema> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The sorting key's expressions (`ORDER BY (a, b)` gives `[a, b]`, `tuple()` none).
    pub fn sorting_key(&self) -> Vec<String> {
        self.order_by.as_deref().map(key_list).unwrap_or_default()
    }

    /// The primary key's expressions: `PRIMARY KEY` if given, else the sorting key.
    pub fn effective_primary_key(&self) -> Vec<String> {
        match &self.primary_key {
            Some(key) => key_list(key),
            None => self.sorting_key(),
        }
    }

    /// Whether every column is known (no [`hidden_columns`](Self::hidden_columns)).
    pub fn is_complete(&self) -> bool {
        self.hidden_columns.is_empty()
    }

    /// The same definition without what identifies this copy on the server: the UUID, the
    /// statement the server wrote and the name of a materialized view's inner table. Two
    /// tables created from the same DDL have equal definitions.
    pub fn definition(&self) -> TableSchema {
        let mut out = self.clone();
        out.uuid = None;
        out.create_table_query = String::new();
        if let TableKind::MaterializedView(view) = &mut out.kind {
            if let ViewTarget::Inner { table } = &mut view.target {
                *table = None;
            }
        }
        out
    }

    /// This schema moved to database `database`: every reference to the old database (the
    /// view query's qualified names, a materialized view's `TO` target, the database argument
    /// of `Merge`, `Buffer`, `Distributed` and `Dictionary` engines, a dictionary's
    /// `ClickHouse` source) now names the new one. References to other databases are kept.
    pub fn in_database(&self, database: &str) -> Result<TableSchema> {
        let from = self.database.as_str();
        let rename = |text: &str| {
            lexer::rename_database(text, from, database).map_err(|e| {
                Error::invalid_input(format!(
                    "cannot move {}.{} to database {database}: {}",
                    self.database, self.name, e.0
                ))
            })
        };
        let mut out = self.clone();
        out.database = database.to_owned();
        if let Some(query) = &self.query {
            out.query = Some(rename(query)?);
        }
        match &mut out.kind {
            TableKind::MaterializedView(MaterializedView {
                target: ViewTarget::Table { database: db, .. },
                ..
            }) if db == from => *db = database.to_owned(),
            TableKind::Dictionary(dictionary)
                if dictionary.source.name.eq_ignore_ascii_case("clickhouse") =>
            {
                for (key, value) in &mut dictionary.source.args {
                    if key.eq_ignore_ascii_case("db")
                        && lexer_string(value).as_deref() == Some(from)
                    {
                        *value = crate::types::quote(database);
                    } else if key.eq_ignore_ascii_case("query") {
                        if let Some(query) = lexer_string(value) {
                            *value = crate::types::quote(&rename(&query)?);
                        }
                    }
                }
            }
            _ => {}
        }
        if let Some(engine) = &mut out.engine {
            engine.rename_database(from, database)?;
        }
        for column in &mut out.columns {
            if let Some(default) = &mut column.default {
                if let Some(expr) = &default.expression {
                    default.expression = Some(rename(expr)?);
                }
            }
        }
        out.create_table_query = rename(&self.create_table_query)?;
        Ok(out)
    }
}

/// The value of a single string literal (`'x'` gives `x`), or `None` for other text.
pub(crate) fn lexer_string(text: &str) -> Option<String> {
    let tokens = lexer::tokenize(text).ok()?;
    match tokens.as_slice() {
        [t] if t.kind == lexer::Kind::String => Some(lexer::unquote(&text[t.span.clone()])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reflect::create_query;

    #[test]
    fn dictionary_sources_move_with_their_database() {
        let statement = create_query::parse(
            "CREATE DICTIONARY a.d (`k` UInt64) PRIMARY KEY k SOURCE(CLICKHOUSE(QUERY 'SELECT k FROM a.t' DB 'a')) LIFETIME(0) LAYOUT(FLAT())",
            "a.d",
        )
        .unwrap();
        let schema = TableSchema {
            database: "a".into(),
            name: "d".into(),
            uuid: None,
            kind: TableKind::Dictionary(statement.dictionary.unwrap()),
            engine: None,
            partition_key: None,
            order_by: None,
            primary_key: None,
            sampling_key: None,
            ttl: None,
            settings: Vec::new(),
            comment: None,
            columns: Vec::new(),
            skip_indexes: Vec::new(),
            projections: Vec::new(),
            constraints: Vec::new(),
            query: None,
            hidden_columns: Vec::new(),
            create_table_query: String::new(),
        };
        let moved = schema.in_database("b").unwrap();
        let TableKind::Dictionary(d) = &moved.kind else {
            panic!()
        };
        assert_eq!(
            d.source.args,
            [
                ("QUERY".to_owned(), "'SELECT k FROM b.t'".to_owned()),
                ("DB".to_owned(), "'b'".to_owned())
            ]
        );
    }
}
