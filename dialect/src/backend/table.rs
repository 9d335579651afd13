//! `TableBuilder` for ClickHouse: sea-query's CREATE/DROP/RENAME/TRUNCATE TABLE with
//! ClickHouse column types. What sea-query's statements cannot say (engine parameters,
//! ORDER BY, column codecs, ...) lives on [`CreateTable`](crate::CreateTable); ALTER TABLE on
//! [`AlterTable`](crate::AlterTable). Constructs ClickHouse lacks are written so the server
//! rejects them rather than dropped.

use sea_query::{
    ColumnDef, ColumnType, MysqlQueryBuilder, SqlWriter, TableAlterStatement, TableBuilder,
    TableCreateStatement, TableRef, TableRefBuilder, TableRenameStatement,
};

use super::report::unsupported;
use super::{ClickHouseQueryBuilder, probe};
use crate::ddl::ChColumn;
use crate::error::Error;
use crate::literal;
use crate::types::column_type;

/// The reason an error names, without its kind's prefix.
fn reason(error: Error) -> String {
    match error {
        Error::Unsupported(reason) | Error::InvalidInput(reason) => reason,
        other => other.to_string(),
    }
}

impl TableBuilder for ClickHouseQueryBuilder {
    fn prepare_column_def(&self, column_def: &ColumnDef, sql: &mut impl SqlWriter) {
        let mut out = String::new();
        match ChColumn::from(column_def.clone()).write(&mut out) {
            Ok(()) => {
                let _ = sql.write_str(&out);
            }
            Err(e) => {
                let _ = literal::write_identifier(sql, &column_def.get_column_name());
                let _ = sql.write_str(" ");
                unsupported(sql, reason(e));
            }
        }
    }

    fn prepare_column_type(&self, ty: &ColumnType, sql: &mut impl SqlWriter) {
        match column_type(ty) {
            Ok(text) => {
                let _ = sql.write_str(&text);
            }
            Err(e) => unsupported(sql, reason(e)),
        }
    }

    fn column_spec_auto_increment_keyword(&self) -> &str {
        "AUTO_INCREMENT"
    }

    fn prepare_table_opt(&self, create: &TableCreateStatement, sql: &mut impl SqlWriter) {
        self.prepare_table_opt_def(create, sql);
        if let (Some(comment), None) = (create.get_comment(), create.get_extra()) {
            let _ = sql.write_str(" COMMENT ");
            let _ = literal::write_string(sql, comment.as_bytes());
        }
    }

    fn prepare_table_alter_statement(&self, _: &TableAlterStatement, sql: &mut impl SqlWriter) {
        let _ = sql.write_str(
            "SELECT throwError('sea-query TableAlterStatement cannot be rendered for ClickHouse; use sea_query_clickhouse::AlterTable')",
        );
    }

    fn prepare_table_rename_statement(
        &self,
        rename: &TableRenameStatement,
        sql: &mut impl SqlWriter,
    ) {
        // The statement's names are private to sea-query; MySQL writes the same
        // `RENAME TABLE a TO b` with back-quoted names, and panics on anything but plain names.
        if probe::rename_is_plain(&probe::skeleton(rename)) {
            MysqlQueryBuilder.prepare_table_rename_statement(rename, sql);
        } else {
            let _ = sql.write_str("RENAME TABLE ");
            unsupported(
                sql,
                "RENAME TABLE of something that is not a plain table name",
            );
        }
    }

    fn prepare_table_ref_table_stmt(&self, table_ref: &TableRef, sql: &mut impl SqlWriter) {
        match table_ref {
            TableRef::Table(_, Some(_)) => unsupported(sql, "a table alias in a schema statement"),
            _ => self.prepare_table_ref_iden(table_ref, sql),
        }
    }
}
