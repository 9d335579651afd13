//! [`AlterTable`]: ALTER TABLE column changes (ADD, DROP, MODIFY, RENAME, COMMENT COLUMN).

use sea_query::{DynIden, IntoIden, IntoTableRef, SqlWriter, TableRef};

use super::create_table::write_table_name;
use super::{ChColumn, on_cluster};
use crate::error::{Error, Result};
use crate::literal;
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
