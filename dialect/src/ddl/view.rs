//! [`CreateView`] (plain and materialized views) and [`DropView`].

use sea_query::{Expr, IntoTableRef, SqlWriter, TableRef};

use super::create_table::{Storage, storage_methods, write_columns, write_table_name};
use super::{ChColumn, Engine, on_cluster};
use crate::error::{Error, Result};
use crate::literal;
use crate::select::{ChSelect, SettingValue};
use crate::statement::ChStatement;

/// `CREATE VIEW` and `CREATE MATERIALIZED VIEW`.
///
/// A plain view: `CREATE [OR REPLACE] VIEW [IF NOT EXISTS] v [ON CLUSTER c] [(columns)] AS
/// SELECT ... [COMMENT '..']`. A materialized view stores what its SELECT returns for each
/// insert into the source table, either in its own storage or in another table:
/// `CREATE [OR REPLACE] MATERIALIZED VIEW [IF NOT EXISTS] v [ON CLUSTER c] [TO t] [(columns)]
/// [ENGINE = .. ORDER BY ..] [POPULATE] AS SELECT ... [COMMENT '..']`. The SELECT is written with inline
/// literals, like all DDL.
///
/// ```
/// use sea_query::{Expr, ExprTrait, Query};
/// use sea_query_clickhouse::{ChStatement, CreateView, Engine};
///
/// let select = Query::select().columns(["id", "kind"]).from("events").and_where(Expr::col("id").gt(10)).to_owned();
/// let view = CreateView::new("recent", select.clone()).or_replace();
/// assert_eq!(
///     view.to_sql().unwrap(),
///     "CREATE OR REPLACE VIEW `recent` AS SELECT `id`, `kind` FROM `events` WHERE `id` > 10"
/// );
/// let into = CreateView::materialized("copy", select.clone()).to("archive");
/// assert_eq!(
///     into.to_sql().unwrap(),
///     "CREATE MATERIALIZED VIEW `copy` TO `archive` AS SELECT `id`, `kind` FROM `events` WHERE `id` > 10"
/// );
/// let stored = CreateView::materialized("kept", select)
///     .engine(Engine::MergeTree)
///     .order_by([Expr::col("id")])
///     .populate();
/// assert_eq!(
///     stored.to_sql().unwrap(),
///     "CREATE MATERIALIZED VIEW `kept` ENGINE = MergeTree ORDER BY `id` POPULATE AS SELECT `id`, `kind` FROM `events` WHERE `id` > 10"
/// );
/// ```
#[derive(Debug, Clone)]
pub struct CreateView {
    name: TableRef,
    materialized: bool,
    or_replace: bool,
    if_not_exists: bool,
    on_cluster: Option<String>,
    to: Option<TableRef>,
    columns: Vec<ChColumn>,
    pub(crate) storage: Storage,
    populate: bool,
    query: ViewQuery,
    refresh: Option<String>,
    comment: Option<String>,
}

/// A view's query: built with sea-query, or SQL text (a reflected view's `as_select`).
#[derive(Debug, Clone)]
enum ViewQuery {
    Select(Box<ChSelect>),
    Sql(String),
}

impl CreateView {
    /// `CREATE VIEW name AS select`.
    pub fn new(name: impl IntoTableRef, select: impl Into<ChSelect>) -> Self {
        CreateView {
            name: name.into_table_ref(),
            materialized: false,
            or_replace: false,
            if_not_exists: false,
            on_cluster: None,
            to: None,
            columns: Vec::new(),
            storage: Storage::default(),
            populate: false,
            query: ViewQuery::Select(Box::new(select.into())),
            refresh: None,
            comment: None,
        }
    }

    /// `CREATE VIEW name AS sql`, the query given as SQL text (as a reflected view's query is,
    /// in [`TableSchema::query`](clickhouse_connect::reflect::TableSchema::query)). The text is
    /// written as it is: it must be one `SELECT` (or `WITH ... SELECT`) statement.
    ///
    /// ```
    /// use sea_query_clickhouse::{ChStatement, CreateView};
    /// let view = CreateView::new_sql("big", "SELECT id FROM events WHERE size > 10");
    /// assert_eq!(view.to_sql().unwrap(), "CREATE VIEW `big` AS SELECT id FROM events WHERE size > 10");
    /// ```
    pub fn new_sql(name: impl IntoTableRef, sql: &str) -> Self {
        CreateView {
            query: ViewQuery::Sql(sql.to_owned()),
            ..Self::new(name, sea_query::Query::select())
        }
    }

    /// `CREATE MATERIALIZED VIEW name ... AS sql`, the query given as SQL text (see
    /// [`new_sql`](Self::new_sql)).
    pub fn materialized_sql(name: impl IntoTableRef, sql: &str) -> Self {
        CreateView {
            materialized: true,
            ..Self::new_sql(name, sql)
        }
    }

    /// `CREATE MATERIALIZED VIEW name ... AS select`: give it a storage
    /// ([`engine`](Self::engine) and its clauses) or a target table ([`to`](Self::to)).
    pub fn materialized(name: impl IntoTableRef, select: impl Into<ChSelect>) -> Self {
        CreateView {
            materialized: true,
            ..Self::new(name, select)
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

    /// `TO table`: a materialized view that writes into an existing table (no storage of its
    /// own, so no [`engine`](Self::engine)).
    pub fn to(mut self, table: impl IntoTableRef) -> Self {
        self.to = Some(table.into_table_ref());
        self
    }

    /// Adds a sea-query column to the view's column list.
    pub fn col(mut self, column: impl Into<sea_query::ColumnDef>) -> Self {
        self.columns.push(ChColumn::from(column.into()));
        self
    }

    /// Adds a ClickHouse column to the view's column list.
    pub fn column(mut self, column: ChColumn) -> Self {
        self.columns.push(column);
        self
    }

    storage_methods!();

    /// `POPULATE`: fill a materialized view with the source's current rows when it is created
    /// (rows inserted meanwhile may be missed).
    pub fn populate(mut self) -> Self {
        self.populate = true;
        self
    }

    /// `REFRESH ...` of a refreshable materialized view, written as given (`EVERY 1 HOUR`,
    /// `AFTER 10 MINUTE APPEND`), without the `REFRESH` keyword.
    pub fn refresh(mut self, schedule: &str) -> Self {
        self.refresh = Some(schedule.to_owned());
        self
    }

    /// `COMMENT 'text'`.
    pub fn comment(mut self, text: &str) -> Self {
        self.comment = Some(text.to_owned());
        self
    }
}

impl ChStatement for CreateView {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        if !self.materialized && (self.to.is_some() || !self.storage.is_empty() || self.populate) {
            return Err(Error::InvalidInput(
                "TO, ENGINE and POPULATE belong to a materialized view (CreateView::materialized)"
                    .into(),
            ));
        }
        if self.to.is_some() && !self.storage.is_empty() {
            return Err(Error::Unsupported(
                "a materialized view with both TO and its own storage (ENGINE ...)".into(),
            ));
        }
        let query = match &self.query {
            ViewQuery::Select(select) => {
                if let Some(format) = select.output_format() {
                    return Err(Error::InvalidInput(format!(
                        "FORMAT {format} in a view's SELECT"
                    )));
                }
                select.to_sql()?
            }
            ViewQuery::Sql(sql) if sql.trim().is_empty() => {
                return Err(Error::InvalidInput("a view without a query".into()));
            }
            ViewQuery::Sql(sql) => sql.clone(),
        };
        if self.refresh.is_some() && !self.materialized {
            return Err(Error::InvalidInput(
                "REFRESH belongs to a materialized view (CreateView::materialized)".into(),
            ));
        }
        let mut out = String::from("CREATE ");
        if self.or_replace {
            out.push_str("OR REPLACE ");
        }
        out.push_str(if self.materialized {
            "MATERIALIZED VIEW "
        } else {
            "VIEW "
        });
        if self.if_not_exists {
            out.push_str("IF NOT EXISTS ");
        }
        write_table_name(&mut out, &self.name)?;
        on_cluster(&mut out, &self.on_cluster);
        if let Some(refresh) = &self.refresh {
            out.push_str(" REFRESH ");
            out.push_str(refresh);
        }
        if let Some(to) = &self.to {
            out.push_str(" TO ");
            write_table_name(&mut out, to)?;
        }
        write_columns(&mut out, &self.columns)?;
        self.storage.write(&mut out)?;
        if self.populate {
            out.push_str(" POPULATE");
        }
        out.push_str(" AS ");
        out.push_str(&query);
        if let Some(c) = &self.comment {
            out.push_str(" COMMENT ");
            out.push_str(&literal::quote(c));
        }
        sql.write_str(&out)
            .map_err(|_| Error::InvalidInput("the SQL writer failed".into()))
    }
}

/// `DROP VIEW [IF EXISTS] name [ON CLUSTER c] [SYNC]`, for plain and materialized views.
///
/// ```
/// use sea_query_clickhouse::{ChStatement, DropView};
/// assert_eq!(DropView::new("v").if_exists().to_sql().unwrap(), "DROP VIEW IF EXISTS `v`");
/// ```
#[derive(Debug, Clone)]
pub struct DropView {
    name: TableRef,
    if_exists: bool,
    on_cluster: Option<String>,
    sync: bool,
}

impl DropView {
    /// `DROP VIEW name`.
    pub fn new(name: impl IntoTableRef) -> Self {
        DropView {
            name: name.into_table_ref(),
            if_exists: false,
            on_cluster: None,
            sync: false,
        }
    }
    /// `IF EXISTS`.
    pub fn if_exists(mut self) -> Self {
        self.if_exists = true;
        self
    }
    /// `ON CLUSTER name`.
    pub fn on_cluster(mut self, cluster: &str) -> Self {
        self.on_cluster = Some(cluster.to_owned());
        self
    }
    /// `SYNC`: wait until the view is gone.
    pub fn sync(mut self) -> Self {
        self.sync = true;
        self
    }
}

impl ChStatement for DropView {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        let mut out = String::from("DROP VIEW ");
        if self.if_exists {
            out.push_str("IF EXISTS ");
        }
        write_table_name(&mut out, &self.name)?;
        on_cluster(&mut out, &self.on_cluster);
        if self.sync {
            out.push_str(" SYNC");
        }
        sql.write_str(&out)
            .map_err(|_| Error::InvalidInput("the SQL writer failed".into()))
    }
}
