//! CREATE DATABASE and DROP DATABASE.

use sea_query::{Expr, SqlWriter};

use super::{inline_expr, on_cluster};
use crate::error::{Error, Result};
use crate::literal;
use crate::select::is_identifier;
use crate::statement::ChStatement;

/// `CREATE DATABASE [IF NOT EXISTS] name [ON CLUSTER c] [ENGINE = e[(args)]] [COMMENT '..']`.
///
/// ```
/// use sea_query::Expr;
/// use sea_query_clickhouse::{ChStatement, CreateDatabase};
/// let sql = CreateDatabase::new("analytics").if_not_exists().engine("Atomic").to_sql().unwrap();
/// assert_eq!(sql, "CREATE DATABASE IF NOT EXISTS `analytics` ENGINE = Atomic");
/// let replicated = CreateDatabase::new("r")
///     .engine_with_args("Replicated", ["/clickhouse/r", "{shard}", "{replica}"].map(Expr::val));
/// assert_eq!(
///     replicated.to_sql().unwrap(),
///     "CREATE DATABASE `r` ENGINE = Replicated('/clickhouse/r', '{shard}', '{replica}')"
/// );
/// ```
#[derive(Debug, Clone)]
pub struct CreateDatabase {
    name: String,
    if_not_exists: bool,
    on_cluster: Option<String>,
    engine: Option<(String, Option<Vec<Expr>>)>,
    comment: Option<String>,
}

impl CreateDatabase {
    /// `CREATE DATABASE name`.
    pub fn new(name: &str) -> Self {
        CreateDatabase {
            name: name.to_owned(),
            if_not_exists: false,
            on_cluster: None,
            engine: None,
            comment: None,
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
    /// `ENGINE = name` (`Atomic`, `Memory`, ...; a plain name).
    pub fn engine(mut self, engine: &str) -> Self {
        self.engine = Some((engine.to_owned(), None));
        self
    }
    /// `ENGINE = name(args)` (`Replicated('/path', '{shard}', '{replica}')`,
    /// `Filesystem('/dir')`, `MySQL(...)`, ...). The arguments are expressions written inline:
    /// `Expr::val("text")` for a string, `Expr::cust(..)` for raw text.
    pub fn engine_with_args<E: Into<Expr>>(
        mut self,
        engine: &str,
        args: impl IntoIterator<Item = E>,
    ) -> Self {
        let args = args.into_iter().map(Into::into).collect();
        self.engine = Some((engine.to_owned(), Some(args)));
        self
    }
    /// `COMMENT 'text'`.
    pub fn comment(mut self, text: &str) -> Self {
        self.comment = Some(text.to_owned());
        self
    }
}

impl ChStatement for CreateDatabase {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        let mut out = String::from("CREATE DATABASE ");
        if self.if_not_exists {
            out.push_str("IF NOT EXISTS ");
        }
        let _ = literal::write_identifier(&mut out, &self.name);
        on_cluster(&mut out, &self.on_cluster);
        if let Some((engine, args)) = &self.engine {
            if !is_identifier(engine) {
                return Err(Error::InvalidInput(format!(
                    "{engine:?} is not an engine name"
                )));
            }
            out.push_str(" ENGINE = ");
            out.push_str(engine);
            if let Some(args) = args {
                let args: Vec<String> = args.iter().map(inline_expr).collect();
                out.push('(');
                out.push_str(&args.join(", "));
                out.push(')');
            }
        }
        if let Some(c) = &self.comment {
            out.push_str(" COMMENT ");
            out.push_str(&literal::quote(c));
        }
        sql.write_str(&out)
            .map_err(|_| Error::InvalidInput("the SQL writer failed".into()))
    }
}

/// `DROP DATABASE [IF EXISTS] name [ON CLUSTER c] [SYNC]`.
#[derive(Debug, Clone)]
pub struct DropDatabase {
    name: String,
    if_exists: bool,
    on_cluster: Option<String>,
    sync: bool,
}

impl DropDatabase {
    /// `DROP DATABASE name`.
    pub fn new(name: &str) -> Self {
        DropDatabase {
            name: name.to_owned(),
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
    /// `SYNC`: wait until the data is gone.
    pub fn sync(mut self) -> Self {
        self.sync = true;
        self
    }
}

impl ChStatement for DropDatabase {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        let mut out = String::from("DROP DATABASE ");
        if self.if_exists {
            out.push_str("IF EXISTS ");
        }
        let _ = literal::write_identifier(&mut out, &self.name);
        on_cluster(&mut out, &self.on_cluster);
        if self.sync {
            out.push_str(" SYNC");
        }
        sql.write_str(&out)
            .map_err(|_| Error::InvalidInput("the SQL writer failed".into()))
    }
}
