//! [`AlterTable`]: ALTER TABLE changes: columns (ADD, DROP, MODIFY, RENAME, COMMENT, REMOVE
//! a property, move), indexes, projections, constraints, TTL, sorting and sampling keys,
//! settings and the table comment.

use sea_query::{DynIden, Expr, IntoIden, IntoTableRef, SqlWriter, TableRef};

use super::create_table::{Element, write_table_name};
use super::{ChColumn, inline_expr, on_cluster};
use crate::error::{Error, Result};
use crate::literal;
use crate::select::{SettingValue, write_settings};
use crate::statement::ChStatement;

#[derive(Debug, Clone)]
enum Position {
    First,
    After(DynIden),
}

#[derive(Debug, Clone)]
enum Op {
    Add(ChColumn, bool, Option<Position>),
    Drop(DynIden, bool),
    Modify(ChColumn, bool, Option<Position>),
    Rename(DynIden, DynIden, bool),
    Comment(DynIden, String, bool),
    /// `MODIFY COLUMN name REMOVE property`.
    Remove(DynIden, &'static str),
    /// `MODIFY COLUMN name type FIRST|AFTER c`: a move.
    Move(DynIden, String, Position),
    AddElement(Element),
    DropElement(&'static str, String),
    ModifyTtl(Expr),
    RemoveTtl,
    ModifyOrderBy(String),
    ModifySampleBy(Expr),
    RemoveSampleBy,
    ModifySetting(String, SettingValue),
    ResetSetting(String),
    ModifyComment(String),
}

/// A property [`AlterTable::remove_column_property`] takes from a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColumnProperty {
    /// `DEFAULT`.
    Default,
    /// `MATERIALIZED`.
    Materialized,
    /// `EPHEMERAL`.
    Ephemeral,
    /// `ALIAS`.
    Alias,
    /// `CODEC`.
    Codec,
    /// `COMMENT`.
    Comment,
    /// `TTL`.
    Ttl,
}

impl ColumnProperty {
    fn keyword(self) -> &'static str {
        match self {
            ColumnProperty::Default => "DEFAULT",
            ColumnProperty::Materialized => "MATERIALIZED",
            ColumnProperty::Ephemeral => "EPHEMERAL",
            ColumnProperty::Alias => "ALIAS",
            ColumnProperty::Codec => "CODEC",
            ColumnProperty::Comment => "COMMENT",
            ColumnProperty::Ttl => "TTL",
        }
    }
}

/// `ALTER TABLE t [ON CLUSTER c] <column change>, ...`.
///
/// ```
/// use sea_query_clickhouse::{AlterTable, ChColumn, ChStatement};
/// let alter = AlterTable::new("events")
///     .add_column(ChColumn::new("x", "Int32"), true)
///     .after("id")
///     .drop_column("y", true);
/// assert_eq!(
///     alter.to_sql().unwrap(),
///     "ALTER TABLE `events` ADD COLUMN IF NOT EXISTS `x` Int32 AFTER `id`, DROP COLUMN IF EXISTS `y`"
/// );
/// ```
#[derive(Debug, Clone)]
pub struct AlterTable {
    table: TableRef,
    on_cluster: Option<String>,
    ops: Vec<Op>,
}

impl AlterTable {
    /// `ALTER TABLE table`.
    pub fn new(table: impl IntoTableRef) -> Self {
        AlterTable {
            table: table.into_table_ref(),
            on_cluster: None,
            ops: Vec::new(),
        }
    }
    /// `ON CLUSTER name`.
    pub fn on_cluster(mut self, cluster: &str) -> Self {
        self.on_cluster = Some(cluster.to_owned());
        self
    }
    /// `ADD COLUMN [IF NOT EXISTS] column`.
    pub fn add_column(mut self, column: impl Into<ChColumn>, if_not_exists: bool) -> Self {
        self.ops.push(Op::Add(column.into(), if_not_exists, None));
        self
    }
    /// `DROP COLUMN [IF EXISTS] name`.
    pub fn drop_column(mut self, name: impl IntoIden, if_exists: bool) -> Self {
        self.ops.push(Op::Drop(name.into_iden(), if_exists));
        self
    }
    /// `MODIFY COLUMN [IF EXISTS] column`.
    pub fn modify_column(mut self, column: impl Into<ChColumn>, if_exists: bool) -> Self {
        self.ops.push(Op::Modify(column.into(), if_exists, None));
        self
    }
    /// `RENAME COLUMN [IF EXISTS] from TO to`.
    pub fn rename_column(
        mut self,
        from: impl IntoIden,
        to: impl IntoIden,
        if_exists: bool,
    ) -> Self {
        self.ops
            .push(Op::Rename(from.into_iden(), to.into_iden(), if_exists));
        self
    }
    /// `COMMENT COLUMN [IF EXISTS] name 'text'`.
    pub fn comment_column(mut self, name: impl IntoIden, text: &str, if_exists: bool) -> Self {
        self.ops
            .push(Op::Comment(name.into_iden(), text.to_owned(), if_exists));
        self
    }
    /// `MODIFY COLUMN name REMOVE property`: takes the column's default, codec, comment or TTL
    /// away.
    pub fn remove_column_property(mut self, name: impl IntoIden, property: ColumnProperty) -> Self {
        self.ops
            .push(Op::Remove(name.into_iden(), property.keyword()));
        self
    }
    /// `MODIFY COLUMN name type AFTER column` (`FIRST` when `after` is `None`): moves a
    /// column, keeping its type (which the statement must repeat).
    pub fn move_column(
        mut self,
        name: impl IntoIden,
        column_type: &str,
        after: Option<DynIden>,
    ) -> Self {
        let position = match after {
            Some(a) => Position::After(a),
            None => Position::First,
        };
        self.ops
            .push(Op::Move(name.into_iden(), column_type.to_owned(), position));
        self
    }
    /// `ADD INDEX name expr TYPE index_type GRANULARITY granularity`.
    pub fn add_index(
        mut self,
        name: &str,
        expr: impl Into<Expr>,
        index_type: &str,
        granularity: u64,
    ) -> Self {
        self.ops.push(Op::AddElement(Element::Index {
            name: name.to_owned(),
            expr: expr.into(),
            index_type: index_type.to_owned(),
            granularity,
        }));
        self
    }
    /// `DROP INDEX name`.
    pub fn drop_index(mut self, name: &str) -> Self {
        self.ops.push(Op::DropElement("INDEX", name.to_owned()));
        self
    }
    /// `ADD PROJECTION name (query)`, the query as SQL text.
    pub fn add_projection(mut self, name: &str, query: &str) -> Self {
        self.ops.push(Op::AddElement(Element::Projection {
            name: name.to_owned(),
            query: query.to_owned(),
        }));
        self
    }
    /// `DROP PROJECTION name`.
    pub fn drop_projection(mut self, name: &str) -> Self {
        self.ops
            .push(Op::DropElement("PROJECTION", name.to_owned()));
        self
    }
    /// `ADD CONSTRAINT name CHECK expr` (`ASSUME` when `assume`).
    pub fn add_constraint(mut self, name: &str, expr: impl Into<Expr>, assume: bool) -> Self {
        self.ops.push(Op::AddElement(Element::Constraint {
            name: name.to_owned(),
            assume,
            expr: expr.into(),
        }));
        self
    }
    /// `DROP CONSTRAINT name`.
    pub fn drop_constraint(mut self, name: &str) -> Self {
        self.ops
            .push(Op::DropElement("CONSTRAINT", name.to_owned()));
        self
    }
    /// `MODIFY TTL expr`.
    pub fn modify_ttl(mut self, expr: impl Into<Expr>) -> Self {
        self.ops.push(Op::ModifyTtl(expr.into()));
        self
    }
    /// `REMOVE TTL`.
    pub fn remove_ttl(mut self) -> Self {
        self.ops.push(Op::RemoveTtl);
        self
    }
    /// `MODIFY ORDER BY key`, the key as SQL text (`(a, b, c)`); the server allows it only
    /// to append columns added in the same statement.
    pub fn modify_order_by(mut self, key: &str) -> Self {
        self.ops.push(Op::ModifyOrderBy(key.to_owned()));
        self
    }
    /// `MODIFY SAMPLE BY expr`.
    pub fn modify_sample_by(mut self, expr: impl Into<Expr>) -> Self {
        self.ops.push(Op::ModifySampleBy(expr.into()));
        self
    }
    /// `REMOVE SAMPLE BY`.
    pub fn remove_sample_by(mut self) -> Self {
        self.ops.push(Op::RemoveSampleBy);
        self
    }
    /// `MODIFY SETTING name = value`.
    pub fn modify_setting(mut self, name: &str, value: impl Into<SettingValue>) -> Self {
        self.ops
            .push(Op::ModifySetting(name.to_owned(), value.into()));
        self
    }
    /// `RESET SETTING name`.
    pub fn reset_setting(mut self, name: &str) -> Self {
        self.ops.push(Op::ResetSetting(name.to_owned()));
        self
    }
    /// `MODIFY COMMENT 'text'` (the table's comment; empty removes it).
    pub fn modify_comment(mut self, text: &str) -> Self {
        self.ops.push(Op::ModifyComment(text.to_owned()));
        self
    }
    /// Places the last added or modified column `AFTER column`.
    pub fn after(self, column: impl IntoIden) -> Self {
        self.position(Position::After(column.into_iden()))
    }
    /// Places the last added or modified column `FIRST`.
    pub fn first(self) -> Self {
        self.position(Position::First)
    }
    fn position(mut self, position: Position) -> Self {
        if let Some(Op::Add(_, _, p) | Op::Modify(_, _, p)) = self.ops.last_mut() {
            *p = Some(position);
        }
        self
    }
}

fn iden(out: &mut String, i: &DynIden) {
    let _ = literal::write_identifier(out, &i.inner());
}

impl ChStatement for AlterTable {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        if self.ops.is_empty() {
            return Err(Error::InvalidInput("ALTER TABLE without changes".into()));
        }
        let mut out = String::from("ALTER TABLE ");
        write_table_name(&mut out, &self.table)?;
        on_cluster(&mut out, &self.on_cluster);
        for (i, op) in self.ops.iter().enumerate() {
            out.push_str(if i == 0 { " " } else { ", " });
            let (column, position) = match op {
                Op::Remove(name, what) => {
                    out.push_str("MODIFY COLUMN ");
                    iden(&mut out, name);
                    out.push_str(" REMOVE ");
                    out.push_str(what);
                    (None, &None)
                }
                Op::Move(name, ty, position) => {
                    if ty.is_empty() || !super::create_table::balanced(ty) {
                        return Err(Error::InvalidInput(format!("{ty:?} is not a column type")));
                    }
                    out.push_str("MODIFY COLUMN ");
                    iden(&mut out, name);
                    out.push(' ');
                    out.push_str(ty);
                    match position {
                        Position::First => out.push_str(" FIRST"),
                        Position::After(c) => {
                            out.push_str(" AFTER ");
                            iden(&mut out, c);
                        }
                    }
                    (None, &None)
                }
                Op::AddElement(element) => {
                    out.push_str("ADD ");
                    element.write(&mut out)?;
                    (None, &None)
                }
                Op::DropElement(what, name) => {
                    out.push_str("DROP ");
                    out.push_str(what);
                    out.push(' ');
                    let _ = literal::write_identifier(&mut out, name);
                    (None, &None)
                }
                Op::ModifyTtl(expr) => {
                    out.push_str("MODIFY TTL ");
                    out.push_str(&inline_expr(expr));
                    (None, &None)
                }
                Op::RemoveTtl => {
                    out.push_str("REMOVE TTL");
                    (None, &None)
                }
                Op::ModifyOrderBy(key) => {
                    if key.trim().is_empty() || !super::create_table::balanced(key) {
                        return Err(Error::InvalidInput(format!("{key:?} is not a sorting key")));
                    }
                    out.push_str("MODIFY ORDER BY ");
                    out.push_str(key);
                    (None, &None)
                }
                Op::ModifySampleBy(expr) => {
                    out.push_str("MODIFY SAMPLE BY ");
                    out.push_str(&inline_expr(expr));
                    (None, &None)
                }
                Op::RemoveSampleBy => {
                    out.push_str("REMOVE SAMPLE BY");
                    (None, &None)
                }
                Op::ModifySetting(name, value) => {
                    let mut text = String::new();
                    write_settings(&mut text, &[(name.clone(), value.clone())])?;
                    out.push_str("MODIFY SETTING ");
                    out.push_str(text.trim_start().trim_start_matches("SETTINGS "));
                    (None, &None)
                }
                Op::ResetSetting(name) => {
                    if !crate::select::is_identifier(name) {
                        return Err(Error::InvalidInput(format!(
                            "{name:?} is not a setting name"
                        )));
                    }
                    out.push_str("RESET SETTING ");
                    out.push_str(name);
                    (None, &None)
                }
                Op::ModifyComment(text) => {
                    out.push_str("MODIFY COMMENT ");
                    out.push_str(&literal::quote(text));
                    (None, &None)
                }
                Op::Add(c, ine, p) => {
                    out.push_str(if *ine {
                        "ADD COLUMN IF NOT EXISTS "
                    } else {
                        "ADD COLUMN "
                    });
                    (Some(c), p)
                }
                Op::Modify(c, ie, p) => {
                    out.push_str(if *ie {
                        "MODIFY COLUMN IF EXISTS "
                    } else {
                        "MODIFY COLUMN "
                    });
                    (Some(c), p)
                }
                Op::Drop(name, ie) => {
                    out.push_str(if *ie {
                        "DROP COLUMN IF EXISTS "
                    } else {
                        "DROP COLUMN "
                    });
                    iden(&mut out, name);
                    (None, &None)
                }
                Op::Rename(from, to, ie) => {
                    out.push_str(if *ie {
                        "RENAME COLUMN IF EXISTS "
                    } else {
                        "RENAME COLUMN "
                    });
                    iden(&mut out, from);
                    out.push_str(" TO ");
                    iden(&mut out, to);
                    (None, &None)
                }
                Op::Comment(name, text, ie) => {
                    out.push_str(if *ie {
                        "COMMENT COLUMN IF EXISTS "
                    } else {
                        "COMMENT COLUMN "
                    });
                    iden(&mut out, name);
                    out.push(' ');
                    out.push_str(&literal::quote(text));
                    (None, &None)
                }
            };
            if let Some(column) = column {
                column.write(&mut out)?;
            }
            match position {
                Some(Position::First) => out.push_str(" FIRST"),
                Some(Position::After(c)) => {
                    out.push_str(" AFTER ");
                    iden(&mut out, c);
                }
                None => {}
            }
        }
        sql.write_str(&out)
            .map_err(|_| Error::InvalidInput("the SQL writer failed".into()))
    }
}
