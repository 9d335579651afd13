//! DDL from a reflected schema: [`CreateTable::from(&TableSchema)`](CreateTable), the views'
//! and dictionaries' statements, and [`CreateStatement`] choosing among them by the schema's
//! kind. Expressions are written as the server wrote them, so the server reads back the same
//! definition.

use clickhouse_connect::reflect::{
    ColumnSchema, ConstraintKind, DefaultKind, EngineKind, MergeTreeVariant, TableEngine,
    TableKind, TableSchema, ViewTarget,
};
use sea_query::{Expr, IntoIden, SqlWriter};

use super::create_table::{Element, balanced};
use super::dictionary::{CreateDictionary, DictAttribute, Lifetime};
use super::{ChColumn, CreateTable, CreateView, Engine};
use crate::error::{Error, Result};
use crate::literal;
use crate::select::SettingValue;
use crate::statement::ChStatement;

/// SQL text from the schema, checked to be one balanced piece (no `;`, no bracket or quote
/// left open) before it is written raw.
pub(crate) fn sql(text: &str, what: &str) -> Result<Expr> {
    checked(text, what).map(|t| Expr::cust(t.to_owned()))
}

fn checked<'a>(text: &'a str, what: &str) -> Result<&'a str> {
    if text.trim().is_empty() || !balanced(text) {
        return Err(Error::InvalidInput(format!(
            "{what} {text:?} is not one SQL expression"
        )));
    }
    Ok(text)
}

/// A setting's value as the server wrote it: a number or a string literal.
pub(crate) fn setting_value(name: &str, text: &str) -> Result<SettingValue> {
    let text = text.trim();
    if let Ok(v) = text.parse::<i64>() {
        return Ok(SettingValue::Int(v));
    }
    if text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'') {
        return Ok(SettingValue::String(literal::unescape(
            &text[1..text.len() - 1],
        )));
    }
    if let Ok(v) = text.parse::<f64>() {
        if v.is_finite() {
            return Ok(SettingValue::Float(v));
        }
    }
    match text {
        "true" => Ok(SettingValue::Bool(true)),
        "false" => Ok(SettingValue::Bool(false)),
        _ => Err(Error::Unsupported(format!(
            "setting {name} = {text}: a value that is neither a number nor a string"
        ))),
    }
}

fn column(column: &ColumnSchema) -> Result<ChColumn> {
    let mut out = ChColumn::new(column.name.clone(), column.data_type.clone());
    if let Some(default) = &column.default {
        let what = format!("column {}'s {}", column.name, default.kind.keyword());
        let e = default
            .expression
            .as_deref()
            .map(|t| sql(t, &what))
            .transpose()?;
        out = match (default.kind, e) {
            (DefaultKind::Default, Some(e)) => out.default(e),
            (DefaultKind::Materialized, Some(e)) => out.materialized(e),
            (DefaultKind::Alias, Some(e)) => out.alias(e),
            (DefaultKind::Ephemeral, e) => out.ephemeral(e),
            _ => return Err(Error::InvalidInput(format!("{what} without an expression"))),
        };
    }
    if let Some(ttl) = &column.ttl {
        out = out.ttl(sql(ttl, &format!("column {}'s TTL", column.name))?);
    }
    if let Some(comment) = &column.comment {
        out = out.comment(comment);
    }
    if let Some(codec) = &column.codec {
        out = out.codec(codec);
    }
    Ok(out)
}

impl From<&ColumnSchema> for ChColumn {
    /// The column as the server describes it: type, default, comment, codec, TTL. Text that
    /// is not one SQL expression makes the column's rendering an error.
    fn from(schema: &ColumnSchema) -> Self {
        column(schema).unwrap_or_else(|e| {
            let mut out = ChColumn::new(schema.name.clone(), schema.data_type.clone());
            out.unsupported = Some(e.to_string());
            out
        })
    }
}

/// The engine as a typed [`Engine`] where the typed form writes what the server wrote, and
/// `None` where only the server's text does (then it is written as text).
fn typed_engine(engine: &TableEngine) -> Option<Engine> {
    if engine.has_brackets && engine.args.is_empty() {
        // `MergeTree()`, `Memory()`: the server keeps the brackets, which no typed form writes.
        return None;
    }
    let plain = |name: &str| match name {
        "Memory" => Some(Engine::Memory),
        "Log" => Some(Engine::Log),
        "TinyLog" => Some(Engine::TinyLog),
        "StripeLog" => Some(Engine::StripeLog),
        _ => None,
    };
    match &engine.kind {
        EngineKind::MergeTree(m) if !m.legacy_syntax => {
            let iden = |c: &String| c.clone().into_iden();
            let inner = match &m.variant {
                MergeTreeVariant::Plain => Engine::MergeTree,
                MergeTreeVariant::Replacing {
                    version,
                    is_deleted,
                } => Engine::ReplacingMergeTree {
                    version: version.as_ref().map(iden),
                    is_deleted: is_deleted.as_ref().map(iden),
                },
                MergeTreeVariant::Summing { columns } => {
                    Engine::SummingMergeTree(columns.iter().map(iden).collect())
                }
                MergeTreeVariant::Aggregating => Engine::AggregatingMergeTree,
                MergeTreeVariant::Collapsing { sign } => Engine::CollapsingMergeTree(iden(sign)),
                MergeTreeVariant::VersionedCollapsing { sign, version } => {
                    Engine::VersionedCollapsingMergeTree(iden(sign), iden(version))
                }
                MergeTreeVariant::Graphite { config_section } => {
                    Engine::GraphiteMergeTree(config_section.clone())
                }
                _ => return None,
            };
            match &m.replication {
                None => Some(inner),
                Some(r) => match (&r.zookeeper_path, &r.replica_name) {
                    (Some(path), Some(replica)) => Some(Engine::Replicated {
                        path: path.clone(),
                        replica: replica.clone(),
                        inner: Box::new(inner),
                    }),
                    _ => None,
                },
            }
        }
        EngineKind::Other if engine.args.is_empty() => plain(&engine.name),
        _ => None,
    }
}

impl From<&TableEngine> for Engine {
    /// The typed engine where one fits, else [`Engine::Custom`] with the arguments as written.
    fn from(engine: &TableEngine) -> Self {
        typed_engine(engine).unwrap_or_else(|| Engine::Custom {
            name: engine.name.clone(),
            args: engine.args.iter().map(|a| Expr::cust(a.clone())).collect(),
        })
    }
}

/// Why DDL cannot be rendered from `schema`, if it cannot.
fn refusal(schema: &TableSchema) -> Option<String> {
    let name = format!("{}.{}", schema.database, schema.name);
    if !schema.is_complete() {
        return Some(format!(
            "{name} has columns the server did not list ({}): the user lacks SHOW COLUMNS on \
             them, so the table cannot be rebuilt from what reflection sees",
            schema.hidden_columns.join(", ")
        ));
    }
    if let TableKind::Other(engine) = &schema.kind {
        return Some(format!(
            "{name} is a {engine}; reflection renders tables, views, materialized views and \
             dictionaries only"
        ));
    }
    None
}

/// Fills the storage clauses of a table or materialized view.
fn storage(schema: &TableSchema, storage: &mut super::create_table::Storage) -> Result<()> {
    if let Some(engine) = &schema.engine {
        match typed_engine(engine) {
            Some(typed) => storage.engine = Some(typed),
            None => {
                for arg in &engine.args {
                    checked(arg, "an engine argument")?;
                }
                storage.engine_sql = Some(engine.to_sql());
            }
        }
    }
    if let Some(order_by) = &schema.order_by {
        storage.order_by_sql = Some(checked(order_by, "ORDER BY")?.to_owned());
    }
    if let Some(primary_key) = &schema.primary_key {
        storage.primary_key_sql = Some(checked(primary_key, "PRIMARY KEY")?.to_owned());
    }
    if let Some(p) = &schema.partition_key {
        storage.partition_by = Some(sql(p, "PARTITION BY")?);
    }
    if let Some(s) = &schema.sampling_key {
        storage.sample_by = Some(sql(s, "SAMPLE BY")?);
    }
    if let Some(t) = &schema.ttl {
        storage.ttl = Some(sql(t, "TTL")?);
    }
    for setting in &schema.settings {
        storage.settings.push((
            setting.name.clone(),
            setting_value(&setting.name, &setting.value)?,
        ));
    }
    Ok(())
}

fn table(schema: &TableSchema) -> Result<CreateTable> {
    if let Some(reason) = refusal(schema) {
        return Err(Error::Unsupported(reason));
    }
    let mut create = CreateTable::new((schema.database.clone(), schema.name.clone()));
    for c in &schema.columns {
        create = create.column(column(c)?);
    }
    for index in &schema.skip_indexes {
        create.elements.push(Element::Index {
            name: index.name.clone(),
            expr: sql(&index.expression, "an index expression")?,
            index_type: index.index_type.clone(),
            granularity: index.granularity,
        });
    }
    for projection in &schema.projections {
        create.elements.push(Element::Projection {
            name: projection.name.clone(),
            query: projection.query.clone(),
        });
    }
    for constraint in &schema.constraints {
        create.elements.push(Element::Constraint {
            name: constraint.name.clone(),
            assume: constraint.kind == ConstraintKind::Assume,
            expr: sql(&constraint.expression, "a constraint")?,
        });
    }
    storage(schema, &mut create.storage)?;
    if let Some(comment) = &schema.comment {
        create = create.comment(comment);
    }
    Ok(create)
}

impl From<&TableSchema> for CreateTable {
    /// `CREATE TABLE` for a reflected table: its columns (type, default, comment, codec, TTL),
    /// skip indexes, projections, constraints, engine with its clauses and settings, and
    /// comment, all written as the server wrote them. For a view or dictionary use
    /// [`CreateStatement`], which picks the statement by kind. A schema that cannot be
    /// rendered (hidden columns, an object reflection does not model, text that is not one SQL
    /// expression) gives a statement whose rendering is an error saying why.
    fn from(schema: &TableSchema) -> Self {
        table(schema).unwrap_or_else(|e| {
            let mut create = CreateTable::new((schema.database.clone(), schema.name.clone()));
            create.unsupported = Some(match e {
                Error::Unsupported(m) | Error::InvalidInput(m) => m,
                other => other.to_string(),
            });
            create
        })
    }
}

fn view_columns(schema: &TableSchema, mut view: CreateView) -> CreateView {
    for column in &schema.columns {
        view = view.column(ChColumn::new(column.name.clone(), column.data_type.clone()));
    }
    view
}

impl TryFrom<&TableSchema> for CreateView {
    type Error = Error;

    /// `CREATE VIEW` or `CREATE MATERIALIZED VIEW` for a reflected view, with its columns,
    /// query, target (`TO`) or storage, and comment.
    fn try_from(schema: &TableSchema) -> Result<Self> {
        if let Some(reason) = refusal(schema) {
            return Err(Error::Unsupported(reason));
        }
        let name = (schema.database.clone(), schema.name.clone());
        let query = schema.query.as_deref().ok_or_else(|| {
            Error::InvalidInput(format!("{}.{} has no query", schema.database, schema.name))
        })?;
        checked(query, "a view's query")?;
        let mut view = match &schema.kind {
            TableKind::View => CreateView::new_sql(name, query),
            TableKind::MaterializedView(mv) => {
                let mut view = CreateView::materialized_sql(name, query);
                if let Some(refresh) = &mv.refresh {
                    let schedule = refresh.trim_start_matches("REFRESH").trim();
                    view = view.refresh(checked(schedule, "a refresh schedule")?);
                }
                match &mv.target {
                    ViewTarget::Table { database, table } => {
                        view = view.to((database.clone(), table.clone()));
                    }
                    ViewTarget::Inner { .. } => storage(schema, &mut view.storage)?,
                    _ => {
                        return Err(Error::Unsupported(format!(
                            "materialized view {}.{}'s target",
                            schema.database, schema.name
                        )));
                    }
                }
                view
            }
            other => {
                return Err(Error::InvalidInput(format!(
                    "{}.{} is a {}, not a view",
                    schema.database,
                    schema.name,
                    other.name()
                )));
            }
        };
        view = view_columns(schema, view);
        if let Some(comment) = &schema.comment {
            view = view.comment(comment);
        }
        Ok(view)
    }
}

/// `MIN a MAX b` or `n` (a `LIFETIME` as the server writes it).
fn lifetime(text: &str) -> Result<Lifetime> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let number = |w: &str| {
        w.parse::<u64>()
            .map_err(|_| Error::Unsupported(format!("dictionary LIFETIME({text})")))
    };
    match words.as_slice() {
        [n] => Ok(Lifetime::Fixed(number(n)?)),
        [min_kw, min, max_kw, max]
            if min_kw.eq_ignore_ascii_case("MIN") && max_kw.eq_ignore_ascii_case("MAX") =>
        {
            Ok(Lifetime::Range {
                min: number(min)?,
                max: number(max)?,
            })
        }
        [max_kw, max, min_kw, min]
            if min_kw.eq_ignore_ascii_case("MIN") && max_kw.eq_ignore_ascii_case("MAX") =>
        {
            Ok(Lifetime::Range {
                min: number(min)?,
                max: number(max)?,
            })
        }
        _ => Err(Error::Unsupported(format!("dictionary LIFETIME({text})"))),
    }
}

impl TryFrom<&TableSchema> for CreateDictionary {
    type Error = Error;

    /// `CREATE DICTIONARY` for a reflected dictionary. A source whose password the server
    /// hides (`'[HIDDEN]'`) is refused: the statement would set that text as the password.
    fn try_from(schema: &TableSchema) -> Result<Self> {
        if let Some(reason) = refusal(schema) {
            return Err(Error::Unsupported(reason));
        }
        let TableKind::Dictionary(d) = &schema.kind else {
            return Err(Error::InvalidInput(format!(
                "{}.{} is a {}, not a dictionary",
                schema.database,
                schema.name,
                schema.kind.name()
            )));
        };
        let name = format!("{}.{}", schema.database, schema.name);
        if let Some((key, _)) = d.source.args.iter().find(|(_, v)| v == "'[HIDDEN]'") {
            return Err(Error::Unsupported(format!(
                "dictionary {name}'s source {key} is hidden by the server ('[HIDDEN]'); set it \
                 yourself with CreateDictionary::source"
            )));
        }
        let mut create = CreateDictionary::new((schema.database.clone(), schema.name.clone()));
        for column in &schema.columns {
            let mut attribute = DictAttribute::new(column.name.clone(), column.data_type.clone());
            if let Some(default) = &column.default {
                if let Some(e) = &default.expression {
                    attribute = attribute.default(sql(e, "an attribute default")?);
                }
            }
            if let Some(options) = d.attributes.iter().find(|a| a.column == column.name) {
                if let Some(e) = &options.expression {
                    attribute = attribute.expression(sql(e, "an attribute expression")?);
                }
                if options.hierarchical {
                    attribute = attribute.hierarchical();
                }
                if options.bidirectional {
                    attribute = attribute.bidirectional();
                }
                if options.injective {
                    attribute = attribute.injective();
                }
                if options.is_object_id {
                    attribute = attribute.is_object_id();
                }
            }
            create = create.attribute(attribute);
        }
        create = create.primary_key(d.primary_key.iter().cloned());
        let args =
            |call: &clickhouse_connect::reflect::DictionaryCall| -> Result<Vec<(String, Expr)>> {
                call.args
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), sql(v, "a dictionary parameter")?)))
                    .collect()
            };
        create = create.source(&d.source.name, args(&d.source)?);
        create = create.layout(&d.layout.name, args(&d.layout)?);
        if let Some(l) = &d.lifetime {
            create = create.lifetime(lifetime(l)?);
        }
        if let Some(range) = &d.range {
            let words: Vec<&str> = range.split_whitespace().collect();
            match words.as_slice() {
                [min_kw, min, max_kw, max]
                    if min_kw.eq_ignore_ascii_case("MIN") && max_kw.eq_ignore_ascii_case("MAX") =>
                {
                    let name = |w: &str| w.trim_matches('`').to_owned();
                    create = create.range(name(min), name(max));
                }
                _ => {
                    return Err(Error::Unsupported(format!(
                        "dictionary {name}'s RANGE({range})"
                    )));
                }
            }
        }
        for setting in &d.settings {
            create = create.settings(&setting.name, setting_value(&setting.name, &setting.value)?);
        }
        if let Some(comment) = &schema.comment {
            create = create.comment(comment);
        }
        Ok(create)
    }
}

/// The `CREATE` statement for a reflected schema, by its kind: a table, a view or
/// materialized view, or a dictionary.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use clickhouse_connect::Client;
/// use sea_query_clickhouse::{ChStatement, CreateStatement};
///
/// let client = Client::builder().url("http://localhost:8123").build()?;
/// let schema = client.reflect().table("default", "events").await?;
/// let ddl = CreateStatement::try_from(&schema)?.to_sql()?;
/// println!("{ddl}");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum CreateStatement {
    /// `CREATE TABLE`.
    Table(CreateTable),
    /// `CREATE [MATERIALIZED] VIEW`.
    View(CreateView),
    /// `CREATE DICTIONARY`.
    Dictionary(CreateDictionary),
}

impl TryFrom<&TableSchema> for CreateStatement {
    type Error = Error;

    /// The statement for the schema's kind; an error says why a schema cannot be rendered
    /// (hidden columns, an object reflection does not model, a hidden password).
    fn try_from(schema: &TableSchema) -> Result<Self> {
        Ok(match &schema.kind {
            TableKind::View | TableKind::MaterializedView(_) => {
                CreateStatement::View(CreateView::try_from(schema)?)
            }
            TableKind::Dictionary(_) => {
                CreateStatement::Dictionary(CreateDictionary::try_from(schema)?)
            }
            _ => CreateStatement::Table(table(schema)?),
        })
    }
}

impl ChStatement for CreateStatement {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        match self {
            CreateStatement::Table(s) => s.render(sql),
            CreateStatement::View(s) => s.render(sql),
            CreateStatement::Dictionary(s) => s.render(sql),
        }
    }
}
