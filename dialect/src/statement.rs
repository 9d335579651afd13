//! [`ChStatement`]: one way to render any statement the dialect supports, inline, with `?`
//! placeholders, or with typed server-side parameters.

use sea_query::{
    DeleteStatement, InsertStatement, QueryBuilder, SelectStatement, SqlWriter, SqlWriterValues,
    TableBuilder, TableCreateStatement, TableDropStatement, TableRenameStatement,
    TableTruncateStatement, UpdateStatement, Values,
};

use crate::backend::ClickHouseQueryBuilder;
use crate::backend::report::Collect;
use crate::error::{Error, Result};
use crate::params::{InlineWriter, ParamWriter, TypedQuery};

const CH: ClickHouseQueryBuilder = ClickHouseQueryBuilder;

/// A statement the ClickHouse dialect can render.
///
/// The three renderings return [`Error::Unsupported`] for any construct ClickHouse cannot
/// express, including those met deep inside sea-query's rendering (an operator without a
/// ClickHouse counterpart, a subquery where a table name is needed, ...).
pub trait ChStatement {
    /// Writes the statement into `sql`; values go through `sql.push_param`.
    ///
    /// Constructs met inside sea-query's hooks are reported to the three renderings below, not
    /// by `render` itself: call those.
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()>;

    /// The `FORMAT` this statement asks the server for, if any (see
    /// [`ChSelect::format`](crate::ChSelect::format)).
    fn output_format(&self) -> Option<&str> {
        None
    }

    /// The SQL with values inline as ClickHouse literals.
    fn to_sql(&self) -> Result<String> {
        let collect = Collect::begin();
        let mut writer = InlineWriter::default();
        self.render(&mut writer)?;
        collect.finish()?;
        writer.finish()
    }

    /// The SQL with `?` placeholders, and the values in order.
    fn build_values(&self) -> Result<(String, Values)> {
        let collect = Collect::begin();
        let mut writer = SqlWriterValues::new("?", false);
        self.render(&mut writer)?;
        collect.finish()?;
        Ok(writer.into_parts())
    }

    /// The SQL with typed `{pN:Type}` placeholders, and the parameters for the driver.
    fn build_typed(&self) -> Result<TypedQuery> {
        let collect = Collect::begin();
        let mut writer = ParamWriter::new();
        self.render(&mut writer)?;
        collect.finish()?;
        writer.finish()
    }
}

impl ChStatement for SelectStatement {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        CH.prepare_select_statement(self, sql);
        Ok(())
    }
}

impl ChStatement for InsertStatement {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        CH.prepare_insert_statement(self, sql);
        Ok(())
    }
}

/// A lightweight `UPDATE t SET ... WHERE ...` (needs a server and table that support it).
impl ChStatement for UpdateStatement {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        CH.prepare_update_statement(self, sql);
        Ok(())
    }
}

/// A lightweight DELETE; ORDER BY and LIMIT are errors.
impl ChStatement for DeleteStatement {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        crate::delete::check_delete(self)?;
        CH.prepare_delete_statement(self, sql);
        Ok(())
    }
}

/// Schema statements are always rendered with inline literals.
fn inline(sql: &mut impl SqlWriter, render: impl FnOnce(&mut String)) -> Result<()> {
    let mut text = String::new();
    render(&mut text);
    sql.write_str(&text)
        .map_err(|_| Error::InvalidInput("the SQL writer failed".into()))
}

impl ChStatement for TableCreateStatement {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        for column in self.get_columns() {
            crate::ddl::ChColumn::from(column.clone()).check()?;
        }
        inline(sql, |s| CH.prepare_table_create_statement(self, s))
    }
}

/// `DROP TABLE`; CASCADE and RESTRICT are errors.
impl ChStatement for TableDropStatement {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        let mut probe = String::new();
        CH.prepare_table_drop_statement(self, &mut probe);
        if probe.ends_with(" CASCADE") || probe.ends_with(" RESTRICT") {
            return Err(Error::Unsupported("DROP TABLE ... CASCADE/RESTRICT".into()));
        }
        inline(sql, |s| s.push_str(&probe))
    }
}

impl ChStatement for TableRenameStatement {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        inline(sql, |s| CH.prepare_table_rename_statement(self, s))
    }
}

impl ChStatement for TableTruncateStatement {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        inline(sql, |s| CH.prepare_table_truncate_statement(self, s))
    }
}

impl ChStatement for sea_query::WithQuery {
    fn render(&self, sql: &mut impl SqlWriter) -> Result<()> {
        CH.prepare_with_query(self, sql);
        Ok(())
    }
}
